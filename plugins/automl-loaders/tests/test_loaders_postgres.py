"""The SQL loader against a real PostgreSQL server (started by ``.ci/postgres.sh``)."""

from __future__ import annotations

import os
import traceback
import uuid

import pytest
import sqlalchemy as sa

from automl_core import DataError

URL = os.environ.get("AUTOML_TEST_POSTGRES_URL")

pytestmark = pytest.mark.skipif(
    not URL,
    reason='AUTOML_TEST_POSTGRES_URL is not set; start a server with: eval "$(bash .ci/postgres.sh)"',
)


@pytest.fixture
def table(adult_sample):
    """A fresh table holding 300 real rows of adult_income, dropped afterwards."""
    name = f"adult_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(URL)
    adult_sample.to_sql(name, engine, index=False)
    yield name
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP TABLE "{name}"'))
    engine.dispose()


def _sorted(frame):
    """SQL promises no row order without ORDER BY: compare rows as sets."""
    return frame.sort_values(list(frame.columns), na_position="last").reset_index(drop=True)


def test_read_a_table(read, table, adult_sample, assert_same_frame):
    frame, report = read(URL, table=table)
    assert_same_frame(_sorted(adult_sample), _sorted(frame))
    assert report["loader"] == "sql" and ":***@" in report["source"]


def test_read_a_query(load, table, adult_sample, assert_same_frame):
    frame = load(URL, query=f'SELECT age, occupation FROM "{table}" WHERE sex = :sex', params={"sex": "Female"})
    expected = adult_sample.loc[adult_sample["sex"] == "Female", ["age", "occupation"]]
    assert len(frame) == len(expected) > 0
    assert_same_frame(_sorted(expected), _sorted(frame))


def test_failing_query_passes_on_postgres_message(load, table):
    with pytest.raises(DataError, match=r'column "salary" does not exist[\s\S]*query: SELECT salary FROM'):
        load(URL, query=f'SELECT salary FROM "{table}"')


def test_missing_table_lists_the_tables_there_are(load, table):
    with pytest.raises(DataError, match=rf"table 'customers' not found in .*; tables there: .*{table}"):
        load(URL, table="customers")


def test_wrong_password_is_not_echoed(load):
    url = sa.engine.make_url(URL)
    wrong = "Wr0ng-pw-" + uuid.uuid4().hex[:6]
    with pytest.raises(DataError) as info:
        load(url.set(password=wrong).render_as_string(hide_password=False), table="anything")
    message = str(info.value)
    assert "password authentication failed" in message
    assert wrong not in "".join(traceback.format_exception(info.value))
    assert url.password not in message
