"""A durable study: each finished trial written when it finishes, so that a search that was
killed can resume without running any finished trial again.

The study lives in an optuna storage (a SQLite file, or PostgreSQL for many machines): the
trial records (configuration, fold scores, cost) as user attributes of optuna's trials, their
out-of-fold predictions in optuna's artifact store (a local folder), and on the study the
fingerprint of the data and the settings that make two searches comparable, and the seconds
spent so far. Part of the optuna module family: only :mod:`~automl_core.search._study` uses it.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import optuna

from ..errors import AutoMLError
from ._space import PipelineConfig
from ._trial import TrialResult

#: The study every search writes in its storage (one search per storage).
STUDY_NAME = "automl"
#: User attributes: of the study, and of each trial.
DATA_KEY, SETTINGS_KEY, SPENT_KEY = "automl:data", "automl:settings", "automl:spent_seconds"
RECORD_KEY, OOF_KEY = "automl:record", "automl:oof"
_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


class StorageError(AutoMLError):
    """The durable study cannot be opened, or does not belong to this search."""


@dataclass(frozen=True)
class Durable:
    """Where and what: the storage URL, the artifact folder, the fingerprint of the training
    data, and the settings a resumed search must share with the one it continues."""

    url: str
    artifacts: str
    fingerprint: str
    settings: Mapping[str, Any]
    resume: bool = False

    @classmethod
    def from_setting(cls, storage: Any, fingerprint: str, settings: Mapping[str, Any], resume: bool) -> Durable:
        """From ``AutoML(storage=...)``: a URL, or a mapping with ``url`` and ``artifacts``."""
        url, artifacts = (
            (storage.get("url"), storage.get("artifacts")) if isinstance(storage, Mapping) else (storage, None)
        )
        if not isinstance(url, str) or "://" not in url:
            raise ValueError(f"storage must be a database URL such as sqlite:///search.db, got {mask(str(url))!r}")
        return cls(url, artifacts or default_artifacts(url), fingerprint, dict(settings), resume)


def mask(url: str) -> str:
    """``url`` without its password."""
    return _PASSWORD.sub(r"\1***@", url)


def default_artifacts(url: str) -> str:
    """A folder beside a SQLite file, else ``automl-artifacts`` in the working directory."""
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///") :] + ".artifacts"
    return "automl-artifacts"


def open_study(
    durable: Durable, direction: Literal["maximize", "minimize"], sampler: Any
) -> tuple[optuna.Study, float]:
    """The study to search in, and the seconds an earlier search already spent on it.

    :raises StorageError: naming the storage (without its password) when it cannot be opened,
        when a search is already there and ``resume`` is not asked for, or when the one there
        searched other data or with other settings (saying what differs).
    """
    try:
        storage = optuna.storages.RDBStorage(durable.url, heartbeat_interval=None)
    except Exception as exc:
        raise StorageError(
            f"cannot open the study storage {mask(durable.url)}: {type(exc).__name__}: {mask(str(exc)).splitlines()[0]}"
        ) from None
    exists = STUDY_NAME in [s.study_name for s in optuna.get_all_study_summaries(storage)]
    if exists and not durable.resume:
        raise StorageError(
            f"{mask(durable.url)} already holds a search; pass resume=True (automl fit --resume) to "
            f"continue it, or give another storage"
        )
    study = optuna.create_study(
        storage=storage,
        study_name=STUDY_NAME,
        direction=direction,
        sampler=sampler,
        pruner=optuna.pruners.NopPruner(),
        load_if_exists=True,
    )
    if not exists:
        study.set_user_attr(DATA_KEY, durable.fingerprint)
        study.set_user_attr(SETTINGS_KEY, dict(durable.settings))
        return study, 0.0
    _check_same_search(study, durable)
    return study, float(study.user_attrs.get(SPENT_KEY, 0.0))


def _check_same_search(study: optuna.Study, durable: Durable) -> None:
    if study.user_attrs.get(DATA_KEY) != durable.fingerprint:
        raise StorageError(
            f"the search in {mask(durable.url)} was fitted on other data (fingerprint "
            f"{str(study.user_attrs.get(DATA_KEY))[:12]}..., this data {durable.fingerprint[:12]}...); "
            f"resume it on the same data, or give another storage"
        )
    before = study.user_attrs.get(SETTINGS_KEY, {})
    differs = {k: (before.get(k), v) for k, v in durable.settings.items() if before.get(k) != v}
    if differs:
        detail = ", ".join(f"{k}: {a!r} then, {b!r} now" for k, (a, b) in sorted(differs.items()))
        raise StorageError(
            f"the search in {mask(durable.url)} used other settings ({detail}); resume it with the same "
            f"settings, or give another storage"
        )


def save_trial(study: optuna.Study, durable: Durable, trial: Any, result: TrialResult) -> None:
    """Write a finished trial's record (and its out-of-fold predictions) before it is told."""
    record = {
        **result.record(),
        "config": result.config.to_dict() if result.config else None,
        "intermediate": list(result.intermediate),
        "folds_fitted": result.folds_fitted,
    }
    trial.set_user_attr(RECORD_KEY, json.loads(json.dumps(record, default=_plain)))
    if result.oof is not None:
        trial.set_user_attr(OOF_KEY, _upload(study, durable, trial, result.oof))


