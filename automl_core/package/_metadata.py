"""What ``metadata.json`` says of a fitted model: task, scores, features, settings, the plugins
and library versions it was built with, and a fingerprint of its training data."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from typing import Any

import numpy as np
import pandas as pd

from .._jsonable import plain as _plain
from ..data import fingerprint
from ._trust import BASE_DISTRIBUTIONS, _normal, _plugins_used

#: What ``metadata.json`` calls the format, and its version (2: classes named by their public
#: subpackage, ``component_owners_`` among the learned attributes; 1 is read, see ``_legacy``).
FORMAT, FORMAT_VERSION = "automl-package", 2
#: Library versions always recorded (others are recorded when the model holds their types).
KEY_LIBRARIES = ("numpy", "pandas", "scikit-learn", "pandera", "skops", "pyarrow")


# --------------------------------------------------------------------------- metadata
def describe(model: Any, modules: Iterable[str] = (), data: pd.DataFrame | None = None) -> dict:
    """The metadata of a fitted model: what ``metadata.json`` holds (less the file names)."""
    reference = model.reference_
    plan = model.column_plan_
    source = data if data is not None else reference
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "task": model.task_,
        "metric": model.metric_,
        "target": model.target_name_,
        "validation_score": _number(model.validation_score_),
        "best_score": _number(model.best_score_),
        "fit_seconds": _number(getattr(model, "fit_seconds_", None)),
        "classes": None if model.classes_ is None else [_plain(c) for c in model.classes_],
        "features": [
            {
                "name": str(c),
                "dtype": str(reference[c].dtype) if c in reference else None,
                "type": plan.kinds.get(c),
                "note": plan.notes.get(c, ""),
            }
            for c in model.feature_names_in_
        ],
        "leaderboard_top": json.loads(model.leaderboard_.head(5).to_json(orient="records")),
        "threshold": _number(getattr(model, "threshold_", None)),
        "best_config": model.best_config_.to_dict(),
        "top_configs": list(model.top_configs_),
        "ensemble_weights": {str(k): float(v) for k, v in model.ensemble_weights_.items()},
        "settings": _settings(model),
        "registry_owners": dict(model.component_owners_),
        "plugins": _plugins_used(model),
        "versions": _versions(modules),
        "fingerprint": {
            "sha256": fingerprint(source),
            "of": "training data" if data is not None else "reference sample",
            "rows": int(len(source)),
            "columns": int(source.shape[1]),
        },
        "dropped_target_rows": int(getattr(model, "dropped_target_rows_", 0)),
        "validation": getattr(model, "validation_", None),  # splits, groups, time order, weights
    }


def _number(value: Any) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def _settings(model: Any) -> dict:
    params = model.get_params(deep=False)
    params.pop("plugins", None)  # objects; the plugins used are recorded under "plugins"
    return json.loads(json.dumps(params, default=list))


def _versions(modules: Iterable[str]) -> dict[str, str]:
    """Python, automl-core, the key libraries and every distribution whose types the model holds."""
    by_module = importlib_metadata.packages_distributions()
    dists = set(BASE_DISTRIBUTIONS) | set(KEY_LIBRARIES)
    for qualified in modules:
        dists.update(by_module.get(qualified.split(".")[0], ()))
    versions = {"python": ".".join(map(str, sys.version_info[:3]))}
    for dist in sorted(dists, key=_normal):
        try:
            versions[dist] = importlib_metadata.version(dist)
        except importlib_metadata.PackageNotFoundError:
            continue
    return versions
