"""Migration 0004 drops the `settings` table nothing read (preferences live in settings.json): a 0003
ledger, with or without the table, opens at the head, keeps its deeds and still verifies; on SQLite
and PostgreSQL alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from core.deeds import register_deed
from core.keys import KeyStore
from core.ledger import Ledger
from core.paths import DataDir
from core.store import SCHEMA_HEAD
from core.verify import verify_ledger
from tests.helpers import PASSWORD


def _back_to_0003(ledger: Ledger, *, with_table: bool) -> None:
    """The database as 0003 left it: a `settings` table (with a row, as a hand-made one might have)."""
    with ledger.engine.begin() as conn:
        if with_table:
            conn.execute(text("CREATE TABLE settings (key VARCHAR NOT NULL PRIMARY KEY, value TEXT NOT NULL)"))
            conn.execute(text("INSERT INTO settings (key, value) VALUES ('paper', 'A4')"))
        conn.execute(text("DROP TABLE tree_nodes"))  # 0012's, after 0003
        conn.execute(text("UPDATE alembic_version SET version_num = '0003'"))


@pytest.mark.parametrize("with_table", [True, False], ids=["table", "no-table"])
@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_migration_0004_drops_the_settings_table_of_a_0003_ledger(
    database: str, with_table: bool, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    home = DataDir.resolve(tmp_path / "home").ensure()
    keys = KeyStore(home.keys)
    keys.create("operator", PASSWORD)
    operator = keys.unlock("operator", PASSWORD)
    ledger = Ledger.create(home, url, "Settings County", operator)
    assert not inspect(ledger.engine).has_table("settings")  # a new ledger never has it
    deed = register_deed(ledger, operator, parcel="SET-1", address="1 Settings St", owner=operator.address).deed_id
    _back_to_0003(ledger, with_table=with_table)
    assert inspect(ledger.engine).has_table("settings") == with_table
    ledger.close()

    reopened = Ledger.open(home, url)  # migrates 0003 -> 0004
    with reopened.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
    assert not inspect(reopened.engine).has_table("settings")
    assert reopened.deed(deed).parcel == "SET-1" and verify_ledger(reopened, jobs=1).ok
    reopened.close()
