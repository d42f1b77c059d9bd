"""One-time values (replay keys) in the once_values table: written with their entries, looked up by
index, filled by migration 0003 from a 0002 ledger's transfers, compared by verify; on SQLite and
PostgreSQL alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from core.deeds import register_deed
from core.errors import DeedbookError
from core.keys import KeyStore, UnlockedKey
from core.ledger import Ledger
from core.liens import add_lien
from core.paths import DataDir
from core.projection import stored_once
from core.requests import sign_request
from core.store import SCHEMA_HEAD
from core.transactions import find_transfer, prepare_transfer, submit
from core.verify import verify_ledger
from tests.helpers import PASSWORD


def _ledger(root: Path, url: str | None) -> tuple[Ledger, dict[str, UnlockedKey]]:
    home = DataDir.resolve(root).ensure()
    keys = KeyStore(home.keys)
    for name in ("operator", "alice", "bob", "bank"):
        keys.create(name, PASSWORD)
    unlocked = {info.name: keys.unlock(info.name, PASSWORD) for info in keys.list()}
    return Ledger.create(home, url, "Once County", unlocked["operator"]), unlocked


def _sell(ledger: Ledger, keys: dict[str, UnlockedKey], deed: int, seller: str, buyer: str) -> tuple[int, str]:
    prepared = prepare_transfer(ledger, deed, keys[buyer].address, "250000", seller=keys[seller].address)
    by_address = {k.address.lower(): k for k in keys.values()}
    index = submit(ledger, [sign_request(r, by_address[r.signer.lower()]) for r in prepared.requests])
    return index, prepared.transfer_id


def _busy(ledger: Ledger, keys: dict[str, UnlockedKey]) -> list[tuple[str, str, str, str, int]]:
    """Three transfers over two deeds (one paying off a lien); the rows the table must hold."""
    op = keys["operator"]
    first = register_deed(ledger, op, parcel="ONCE-1", address="1 Once St", owner=keys["alice"].address).deed_id
    second = register_deed(ledger, op, parcel="ONCE-2", address="2 Once St", owner=keys["alice"].address).deed_id
    add_lien(ledger, first, keys["bank"], "1000", "mortgage")
    rows = []
    for deed, seller, buyer in ((first, "alice", "bob"), (second, "alice", "bob"), (first, "bob", "alice")):
        index, transfer_id = _sell(ledger, keys, deed, seller, buyer)
        rows.append(("Transfer", "transferId", str(deed), transfer_id, index))
    return sorted(rows)


def _back_to_0002(ledger: Ledger) -> None:
    with ledger.engine.begin() as conn:
        conn.execute(text("DROP TABLE once_values"))
        conn.execute(text("DROP TABLE tree_nodes"))  # 0012's, after 0002
        conn.execute(text("UPDATE alembic_version SET version_num = '0002'"))


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_migration_0003_fills_the_table_from_a_0002_ledger(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    ledger, keys = _ledger(tmp_path / "home", url)
    expected = _busy(ledger, keys)
    with ledger.engine.connect() as conn:
        assert stored_once(conn) == expected  # written by the appends themselves
    _back_to_0002(ledger)
    ledger.close()

    reopened = Ledger.open(ledger.home, url)  # migrates 0002 -> 0003 (and on to the head)
    with reopened.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
        assert stored_once(conn) == expected
    assert verify_ledger(reopened, jobs=1).ok
    # The lookups that replaced the LIKE scans read the filled table.
    _, _, deed, transfer_id, index = expected[0]
    assert find_transfer(reopened, int(deed), transfer_id) == index
    assert find_transfer(reopened, int(deed), transfer_id.upper().replace("0X", "0x")) == index
    assert find_transfer(reopened, int(deed) + 1, transfer_id) is None  # per deed
    # ...and the append's rule: a reused id is refused with the entry that used it.
    buyer = "bob" if reopened.deed(int(deed)).owner == keys["alice"].address else "alice"
    prepared = prepare_transfer(reopened, int(deed), keys[buyer].address, "1", transfer_id=transfer_id)
    by_address = {k.address.lower(): k for k in keys.values()}
    with pytest.raises(DeedbookError, match=f"already recorded \\(entry {index}\\)"):
        submit(reopened, [sign_request(r, by_address[r.signer.lower()]) for r in prepared.requests])
    reopened.close()


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_unique_index_refuses_a_second_use_in_the_database_itself(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    ledger, keys = _ledger(tmp_path / "home", url)
    [row, *_] = _busy(ledger, keys)
    kind, name, scope, value, _ = row
    with pytest.raises(IntegrityError), ledger.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO once_values (kind, name, scope, value, entry_idx) VALUES (:k, :n, :s, :v, 99)"),
            {"k": kind, "n": name, "s": scope, "v": value},
        )
    ledger.close()


def test_verify_names_a_tampered_table_with_either_number_of_jobs(tmp_path: Path) -> None:
    ledger, keys = _ledger(tmp_path / "home", None)
    rows = _busy(ledger, keys)
    assert verify_ledger(ledger, jobs=1).ok
    _, _, _, value, index = rows[1]
    ledger.raw_execute(f"UPDATE once_values SET entry_idx = {index + 1} WHERE value = '{value}'")
    report = verify_ledger(ledger, jobs=1)
    assert not report.ok and "one-time values" in (report.reason or "")
    assert not verify_ledger(ledger, jobs=2).ok
    ledger.raw_execute(f"UPDATE once_values SET entry_idx = {index} WHERE value = '{value}'")
    assert verify_ledger(ledger, jobs=2).ok
