"""The Merkle tree stored in `tree_nodes`: written by every append (batches, checkpoints inside a
batch), read in O(log n) by roots and proofs, rebuilt and compared by `verify` (a changed, lost or
added node is named), and filled by migration 0012 for a ledger from before it, on SQLite and
PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, inspect, text

from core import merkle
from core.checkpoints import make_checkpoint
from core.deeds import register_deed
from core.entries import Entry
from core.keys import KeyStore
from core.ledger import Ledger
from core.paths import DataDir
from core.state import LedgerState
from core.store import SCHEMA_HEAD
from core.verify import verify_ledger
from tests.helpers import PASSWORD, make_world


def _stored(ledger: Ledger) -> dict[tuple[int, int], bytes]:
    with ledger.engine.connect() as conn:
        return {
            (int(level), int(idx)): bytes(node)
            for level, idx, node in conn.execute(text("SELECT level, idx, hash FROM tree_nodes"))
        }


def _complete_nodes(leaves: list[bytes]) -> dict[tuple[int, int], bytes]:
    n = len(leaves)
    return {
        (level, index): merkle.root(leaves[index << level : (index + 1) << level])
        for level in range(1, n.bit_length())
        for index in range(n >> level)
    }


def _registration(ledger: Ledger, key: Any, deed_id: int, parcel: str) -> Entry:
    return ledger.sign(
        "RegisterDeed",
        {
            "deedId": deed_id,
            "parcel": parcel,
            "propertyAddress": f"{parcel} Tree Rd",
            "legalDescription": "",
            "owner": key.address,
            "totalShares": 10,
            "attributes": "{}",
            "nonce": 0,
        },
        key,
        "registrar",
    )


def _office(tmp_path: Path, url: str | None) -> tuple[Ledger, Any]:
    home = DataDir.resolve(tmp_path / "home").ensure()
    keys = KeyStore(home.keys)
    keys.create("operator", PASSWORD)
    operator = keys.unlock("operator", PASSWORD)
    return Ledger.create(home, url, "Tree County", operator), operator


def _grow(ledger: Ledger, operator: Any) -> None:
    """Single appends, batches of several sizes, checkpoints alone and at the end of a batch."""
    for i in range(5):
        register_deed(ledger, operator, parcel=f"T-{i}", address=f"{i} Tree Rd", owner=operator.address)
    make_checkpoint(ledger, operator)

    def batch(count: int, checkpoint: bool) -> Any:
        def build(state: LedgerState) -> list[Entry]:
            entries = [
                _registration(ledger, operator, state.next_deed_id + i, f"B{state.size}-{i}") for i in range(count)
            ]
            if checkpoint:  # covering the entries before it, this batch's included (DbState.root_at)
                size = state.size + count
                leaves_so_far = ledger.leaves()
                assert state.root_at(state.size) == merkle.root(leaves_so_far)
                entries.append(
                    ledger.sign(
                        "Checkpoint",
                        {
                            "ledgerId": ledger.identity.ledger_id_hex,
                            "size": size,
                            "root": "0x" + _root_with(ledger, entries, now).hex(),
                            "timestamp": 1,
                        },
                        operator,
                        "operator",
                    )
                )
            return entries

        return build

    now = int(time.time())
    for count, checkpoint in ((3, False), (9, True), (1, False), (16, False), (6, True)):
        ledger.append_built(batch(count, checkpoint), recorded_at=now)


def _root_with(ledger: Ledger, entries: list[Entry], now: int) -> bytes:
    """The root over the stored leaves and these (not yet recorded) entries' leaves, from the definitions."""
    from core.entries import entry_leaf_hash
    from core.kinds import check_signatures

    leaves = ledger.leaves() + [
        entry_leaf_hash(now, check_signatures(ledger.identity, e), e.signatures) for e in entries
    ]
    return merkle.root(leaves)


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_appends_store_exactly_the_complete_nodes(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    ledger, operator = _office(tmp_path, url)
    _grow(ledger, operator)
    leaves = ledger.leaves()
    assert _stored(ledger) == _complete_nodes(leaves)
    tree = ledger.tree()
    n = len(leaves)
    for size in (1, 2, 7, 8, 13, n):
        assert tree.root(size) == merkle.root(leaves[:size])
    assert tree.inclusion(5, n) == merkle.inclusion_proof(5, leaves)
    assert tree.consistency(6, n) == merkle.consistency_proof(6, leaves)
    for checkpoint in ledger.entries(kind="Checkpoint"):
        assert checkpoint.message["root"] == "0x" + merkle.root(leaves[: checkpoint.message["size"]]).hex()
    report = verify_ledger(ledger, jobs=1)
    assert report.ok, report.reason


def test_a_root_or_proof_reads_a_few_nodes_not_every_leaf(tmp_path: Path) -> None:
    world = make_world(tmp_path / "home")
    for i in range(40):
        world.register(f"R-{i}", world.operator.address)
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("SELECT"):
            statements.append(statement)

    event.listen(world.ledger.engine, "before_cursor_execute", seen)
    tree = world.ledger.tree()
    tree.inclusion(17, 41)
    event.remove(world.ledger.engine, "before_cursor_execute", seen)
    assert len(statements) == 2  # the leaf, then the path's nodes: one batch each
    assert not any("ORDER BY" in s for s in statements)  # no scan of the entries in order


@pytest.mark.parametrize(
    "tamper, says",
    [
        (
            "UPDATE tree_nodes SET hash = zeroblob(32) WHERE level = 2 AND idx = 1",
            "node over entries 4 to 7 (level 2) does not match",
        ),
        ("DELETE FROM tree_nodes WHERE level = 1 AND idx = 3", "lost its node over entries 6 to 7"),
        ("INSERT INTO tree_nodes (level, idx, hash) VALUES (1, 500, X'00')", "that the entries do not make"),
        ("INSERT INTO tree_nodes (level, idx, hash) VALUES (9, 0, X'00')", "that the entries do not make"),
    ],
)
def test_verify_names_a_changed_tree_node(tmp_path: Path, tamper: str, says: str) -> None:
    world = make_world(tmp_path / "home")
    for i in range(12):
        world.register(f"N-{i}", world.operator.address)
    assert verify_ledger(world.ledger, jobs=1).ok
    world.ledger.raw_execute(tamper)
    report = verify_ledger(world.ledger, jobs=1)
    assert not report.ok and says in (report.reason or ""), report.reason
    assert "tree_nodes table was changed" in (report.reason or "")


def test_an_append_on_a_ledger_that_lost_its_tree_is_one_sentence(tmp_path: Path) -> None:
    world = make_world(tmp_path / "home")
    for i in range(3):
        world.register(f"L-{i}", world.operator.address)
    world.ledger.raw_execute("DELETE FROM tree_nodes")
    from core.errors import LedgerDamaged

    with pytest.raises(LedgerDamaged, match="stored Merkle tree has no node for entries 0 to 3"):
        world.register("L-9", world.operator.address)
    assert world.ledger.size() == 4  # nothing written


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_migration_0012_fills_the_tree_of_a_0010_ledger(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    ledger, operator = _office(tmp_path, url)
    _grow(ledger, operator)
    expected = _stored(ledger)
    with ledger.engine.begin() as conn:  # the database as 0010 (the head before) left it: no tree_nodes table
        conn.execute(text("DROP TABLE tree_nodes"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0010'"))
    ledger.close()

    reopened = Ledger.open(ledger.home, url)  # migrates 0010 -> 0012
    with reopened.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
    assert inspect(reopened.engine).has_table("tree_nodes")
    assert _stored(reopened) == expected == _complete_nodes(reopened.leaves())
    register_deed(reopened, operator, parcel="AFTER-1", address="1 After St", owner=operator.address)
    make_checkpoint(reopened, operator)
    assert _stored(reopened) == _complete_nodes(reopened.leaves())
    report = verify_ledger(reopened, jobs=1)
    assert report.ok, report.reason
    reopened.close()
