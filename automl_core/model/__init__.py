"""What a fitted model is made of: the typing step every pipeline begins with, the
preprocessing stages, the weighted ensemble of fitted pipelines, and how their outputs become
labels and scores. Also the helpers model-family plugins build their estimators with (category
codes, the inner early-stopping split), exported publicly from :mod:`automl_core`.

Nothing here imports optuna or pandera: a loaded model predicts with this subpackage alone.
"""

from ._codes import category_codes, code_matrix
from ._early_stopping import EarlyStoppingEstimator, inner_split
from ._ensemble import FoldBag, SharedPrefixes, WeightedEnsemble
from ._outputs import (
    THRESHOLD_CANDIDATES,
    better,
    labels_of,
    metric_input,
    model_output,
    score,
    tune_threshold,
    worst_score,
)
from ._row_chunks import PARALLEL_ROWS, output_by_chunks, rows_where_split_pays, split_rows
from ._stages import ColumnStages
from ._typed_frame import TypedFrame

__all__ = [
    "PARALLEL_ROWS",
    "THRESHOLD_CANDIDATES",
    "ColumnStages",
    "EarlyStoppingEstimator",
    "FoldBag",
    "SharedPrefixes",
    "TypedFrame",
    "WeightedEnsemble",
    "better",
    "category_codes",
    "code_matrix",
    "inner_split",
    "labels_of",
    "metric_input",
    "model_output",
    "output_by_chunks",
    "rows_where_split_pays",
    "score",
    "split_rows",
    "tune_threshold",
    "worst_score",
]

# Model packages name these classes by this public subpackage, not by the private module that
# defines them, so that a module can move without breaking the packages saved before.
for _cls in (ColumnStages, FoldBag, TypedFrame, WeightedEnsemble):
    _cls.__module__ = __name__
