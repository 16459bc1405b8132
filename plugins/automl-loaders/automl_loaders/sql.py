"""The SQL loader: a table or a query from any database SQLAlchemy reaches.

The source is a SQLAlchemy URL (``sqlite:///shop.db``, ``postgresql+psycopg://user:pw@host/db``);
the options name exactly one of ``table=`` or ``query=`` (a query may use ``:name``
parameters with ``params={...}``); the other options go to :func:`pandas.read_sql_table` or
:func:`pandas.read_sql_query`. SQLAlchemy is imported only when a URL is seen, and a password
never appears in an error or a log line.
"""

from __future__ import annotations

import errno
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .report import finish

logger = logging.getLogger("automl.loaders")

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+._-]*://")


def can_load(source: Any, options: Mapping[str, Any]) -> bool:
    """A string URL whose dialect SQLAlchemy knows (no connection is made)."""
    if not isinstance(source, str) or not _SCHEME.match(source):
        return False
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        make_url(source).get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError):
        return False
    return True


def _scrub(text: str, password: str | None) -> str:
    return text.replace(password, "***") if password else text


def _check_sqlite_file(url) -> None:
    """SQLite creates a missing database file on connect; refuse instead of reading nothing."""
    database = url.database
    if url.get_backend_name() != "sqlite" or database in (None, "", ":memory:") or database.startswith("file:"):
        return
    if not Path(database).exists():
        raise FileNotFoundError(errno.ENOENT, "SQLite database not found", database)


def _read_table(conn, table: str, options: dict, shown: str) -> pd.DataFrame:
    from sqlalchemy import inspect

    inspector = inspect(conn)
    schema = options.get("schema")
    if not inspector.has_table(table, schema=schema):
        there = sorted(inspector.get_table_names(schema=schema) + inspector.get_view_names(schema=schema))
        raise ValueError(f"table {table!r} not found in {shown}; tables there: {', '.join(there) or 'none'}")
    frame = pd.read_sql_table(table, conn, **options)
    # SQLAlchemy names columns with its quoted_name (a str subclass) that scikit-learn's
    # column selection rejects: hand on plain strings
    frame.columns = [str.__str__(c) for c in frame.columns]
    return frame


def _read_query(conn, query: str, options: dict) -> pd.DataFrame:
    from sqlalchemy import text

    return pd.read_sql_query(text(query), conn, **options)


def _failure(exc: Exception, shown: str, query: str | None) -> str:
    """The database's own message (not SQLAlchemy's wrapping), with the query that failed."""
    detail = getattr(exc, "orig", None) or exc
    message = f"database error on {shown}: {type(detail).__name__}: {detail}".rstrip()
    return message if query is None else f"{message}\nquery: {query}"


def load(source: str, options: Mapping[str, Any]) -> pd.DataFrame:
    """Read ``options["table"]`` or the result of ``options["query"]`` from the database."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    url = make_url(source)
    shown = url.render_as_string(hide_password=True)
    opts = dict(options)
    table, query = opts.pop("table", None), opts.pop("query", None)
    if (table is None) == (query is None):
        raise ValueError(f"reading {shown} needs exactly one of the options table= or query=")
    _check_sqlite_file(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            frame = _read_table(conn, table, opts, shown) if table is not None else _read_query(conn, query, opts)
    except SQLAlchemyError as exc:
        raise ValueError(_scrub(_failure(exc, shown, query), url.password)) from exc
    finally:
        engine.dispose()
    return finish(frame, shown, "sql", [], **({"table": table} if table is not None else {"query": query}))
