"""The evidently monitor on real data, called as the engine calls it (no model involved)."""

import numpy as np
import pandas as pd
import pytest
from automl_evidently.plugin import EVIDENTLY

from automl_core import PREDICTION, MonitorReport
from automl_core.testing import check_monitor

NUMERIC = [
    "longitude",
    "latitude",
    "housing_median_age",
    "total_rooms",
    "total_bedrooms",
    "population",
    "households",
    "median_income",
]


@pytest.fixture(scope="module")
def housing(dataset):
    """Two disjoint samples of california_housing, with a model-like prediction column."""
    frame, target, _ = dataset("california_housing", rows=2400, seed=3)
    frame = frame.drop(columns=[target]).assign(**{PREDICTION: frame["median_income"] * 0.4 + 0.5})
    context = {
        "task": "regression",
        "numeric": NUMERIC,
        "categorical": ["ocean_proximity"],
        "prediction": "numeric",
        "drift_share": 0.2,
    }
    return frame.iloc[:1000].reset_index(drop=True), frame.iloc[1000:].reset_index(drop=True), context


def test_conforms_on_real_data(housing):
    reference, current, context = housing
    report = check_monitor(EVIDENTLY, reference, current, context)
    assert isinstance(report, MonitorReport) and report.monitor == "evidently"


def test_a_fresh_sample_does_not_drift(housing):
    reference, current, context = housing
    report = EVIDENTLY.run(reference, current, context)
    assert not report.drift_detected and report.drifted_columns == []
    assert report.prediction_drift["verdict"] == "no drift"
    assert {c["column"] for c in report.columns} == set(NUMERIC) | {"ocean_proximity"}


@pytest.mark.slow
def test_shifted_columns_and_predictions_drift_most_drifted_first(housing):
    reference, current, context = housing
    moved = current.assign(
        median_income=current["median_income"] * 3,
        households=current["households"] * 1.1,
        ocean_proximity=np.where(current.index % 2 == 0, "ISLAND", current["ocean_proximity"]),
    )
    moved[PREDICTION] = moved["median_income"] * 0.4 + 0.5
    report = EVIDENTLY.run(reference, moved, context)
    assert report.drifted_columns[0] == "median_income"  # three times larger beats a 10% change
    assert {"median_income", "ocean_proximity"} <= set(report.drifted_columns)
    assert report.prediction_drift["verdict"] == "drift" and report.drift_detected
    entry = report.columns[0]
    assert entry["method"] == "K-S p_value" and entry["threshold"] == 0.05 and entry["score"] < 0.05
    cat = next(c for c in report.columns if c["column"] == "ocean_proximity")
    assert cat["method"] == "jensenshannon" and cat["kind"] == "categorical"


@pytest.mark.slow
def test_evidently_decides_the_data_level_verdict(housing):
    reference, current, context = housing
    moved = current.assign(median_income=current["median_income"] * 3)
    strict = EVIDENTLY.run(
        reference.drop(columns=[PREDICTION]), moved.drop(columns=[PREDICTION]), dict(context, drift_share=0.1)
    )
    lenient = EVIDENTLY.run(
        reference.drop(columns=[PREDICTION]), moved.drop(columns=[PREDICTION]), dict(context, drift_share=0.5)
    )
    assert strict.drifted_columns == lenient.drifted_columns == ["median_income"]
    assert strict.drift_detected and not lenient.drift_detected
    assert strict.prediction_drift is None


@pytest.mark.slow
def test_the_html_page_is_evidently_s_with_the_summary_on_top(housing, tmp_path):
    reference, current, context = housing
    report = EVIDENTLY.run(reference, current.assign(median_income=current["median_income"] * 3), context)
    page = report.save_html(tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.index("<body") < page.index("automl-summary") < page.index("root_metric")
    assert "median_income" in page and len(page) > 100_000  # evidently's widgets, inlined


def test_categories_as_pandas_category_and_missing_values(housing):
    reference, current, context = housing
    current = current.assign(ocean_proximity=pd.Categorical(current["ocean_proximity"]))
    current.loc[current.index < 50, "total_bedrooms"] = np.nan
    report = EVIDENTLY.run(reference, current, context)
    assert "ocean_proximity" not in report.drifted_columns
