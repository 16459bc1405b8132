"""What comes in: reading sources through the loader plugins, checking and typing the
training input, the target, and the pandera schema that inputs are validated against.

pandera is imported by :mod:`automl_core.data._schema` alone, on the first use of one of its
names here.
"""

from ._columns import KINDS as COLUMN_KINDS
from ._columns import ColumnPlan, holds_numbers, infer_kind, plan_columns
from ._input import (
    FLOAT32_MAX,
    TrainingData,
    beyond_float32,
    check_columns,
    fingerprint,
    fitted_frame,
    refuse_repeated_columns,
    split_target,
    to_frame,
    training_data,
    with_string_columns,
)
from ._loading import describe_source, load_data, load_with_manager, mask_password
from ._missing import missing_message, warn_missing
from ._numeric_text import (
    as_numbers,
    blanks_as_missing,
    convert_numeric_text,
    is_text_column,
    numeric_text,
    read_numeric_text,
)
from ._roles import RowRoles, RowValues, take_row_roles
from ._target import check_target, encode_target, infer_task

__all__ = [
    "COLUMN_KINDS",
    "ColumnPlan",
    "RowRoles",
    "RowValues",
    "TrainingData",
    "as_numbers",
    "blanks_as_missing",
    "FLOAT32_MAX",
    "beyond_float32",
    "check_columns",
    "refuse_repeated_columns",
    "check_target",
    "convert_numeric_text",
    "describe_source",
    "encode_target",
    "fingerprint",
    "fitted_frame",
    "holds_numbers",
    "infer_kind",
    "infer_task",
    "is_text_column",
    "load_data",
    "load_with_manager",
    "mask_password",
    "missing_message",
    "numeric_text",
    "plan_columns",
    "read_numeric_text",
    "split_target",
    "take_row_roles",
    "to_frame",
    "training_data",
    "warn_missing",
    "with_string_columns",
    # from the pandera module, imported on first use
    "infer_schema",
    "new_missing",
    "schema_from_yaml",
    "schema_to_yaml",
    "validate",
]

_SCHEMA_NAMES = ("infer_schema", "new_missing", "schema_from_yaml", "schema_to_yaml", "validate")


# Model packages name these classes by this public subpackage, not by the private module that
# defines them, so that a module can move without breaking the packages saved before.
for _cls in (ColumnPlan,):
    _cls.__module__ = __name__


def __getattr__(name: str):
    if name in _SCHEMA_NAMES:  # pandera costs a quarter of a second to import: only when needed
        from . import _schema

        return getattr(_schema, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
