"""Category codes for the families that take categories natively (automl_core.model)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from automl_core import category_codes, code_matrix


@pytest.fixture(scope="module")
def titanic(dataset):
    frame, _, _ = dataset("titanic")
    return frame


def _by_value(values: pd.Series, levels: list) -> list[int]:
    """The expected codes, value by value: position among ``levels``, else -1."""
    position = {level: i for i, level in enumerate(levels)}
    return [-1 if pd.isna(v) else position.get(v, -1) for v in values]


def test_codes_of_strings_reordered_and_narrower_categories_follow_the_fitted_levels(titanic):
    fit_rows, new = titanic.iloc[:600], titanic.iloc[600:]
    for column in ("Embarked", "Cabin", "Ticket"):  # missing values; Cabin and Ticket have levels unseen at fit
        levels = sorted(fit_rows[column].dropna().unique())
        values = new[column]
        expected = _by_value(values, levels)
        assert -1 in expected
        as_object = category_codes(values, levels)
        own_levels = values.astype("category")  # the new rows' own levels, another set and order
        reordered = values.astype(pd.CategoricalDtype(levels[::-1]))
        for codes in (as_object, category_codes(own_levels, levels), category_codes(reordered, pd.Index(levels))):
            assert codes.tolist() == expected


def test_a_column_typed_with_the_fitted_levels_gives_its_own_codes_without_a_copy(titanic):
    levels = pd.Index(sorted(titanic["Cabin"].dropna().unique()), dtype=object)
    typed = pd.Series(pd.Categorical(titanic["Cabin"], dtype=pd.CategoricalDtype(levels)))
    codes = category_codes(typed, levels)
    assert np.shares_memory(codes, typed.array.codes)
    assert codes.tolist() == _by_value(titanic["Cabin"], list(levels))
    assert category_codes(typed, list(levels)).tolist() == codes.tolist()  # levels as a plain list (saved models)


def test_code_matrix_orders_columns_by_name_and_gives_nan_for_missing_and_unseen(titanic):
    fit_rows, new = titanic.iloc[:600], titanic.iloc[600:]
    levels = {c: sorted(fit_rows[c].dropna().unique()) for c in ("Sex", "Cabin")}
    matrix = code_matrix(new, ["Fare", "Cabin", "Age", "Sex"], levels)
    assert matrix.dtype == np.float64 and matrix.shape == (len(new), 4)
    np.testing.assert_array_equal(matrix[:, 0], new["Fare"].to_numpy())
    np.testing.assert_array_equal(matrix[:, 2], new["Age"].to_numpy())  # NaN where the age is missing
    cabin = np.array(_by_value(new["Cabin"], levels["Cabin"]), dtype=float)
    cabin[cabin < 0] = np.nan
    np.testing.assert_array_equal(matrix[:, 1], cabin)
    assert np.isnan(matrix[:, 1]).sum() > new["Cabin"].isna().sum()  # unseen cabins too
    np.testing.assert_array_equal(matrix[:, 3], (new["Sex"] == "male").astype(float).to_numpy())


def test_code_matrix_names_a_column_that_does_not_hold_numbers(titanic):
    with pytest.raises(ValueError, match="'Ticket'"):
        code_matrix(titanic, ["Fare", "Ticket"], {})
