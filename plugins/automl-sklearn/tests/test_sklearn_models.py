"""The model families inside pipelines built the way the engine builds them, on real data."""

from __future__ import annotations

import automl_sklearn.plugin
import numpy as np
import pandas as pd
import pytest
from automl_sklearn.models import boosting, neighbors
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags

from automl_core import BuildContext
from automl_core.testing import registered

FAMILIES = ["linear", "random_forest", "extra_trees", "hist_gradient_boosting", "knn"]


@pytest.fixture(scope="module")
def registry() -> dict:
    return registered(automl_sklearn.plugin)


def _context(task: str, X: pd.DataFrame, n_classes: int) -> BuildContext:
    categorical = tuple(c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype))
    numeric = tuple(c for c in X.columns if c not in categorical)
    return BuildContext(
        task=task,
        seed=0,
        n_jobs=1,
        n_rows=len(X),
        n_features=X.shape[1],
        n_classes=n_classes,
        numeric=numeric,
        categorical=categorical,
    )


def engine_pipeline(registry: dict, family_name: str, context: BuildContext, encoder=None) -> Pipeline:
    """numeric: impute (unless the family handles NaN) -> scale (if wanted); categorical: impute -> encode."""
    family = registry["model_family"][family_name]

    def step(name: str):
        return registry["preprocessor"][name].build({}, context)

    numeric = [] if family.handles_missing else [("impute", step("simple_imputer"))]
    numeric += [("scale", step("standard_scaler"))] if family.wants_scaling else []
    encoding = family.categorical[0]
    categorical = [] if encoding == "native" else [("impute", step("categorical_imputer"))]
    categorical.append(("encode", encoder if encoder is not None else step(encoding)))
    columns = ColumnTransformer(
        [
            ("num", Pipeline(numeric) if numeric else "passthrough", list(context.numeric)),
            ("cat", Pipeline(categorical), list(context.categorical)),
        ],
        verbose_feature_names_out=False,
    )
    model = family.build(family.defaults[0], context)
    return Pipeline([("columns", columns), ("model", model)]).set_output(transform="pandas")


@pytest.mark.slow
@pytest.mark.parametrize("family_name", FAMILIES)
def test_every_family_classifies_penguins(registry, penguins, family_name):
    X, y = penguins.drop(columns="species"), penguins["species"].cat.codes.to_numpy()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    pipeline = engine_pipeline(registry, family_name, _context("multiclass", X_train, 3)).fit(X_train, y_train)

    assert (pipeline.predict(X_test) == y_test).mean() > 0.9
    assert pipeline.predict_proba(X_test).shape == (len(X_test), 3)


@pytest.mark.slow
@pytest.mark.parametrize("family_name", FAMILIES)
def test_every_family_regresses_penguin_body_mass(registry, penguins, family_name):
    X, y = penguins.drop(columns="body_mass_g"), penguins["body_mass_g"].to_numpy()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
    pipeline = engine_pipeline(registry, family_name, _context("regression", X_train, 0)).fit(X_train, y_train)

    r2 = registry["evaluator"]["r2"].score(y_test, pipeline.predict(X_test))
    assert r2 > 0.7


@pytest.mark.slow
def test_boosting_takes_titanic_tickets_and_names_natively(registry, titanic):
    X, y = titanic.drop(columns="Survived"), titanic["Survived"].astype(int).to_numpy()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    context = _context("binary", X_train, 2)
    pipeline = engine_pipeline(registry, "hist_gradient_boosting", context).fit(X_train, y_train)

    encoded = pipeline.named_steps["columns"].transform(X_test)
    assert len(encoded["Name"].cat.categories) == 255  # 623 names, the rarer grouped into one level
    assert registry["evaluator"]["roc_auc"].score(y_test, pipeline.predict_proba(X_test)) > 0.8
    assert pipeline.named_steps["model"].n_iter_ < boosting.MAX_ITER  # it stopped early


