"""The same ledger on PostgreSQL: nothing in core depends on SQLite.

The `postgres_url` fixture (tests/conftest.py, tests/postgres.py) is a fresh
database on a throwaway server listening on a Unix socket only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from core.checkpoints import make_checkpoint
from core.deeds import register_deed
from core.ledger import Ledger
from core.verify import verify_ledger
from tests.helpers import make_world


def test_ledger_on_postgresql_appends_verifies_and_catches_tampering(postgres_url: str, tmp_path: Path) -> None:
    world = make_world(tmp_path / "pg-home", "Postgres County", postgres_url)
    home, ledger, operator = world.home, world.ledger, world.operator
    for i in range(1, 6):
        register_deed(
            ledger,
            operator,
            parcel=f"PG-{i}",
            address=f"{i} Elm St",
            owner=operator.address,
            attributes={"Gr_Liv_Area": 900 + i},
        )
    make_checkpoint(ledger, operator)
    assert ledger.engine.dialect.name == "postgresql"
    assert not home.database.exists()  # nothing went to SQLite
    report = verify_ledger(Ledger.open(home, postgres_url), jobs=1)
    assert report.ok and report.entries == 7 and report.warnings == []

    with pytest.raises(DatabaseError, match="append-only"):
        ledger.raw_execute("UPDATE entries SET kind='x' WHERE idx=2")
    with ledger.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER entries_append_only_update ON entries"))
        conn.execute(text("UPDATE entries SET message=replace(message, 'PG-2', 'PG-9') WHERE idx=2"))
    report = verify_ledger(ledger, jobs=1)
    assert not report.ok and report.first_bad == 2
    assert any("append-only guard" in w for w in report.warnings)


def test_opening_an_empty_database_writes_nothing_into_it(
    postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A read (`deed list`) on a PostgreSQL database holding no ledger wrote the whole schema into it, then said
    there was no ledger there (fails on the old code); `init` still makes the ledger in it."""
    from sqlalchemy import create_engine, inspect

    from tests.hardening.harness import run_cli

    home = ["--data-dir", str(tmp_path / "home"), "--db-url", postgres_url]
    listed = run_cli([*home, "deed", "list"], capsys)
    assert listed.code == 2 and listed.err.startswith("deedbook: There is no ledger in the database postgresql")
    engine = create_engine(postgres_url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()
    (tmp_path / "pw").write_text("correct horse battery\n")
    keyed = ["--password-file", str(tmp_path / "pw")]
    assert run_cli([*home, "key", "new", "operator", *keyed], capsys).code == 0
    assert run_cli([*home, "init", "--name", "Empty Until Now", "--operator", "operator", *keyed], capsys).code == 0
    assert run_cli([*home, "deed", "list"], capsys).out == "No deeds.\n"
