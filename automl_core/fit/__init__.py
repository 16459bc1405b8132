"""The steps of ``AutoML.fit``, one module each, each taking what the one before returned:

1. :func:`read_training_input` (``_read``): the features and target, read and checked;
2. :func:`prepare` (``_prepare``): task, metric, column types, schema, splits, search space;
3. :func:`search_and_refit` (``_search``): the search, the ensemble, the refit on all rows;
4. :func:`fitted_attributes` (``_finish``): threshold, validation score, reference sample.

:class:`FitSettings` (``_settings``) holds the estimator's parameters, checked once.
"""

from ._finish import fitted_attributes, reference_sample
from ._prepare import Prepared, build_context, prepare
from ._read import read_training_input
from ._search import SearchOutcome, Workers, search_and_refit, start_workers
from ._settings import DEFAULT_METRICS, DEFAULT_THREADS, FitSettings, predict_threads, threads

__all__ = [
    "DEFAULT_METRICS",
    "DEFAULT_THREADS",
    "FitSettings",
    "Prepared",
    "SearchOutcome",
    "Workers",
    "build_context",
    "fitted_attributes",
    "predict_threads",
    "prepare",
    "read_training_input",
    "reference_sample",
    "search_and_refit",
    "start_workers",
    "threads",
]