def test_without_the_native_encoders_cap_boosting_refuses_wide_columns(registry, titanic):
    from automl_sklearn.transformers import NativeCategoryEncoder

    X, y = titanic.drop(columns="Survived"), titanic["Survived"].astype(int).to_numpy()
    pipeline = engine_pipeline(
        registry, "hist_gradient_boosting", _context("binary", X, 2), encoder=NativeCategoryEncoder(max_categories=1000)
    )
    with pytest.raises(ValueError, match="cardinality"):
        pipeline.fit(X, y)


@pytest.mark.slow
@pytest.mark.parametrize("task", ["binary", "regression"])
def test_boosting_fits_on_a_column_of_too_few_values_as_if_it_were_not_there(registry, titanic, task):
    X = titanic[["Pclass", "Age", "Fare", "Sex", "Embarked"]].assign(Unrecorded=np.nan)
    X.loc[3, "Unrecorded"] = 7.0  # one value: fewer than any min_samples_leaf, so never split on
    y = titanic["Survived" if task == "binary" else "Fare"].to_numpy()
    X = X.drop(columns="Fare") if task == "regression" else X
    family = registry["model_family"]["hist_gradient_boosting"]
    for params in family.defaults:
        model = family.build(params, _context(task, X, 2)).fit(X, y)
        output = model.predict_proba if task == "binary" else model.predict
        np.testing.assert_array_equal(output(X.assign(Unrecorded=3.0)), output(X))  # never split on
        if params["max_features"] == 1.0:  # every split sees every column: the same model as without it
            alone = family.build(params, _context(task, X, 2)).fit(X.drop(columns="Unrecorded"), y)
            expected = (alone.predict_proba if task == "binary" else alone.predict)(X.drop(columns="Unrecorded"))
            np.testing.assert_array_equal(output(X), expected)


@pytest.mark.slow
def test_a_column_with_one_value_fails_no_boosting_trial(datasets_dir):
    from automl_core import AutoML

    frame = pd.read_csv(datasets_dir / "german_credit.csv.gz")
    frame["rare_measure"] = np.nan
    frame.loc[5, "rare_measure"] = 1.5  # in one fold's validation rows: the other folds train without a value
    model = AutoML(time_budget=20, max_trials=4, families="hist_gradient_boosting", seed=0).fit(frame, target="default")
    assert set(model.leaderboard_["state"]) == {"complete"}, model.leaderboard_["error"].dropna().tolist()


@pytest.mark.slow
def test_a_species_of_two_penguins_fails_no_boosting_trial(dataset):
    """A fold's training rows then hold one Chinstrap: scikit-learn's stratified early-stopping
    split refused it, and every trial failed."""
    from automl_core import AutoML

    frame, target, _ = dataset("penguins")
    rare = frame[target] == "Chinstrap"
    frame = pd.concat([frame[~rare], frame[rare].head(2)], ignore_index=True)
    model = AutoML(time_budget=10, max_trials=2, families="hist_gradient_boosting", seed=0).fit(frame, target=target)

    assert set(model.leaderboard_["state"]) == {"complete"}, model.leaderboard_["error"].dropna().tolist()
    assert model.predict_proba(frame.drop(columns=target)).shape == (len(frame), 3)


@pytest.mark.slow
@pytest.mark.parametrize("weighted", [False, True])
def test_boosting_stops_early_where_a_class_has_one_row(registry, titanic, weighted):
    """One survivor among 300 passengers: the validation rows are the engine's inner split, the
    survivor kept for training; sample weights (balanced classes) are split alike."""
    survivor = titanic.index[titanic["Survived"] == 1][0]
    rows = titanic[titanic["Survived"] == 0].index[:300].append(pd.Index([survivor]))
    X, y = titanic.loc[rows, ["Pclass", "Age", "Sex", "Fare", "Embarked"]], titanic.loc[rows, "Survived"].to_numpy()
    weight = np.where(y == 1, len(y) / 2, len(y) / (2 * (len(y) - 1))) if weighted else None
    family = registry["model_family"]["hist_gradient_boosting"]
    model = family.build(family.defaults[0], _context("binary", X, 2))
    assert model.early_stopping is True
    model.fit(X, y, sample_weight=weight)

    assert list(model.classes_) == [0, 1] and len(model.validation_score_) > 1
    assert model.n_iter_ < boosting.MAX_ITER  # it stopped early
    assert model.predict_proba(X).shape == (len(X), 2)


