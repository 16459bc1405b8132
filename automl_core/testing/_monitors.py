"""The conformance check of monitors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..components import Monitor
from ._common import Checker


def check_monitor(monitor: Monitor, reference: pd.DataFrame, current: pd.DataFrame, context: Mapping[str, Any]) -> Any:
    """Check a :class:`~automl_core.Monitor` on a reference and a current sample.

    Checks that ``run(reference, current, context)`` leaves its inputs unchanged and returns a
    report with ``drift_detected`` (a bool), ``drifted_columns`` (names of columns of
    ``reference``), ``columns`` and a ``to_dict()`` method returning a JSON-ready mapping.
    Returns the report, for further checks of your own.

    :raises ConformanceError: naming the monitor and the failed check.
    """
    import json

    check = Checker(f"monitor {monitor.name!r}")
    before = (reference.copy(), current.copy())
    with check.step("run"):
        report = monitor.run(reference, current, context)
    check.require(reference.equals(before[0]) and current.equals(before[1]), "run modified its input")
    for attribute in ("drift_detected", "drifted_columns", "columns", "to_dict"):
        check.require(hasattr(report, attribute), f"the report has no attribute {attribute!r}")
    check.require(isinstance(report.drift_detected, (bool, np.bool_)), "drift_detected must be a bool")
    unknown = [c for c in report.drifted_columns if c not in reference.columns]
    check.require(not unknown, f"drifted_columns names columns that are not in the data: {unknown}")
    with check.step("to_dict"):
        as_dict = report.to_dict()
    check.require(isinstance(as_dict, Mapping), f"to_dict must return a mapping, got {type(as_dict).__name__}")
    with check.step("json.dumps(report.to_dict())"):
        json.dumps(as_dict)
    return report
