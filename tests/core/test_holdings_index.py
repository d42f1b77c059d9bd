"""Migration 0018: a 0017 ledger's holder index becomes (holder, deed_id), on SQLite and PostgreSQL,
and a party's deeds (`deeds_held`) are then read from that index alone, in order, the same list."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from core.compliance.recovery import deeds_held
from core.deeds import register_deed
from core.ledger import Ledger
from core.store import SCHEMA_HEAD
from tests.core.test_deed_search import _office


def _indexes(ledger: Ledger) -> set[str]:
    with ledger.engine.connect() as conn:
        if ledger.engine.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'holdings'"
        else:
            query = "SELECT indexname FROM pg_indexes WHERE tablename = 'holdings'"
        return {str(name) for name in conn.exec_driver_sql(query).scalars()}


def _plan(ledger: Ledger, holder: str) -> str:
    statement = "SELECT deed_id FROM holdings WHERE holder = :holder ORDER BY deed_id"
    with ledger.engine.connect() as conn:
        if ledger.engine.dialect.name == "sqlite":
            rows = conn.execute(text(f"EXPLAIN QUERY PLAN {statement}"), {"holder": holder})
            return "\n".join(str(row[-1]) for row in rows)
        conn.exec_driver_sql("SET enable_seqscan = off")  # a few rows: a scan would be as cheap
        conn.exec_driver_sql("SET enable_bitmapscan = off")
        return "\n".join(str(row[0]) for row in conn.execute(text(f"EXPLAIN {statement}"), {"holder": holder}))


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_0017_ledger_reads_a_partys_deeds_from_the_holder_index_in_order(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    ledger, operator = _office(tmp_path / "home", url)
    with ledger.engine.begin() as conn:  # the database as 0017 left it
        conn.execute(text("DROP INDEX ix_holdings_holder_deed"))
        conn.execute(text("CREATE INDEX ix_holdings_holder ON holdings (holder)"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0017'"))
    held = deeds_held(ledger, operator.address)
    ledger.close()

    reopened = Ledger.open(ledger.home, url)  # migrates 0017 -> 0018
    with reopened.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
    assert "ix_holdings_holder_deed" in _indexes(reopened) and "ix_holdings_holder" not in _indexes(reopened)
    plan = _plan(reopened, operator.address)
    assert "ix_holdings_holder_deed" in plan, plan
    assert "sort" not in plan.lower() and "temp b-tree" not in plan.lower(), plan  # in order from the index
    assert deeds_held(reopened, operator.address) == held == [1, 2, 3]
    register_deed(reopened, operator, parcel="GH-4", address="4 Oak", owner=operator.address)
    assert deeds_held(reopened, operator.address) == [1, 2, 3, 4] and deeds_held(reopened, "0x" + "0" * 40) == []
    reopened.close()
