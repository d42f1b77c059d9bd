"""The ledger's Merkle tree as stored: every complete interior node, in the `tree_nodes` table.

A node (level L >= 1, index i) is the root of the perfect subtree over entries
[i * 2**L, (i + 1) * 2**L).  It is written in the same transaction as the entry
that completes it (`Ledger.append`, inside the write lock), so the table always
holds exactly the complete nodes of the entries recorded: about one node per
entry.  Leaves (level 0) are not repeated here: they are the entries' own
`leaf_hash`.  `verify` recomputes every node from the entries and compares.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlmodel import col

from core.errors import LedgerDamaged
from core.merkle import Accumulator, perfect_subtrees
from core.store import EntryRow, TreeNodeRow
from core.tree import LedgerTree, NodeKey

NodeRow = tuple[int, int, bytes]  # (level, index, hash)
_CHUNK = 500  # keys per IN (...) query: well under every database's parameter limit


def _leaf(index: Any, stored: Any) -> bytes:
    try:
        leaf = bytes.fromhex(stored[2:])
        if len(leaf) == 32:
            return leaf
    except (TypeError, ValueError):
        pass
    raise LedgerDamaged(
        f"The ledger database is damaged: the hash of entry {index} cannot be read (run 'deedbook verify')."
    )


def read_nodes(conn: Connection, keys: Sequence[NodeKey]) -> dict[NodeKey, bytes]:
    """The stored nodes among `keys` (leaves from `entries`); a node not there is left out."""
    found: dict[NodeKey, bytes] = {}
    leaves = [index for level, index in keys if level == 0]
    inner = [(level, index) for level, index in keys if level > 0]
    for start in range(0, len(leaves), _CHUNK):
        rows = conn.execute(
            select(col(EntryRow.idx), col(EntryRow.leaf_hash)).where(
                col(EntryRow.idx).in_(leaves[start : start + _CHUNK])
            )
        )
        found.update(((0, int(index)), _leaf(index, stored)) for index, stored in rows)
    for start in range(0, len(inner), _CHUNK):
        by_level: dict[int, list[int]] = {}
        for level, index in inner[start : start + _CHUNK]:
            by_level.setdefault(level, []).append(index)
        # One "level = L AND idx IN (...)" per level, OR'ed: each a primary-key search (a row-value
        # "(level, idx) IN (VALUES ...)" made SQLite scan the whole table: 0.4 s on 1,000,000 entries).
        # Plain SQL over int() values: building it as an expression cost more than running it.
        wanted = " OR ".join(
            f"(level = {int(level)} AND idx IN ({', '.join(str(int(i)) for i in indexes)}))"
            for level, indexes in by_level.items()
        )
        nodes: Any = conn.exec_driver_sql(f"SELECT level, idx, hash FROM tree_nodes WHERE {wanted}")
        found.update(((int(row[0]), int(row[1])), bytes(row[2])) for row in nodes)
    return found


def stored_tree(connect: Callable[[], AbstractContextManager[Connection]]) -> LedgerTree:
    """The tree as stored; each question reads its O(log n) nodes in one short read, on a connection
    from `connect` (Ledger.reader: the snapshot's, when the reader holds one)."""

    def read(keys: Sequence[NodeKey]) -> dict[NodeKey, bytes]:
        with connect() as conn:
            return read_nodes(conn, keys)

    return LedgerTree(read)


def frontier(conn: Connection, size: int) -> list[bytes]:
    """The roots of the perfect subtrees of the first `size` entries, as stored (where appends carry on)."""
    keys = perfect_subtrees(size)
    found = read_nodes(conn, keys)
    missing = [key for key in keys if key not in found]
    if missing:
        level, index = missing[0]
        raise LedgerDamaged(
            f"The ledger database is damaged: its stored Merkle tree has no node for entries "
            f"{index << level} to {((index + 1) << level) - 1} (run 'deedbook verify')."
        )
    return [found[key] for key in keys]


def write_nodes(conn: Connection, nodes: Sequence[NodeRow]) -> None:
    if nodes:
        conn.execute(
            insert(TreeNodeRow), [{"level": level, "idx": index, "hash": node} for level, index, node in nodes]
        )


def stored_nodes(conn: Connection) -> Iterator[tuple[Any, Any, Any]]:
    """Every stored node, by level then index (what `verify` compares with the replay)."""
    cursor = conn.exec_driver_sql("SELECT level, idx, hash FROM tree_nodes ORDER BY level, idx")
    while rows := cursor.fetchmany(4096):
        yield from rows


def backfill(conn: Connection) -> int:
    """Compute and store every complete node of the entries recorded (a ledger from before tree storage);
    returns how many.  A gap or an unreadable leaf ends it there: `verify` names the damage."""
    conn.execute(TreeNodeRow.__table__.delete())  # type: ignore[attr-defined]
    pending: list[NodeRow] = []
    written = 0

    def keep(level: int, index: int, node: bytes) -> None:
        pending.append((level, index, node))

    tree = Accumulator(keep)
    start = 0
    while True:
        rows = list(
            conn.execute(
                select(col(EntryRow.idx), col(EntryRow.leaf_hash))
                .where(col(EntryRow.idx) >= start)
                .order_by(col(EntryRow.idx))
                .limit(10_000)
            )
        )
        if not rows:
            break
        for index, stored in rows:
            try:
                if index != tree.size:  # a gap: the tree stops where the entries stop being consecutive
                    raise LedgerDamaged("a gap")
                tree.append(_leaf(index, stored))
            except LedgerDamaged:  # left for `verify` to name; the ledger must still open
                write_nodes(conn, pending)
                return written + len(pending)
        start = int(rows[-1][0]) + 1
        write_nodes(conn, pending)
        written += len(pending)
        pending.clear()
    return written
