"""The SQL loader on SQLite databases built from a real dataset, and its errors."""

from __future__ import annotations

import logging
import socket
import traceback

import pytest
import sqlalchemy as sa

from automl_core import DataError


@pytest.fixture
def shop(tmp_path, adult_sample) -> str:
    """A SQLite database with the table ``adult`` (300 real rows)."""
    path = tmp_path / "shop.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    adult_sample.to_sql("adult", engine, index=False)
    engine.dispose()
    return f"sqlite:///{path}"


def test_read_a_table(read, shop, adult_sample, assert_same_frame):
    frame, report = read(shop, table="adult")
    assert_same_frame(adult_sample, frame)
    assert report["loader"] == "sql" and report["table"] == "adult"


def test_read_a_query_with_parameters(load, shop, adult_sample, assert_same_frame):
    frame = load(shop, query="SELECT age, workclass, class FROM adult WHERE age > :age", params={"age": 40})
    expected = adult_sample.loc[adult_sample["age"] > 40, ["age", "workclass", "class"]].reset_index(drop=True)
    assert_same_frame(expected, frame)


def test_failing_query_passes_on_the_database_message_and_the_query(load, shop):
    query = "SELECT salary FROM adult"
    with pytest.raises(DataError) as info:
        load(shop, query=query)
    message = str(info.value)
    assert "loader 'sql'" in message and "no such column: salary" in message
    assert f"query: {query}" in message
    assert isinstance(info.value.__cause__, ValueError)


def test_missing_table_lists_the_tables_there_are(load, shop):
    with pytest.raises(DataError, match=r"table 'customers' not found in sqlite:///.*shop\.db; tables there: adult"):
        load(shop, table="customers")


@pytest.mark.parametrize("options", [{}, {"table": "adult", "query": "SELECT 1"}])
def test_exactly_one_of_table_or_query(load, shop, options):
    with pytest.raises(DataError, match="needs exactly one of the options table= or query="):
        load(shop, **options)


def test_missing_sqlite_file_is_file_not_found_and_not_created(load, tmp_path):
    path = tmp_path / "absent.db"
    with pytest.raises(DataError, match=rf"file not found: {path}"):
        load(f"sqlite:///{path}", table="adult")
    assert not path.exists()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_password_is_never_echoed(load, caplog):
    caplog.set_level(logging.DEBUG)
    password = "Sup3r-s3cret-pw"
    url = f"postgresql+psycopg://automl:{password}@127.0.0.1:{_closed_port()}/nowhere"
    with pytest.raises(DataError) as info:
        load(url, table="adult")
    shown = "".join(traceback.format_exception(info.value))
    assert "automl:***@127.0.0.1" in str(info.value)
    assert "Connection refused" in str(info.value) or "connection failed" in str(info.value)
    assert password not in shown and password not in caplog.text


def test_unknown_dialect_is_not_claimed(load):
    with pytest.raises(DataError, match="no loader can read 'nosuchdb://u:\\*\\*\\*@host/db'; loaders tried"):
        load("nosuchdb://u:secret@host/db", table="t")
