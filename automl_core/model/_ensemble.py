"""The final fitted predictor: pipelines and their weights, and fold models standing in for a refit."""

from __future__ import annotations

import hashlib
import io
import pickle

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline

from ._outputs import model_output


class FoldBag(BaseEstimator):
    """The fold models of one pipeline, averaged: used when the refit on all rows did not fit in time."""

    def __init__(self, models=None):
        self.models = models

    def predict(self, X):
        return np.mean([m.predict(X) for m in self.models], axis=0)

    def predict_proba(self, X):
        n_classes = max(int(np.max(m.classes_)) for m in self.models) + 1
        return np.mean([model_output(m, X, "binary", n_classes) for m in self.models], axis=0)

    @property
    def classes_(self):
        return np.unique(np.concatenate([m.classes_ for m in self.models]))


class WeightedEnsemble(BaseEstimator):
    """Fitted pipelines and their weights; outputs are the weighted average of theirs.

    Members often begin with the same fitted transformers: every refit types the same rows
    with the same :class:`~automl_core.model.TypedFrame`, and families that take the same
    preprocessing share it too. Such a prefix is computed once per call and its output handed
    to every member that starts with it (:class:`SharedPrefixes`), which is where an
    ensemble's predict time goes on small batches.
    """

    def __init__(self, models=None, weights=None, task=None, n_classes=0):
        self.models = models
        self.weights = weights
        self.task = task
        self.n_classes = n_classes

    def output(self, X) -> np.ndarray:
        """Probabilities ``(n, k)`` in class-index order, or regression values ``(n,)``."""
        weights = np.asarray(self.weights, dtype="float64")
        shared, memo = self.shared_prefixes(), {}  # type: SharedPrefixes, dict
        outputs = [shared.output(m, X, memo) for m in self.models]
        blended = np.tensordot(weights / weights.sum(), np.stack(outputs), axes=1)
        if self.task != "regression":  # a weighted mean of 1.0s can round to 1.0000000000000002
            np.clip(blended, 0.0, 1.0, out=blended)
        return blended

    def shared_prefixes(self) -> SharedPrefixes:
        """The members' common transformer prefixes (found once, kept until pickled)."""
        cached = self.__dict__.get("_shared")
        if cached is None:
            cached = self.__dict__["_shared"] = SharedPrefixes(self.models, self.task, self.n_classes)
        return cached

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_shared", None)  # derived from the members; rebuilt on first use
        return state


class SharedPrefixes:
    """Runs the members of an ensemble so that equal leading transformers run once per batch.

    Two fitted transformers are equal when their pickled states are byte for byte the same;
    a step's key chains the keys of the steps before it, so a shared key means the same
    transformation of the same input. Transforms are deterministic functions of their fitted
    state, so sharing changes no output (tested against each member's own ``predict_proba``).
    """

    def __init__(self, members: list, task: str, n_classes: int):
        self.task, self.n_classes = task, n_classes
        self.keys: dict[int, list[bytes]] = {}
        self._steps: dict[int, tuple[int, ...]] = {}  # the steps the keys were taken of
        for member in members:
            for pipeline in member.models if isinstance(member, FoldBag) else [member]:
                if isinstance(pipeline, Pipeline):
                    self.keys[id(pipeline)] = _prefix_keys(pipeline)
                    self._steps[id(pipeline)] = _step_ids(pipeline)

    def output(self, member, X, memo: dict) -> np.ndarray:
        """``member``'s output on ``X``; ``memo`` holds the prefix outputs already computed
        on this same ``X`` (an empty dict for each new batch)."""
        if isinstance(member, FoldBag):
            return np.mean([self._pipeline_output(m, X, memo) for m in member.models], axis=0)
        return self._pipeline_output(member, X, memo)

    def _pipeline_output(self, pipeline, X, memo: dict) -> np.ndarray:
        keys = self.keys.get(id(pipeline))
        if keys is None or self._steps[id(pipeline)] != _step_ids(pipeline):
            return model_output(pipeline, X, self.task, self.n_classes)  # unknown, or its steps changed since
        Xt = X
        for key, (_, step) in zip(keys, _transform_steps(pipeline)):
            if key not in memo:
                memo[key] = step.transform(Xt)
            Xt = memo[key]
        return model_output(pipeline.steps[-1][1], Xt, self.task, self.n_classes)


def _transform_steps(pipeline: Pipeline) -> list:
    return [(name, step) for name, step in pipeline.steps[:-1] if step is not None and step != "passthrough"]


def _step_ids(pipeline: Pipeline) -> tuple[int, ...]:
    return tuple(id(step) for _, step in pipeline.steps)


def _prefix_keys(pipeline: Pipeline) -> list[bytes]:
    keys, chain = [], hashlib.blake2b(digest_size=16)
    for _, step in _transform_steps(pipeline):
        chain.update(_state_bytes(step))
        keys.append(chain.copy().digest())
    return keys


def _state_bytes(step) -> bytes:
    """``step`` pickled by value: without the memo, so that equal states give equal bytes
    whichever objects they happen to share; a step that cannot be pickled so is its own."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: shared references are written out each time
    try:
        pickler.dump(step)
    except (RecursionError, ValueError, TypeError, pickle.PicklingError):
        return f"unshared:{id(step)}".encode()
    return buffer.getvalue()
