"""Loaders of local files: CSV (and TSV, text), Parquet, JSON lines, and globs of CSV/Parquet.

Files are recognised by suffix, after an optional compression suffix (``.gz``, ``.bz2``,
``.zip``, ``.xz``) for the text formats. Options are passed through to the pandas reader.
"""

from __future__ import annotations

import bz2
import csv
import errno
import glob as globlib
import gzip
import io
import logging
import lzma
import os
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from automl_core import LoadedData

from .report import convert_numeric_text, explicit_dtype_columns, finish

logger = logging.getLogger("automl.loaders")

SUFFIXES = {
    "csv": (".csv", ".tsv", ".txt"),
    "parquet": (".parquet", ".pq"),
    "jsonl": (".jsonl", ".ndjson"),
}
COMPRESSIONS = (".gz", ".bz2", ".zip", ".xz")
_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
_SNIFFED = ("\t", ",", ";", "|")


def local_path(source: Any) -> Path | None:
    """``source`` as a local path, or None when it is not a path (a URL, a DataFrame...)."""
    if not isinstance(source, (str, os.PathLike)):
        return None
    text = os.fspath(source)
    if not isinstance(text, str) or "://" in text:
        return None
    return Path(text)


def is_pattern(path: Path) -> bool:
    """Whether ``path`` is a glob pattern rather than the name of an existing file."""
    return globlib.has_magic(str(path)) and not path.exists()


def format_of(path: Path) -> tuple[str | None, str | None]:
    """The format (a key of :data:`SUFFIXES`) and compression suffix of a file name."""
    suffixes = [s.lower() for s in path.suffixes]
    compression = suffixes.pop() if suffixes and suffixes[-1] in COMPRESSIONS else None
    last = suffixes[-1] if suffixes else ""
    for kind, known in SUFFIXES.items():
        if last in known and not (kind == "parquet" and compression):
            return kind, compression
    return None, compression


def claims(kind: str, source: Any) -> bool:
    """Whether the file loader of ``kind`` reads ``source`` (by suffix, nothing is opened)."""
    path = local_path(source)
    if path is None or is_pattern(path) or path.is_dir():
        return False
    return format_of(path)[0] == kind


def _head(path: Path, compression: str | None, encoding: str) -> str:
    if compression == ".zip":
        with zipfile.ZipFile(path) as archive, archive.open(archive.namelist()[0]) as member:
            return io.TextIOWrapper(member, encoding=encoding, errors="replace").read(65536)
    opener = _OPENERS.get(compression, open)
    with opener(path, "rt", encoding=encoding, errors="replace") as handle:
        return handle.read(65536)


def sniff_separator(path: Path, compression: str | None, encoding: str = "utf-8") -> str:
    """The column separator of a delimited text file, from its first lines."""
    head = _head(path, compression, encoding)
    sample = head[: head.rfind("\n") + 1] or head
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(_SNIFFED)).delimiter
    except csv.Error:
        fallback = "\t" if ".tsv" in _lower_suffixes(path) else ","
        logger.warning("could not tell the separator of %s; using %r", path, fallback)
        return fallback


def _lower_suffixes(path: Path) -> list[str]:
    return [s.lower() for s in path.suffixes]


def csv_options(path: Path, options: Mapping[str, Any]) -> dict:
    """``options`` for ``pandas.read_csv``, with the separator of a ``.tsv``/``.txt`` file sniffed
    unless the user gave one (a ``.csv`` file is comma-separated unless told otherwise)."""
    opts = dict(options)
    if "sep" not in opts and "delimiter" not in opts and ".csv" not in _lower_suffixes(path):
        opts["sep"] = sniff_separator(path, format_of(path)[1], opts.get("encoding") or "utf-8")
    return opts


def read_csv(source: Any, options: Mapping[str, Any]) -> LoadedData:
    """Read a delimited text file; ``.tsv`` and ``.txt`` have their separator sniffed."""
    path = Path(source)
    opts = csv_options(path, options)
    frame = pd.read_csv(path, **opts)
    frame, conversions = convert_numeric_text(frame, keep=explicit_dtype_columns(opts, frame.columns))
    return finish(frame, str(path), "csv", conversions, sep=opts.get("sep", opts.get("delimiter", ",")))


