"""Batch prediction for ``automl predict``: sources streamed in chunks, memory bounded by the chunk.

The source is read through the loader plugins: by the first loader that reads it and can
read it in chunks (``Loader.load_chunks``: the CSV and Parquet loaders of ``automl-loaders``
do), else whole. Each chunk is typed like the training data (text columns stay text, numbers
written as text become numbers, blanks missing), predicted, and appended to the output, which
is written beside its final name and renamed into place when complete.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..data import as_numbers, blanks_as_missing, load_with_manager
from ..errors import DataError
from ..plugin import Registry, build_plugin_manager

OUTPUT_FORMATS = {".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def iter_chunks(model: Any, source: str, chunk_rows: int, options: dict) -> Iterator[pd.DataFrame]:
    """The rows of ``source`` in frames of at most ``chunk_rows`` rows, typed like the training data."""
    numeric = model.column_plan_.of("numeric")
    for chunk in _chunks(model, source, chunk_rows, options):
        yield align_numeric(chunk, numeric)


def _chunks(model: Any, source: str, chunk_rows: int, options: dict) -> Iterator[pd.DataFrame]:
    pm = build_plugin_manager(model.plugins, model.block_plugins, model.autoload_plugins)
    loader = _chunk_loader(Registry.from_manager(pm, kinds=["loader"]), source, options)
    if loader is None:
        yield load_with_manager(pm, source, options).frame
        return
    text = [f["name"] for f in _features(model) if f["dtype"] in ("object", "string", "category")]
    try:
        yield from loader.load_chunks(source, dict(options), chunk_rows, text)
    except DataError:
        raise
    except FileNotFoundError as exc:
        raise DataError(f"file not found: {exc.filename or source} (loader {loader.name!r})") from None
    except (ValueError, OSError) as exc:  # pandas' ParserError and EmptyDataError, a wrong encoding...
        raise DataError(
            f"{source} cannot be read as {loader.name.upper()} by loader {loader.name!r} "
            f"({type(exc).__name__}: {str(exc).strip()}); a file written another way needs "
            f"--load-option, e.g. -L sep=';' -L encoding=latin-1"
        ) from None


def _chunk_loader(registry: Registry, source: str, options: dict):
    """The loader that reads ``source`` when it can read in chunks, else None (read whole)."""
    for loader in sorted(registry.all("loader"), key=lambda ld: (-ld.priority, ld.name)):
        if loader.can_load(source, dict(options)):
            return loader if loader.load_chunks is not None else None
    return None


def _features(model: Any) -> list[dict]:
    reference = model.reference_
    return [{"name": c, "dtype": str(reference[c].dtype) if c in reference else None} for c in model.feature_names_in_]


def align_numeric(chunk: pd.DataFrame, numeric: list[str]) -> pd.DataFrame:
    """Numeric columns that arrive as text become numbers (blanks missing) when every value parses.

    A column with a value that is not a number is left as it is, for the schema to report.
    """
    for column in numeric:
        if column not in chunk or chunk[column].dtype != object:
            continue
        parsed = as_numbers(blanks_as_missing(chunk[column], all_text=False))
        if parsed is not None:
            chunk[column] = parsed
    return chunk


def prediction_frame(model: Any, chunk: pd.DataFrame) -> pd.DataFrame:
    """``prediction`` and, for classification, ``proba_<class>`` per class, one row per input row."""
    if model.task_ == "regression":
        return pd.DataFrame({"prediction": model.predict(chunk)})
    proba = model.predict_proba(chunk)
    out = {"prediction": model.labels_from_proba(proba)}  # as predict, in one pass
    out.update({f"proba_{c}": proba[:, i] for i, c in enumerate(model.classes_)})
    return pd.DataFrame(out)


class _Writer:
    """Appends frames to a CSV or Parquet file written beside ``path``, renamed into place on close."""

    def __init__(self, path: Path):
        kind = OUTPUT_FORMATS.get(path.suffix.lower())
        if kind is None:
            raise DataError(f"cannot tell the output format of {path}: use a .csv or .parquet suffix")
        self.path, self.kind = path, kind
        self.partial = path.with_name(f".{path.name}.partial")
        self.parquet: Any = None
        self.rows = 0

    def write(self, frame: pd.DataFrame) -> None:
        if self.kind == "csv":
            frame.to_csv(self.partial, mode="a" if self.rows else "w", header=not self.rows, index=False)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(frame, preserve_index=False)
            if self.parquet is None:
                self.parquet = pq.ParquetWriter(self.partial, table.schema)
            self.parquet.write_table(table.cast(self.parquet.schema))
        self.rows += len(frame)

    def close(self, complete: bool) -> None:
        if self.parquet is not None:
            self.parquet.close()
        if complete and self.partial.exists():
            os.replace(self.partial, self.path)
        elif self.partial.exists():
            self.partial.unlink()


def predict_file(
    model: Any, source: str, out: str | os.PathLike, chunk_rows: int, options: dict, overwrite: bool = False
) -> int:
    """Predict every row of ``source`` into ``out`` (CSV or Parquet by suffix); returns the row
    count. An existing ``out`` is replaced only with ``overwrite``, and never when it is ``source``."""
    out, given = Path(out).expanduser(), Path(source).expanduser()
    if "://" not in source and given.exists() and out.resolve() == given.resolve():
        raise DataError(f"--out {out} is the input file; write the predictions elsewhere")
    if out.exists() and not overwrite:
        raise DataError(f"{out} already exists; pass --overwrite to replace it or choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = _Writer(out)
    complete = False
    try:
        for chunk in iter_chunks(model, source, chunk_rows, options):
            writer.write(prediction_frame(model, chunk))
        complete = writer.rows > 0
        if not complete:
            raise DataError(f"{source} holds no rows to predict")
    finally:
        writer.close(complete)
    return writer.rows


def metrics_rows(table: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Rows of ``AutoML.evaluate`` formatted for display: metric, value, direction."""
    rows = []
    for row in table.itertuples(index=False):
        name = f"{row.metric} (search metric)" if row.search_metric else row.metric
        value = "nan" if not np.isfinite(row.value) else f"{row.value:.4f}"
        rows.append((name, value, "higher is better" if row.greater_is_better else "lower is better"))
    return rows
