"""verify's fast path (compiled EIP-712 hashing, direct libsecp256k1 recovery) still catches tampering.

Each case changes one thing in an office's ledger behind the application's back (the append-only
trigger dropped first, as an attacker with the file would) and `verify --jobs 1` must fail (exit 1)
naming the entry or the node, and change nothing.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Callable

import pytest

from core import signing
from tests.hardening.conftest import Office
from tests.hardening.harness import run_cli
from tests.hardening.storage import fold_wal
from tests.hardening.test_catalogue_storage import assert_verify_fails


def _entry(
    index: int, change: Callable[[sqlite3.Connection, tuple[str, str, str, str]], None]
) -> Callable[[Path], None]:
    """Change entry `index` (message, signatures, leaf_hash, chain_hash) with the trigger out of the way."""

    def tamper(db: Path) -> None:
        conn = sqlite3.connect(db)
        conn.execute("DROP TRIGGER entries_append_only_update")
        row = conn.execute(
            "SELECT message, signatures, leaf_hash, chain_hash FROM entries WHERE idx = ?", (index,)
        ).fetchone()
        change(conn, row)
        conn.commit()
        conn.close()

    return tamper


def _message_byte(conn: sqlite3.Connection, row: tuple[str, str, str, str]) -> None:
    message = row[0].replace("0526301100", "0526301101")  # one digit of the parcel number
    assert message != row[0]
    conn.execute("UPDATE entries SET message = ? WHERE idx = 1", (message,))


def _signature_byte(conn: sqlite3.Connection, row: tuple[str, str, str, str]) -> None:
    signatures = json.loads(row[1])
    text = signatures[0]["signature"]
    signatures[0]["signature"] = text[:20] + ("0" if text[20] != "0" else "1") + text[21:]  # a digit of r
    conn.execute("UPDATE entries SET signatures = ? WHERE idx = 1", (json.dumps(signatures),))


def _leaf(conn: sqlite3.Connection, row: tuple[str, str, str, str]) -> None:
    conn.execute("UPDATE entries SET leaf_hash = ? WHERE idx = 1", (row[2][:-1] + ("0" if row[2][-1] != "0" else "1"),))


def _chain(conn: sqlite3.Connection, row: tuple[str, str, str, str]) -> None:
    conn.execute(
        "UPDATE entries SET chain_hash = ? WHERE idx = 1", (row[3][:-1] + ("0" if row[3][-1] != "0" else "1"),)
    )


def _node(db: Path) -> None:
    conn = sqlite3.connect(db)
    [node] = conn.execute("SELECT hash FROM tree_nodes WHERE level = 1 AND idx = 0").fetchone()
    conn.execute("UPDATE tree_nodes SET hash = ? WHERE level = 1 AND idx = 0", (bytes([node[0] ^ 1]) + node[1:],))
    conn.commit()
    conn.close()


# name -> (tamper, what verify's report says)
TAMPERING: dict[str, tuple[Callable[[Path], None], str]] = {
    "a message byte": (_entry(1, _message_byte), "Entry 1 (RegisterDeed): The registrar signature"),
    "a signature byte": (_entry(1, _signature_byte), "Entry 1 (RegisterDeed): The registrar signature"),
    "a stored leaf": (_entry(1, _leaf), "Entry 1 (RegisterDeed): its stored hash does not match its content"),
    "a stored chain hash": (_entry(1, _chain), "Entry 1 (RegisterDeed): the hash chain is broken here"),
    "a stored tree node": (_node, "The stored Merkle tree node over entries 0 to 1 (level 1) does not match"),
}


def test_the_office_ledger_is_verified_on_the_fast_path() -> None:
    # What the cases below exercise: recovery goes straight to libsecp256k1, not through coincurve's objects.
    assert signing._recovery_backend() is not signing._recover_point_coincurve


@pytest.mark.parametrize("tampered", TAMPERING, ids=list(TAMPERING))
def test_tampering_is_caught(office: Office, capsys: pytest.CaptureFixture[str], tampered: str) -> None:
    assert run_cli(office.argv("verify", "--jobs", "1"), capsys).code == 0
    fold_wal(office.home)
    tamper, says = TAMPERING[tampered]
    tamper(office.home / "ledger.sqlite")
    before = office.fingerprint()
    assert_verify_fails(run_cli(office.argv("verify", "--jobs", "1"), capsys), says)
    assert office.fingerprint() == before