@pytest.mark.slow
def test_boosting_boosts_a_fixed_number_of_iterations_without_room_for_a_split(registry, dataset):
    """Nine income brackets in a fold of 80 rows: 8 validation rows cannot hold one per class."""
    frame, target, _ = dataset("marketing_income", 100)
    X, y = frame.drop(columns=target), frame[target].astype("category").cat.codes.to_numpy()
    X = X.astype({c: "category" for c in X.columns if X[c].dtype == object})  # as the engine types them
    family = registry["model_family"]["hist_gradient_boosting"]
    params = family.defaults[0]
    model = family.build(params, _context("multiclass", X, 9))  # 100 rows: early stopping on
    fold = np.arange(len(X)) < 80
    assert len(np.unique(y[fold])) == 9
    model.fit(X[fold], y[fold])

    assert model.n_iter_ == np.ceil(10.0 / params["learning_rate"])
    assert model.get_params()["early_stopping"] is True and model.get_params()["max_iter"] == boosting.MAX_ITER
    assert model.predict_proba(X).shape == (len(X), 9)


@pytest.mark.parametrize("family_name", ["random_forest", "extra_trees"])
def test_forests_take_nan_exactly_when_the_installed_trees_do(registry, titanic, family_name):
    family = registry["model_family"][family_name]
    X = titanic[["Age", "Fare", "Pclass"]]  # Age is missing for 177 passengers
    model = family.build(family.defaults[0], _context("binary", X, 2))

    assert family.handles_missing == get_tags(model).input_tags.allow_nan
    if family.handles_missing:
        model.fit(X, titanic["Survived"].astype(int))
        assert model.predict_proba(X[X["Age"].isna()]).shape == (177, 2)


def test_knn_never_asks_for_more_neighbours_than_rows():
    params = {"n_neighbors": 64, "weights": "uniform", "p": 2}
    assert neighbors.build(params, BuildContext(task="binary", n_rows=10)).n_neighbors == 10
    assert neighbors.build(params, BuildContext(task="binary", n_rows=1000)).n_neighbors == 64


def test_boosting_stops_early_unless_the_data_is_tiny():
    params = boosting.FAMILY.defaults[0]
    assert boosting.build(params, BuildContext(task="regression", n_rows=50)).early_stopping is False
    assert boosting.build(params, BuildContext(task="regression", n_rows=5000)).early_stopping is True


def test_the_linear_strength_is_the_penalty_of_both_tasks(registry):
    family = registry["model_family"]["linear"]
    assert family.build({"strength": 4.0}, BuildContext(task="binary")).C == pytest.approx(0.25)
    assert family.build({"strength": 4.0}, BuildContext(task="regression")).alpha == pytest.approx(4.0)


def test_registered_families_describe_what_they_accept(registry):
    described = {f.name: (f.categorical, f.handles_missing, f.wants_scaling) for f in registry["model_family"].values()}
    assert described["linear"] == (("onehot", "target"), False, True)
    assert described["knn"] == (("onehot",), False, True)
    assert described["hist_gradient_boosting"] == (("native", "ordinal", "target"), True, False)
    assert sorted(described) == sorted(FAMILIES)
    costs = {f.name: f.cost for f in registry["model_family"].values()}
    assert costs["hist_gradient_boosting"] == 1.0 and costs["linear"] < costs["knn"] < costs["random_forest"]
    assert np.all(np.array(list(costs.values())) > 0)


