"""The errors the engine raises. Each names its culprit: a column, a file, a plugin."""

from __future__ import annotations


class AutoMLError(Exception):
    """Base class of every error the engine raises on purpose."""


class PluginError(AutoMLError):
    """A plugin could not be loaded, or broke the plugin contract."""


class DuplicateComponentError(PluginError):
    """Two plugins registered a component of the same kind under the same name."""


class UnknownComponentError(AutoMLError, ValueError):
    """A metric, model family, preprocessor or plugin name that nothing registered."""


class DataError(AutoMLError, ValueError):
    """The data given to ``fit``, ``predict`` or a loader cannot be used as it is."""


class SchemaError(DataError):
    """Data at predict time does not match the schema learned at fit.

    ``failures`` is a DataFrame with one row per failure: ``column``, ``check``,
    ``failure_case`` and ``index`` (the row, where one is at fault).
    """

    def __init__(self, message: str, failures=None):
        super().__init__(message)
        self.failures = failures


class PackageError(AutoMLError):
    """A model package cannot be written or read: incomplete, tampered, untrusted or missing plugins."""


class PackageNotFoundError(PackageError, FileNotFoundError):
    """No model package at the given path."""


class BudgetError(AutoMLError):
    """The time budget ran out before any pipeline could be fitted."""


class FitError(AutoMLError):
    """Every trial of the search failed with an error (not for lack of time): the message
    quotes the first errors, each with its trial and model family."""


class PredictTimeWarning(RuntimeWarning):
    """No pipeline of the search predicts within ``AutoML(predict_time_limit=...)``: the
    fastest is kept."""


class BudgetWarning(UserWarning):
    """The time budget forced a compromise, which the message names: no trial finished in
    time, so the model is one last trial run past the budget (the cheapest family's
    defaults); or a feature builder's check took too long on this data and was left out. A
    larger ``time_budget`` avoids it.

    .. versionadded:: 0.2
    """


class MissingValueWarning(UserWarning):
    """Missing values at predict in columns that had none at fit: they are imputed, as the
    pipelines impute any missing value (``AutoML(strict_missing=True)`` refuses them instead).
    The message names each column and its number of missing values; ``counts`` maps them."""

    def __init__(self, message: str, counts=None):
        super().__init__(message)
        self.counts = dict(counts or {})


class TrialTimeout(BaseException):
    """Raised inside a trial that ran past its deadline.

    It derives from ``BaseException`` so that a plugin's ``except Exception`` cannot swallow it.
    """


__all__ = [
    "AutoMLError",
    "PluginError",
    "DuplicateComponentError",
    "UnknownComponentError",
    "DataError",
    "SchemaError",
    "PackageError",
    "PackageNotFoundError",
    "BudgetError",
    "PredictTimeWarning",
    "MissingValueWarning",
    "TrialTimeout",
]
