"""The population stability index, by hand and on real data."""

import math

import numpy as np
import pandas as pd
import pytest
from automl_psi.plugin import PSI
from automl_psi.psi import THRESHOLD, categorical_shares, numeric_shares, psi

from automl_core.testing import check_monitor


def test_psi_of_known_shares():
    assert psi(np.array([0.5, 0.5]), np.array([0.5, 0.5])) == 0.0
    expected = 0.4 * math.log(0.9 / 0.5) + 0.4 * math.log(0.5 / 0.1)
    assert psi(np.array([0.5, 0.5]), np.array([0.9, 0.1])) == pytest.approx(expected)
    assert math.isfinite(psi(np.array([1.0, 0.0]), np.array([0.0, 1.0])))  # empty bins floored


def test_numeric_bins_are_reference_deciles_plus_missing():
    reference = pd.Series(np.arange(1000, dtype=float))
    ref, cur = numeric_shares(reference, pd.Series([np.nan, 5.0, 995.0, 2000.0]))
    assert ref == pytest.approx([0.1] * 10 + [0.0])
    assert cur == pytest.approx([0.25] + [0.0] * 8 + [0.5, 0.25])


def test_categorical_shares_cover_levels_of_both_samples():
    ref, cur = categorical_shares(pd.Series(["a", "a", "b", None]), pd.Series(["c", "a", "a", "a"]))
    assert list(ref) == pytest.approx([0.25, 0.5, 0.25, 0.0])  # levels <missing>, a, b, c
    assert list(cur) == pytest.approx([0.0, 0.75, 0.0, 0.25])


@pytest.fixture(scope="module")
def penguins(dataset):
    frame, target, _ = dataset("penguins")
    frame = frame.drop(columns=[target]).sample(frac=1.0, random_state=0).reset_index(drop=True)
    context = {
        "numeric": ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"],
        "categorical": ["island", "sex"],
    }
    return frame.iloc[:172], frame.iloc[172:].reset_index(drop=True), context


def test_a_shifted_column_drifts_and_a_fresh_sample_does_not(penguins):
    reference, current, context = penguins
    calm = check_monitor(PSI, reference, current, context)
    assert calm.drifted_columns == [] and not calm.drift_detected
    moved = current.assign(body_mass_g=current["body_mass_g"] * 3, island="Biscoe")
    report = PSI.run(reference, moved, context)
    assert sorted(report.drifted_columns) == ["body_mass_g", "island"]
    assert report.drift_detected and report.columns[0]["score"] >= THRESHOLD
    assert report.columns[-1]["verdict"] == "no drift"
