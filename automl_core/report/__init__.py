"""The evaluation report of a fitted model on labelled data: what it holds is computed here
(metrics with bootstrap confidence intervals, predictions, importance, the search's history,
the ensemble), and drawn by a reporter plugin (``register_reporters``) as one HTML page.

Nothing here imports a plotting library.
"""

from ._bootstrap import BOOTSTRAP_MIN_ROWS, CONFIDENCE, metric_intervals
from ._evaluation import EvaluationReport, build_report, choose_reporter

__all__ = [
    "BOOTSTRAP_MIN_ROWS",
    "CONFIDENCE",
    "EvaluationReport",
    "build_report",
    "choose_reporter",
    "metric_intervals",
]
