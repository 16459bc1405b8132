"""Plots of a regressor's predictions: predicted against actual, and the residuals."""

from __future__ import annotations

import numpy as np

from .figures import PALETTE, RASTER_POINTS, NotDrawn, plot


def regression_plots(report) -> list[str]:
    return [
        plot("predicted-actual", "Predicted against actual", _predicted_actual, report),
        plot("residuals", "Residuals (actual - predicted)", _residuals, report, size=(8.0, 3.6)),
    ]


def _finite(report) -> tuple[np.ndarray, np.ndarray]:
    actual, predicted = np.asarray(report.y_true, dtype=float), np.asarray(report.predicted, dtype=float)
    keep = np.isfinite(actual) & np.isfinite(predicted)
    if not keep.any():
        raise NotDrawn("no row has a finite actual and predicted value")
    return actual[keep], predicted[keep]


def _predicted_actual(fig, report) -> None:
    actual, predicted = _finite(report)
    ax = fig.add_subplot()
    ax.scatter(
        actual, predicted, s=6, alpha=0.5, color=PALETTE[0], linewidths=0, rasterized=len(actual) > RASTER_POINTS
    )
    low, high = min(actual.min(), predicted.min()), max(actual.max(), predicted.max())
    ax.plot([low, high], [low, high], color="#999", linestyle="--", linewidth=0.8)
    ax.set(xlabel=f"actual {report.target}", ylabel=f"predicted {report.target}")


def _residuals(fig, report) -> None:
    actual, predicted = _finite(report)
    residuals = actual - predicted
    left, right = fig.subplots(1, 2, width_ratios=(2, 1))
    left.scatter(
        predicted, residuals, s=6, alpha=0.5, color=PALETTE[0], linewidths=0, rasterized=len(actual) > RASTER_POINTS
    )
    left.axhline(0, color="#999", linestyle="--", linewidth=0.8)
    left.set(xlabel=f"predicted {report.target}", ylabel="residual")
    right.hist(residuals, bins=min(40, max(5, len(residuals) // 10)), color=PALETTE[0], orientation="horizontal")
    right.set(xlabel="rows", ylabel="residual")
