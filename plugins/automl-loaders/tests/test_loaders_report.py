"""The numeric-text rule: which text columns become numbers, and which stay text."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from automl_loaders.report import convert_numeric_text, numeric_text


@pytest.mark.parametrize(
    ("values", "expected", "blanks"),
    [
        (["1", " 2.5 ", " ", None], [1.0, 2.5, np.nan, np.nan], 1),
        (["3", "4", ""], [3.0, 4.0, np.nan], 1),
        ([1.5, "2", "  "], [1.5, 2.0, np.nan], 1),  # glob of a numeric file and a text one
        (["7", "-8", "1e3"], [7.0, -8.0, 1000.0], 0),
    ],
)
def test_numbers_written_as_text_are_converted(values, expected, blanks):
    parsed, count = numeric_text(pd.Series(values, dtype=object))
    np.testing.assert_array_equal(parsed.to_numpy(dtype=float), np.array(expected, dtype=float))
    assert count == blanks


@pytest.mark.parametrize(
    "values",
    [
        ["1", "2", "three"],  # garbage keeps the text
        ["1,234", "5"],  # a thousands separator is not guessed
        [" ", "  ", None],  # nothing but blanks
        [True, "1"],  # booleans are not numbers
        [[1], "2"],  # nor are lists
        ["Yes", "No"],
    ],
)
def test_real_text_stays_text(values):
    assert numeric_text(pd.Series(values, dtype=object)) is None


def test_garbage_after_the_first_rows_still_keeps_the_text():
    values = pd.Series([str(i) for i in range(1000)] + ["oops"], dtype=object)
    assert numeric_text(values) is None


def test_kept_columns_are_left_alone():
    frame = pd.DataFrame({"zip": ["01234", "99999"], "amount": ["1", "2"]})
    frame, conversions = convert_numeric_text(frame, keep={"zip"})
    assert frame["zip"].tolist() == ["01234", "99999"]
    assert conversions == [{"column": "amount", "from": "object", "to": "int64", "blanks_as_missing": 0}]
