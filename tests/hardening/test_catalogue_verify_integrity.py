"""SQLite's integrity check now runs beside the replay (core/integrity_check.py): a damaged file is still
named as such, first, even when the replay trips over something too; verify exits 1 and changes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable

import pytest

from tests.hardening.conftest import Office
from tests.hardening.harness import run_cli
from tests.hardening.storage import fold_wal
from tests.hardening.test_catalogue_storage import assert_verify_fails


def _damage_index(db: Path) -> None:
    """An index that disagrees with its table (same length: every page stays well-formed)."""
    conn = sqlite3.connect(db)
    [root] = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ix_entries_kind'").fetchone()
    conn.close()
    data = bytearray(db.read_bytes())
    page = (root - 1) * 4096
    cell = data.find(b"RegisterDeed", page, page + 4096)
    assert cell > 0
    data[cell : cell + 12] = b"RegisterDeef"
    db.write_bytes(bytes(data))


def _sql(statement: str) -> Callable[[Path], None]:
    def change(db: Path) -> None:
        conn = sqlite3.connect(db)
        conn.execute("DROP TRIGGER IF EXISTS entries_append_only_update")
        conn.execute(statement)
        conn.commit()
        conn.close()

    return change


# name -> what else is wrong besides the damaged index (the replay would name it, were the file sound)
ALSO_WRONG: dict[str, Callable[[Path], None] | None] = {
    "nothing else": None,
    "an entry's message": _sql(
        "UPDATE entries SET message = replace(message, '0526301100', '0526301101') WHERE idx = 1"
    ),
    "a stored chain hash": _sql("UPDATE entries SET chain_hash = '0x' || substr(chain_hash, 4) || '0' WHERE idx = 1"),
    "an entry's JSON": _sql("UPDATE entries SET message = 'not json' WHERE idx = 1"),
    "a deed row": _sql("UPDATE deeds SET version = 9 WHERE deed_id = 1"),
}


@pytest.mark.parametrize("also", ALSO_WRONG, ids=list(ALSO_WRONG))
def test_a_damaged_file_is_named_first(office: Office, capsys: pytest.CaptureFixture[str], also: str) -> None:
    fold_wal(office.home)
    db = office.home / "ledger.sqlite"
    if (change := ALSO_WRONG[also]) is not None:
        change(db)
        fold_wal(office.home)
    _damage_index(db)
    before = office.fingerprint()
    for jobs in ("1", "2"):  # 2 on a small ledger: still one process, the check beside the replay
        assert_verify_fails(run_cli(office.argv("verify", "--jobs", jobs), capsys), "integrity check found")
    assert office.fingerprint() == before
