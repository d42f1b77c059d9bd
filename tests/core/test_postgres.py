"""The same ledger on PostgreSQL: nothing in core depends on SQLite.

A throwaway server is started in a temporary folder, listening on a Unix socket
only (no TCP), and stopped at the end.  `.ci/run` installs Debian's postgresql.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from core.checkpoints import make_checkpoint
from core.deeds import register_deed
from core.keys import KeyStore
from core.ledger import Ledger
from core.paths import DataDir
from core.verify import verify_ledger
from tests.helpers import PASSWORD

PORT = 54329


def _binary(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if found is None:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (Debian package postgresql; .ci/run installs it).")
    return found


def _as_server_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv  # initdb refuses root


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="deedbook-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data = folder / "data"
    subprocess.run(_as_server_user([_binary("initdb"), "-D", str(data), "-A", "trust", "-U", "deedbook"]),
                   check=True, capture_output=True)
    subprocess.run(_as_server_user([_binary("pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
                                    f"-k {folder} -p {PORT} -c listen_addresses=''", "start"]),
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://deedbook@/postgres?host={folder}&port={PORT}"
    finally:
        subprocess.run(_as_server_user([_binary("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def test_ledger_on_postgresql_appends_verifies_and_catches_tampering(postgres_url: str, tmp_path: Path) -> None:
    home = DataDir.resolve(tmp_path / "pg-home").ensure()
    keys = KeyStore(home.keys)
    keys.create("operator", PASSWORD)
    operator = keys.unlock("operator", PASSWORD)
    ledger = Ledger.create(home, postgres_url, "Postgres County", operator)
    for i in range(1, 6):
        register_deed(ledger, operator, parcel=f"PG-{i}", address=f"{i} Elm St", owner=operator.address,
                      attributes={"Gr_Liv_Area": 900 + i})
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
