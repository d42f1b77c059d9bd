"""Edits made behind the application's back, with plain SQL, are found and named."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from core.checkpoints import make_checkpoint
from core.deeds import register_deed
from core.verify import verify_ledger
from tests.helpers import World, make_world

TARGET = 3  # the entry we tamper with (entry 0 is the genesis)


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = make_world(tmp_path / "ledger")
    alice = w.key("alice").address
    for i in range(1, 7):
        register_deed(
            w.ledger,
            w.operator,
            parcel=f"P-{i}",
            address=f"{i} Main St",
            owner=alice,
            attributes={"Gr_Liv_Area": 1000 + i},
        )
    make_checkpoint(w.ledger, w.operator)
    assert verify_ledger(w.ledger, jobs=1).ok
    return w


def sql(world: World, *statements: str) -> None:
    db = sqlite3.connect(world.home.database)
    db.execute("DROP TRIGGER IF EXISTS entries_append_only_update")
    db.execute("DROP TRIGGER IF EXISTS entries_append_only_delete")
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


def test_the_append_only_guard_refuses_plain_edits(world: World) -> None:
    db = sqlite3.connect(world.home.database)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute(f"UPDATE entries SET kind='x' WHERE idx={TARGET}")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute(f"DELETE FROM entries WHERE idx={TARGET}")
    db.close()


def tampered_message() -> str:
    return f"UPDATE entries SET message=replace(message, '\"parcel\":\"P-{TARGET}\"', '\"parcel\":\"P-99\"') WHERE idx={TARGET}"


@pytest.mark.parametrize(
    "statement",
    [
        f"UPDATE entries SET kind='Checkpoint' WHERE idx={TARGET}",
        f"UPDATE entries SET deed_id=deed_id+1 WHERE idx={TARGET}",
        f"UPDATE entries SET signers='0x0000000000000000000000000000000000000000' WHERE idx={TARGET}",
        tampered_message(),
        f"UPDATE entries SET signatures=replace(signatures, '\"role\":\"registrar\"', '\"role\":\"operator\"') WHERE idx={TARGET}",
        f"UPDATE entries SET signatures=replace(signatures, '0x', '0x0') WHERE idx={TARGET}",
        f"UPDATE entries SET recorded_at=recorded_at+1 WHERE idx={TARGET}",
        f"UPDATE entries SET leaf_hash='0x' || substr('00000000', 1, 8) || substr(leaf_hash, 11) WHERE idx={TARGET}",
        f"UPDATE entries SET chain_hash='0x' || substr('00000000', 1, 8) || substr(chain_hash, 11) WHERE idx={TARGET}",
        f"UPDATE entries SET message='not json' WHERE idx={TARGET}",
    ],
    ids=[
        "kind",
        "deed_id",
        "signers",
        "message",
        "signature-role",
        "signature-bytes",
        "recorded_at",
        "leaf_hash",
        "chain_hash",
        "garbage",
    ],
)
def test_any_column_edit_names_the_entry(world: World, statement: str) -> None:
    sql(world, statement)
    report = verify_ledger(world.ledger, jobs=1)
    assert not report.ok
    assert report.first_bad == TARGET, report.reason
    assert f"Entry {TARGET}" in (report.reason or "")
    assert any("append-only guard" in w for w in report.warnings)


def test_a_deleted_entry_is_found(world: World) -> None:
    sql(world, f"DELETE FROM entries WHERE idx={TARGET}")
    report = verify_ledger(world.ledger, jobs=1)
    assert not report.ok and report.first_bad == TARGET and "missing" in (report.reason or "")


def test_a_truncated_ledger_is_caught_by_the_witness(world: World) -> None:
    size = world.ledger.size()
    sql(world, f"DELETE FROM entries WHERE idx >= {size - 2}")
    report = verify_ledger(world.ledger, jobs=1)
    assert not report.ok and report.first_bad == size - 2
    assert "truncated or rolled back" in (report.reason or "")


def test_a_rewritten_tail_is_caught_by_the_witness(world: World) -> None:
    """Re-signing history needs the operator key; even with it, the witness root no longer matches."""
    sql(
        world,
        "DELETE FROM entries WHERE idx >= 6",
        "DELETE FROM deeds WHERE deed_id >= 6",
        "DELETE FROM holdings WHERE deed_id >= 6",
        "DELETE FROM tree_nodes WHERE ((idx + 1) << level) > 6",
    )
    register_deed(world.ledger, world.operator, parcel="P-X", address="rewritten", owner=world.operator.address)
    register_deed(world.ledger, world.operator, parcel="P-Y", address="rewritten", owner=world.operator.address)
    # The witness still holds the old checkpoint (size 7): same size, another root.
    world.ledger.append(
        [
            world.ledger.sign(
                "RegisterDeed",
                {
                    "deedId": 8,
                    "parcel": "P-Z",
                    "propertyAddress": "z",
                    "legalDescription": "",
                    "owner": world.operator.address,
                    "totalShares": 1,
                    "attributes": "{}",
                    "nonce": 0,
                },
                world.operator,
                "registrar",
            )
        ]
    )
    report = verify_ledger(world.ledger, jobs=1)
    assert not report.ok and "rewritten" in (report.reason or "")


@pytest.mark.parametrize(
    "statement, field",
    [
        ("UPDATE deeds SET owner='0x000000000000000000000000000000000000dEaD' WHERE deed_id=2", "owner"),
        ("UPDATE holdings SET shares=1 WHERE deed_id=2", "its holdings"),
        ("UPDATE deeds SET version=9 WHERE deed_id=2", "version"),
        ("DELETE FROM deeds WHERE deed_id=2", "missing"),
    ],
)
def test_a_tampered_projection_is_found(world: World, statement: str, field: str) -> None:
    sql(world, statement)
    report = verify_ledger(world.ledger, jobs=1)
    assert not report.ok and field in (report.reason or "")
    assert report.first_bad == world.ledger.entries(kind="RegisterDeed")[1].index


def test_parallel_verification_names_the_same_entry(tmp_path: Path) -> None:
    from core.demo import build_demo
    from core.ledger import Ledger
    from core.paths import DataDir

    home = DataDir.resolve(tmp_path / "demo")
    build_demo(home, deeds=600)
    ledger = Ledger.open(home)
    assert verify_ledger(ledger, jobs=2, chunk_size=32).ok
    db = sqlite3.connect(home.database)
    db.execute("DROP TRIGGER entries_append_only_update")
    message = json.loads(db.execute("SELECT message FROM entries WHERE idx=500").fetchone()[0])
    message["propertyAddress"] += " (amended)"
    db.execute("UPDATE entries SET message=? WHERE idx=500", (json.dumps(message),))
    db.commit()
    db.close()
    one, two = verify_ledger(ledger, jobs=1), verify_ledger(ledger, jobs=2, chunk_size=32)
    assert (one.ok, one.first_bad, one.reason) == (two.ok, two.first_bad, two.reason) == (False, 500, one.reason)


def test_verification_falls_back_to_one_process_when_workers_die(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures.process import BrokenProcessPool

    from core import verify as verify_module
    from core.demo import build_demo
    from core.ledger import Ledger
    from core.paths import DataDir

    home = DataDir.resolve(tmp_path / "demo")
    build_demo(home, deeds=200)

    def broken_pool(*args: object, **kwargs: object) -> object:
        raise BrokenProcessPool("a child process terminated abruptly")

    monkeypatch.setattr(verify_module, "ProcessPoolExecutor", broken_pool)
    report = verify_ledger(Ledger.open(home), jobs=2, chunk_size=16)
    assert report.ok and report.entries == 202
    assert any("one process" in w for w in report.warnings)
