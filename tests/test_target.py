import numpy as np
import pandas as pd
import pytest

from automl_core.data import check_target, encode_target, infer_task
from automl_core.errors import DataError


@pytest.mark.parametrize(
    "name", ["titanic", "german_credit", "penguins", "wine_quality_white", "auto_mpg", "insurance_charges"]
)
def test_infers_the_manifest_task_on_real_targets(name, dataset):
    frame, target, task = dataset(name)
    assert infer_task(frame[target].dropna()) == task


def test_encode_target_gives_sorted_classes_and_indices():
    codes, classes = encode_target(pd.Series(["b", "a", "b", "c"]), "multiclass")
    assert list(classes) == ["a", "b", "c"]
    assert codes.tolist() == [1, 0, 1, 2]
    values, none = encode_target(pd.Series([1, 2.5]), "regression")
    assert none is None and values.dtype == np.float64


@pytest.mark.parametrize(
    "y, task, message",
    [
        (pd.Series(["a", "a", "a"]), None, "constant"),
        (pd.Series([5.0] * 4), None, r"'label' is constant \(5.0 in every row\)"),  # not "a single class"
        (pd.Series([5.0] * 4), "regression", "task 'regression' but target 'label' is constant"),
        (pd.Series(["a", "b", "b", "b"]), None, "class 'a' of target 'label' has 1 row"),
        (pd.Series([1, "b", "b", 2], dtype=object), None, "mixes values of types int, str"),
        # classes too small to learn and score: an identifier, or labels too fine for the rows
        (pd.Series([f"c{i}" for i in range(1000)]), None, r"'label' has 1,000 classes in 1,000 rows, and 100%"),
        (pd.Series([f"c{i % 1000}" for i in range(2000)]), None, r"'label' has 1,000 classes in 2,000 rows"),
        (
            pd.Series([f"c{i % 30}" for i in range(60)] + ["big"] * 50),
            "multiclass",
            r"55% of the rows .* 2 rows or fewer",
        ),
        (pd.Series(["a", "b", "c"]), "regression", "numeric target"),
        (pd.Series([1.0, np.inf, 2.0, 3.0]), "regression", "infinite"),
        (pd.Series([1, 2, 3]), "binary", "3 classes"),
        (pd.Series([1, 2]), "ranking", "unknown task"),
        (pd.Series([], dtype=float), None, "no non-missing"),
    ],
)
def test_bad_targets_are_named(y, task, message):
    with pytest.raises(DataError, match=message):
        check_target(y, task, "label")


def test_a_multiclass_target_with_some_rare_classes_is_served():
    # a few classes of one or two rows beside well-filled ones: valid data, learned as it is
    y = pd.Series(["a"] * 40 + ["b"] * 30 + ["c", "d", "d", "e"])
    assert check_target(y, None, "label") == "multiclass"
