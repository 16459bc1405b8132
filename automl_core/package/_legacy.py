"""Packages written by an earlier layout of the core (format 1, automl-core 0.1.0): the
qualified names its files give the core's classes, and the learned attributes it named
otherwise. Reading renames them; nothing of the old layout is kept importable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._objects import read_object as _read_object
from ._trust import TrustPolicy

#: Format 1 named classes by the module that defined them; they are named by their public
#: subpackage since format 2.
FORMAT_1_CLASSES = {
    "automl_core.columns.ColumnPlan": "automl_core.data.ColumnPlan",
    "automl_core.columns.TypedFrame": "automl_core.model.TypedFrame",
    "automl_core.stages.ColumnStages": "automl_core.model.ColumnStages",
    "automl_core.ensemble.WeightedEnsemble": "automl_core.model.WeightedEnsemble",
    "automl_core.ensemble.FoldBag": "automl_core.model.FoldBag",
    "automl_core.pipeline.PipelineConfig": "automl_core.search.PipelineConfig",
}
#: Learned attributes format 1 stored under another name.
FORMAT_1_STATE = {"_registry_owners": "component_owners_"}


def read_object(file: Path, policy: TrustPolicy, version: int) -> Any:
    """The object in a package file written in format ``version``."""
    return _read_object(file, policy, FORMAT_1_CLASSES if version < 2 else None)


def learned_state(state: dict, version: int) -> dict:
    """The learned attributes of a state file written in format ``version``, by today's names."""
    if version >= 2:
        return state
    return {FORMAT_1_STATE.get(name, name): value for name, value in state.items()}
