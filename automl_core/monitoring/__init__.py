"""Watching a fitted model in production, and deciding when to retrain it.

:func:`monitor` compares production data with the training reference through a monitor plugin
and returns its :class:`MonitorReport`; :func:`update` retrains when an :class:`UpdatePolicy`
says so and keeps the better model (:class:`UpdateDecision` says what was done and why).
Monitor plugins build their reports with :meth:`MonitorReport.from_columns` and read their
input with :func:`column_kinds` and :func:`prediction_kind`; all of these are exported from
:mod:`automl_core`.
"""

from ._levels import MIN_LEVEL_ROWS, MIN_LEVEL_SHARE, OTHER_LEVEL, group_rare_levels
from ._missing import MISSING_SHARE_TOLERANCE, MISSING_SHARE_Z, missing_value_drift
from ._monitor import PREFERRED_MONITOR, check_current, find_monitor, measure_quality, monitor, predictions
from ._report import (
    DRIFT,
    DRIFT_SHARE,
    NO_DRIFT,
    PREDICTION,
    QUALITY_TOLERANCE,
    TARGET,
    MonitorReport,
    column_kinds,
    prediction_kind,
    summary_html,
)
from ._update import UpdateDecision, UpdatePolicy, update

__all__ = [
    "DRIFT",
    "DRIFT_SHARE",
    "MIN_LEVEL_ROWS",
    "MIN_LEVEL_SHARE",
    "MISSING_SHARE_TOLERANCE",
    "MISSING_SHARE_Z",
    "NO_DRIFT",
    "OTHER_LEVEL",
    "PREDICTION",
    "PREFERRED_MONITOR",
    "QUALITY_TOLERANCE",
    "TARGET",
    "MonitorReport",
    "UpdateDecision",
    "UpdatePolicy",
    "check_current",
    "column_kinds",
    "find_monitor",
    "group_rare_levels",
    "measure_quality",
    "missing_value_drift",
    "monitor",
    "prediction_kind",
    "predictions",
    "summary_html",
    "update",
]