def save_spent(study: optuna.Study, seconds: float) -> None:
    study.set_user_attr(SPENT_KEY, float(seconds))


def finished_trials(study: optuna.Study, durable: Durable) -> list[TrialResult]:
    """The records of the trials an earlier search finished, in the order they finished; the
    trials it left running (it was killed) are marked failed and enqueued again."""
    states = optuna.trial.TrialState
    for stale in study.get_trials(deepcopy=False, states=(states.RUNNING,)):
        study.tell(stale.number, state=states.FAIL)
        study.enqueue_trial(dict(stale.params))  # it never finished: it runs again
    done = [t for t in study.get_trials(deepcopy=False) if RECORD_KEY in t.user_attrs]
    done.sort(key=lambda t: t.user_attrs[RECORD_KEY]["elapsed"])
    return [_result(study, durable, t) for t in done]


def _result(study: optuna.Study, durable: Durable, trial: Any) -> TrialResult:
    record = trial.user_attrs[RECORD_KEY]
    config = record["config"]
    result = TrialResult(
        trial.number,
        PipelineConfig.from_dict(config) if config else None,
        record["state"],
        score=record["score"],
        fit_seconds=record["fit_seconds"],
        predict_seconds=record["predict_seconds"],
        elapsed=record["elapsed"],
        error=record["error"],
        folds_fitted=record["folds_fitted"],
        fold_scores=list(record["fold_scores"]),
        intermediate=list(record["intermediate"]),
        worker=record["worker"],
    )
    if OOF_KEY in trial.user_attrs:
        result.oof = _download(durable, trial.user_attrs[OOF_KEY])
    return result


def _upload(study: optuna.Study, durable: Durable, trial: Any, oof: np.ndarray) -> str:
    from optuna.artifacts import FileSystemArtifactStore, upload_artifact

    Path(durable.artifacts).mkdir(parents=True, exist_ok=True)
    store = FileSystemArtifactStore(durable.artifacts)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"oof-{trial.number}.npy")
        np.save(path, oof, allow_pickle=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            return upload_artifact(artifact_store=store, file_path=path, study_or_trial=trial)


def _download(durable: Durable, artifact_id: str) -> np.ndarray:
    from optuna.artifacts import FileSystemArtifactStore

    store = FileSystemArtifactStore(durable.artifacts)
    try:
        with store.open_reader(artifact_id) as reader:
            import io

            return np.load(io.BytesIO(reader.read()), allow_pickle=False)
    except Exception as exc:
        raise StorageError(
            f"the out-of-fold predictions {artifact_id} of the search in {mask(durable.url)} cannot "
            f"be read from {durable.artifacts}: {type(exc).__name__}: {exc}"
        ) from None


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON")
