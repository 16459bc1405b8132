"""The feature builders of the plugin: date parts, text to dense columns, feature selection.

Builders run first in every pipeline, on the raw feature frame. Each record's ``build`` and
``applies`` import their module when called, so that loading the plugin stays cheap.

* ``datetime_parts`` (always on where it applies): date columns, datetime64 or strings that
  parse as dates, become calendar parts, cyclic encodings and elapsed days.
* ``text_tfidf`` (a search choice): free-text columns become a few TF-IDF + SVD components.
* ``feature_selection`` (a search choice): keeps the columns that best predict the target.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from automl_core import BuildContext, FeatureBuilder

#: The selector is offered only on frames with at least this many columns.
MIN_COLUMNS_TO_SELECT = 4


# --------------------------------------------------------------------------- datetime_parts
def _has_dates(frame) -> bool:
    from .datetime import date_columns

    return bool(date_columns(frame))


def _build_datetime_parts(params: Mapping[str, Any], context: BuildContext):
    from .datetime import DateParts

    return DateParts()


# --------------------------------------------------------------------------- text_tfidf
def _has_text(frame) -> bool:
    from .text import text_columns

    return bool(text_columns(frame))


def _suggest_text_tfidf(trial: Any, context: BuildContext) -> dict:
    return {
        "analyzer": trial.suggest_categorical("analyzer", ["word", "char_wb"]),
        "n_components": trial.suggest_int("n_components", 5, 30, log=True),
        "min_df": trial.suggest_int("min_df", 2, 20, log=True),
    }


def _build_text_tfidf(params: Mapping[str, Any], context: BuildContext):
    from .text import TextSVD

    return TextSVD(
        analyzer=params.get("analyzer", "word"),
        n_components=params.get("n_components", 10),
        min_df=params.get("min_df", 5),
        random_state=context.seed,
    )


# --------------------------------------------------------------------------- feature_selection
def _has_columns_to_select(frame) -> bool:
    return frame.shape[1] >= MIN_COLUMNS_TO_SELECT


def _suggest_feature_selection(trial: Any, context: BuildContext) -> dict:
    return {
        "method": trial.suggest_categorical("method", ["mutual_info", "model"]),
        "fraction": trial.suggest_float("fraction", 0.25, 1.0),
    }


def _build_feature_selection(params: Mapping[str, Any], context: BuildContext):
    from .selection import FeatureSelector

    return FeatureSelector(
        method=params.get("method", "mutual_info"),
        fraction=params.get("fraction", 0.5),
        task=context.task,
        n_jobs=context.n_jobs,
        random_state=context.seed,
    )


FEATURE_BUILDERS: tuple[FeatureBuilder, ...] = (
    FeatureBuilder(
        "datetime_parts",
        _build_datetime_parts,
        _has_dates,
        optional=False,
        description="date columns (datetime64, or strings that parse as dates) to year, month, day, "
        "day of week and of year, hour, their sines and cosines, and elapsed days",
    ),
    FeatureBuilder(
        "text_tfidf",
        _build_text_tfidf,
        _has_text,
        _suggest_text_tfidf,
        description="free-text columns to a few dense components: TF-IDF (words or character "
        "trigrams), then truncated SVD",
    ),
    FeatureBuilder(
        "feature_selection",
        _build_feature_selection,
        _has_columns_to_select,
        _suggest_feature_selection,
        phase="select",
        description="drops nearly constant columns and keeps the share that best predicts the "
        "target, by mutual information or extra-trees importances",
    ),
)
