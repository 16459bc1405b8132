import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.impute import SimpleImputer
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler, TargetEncoder

from automl_core.data import plan_columns
from automl_core.model import ColumnStages, TypedFrame


@pytest.fixture(scope="module")
def typed(dataset):
    """Titanic's typed frame (float and category columns, with missing values), its target and
    a second frame with levels unseen at fit, on an index that is not a range."""
    frame, target, _ = dataset("titanic")
    X, y = frame.drop(columns=[target]), frame[target].to_numpy()
    types = TypedFrame(plan_columns(X)).fit(X.iloc[:600])
    train = types.transform(X.iloc[:600])
    test = types.transform(X.iloc[600:].set_axis(np.arange(1000, 1000 + len(X) - 600)))
    return train, y[:600], test


def _reference(numeric, categorical) -> ColumnTransformer:
    """What the engine used before: scikit-learn's ColumnTransformer with dtype selectors."""
    return ColumnTransformer(
        [
            ("num", numeric, make_column_selector(dtype_include="number")),
            ("cat", categorical, make_column_selector(dtype_include="category")),
        ],
        remainder="drop",
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")


CHAINS = {
    "passthrough": lambda: ("passthrough", "passthrough"),
    "onehot": lambda: (
        make_pipeline(SimpleImputer(), StandardScaler()),
        make_pipeline(
            SimpleImputer(strategy="most_frequent"),
            OneHotEncoder(handle_unknown="ignore", max_categories=8, sparse_output=False),
        ),
    ),
    "target": lambda: ("passthrough", TargetEncoder(cv=StratifiedKFold(5, shuffle=True, random_state=0))),
}


@pytest.mark.parametrize("chains", sorted(CHAINS))
def test_outputs_equal_column_transformers_at_fit_and_after(typed, chains):
    train, y, test = typed
    ours = ColumnStages(*CHAINS[chains]())
    reference = _reference(*CHAINS[chains]())
    # fit_transform: the chains' own fit_transform, so TargetEncoder's cross-fitting applies
    pd.testing.assert_frame_equal(ours.fit_transform(train, y), reference.fit_transform(train, y))
    out = ours.transform(test)
    pd.testing.assert_frame_equal(out, reference.transform(test))
    assert list(out.index) == list(test.index)
    assert list(ours.get_feature_names_out()) == list(reference.get_feature_names_out())


def test_chains_are_cloned_and_a_group_without_columns_is_skipped(typed):
    train, y, test = typed
    scaler = StandardScaler()
    numeric_only = train.select_dtypes("number")
    stages = ColumnStages(scaler, OneHotEncoder(sparse_output=False)).fit(numeric_only, y)
    assert not hasattr(scaler, "mean_")  # the given chain is a parameter, left unfitted
    assert [columns for _, columns in stages.groups_] == [list(numeric_only.columns)]
    assert list(stages.transform(test).columns) == list(numeric_only.columns)


def test_bad_input_is_named_and_the_fitted_step_pickles(typed):
    train, y, test = typed
    stages = ColumnStages("passthrough", OneHotEncoder(handle_unknown="ignore", sparse_output=False)).fit(train, y)
    with pytest.raises(ValueError, match="'Sex'"):
        stages.transform(test.drop(columns=["Sex"]))
    with pytest.raises(TypeError, match="DataFrame"):
        stages.transform(test.to_numpy())
    again = pickle.loads(pickle.dumps(stages))
    pd.testing.assert_frame_equal(again.transform(test), stages.transform(test))


def test_few_rows_are_joined_as_a_concat_would_join_them():
    from automl_core.model._stages import _join

    numbers = pd.DataFrame({"x": [1.0, np.nan], "i": pd.array([1, None], dtype="Int64")}, index=[5, 9])
    levels = pd.DataFrame({"c": pd.Categorical(["u", None], categories=["u", "v"]), "o": ["s", None]}, index=[5, 9])
    pd.testing.assert_frame_equal(_join([numbers, levels], numbers.index), pd.concat([numbers, levels], axis=1))
