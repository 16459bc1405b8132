"""The ``loaders`` plugin: registers every loader of this distribution.

Priorities (higher is asked first): ``dataframe`` 100; the single-file formats ``csv``,
``parquet`` and ``jsonl`` 50 (their suffixes never overlap); ``glob`` 40 (a directory or a
pattern that names no existing file); ``sql`` 10 (a URL whose dialect SQLAlchemy knows).
A third party's loader can go before any of these with a higher priority, or take over
entirely through the ``load_data`` hook.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import pandas as pd

from automl_core import Loader, hookimpl

from . import files, sql

PLUGIN_NAME = "loaders"


def _is_frame(source: Any, options: Mapping[str, Any]) -> bool:
    return isinstance(source, pd.DataFrame)


def _same_frame(source: pd.DataFrame, options: Mapping[str, Any]) -> pd.DataFrame:
    """A DataFrame is data already: returned as it is, the very same object."""
    if options:
        raise ValueError(f"a DataFrame takes no loader options; got {', '.join(sorted(options))}")
    return source


def _file_claim(kind: str, source: Any, options: Mapping[str, Any]) -> bool:
    return files.claims(kind, source)


LOADERS = (
    Loader("dataframe", _is_frame, _same_frame, priority=100, description="an in-memory pandas DataFrame, as it is"),
    Loader(
        "csv",
        partial(_file_claim, "csv"),
        files.read_csv,
        priority=50,
        load_chunks=files.read_csv_chunks,
        description=".csv, .tsv, .txt (also .gz, .bz2, .zip, .xz); numeric text columns converted and reported",
    ),
    Loader(
        "parquet",
        partial(_file_claim, "parquet"),
        files.read_parquet,
        priority=50,
        load_chunks=files.read_parquet_chunks,
        description=".parquet, .pq",
    ),
    Loader(
        "jsonl",
        partial(_file_claim, "jsonl"),
        files.read_jsonl,
        priority=50,
        description=".jsonl, .ndjson: one JSON object per line (also compressed)",
    ),
    Loader(
        "glob",
        files.can_glob,
        files.read_glob,
        priority=40,
        description="a directory or a glob pattern of CSV/Parquet files with the same columns, concatenated",
    ),
    Loader(
        "sql",
        sql.can_load,
        sql.load,
        priority=10,
        description="a SQLAlchemy URL (sqlite:///file.db, postgresql+psycopg://...) with table= or query=",
    ),
)


@hookimpl
def register_loaders(register) -> None:
    """Register the loaders of this distribution."""
    for loader in LOADERS:
        register(loader)