def read_csv_chunks(
    source: Any, options: Mapping[str, Any], chunk_rows: int, text_columns: Sequence[str]
) -> Iterator[pd.DataFrame]:
    """A delimited text file in frames of at most ``chunk_rows`` rows; ``text_columns`` stay
    text as written (a chunk of digits only would otherwise read them as numbers)."""
    path = Path(source)
    opts = csv_options(path, options)
    given = opts.pop("dtype", None)
    dtype = {c: "object" for c in text_columns}
    if isinstance(given, Mapping):
        dtype.update(given)
    elif given is not None:
        dtype = given
    yield from pd.read_csv(path, chunksize=chunk_rows, dtype=dtype, **opts)


def read_parquet_chunks(
    source: Any, options: Mapping[str, Any], chunk_rows: int, text_columns: Sequence[str]
) -> Iterator[pd.DataFrame]:
    """A Parquet file in frames of at most ``chunk_rows`` rows (its types come from the file),
    each indexed by its rows' positions in the file."""
    import pyarrow.parquet as pq

    offset = 0
    for batch in pq.ParquetFile(Path(source)).iter_batches(batch_size=chunk_rows, **options):
        frame = batch.to_pandas()
        frame.index = pd.RangeIndex(offset, offset + len(frame))
        offset += len(frame)
        yield frame


def read_parquet(source: Any, options: Mapping[str, Any]) -> LoadedData:
    """Read a Parquet file (types come from the file; nothing is converted)."""
    frame = pd.read_parquet(Path(source), **options)
    return finish(frame, str(source), "parquet", [])


def read_jsonl(source: Any, options: Mapping[str, Any]) -> LoadedData:
    """Read JSON lines: one JSON object per line, one row per object."""
    opts = {"lines": True, **options}
    frame = pd.read_json(Path(source), **opts)
    frame, conversions = convert_numeric_text(frame, keep=explicit_dtype_columns(opts, frame.columns))
    return finish(frame, str(source), "jsonl", conversions)


def can_glob(source: Any, options: Mapping[str, Any]) -> bool:
    """A directory, or a glob pattern that names no existing file."""
    path = local_path(source)
    return path is not None and (path.is_dir() or is_pattern(path))


def glob_files(path: Path) -> list[Path]:
    """The data files of a directory, or every file a pattern matches (each must be CSV or Parquet)."""
    if path.is_dir():
        present = sorted(p for p in path.iterdir() if p.is_file())
        files = [p for p in present if format_of(p)[0] in ("csv", "parquet")]
        if not files:
            others = ", ".join(p.name for p in present[:5]) + (", ..." if len(present) > 5 else "")
            raise ValueError(
                f"the directory {path} holds no CSV or Parquet file"
                + (f" (it holds {len(present)} other file(s): {others})" if present else " (it is empty)")
            )
    else:
        files = sorted(Path(p) for p in globlib.glob(str(path), recursive=True) if os.path.isfile(p))
        for file in files:
            if format_of(file)[0] not in ("csv", "parquet"):
                raise ValueError(f"{file} matches {str(path)!r} but is neither a CSV nor a Parquet file")
    if not files:
        raise FileNotFoundError(errno.ENOENT, "no CSV or Parquet file matches", str(path))
    return files


def _read_raw(file: Path, options: Mapping[str, Any]) -> pd.DataFrame:
    if format_of(file)[0] == "parquet":
        return pd.read_parquet(file, **options)
    return pd.read_csv(file, **csv_options(file, options))


def read_glob(source: Any, options: Mapping[str, Any]) -> LoadedData:
    """Concatenate the CSV/Parquet files of a directory or pattern; their columns must agree."""
    path = Path(source)
    files = glob_files(path)
    frames = [_read_raw(file, options) for file in files]
    expected = set(frames[0].columns)
    for file, frame in zip(files[1:], frames[1:]):
        if set(frame.columns) != expected:
            missing, extra = sorted(expected - set(frame.columns)), sorted(set(frame.columns) - expected)
            raise ValueError(f"{file} does not have the columns of {files[0]}: missing {missing}, unexpected {extra}")
    frame = pd.concat(frames, ignore_index=True)
    frame, conversions = convert_numeric_text(frame, keep=explicit_dtype_columns(options, frame.columns))
    return finish(frame, str(path), "glob", conversions, files=[str(f) for f in files])
