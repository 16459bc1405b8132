"""Per-row contributions of the input columns to a fitted model's output.

The engine decides when and on what; explainer plugins decide how. For each member of the
final ensemble the highest-priority explainer that applies explains it, either on the whole
pipeline (input columns) or on its last step (derived columns, mapped back by
:func:`~automl_core.explain._lineage.lineage`). Each member's contributions must add up to its
own output; the members are then combined by their weights, which keeps the sum exact, since
the ensemble's output is the weighted mean of theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from ..errors import PluginError, UnknownComponentError
from ..model import model_output
from ..search import thread_limit
from ._lineage import lineage, to_inputs
from ._members import Member, members

#: The most a member's contributions plus base may differ from its output.
ADDITIVITY_TOLERANCE = 1e-6
#: Training rows (of the reference sample kept at fit) that stand for "a typical row".
BACKGROUND_ROWS = 100


@dataclass(frozen=True)
class Contributions:
    """What each input column added to each row's output, with the base value they start from.

    ``values`` has shape ``(n_rows, n_outputs, n_columns)``; ``base`` ``(n_outputs,)``;
    ``values.sum(axis=2) + base`` is the model's output: the probability of each of
    ``outputs`` (the classes, in ``classes_`` order) or the regression value (one output,
    the target's name). ``explainers`` names the explainer used for each member.
    """

    values: np.ndarray
    base: np.ndarray
    columns: list[str]
    outputs: list[Any]
    index: pd.Index
    explainers: dict[str, str]

    def frame(self, output: Any = None) -> pd.DataFrame:
        """The contributions to one output (a class label; by default the last class, the
        positive one for binary tasks, or the regression value) as rows x input columns."""
        position = len(self.outputs) - 1 if output is None else self._position(output)
        return pd.DataFrame(self.values[:, position, :], index=self.index, columns=self.columns)

    def output(self) -> np.ndarray:
        """The output the contributions add up to, ``(n_rows, n_outputs)``."""
        return self.values.sum(axis=2) + self.base

    def _position(self, output: Any) -> int:
        for i, name in enumerate(self.outputs):
            if name == output or str(name) == str(output):
                return i
        raise KeyError(f"no output {output!r}; outputs: {self.outputs}")


def explain(
    model: Any,
    features: pd.DataFrame,
    registry: Any,
    explainer: str | None = None,
    background_rows: int = BACKGROUND_ROWS,
    seed: int = 0,
) -> Contributions:
    """Contributions for the checked ``features`` rows of a fitted ``AutoML``."""
    task, n_classes = model.task_, 0 if model.task_ == "regression" else len(model.classes_)
    candidates = registry.select("explainer", None if explainer is None else [explainer], task)
    candidates = sorted(candidates, key=lambda e: (-e.priority, e.name))
    background = _background(model, background_rows, seed)
    k = 1 if task == "regression" else n_classes
    total, base = np.zeros((len(features), k, features.shape[1])), np.zeros(k)
    used = {}
    with thread_limit(model._threads()):
        for member in members(model):
            chosen = _choose(candidates, member, task, n_classes, background, seed, registry)
            values, member_base = _explain_member(chosen, member, features, background, task, n_classes, seed, registry)
            total += member.weight * values
            base += member.weight * member_base
            used[member.label] = chosen.name
    outputs = [model.target_name_] if task == "regression" else list(model.classes_)
    return Contributions(total, base, list(map(str, features.columns)), outputs, features.index, used)


def _background(model: Any, rows: int, seed: int) -> pd.DataFrame:
    reference = getattr(model, "reference_", None)
    if reference is None or not len(reference):
        raise UnknownComponentError(
            "this model kept no reference sample of its training rows, which explanations "
            "compare with (AutoML(reference_rows=...) > 0)"
        )
    if len(reference) > rows:
        reference = reference.sample(n=rows, random_state=seed)
    return model._features(reference)


def _levels(member: Member, features: pd.DataFrame, background: pd.DataFrame, level: str):
    """The model an explainer of ``level`` receives, with rows and background as it sees them."""
    pipeline = member.pipeline
    if level == "pipeline" or not isinstance(pipeline, Pipeline):
        return pipeline, features, background
    prefix = Pipeline(pipeline.steps[:-1])
    return pipeline.steps[-1][1], prefix.transform(features), prefix.transform(background)


def _context(model: Any, background: pd.DataFrame, task: str, n_classes: int, seed: int) -> dict:
    return {
        "task": task,
        "n_classes": n_classes,
        "background": background,
        "seed": seed,
        "output": lambda X: model_output(model, X, task, n_classes),
    }


def _choose(
    candidates: Sequence[Any],
    member: Member,
    task: str,
    n_classes: int,
    background: pd.DataFrame,
    seed: int,
    registry: Any,
):
    for candidate in candidates:
        model, _, bg = _levels(member, background, background, candidate.level)
        try:
            if candidate.applies(model, _context(model, bg, task, n_classes, seed)):
                return candidate
        except Exception as exc:
            raise _plugin_error(candidate, member, registry, "in applies", exc) from exc
    names = ", ".join(c.name for c in candidates) or "none installed (pip install automl-shap)"
    raise UnknownComponentError(f"no explainer applies to {member.label}; explainers: {names}")


def _explain_member(
    explainer: Any,
    member: Member,
    features: pd.DataFrame,
    background: pd.DataFrame,
    task: str,
    n_classes: int,
    seed: int,
    registry: Any,
) -> tuple[np.ndarray, np.ndarray]:
    model, rows, bg = _levels(member, features, background, explainer.level)
    context = _context(model, bg, task, n_classes, seed)
    try:
        values, base = explainer.explain(model, rows, context)
        values, base = _shaped(values, base, rows, task, n_classes)
        expected = _as_matrix(context["output"](rows), task)
        if explainer.level == "model" and isinstance(member.pipeline, Pipeline):
            parents = lineage(Pipeline(member.pipeline.steps[:-1]), background, bg)
            values = to_inputs(values, list(map(str, rows.columns)), parents, list(features.columns), member.label)
    except Exception as exc:
        raise _plugin_error(explainer, member, registry, "", exc) from exc
    gap = float(np.max(np.abs(values.sum(axis=2) + base - expected), initial=0.0))
    if not gap <= ADDITIVITY_TOLERANCE:
        raise _plugin_error(
            explainer,
            member,
            registry,
            "",
            ValueError(
                f"contributions plus base differ from the member's output by {gap:.3g} (more than {ADDITIVITY_TOLERANCE:g})"
            ),
        )
    return values, base


def _shaped(values: Any, base: Any, rows: pd.DataFrame, task: str, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    k = 1 if task == "regression" else n_classes
    values, base = np.asarray(values, dtype="float64"), np.asarray(base, dtype="float64").reshape(-1)
    if values.ndim == 2 and k == 1:
        values = values[:, None, :]
    expected = (len(rows), k, rows.shape[1])
    if values.shape != expected or base.shape != (k,):
        raise ValueError(
            f"returned values of shape {values.shape} and base of shape {base.shape}; expected {expected} and ({k},)"
        )
    return values, base


def _as_matrix(output: np.ndarray, task: str) -> np.ndarray:
    return output[:, None] if task == "regression" else output


def _plugin_error(explainer: Any, member: Member, registry: Any, where: str, exc: BaseException) -> PluginError:
    owner = registry.owner("explainer", explainer.name)
    return PluginError(
        f"explainer {explainer.name!r} (plugin {owner!r}) failed {where + ' ' if where else ''}"
        f"on {member.label}: {type(exc).__name__}: {exc}"
    )
