"""The plugin's own transformers on real data: native categories, categorical imputation, clipping."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from automl_sklearn.coded_encoders import CodedOneHotEncoder
from automl_sklearn.encoders_extra import RareLevelGrouper
from automl_sklearn.transformers import (
    OTHER,
    CategoricalImputer,
    NativeCategoryEncoder,
    OrdinalCodeEncoder,
    QuantileClipper,
    recode,
)
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError


def test_native_encoder_fixes_categories_at_fit_and_turns_unseen_levels_into_nan(titanic):
    frame = titanic[["Sex", "Embarked", "Cabin"]]
    train, new = frame.iloc[:600], frame.iloc[600:]
    encoder = NativeCategoryEncoder().set_output(transform="pandas").fit(train)
    out = encoder.transform(new)

    assert all(isinstance(dtype, pd.CategoricalDtype) for dtype in out.dtypes)
    assert set(out["Embarked"].cat.categories) == {"S", "C", "Q"}
    assert set(out["Cabin"].cat.categories) == set(train["Cabin"].dropna())
    unseen = ~new["Cabin"].isin(train["Cabin"].dropna()) & new["Cabin"].notna()
    assert unseen.any()
    assert out.loc[unseen, "Cabin"].isna().all()
    seen = new["Cabin"].isin(train["Cabin"].dropna())
    assert (out.loc[seen, "Cabin"].astype(str) == new.loc[seen, "Cabin"].astype(str)).all()
    assert out["Embarked"].isna().sum() == new["Embarked"].isna().sum()
    assert list(encoder.get_feature_names_out()) == ["Sex", "Embarked", "Cabin"]


def test_native_encoder_groups_the_rare_levels_of_a_wide_column(titanic):
    tickets = titanic[["Ticket"]]  # 681 levels
    out = NativeCategoryEncoder(max_categories=255).fit_transform(tickets)

    categories = list(out["Ticket"].cat.categories)
    assert len(categories) == 255 and categories[-1] == OTHER
    assert {"347082", "1601", "CA. 2343"} <= set(categories)  # the most frequent tickets, 7 passengers each
    grouped = ~tickets["Ticket"].isin(categories[:-1])
    assert (out.loc[grouped, "Ticket"] == OTHER).all()
    assert out["Ticket"].notna().all()


def test_native_encoder_keeps_category_dtype_through_a_column_transformer(titanic):
    frame = titanic[["Sex", "Ticket", "Age"]]
    transformer = ColumnTransformer(
        [("cat", NativeCategoryEncoder(), ["Sex", "Ticket"])], remainder="passthrough", verbose_feature_names_out=False
    ).set_output(transform="pandas")
    out = transformer.fit_transform(frame)

    assert isinstance(out["Ticket"].dtype, pd.CategoricalDtype)
    assert len(out["Ticket"].cat.categories) == 255
    assert out["Age"].dtype == np.float64


def test_native_encoder_names_what_is_wrong(titanic):
    frame = titanic[["Sex", "Embarked"]]
    with pytest.raises(NotFittedError):
        NativeCategoryEncoder().transform(frame)
    with pytest.raises(ValueError, match="Embarked"):
        NativeCategoryEncoder().fit(frame).transform(frame[["Sex"]])
    with pytest.raises(TypeError, match="DataFrame"):
        NativeCategoryEncoder().fit(frame.to_numpy())
    with pytest.raises(ValueError, match="at least 2"):
        NativeCategoryEncoder(max_categories=1).fit(frame)


def test_categorical_imputer_fills_with_the_most_frequent_level(penguins):
    frame = penguins[["island", "sex"]]
    out = CategoricalImputer().set_output(transform="pandas").fit_transform(frame)

    assert out["sex"].notna().all()
    assert (out.loc[frame["sex"].isna(), "sex"] == "MALE").all()  # 168 MALE against 165 FEMALE
    assert list(out["sex"].cat.categories) == ["FEMALE", "MALE"]
    assert (out["island"].astype(str) == frame["island"].astype(str)).all()


def test_categorical_imputer_constant_adds_a_level_and_fills_unseen_levels(penguins):
    frame = penguins[["island", "sex"]]
    gentoo = penguins["species"] == "Gentoo"  # Gentoo penguins all live on Biscoe
    imputer = CategoricalImputer(strategy="constant").fit(frame[gentoo])
    new = frame[~gentoo]
    out = imputer.transform(new)

    assert "__missing__" in out["sex"].cat.categories
    assert (out.loc[new["sex"].isna(), "sex"] == "__missing__").all()
    assert list(out["island"].cat.categories) == ["Biscoe", "__missing__"]
    assert (out.loc[new["island"] == "Dream", "island"] == "__missing__").all()


def test_categorical_imputer_makes_levels_strings_so_encoders_never_meet_mixed_types(titanic):
    frame = pd.DataFrame({"Pclass": titanic["Pclass"].astype(int).astype("category")})
    frame.loc[:20, "Pclass"] = np.nan
    out = CategoricalImputer(strategy="constant").fit_transform(frame)

    assert list(out["Pclass"].cat.categories) == ["1", "2", "3", "__missing__"]


def test_quantile_clipper_clips_to_the_quantiles_and_keeps_nan(penguins):
    frame = penguins[["body_mass_g", "flipper_length_mm"]]
    frame.loc[:9, "body_mass_g"] = np.nan
    clipper = QuantileClipper(lower=0.05, upper=0.95).set_output(transform="pandas").fit(frame)
    out = clipper.transform(frame)

    low, high = frame["body_mass_g"].quantile([0.05, 0.95])
    assert out["body_mass_g"].min() == pytest.approx(low)
    assert out["body_mass_g"].max() == pytest.approx(high)
    assert out["body_mass_g"].isna().sum() == 10
    inside = frame["body_mass_g"].between(low, high)
    assert (out.loc[inside, "body_mass_g"] == frame.loc[inside, "body_mass_g"]).all()
    assert list(out.columns) == ["body_mass_g", "flipper_length_mm"]


def test_quantile_clipper_leaves_a_column_empty_at_fit_alone(penguins):
    frame = penguins[["body_mass_g"]].assign(empty=np.nan)
    out = QuantileClipper().fit(frame.iloc[:100]).transform(frame.assign(empty=1e9))

    assert (out[:, 1] == 1e9).all()
    with pytest.raises(ValueError, match="lower"):
        QuantileClipper(lower=0.6, upper=0.9).fit(frame)


@pytest.mark.parametrize("missing", [-1, np.nan])
def test_ordinal_code_encoder_outputs_what_scikit_learns_ordinal_encoder_does(titanic, missing):
    from automl_sklearn.transformers import OrdinalCodeEncoder
    from sklearn.preprocessing import OrdinalEncoder

    frame = titanic[["Sex", "Embarked", "Cabin", "Ticket"]]
    train, new = frame.iloc[:600], frame.iloc[600:]  # Cabin and Ticket have levels unseen in train
    theirs = (
        OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=missing, encoded_missing_value=missing)
        .set_output(transform="pandas")
        .fit(train)
    )
    ours = OrdinalCodeEncoder(missing_value=float(missing)).set_output(transform="pandas").fit(train)

    expected = theirs.transform(new)
    pd.testing.assert_frame_equal(ours.transform(new), expected)
    pd.testing.assert_frame_equal(ours.transform(new.astype(object)), expected)  # the row-by-row path
    assert list(ours.get_feature_names_out()) == list(expected.columns)


def _categorical_transformers():
    from automl_sklearn.encoders_extra import RareLevelGrouper
    from automl_sklearn.transformers import OrdinalCodeEncoder

    return [
        NativeCategoryEncoder(max_categories=50),
        CategoricalImputer(),
        CategoricalImputer(strategy="constant"),
        RareLevelGrouper(min_share=0.02),
        OrdinalCodeEncoder(missing_value=np.nan),
    ]


@pytest.mark.parametrize("transformer", _categorical_transformers(), ids=lambda t: type(t).__name__)
def test_category_columns_are_recoded_level_by_level_with_the_same_result_as_row_by_row(titanic, transformer):
    frame = titanic[["Embarked", "Cabin", "Ticket"]]  # missing values, levels unseen at fit, 681 tickets
    train, new = frame.iloc[:600], frame.iloc[600:]
    transformer.fit(train)
    fixed = new.astype({c: pd.CategoricalDtype(sorted(train[c].dropna().astype(str).unique())) for c in new.columns})
    assert fixed["Ticket"].isna().sum() > new["Ticket"].isna().sum()  # levels unseen at fit are NaN once typed

    for batch in (new, fixed):  # new: every level of the data set as a category, unseen ones included
        pd.testing.assert_frame_equal(transformer.transform(batch), transformer.transform(batch.astype(object)))


def test_recode_reuses_a_mapping_for_the_same_categories_only():
    made = []

    def mapping_of(categories):
        made.append(list(categories))
        return np.arange(len(categories))[::-1]

    memo = [None]
    first = pd.Series(pd.Categorical(["x", "y", None], categories=["x", "y"]))
    again = pd.Series(pd.Categorical.from_codes([1, 1, 0], dtype=first.dtype))  # the same categories object
    reordered = pd.Series(pd.Categorical(["x", "y"], categories=["y", "x"]))
    assert recode(first, mapping_of, 9, memo).tolist() == [1, 0, 9]
    assert recode(again, mapping_of, 9, memo).tolist() == [0, 0, 1] and len(made) == 1
    assert recode(reordered, mapping_of, 9, memo).tolist() == [0, 1] and made[-1] == ["y", "x"]
    assert recode(first.astype(object), mapping_of, 9, memo).tolist() == [1, 0, 9] and len(made) == 3


@pytest.mark.parametrize(
    "make",
    [
        NativeCategoryEncoder,
        CategoricalImputer,
        RareLevelGrouper,
        OrdinalCodeEncoder,
        lambda: CodedOneHotEncoder(handle_unknown="ignore", sparse_output=False),
    ],
)
def test_a_second_batch_of_the_same_types_gives_what_a_fresh_transformer_gives(titanic, make):
    """The typing step hands every batch the same categories object; the remembered mapping of
    the first batch must give the second exactly what an unpickled copy (no memory) gives."""
    frame = titanic[["Sex", "Embarked", "Cabin"]].astype("category")
    dtypes = {c: frame[c].dtype for c in frame.columns}

    def batch(rows):
        return pd.DataFrame({c: pd.Categorical(frame[c].iloc[rows], dtype=dtypes[c]) for c in frame.columns})

    transformer = make().fit(batch(slice(0, 600)))
    fresh = pickle.loads(pickle.dumps(transformer))
    transformer.transform(batch(slice(600, 700)))
    second = batch(slice(700, None))
    assert second["Cabin"].cat.categories is batch(slice(0, 5))["Cabin"].cat.categories
    remembered, made_now = transformer.transform(second), fresh.transform(second)
    if isinstance(remembered, pd.DataFrame):
        pd.testing.assert_frame_equal(remembered, made_now)
    else:
        np.testing.assert_array_equal(remembered, made_now)


@pytest.mark.parametrize(
    "make",
    [
        NativeCategoryEncoder,
        CategoricalImputer,
        RareLevelGrouper,
        OrdinalCodeEncoder,
        lambda: CodedOneHotEncoder(handle_unknown="ignore", sparse_output=False),
    ],
)
def test_a_refit_forgets_the_mappings_of_the_last_fit(titanic, make):
    """The same categories object after a refit on other rows: the mapping must be the new fit's."""
    frame = titanic[["Sex", "Embarked", "Cabin"]].astype("category")
    dtypes = {c: frame[c].dtype for c in frame.columns}

    def batch(rows):
        return pd.DataFrame({c: pd.Categorical(frame[c].iloc[rows], dtype=dtypes[c]) for c in frame.columns})

    transformer = make().fit(batch(slice(0, 300)))
    transformer.transform(batch(slice(600, None)))
    transformer.fit(batch(slice(300, 600)))
    refitted, fresh = transformer.transform(batch(slice(600, None))), pickle.loads(pickle.dumps(transformer))
    expected = fresh.transform(batch(slice(600, None)))
    if isinstance(refitted, pd.DataFrame):
        pd.testing.assert_frame_equal(refitted, expected)
    else:
        np.testing.assert_array_equal(refitted, expected)