@pytest.mark.slow
@pytest.mark.parametrize("family_name", ["random_forest", "extra_trees"])
@pytest.mark.parametrize("task", ["binary", "regression"])
def test_forests_predict_inline_exactly_as_scikit_learn_does(registry, titanic, family_name, task):
    """The inline forests sum their trees in the calling thread; the outputs are scikit-learn's."""
    from sklearn import ensemble

    family = registry["model_family"][family_name]
    X = titanic[["Age", "Fare", "Pclass", "SibSp"]]
    y = titanic["Survived"].astype(int) if task == "binary" else titanic["Fare"]
    model = family.build(family.defaults[0], _context(task, X, 2 if task == "binary" else 0)).fit(X, y)
    reference = getattr(ensemble, type(model).__name__.removeprefix("Inline"))(**model.get_params()).fit(X, y)
    if task == "binary":
        np.testing.assert_array_equal(model.predict_proba(X), reference.predict_proba(X))
    np.testing.assert_array_equal(model.predict(X), reference.predict(X))
    model.set_params(n_jobs=2)  # with threads, scikit-learn's own path (summed in thread order)
    if task == "binary":  # compare probabilities: a tie at 0.5 may round either way in thread order
        np.testing.assert_allclose(model.predict_proba(X), reference.predict_proba(X), rtol=0, atol=1e-12)
    else:
        np.testing.assert_allclose(model.predict(X), reference.predict(X), rtol=1e-12)


def test_forest_leaves_are_bounded_on_large_data():
    """A 200-tree forest on 43,000 rows gets a leaf-size floor; small data is untouched."""
    from automl_sklearn.models import forests

    assert forests.min_leaf_floor(5_000, 200) == 1
    assert forests.min_leaf_floor(43_000, 200) == 7
    context = BuildContext(task="regression", seed=0, n_jobs=1, n_rows=43_000, n_features=9, n_classes=0)
    model = forests.random_forest().build({"n_estimators": 200, "max_features": 0.5, "min_samples_leaf": 2}, context)
    assert model.min_samples_leaf == 7


@pytest.mark.slow
@pytest.mark.parametrize("task", ["binary", "regression"])
def test_boosting_predicts_through_its_category_lookup_exactly_as_scikit_learn_does(registry, titanic, task):
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    X = titanic[["Pclass", "Age", "Sex", "Embarked", "Cabin"]].copy()
    for column in ("Sex", "Embarked", "Cabin"):  # fixed levels, as TypedFrame gives them
        X[column] = X[column].astype("category")
    y = titanic["Survived" if task == "binary" else "Fare"].to_numpy()
    train = np.arange(len(X)) < 500  # the other rows hold Cabin levels the fit never saw, and missing values
    family = registry["model_family"]["hist_gradient_boosting"]
    model = family.build(family.defaults[0], _context(task, X, 2)).fit(X[train], y[train])
    plain = (HistGradientBoostingClassifier if task == "binary" else HistGradientBoostingRegressor)(
        **model.get_params()
    ).fit(X[train], y[train])

    assert model.category_lookup_ is not None
    # the lookup gives what scikit-learn's fitted encoder gives, value for value
    np.testing.assert_array_equal(model.category_lookup_.transform(X), plain._preprocessor.transform(X))
    unseen = ~X["Cabin"].isin(X.loc[train, "Cabin"].dropna()) & X["Cabin"].notna()
    assert unseen.sum() > 50 and X["Embarked"].isna().sum() == 2
    output = "predict_proba" if task == "binary" else "predict"
    np.testing.assert_array_equal(getattr(model, output)(X), getattr(plain, output)(X))
    np.testing.assert_array_equal(model.predict(X), plain.predict(X))
    # another dtype than the fitted one (levels in another order) takes scikit-learn's path, for the same output
    reordered = X.assign(Sex=X["Sex"].cat.reorder_categories(["male", "female"]))
    assert not model.category_lookup_.applies_to(reordered)
    np.testing.assert_array_equal(getattr(model, output)(reordered), getattr(plain, output)(reordered))
