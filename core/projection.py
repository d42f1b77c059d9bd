"""The deed tables and the one-time values as projections of the ledger: read,
write, and the database-backed `LedgerState` that appends check their rules against."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, text

from core.compliance.store import DbCompliance
from core.identity import LedgerIdentity
from core.merkle import Accumulator
from core.state import DeedState, LedgerState, Lien, OnceKey, parcel_key
from sqlmodel import col

from core.store import DeedRow, EntryRow, HoldingRow, LienRow, OnceValueRow, raw_cursor
from core.tree import LedgerTree
from core.treestore import NodeRow, frontier, read_nodes


def _deed_from_rows(row: Any, holdings: list[Any], liens: list[Any]) -> DeedState:
    return DeedState(
        deed_id=row.deed_id,
        parcel=row.parcel,
        address=row.address,
        legal=row.legal,
        attributes_json=row.attributes,
        total_shares=row.total_shares,
        holders={h.holder: h.shares for h in holdings},
        version=row.version,
        registered_index=row.registered_index,
        updated_index=row.updated_index,
        liens={
            lien.lien_id: Lien(
                lien.lien_id, lien.holder, lien.amount, lien.currency, lien.kind, lien.opened_index, lien.released_index
            )
            for lien in liens
        },
        last_price=row.last_price,
        last_currency=row.last_currency,
        last_sale_at=row.last_sale_at,
        last_valuation=row.last_valuation,
        last_valuation_index=row.last_valuation_index,
    )


def load_deed(conn: Connection, deed_id: int) -> DeedState | None:
    row = conn.execute(select(DeedRow).where(col(DeedRow.deed_id) == deed_id)).first()
    if row is None:
        return None
    holdings = list(conn.execute(select(HoldingRow).where(col(HoldingRow.deed_id) == deed_id)))
    liens = list(conn.execute(select(LienRow).where(col(LienRow.deed_id) == deed_id)))
    return _deed_from_rows(row, holdings, liens)


DEEDS_AT_ONCE = 500


def load_deeds(conn: Connection, deed_ids: list[int]) -> list[DeedState]:
    """`load_deed` for many deeds, in the order given (those not there left out): three statements
    per 500 deeds instead of three per deed (`deedbook deed list`: 111 deeds 91 -> 25 ms on PostgreSQL)."""
    found: dict[int, DeedState] = {}
    for start in range(0, len(deed_ids), DEEDS_AT_ONCE):
        ids = deed_ids[start : start + DEEDS_AT_ONCE]
        holdings: dict[int, list[Any]] = {}
        for holding in conn.execute(select(HoldingRow).where(col(HoldingRow.deed_id).in_(ids))):
            holdings.setdefault(holding.deed_id, []).append(holding)
        liens: dict[int, list[Any]] = {}
        for lien in conn.execute(select(LienRow).where(col(LienRow.deed_id).in_(ids))):
            liens.setdefault(lien.deed_id, []).append(lien)
        for row in conn.execute(select(DeedRow).where(col(DeedRow.deed_id).in_(ids))):
            found[row.deed_id] = _deed_from_rows(row, holdings.get(row.deed_id, []), liens.get(row.deed_id, []))
    return [found[d] for d in deed_ids if d in found]


DEED_COLUMNS = (
    "deed_id",
    "parcel",
    "parcel_key",
    "address",
    "legal",
    "attributes",
    "total_shares",
    "owner",
    "holders_count",
    "version",
    "registered_index",
    "updated_index",
    "last_price",
    "last_currency",
    "last_sale_at",
    "last_valuation",
    "last_valuation_index",
)
PART_QUERIES = (
    "SELECT deed_id, holder, shares FROM holdings ORDER BY deed_id, holder",
    "SELECT deed_id, lien_id, holder, amount, currency, kind, opened_index, released_index FROM liens "
    "ORDER BY deed_id, lien_id",
)


def stored_rows(conn: Connection) -> list[list[tuple[Any, ...]]]:
    """The projection as stored: deeds, holdings, liens as ordered tuples (raw SQL: this runs over every deed)."""
    queries = (f"SELECT {', '.join(DEED_COLUMNS)} FROM deeds ORDER BY deed_id", *PART_QUERIES)
    with raw_cursor(conn) as cursor:
        found = []
        for query in queries:
            cursor.execute(query)
            found.append([tuple(row) for row in cursor.fetchall()])
        return found


def stored_rows_of(conn: Connection, deed_ids: list[int]) -> list[list[tuple[Any, ...]]]:
    """`stored_rows` for these deeds only (what an incremental verify compares)."""
    found: list[list[tuple[Any, ...]]] = [[], [], []]
    queries = (
        f"SELECT {', '.join(DEED_COLUMNS)} FROM deeds",
        PART_QUERIES[0].split(" ORDER BY")[0],
        PART_QUERIES[1].split(" ORDER BY")[0],
    )
    orders = ("deed_id", "deed_id, holder", "deed_id, lien_id")
    for start in range(0, len(deed_ids), 500):
        ids = ", ".join(str(int(d)) for d in deed_ids[start : start + 500])
        for table, (query, order) in enumerate(zip(queries, orders, strict=True)):
            found[table] += [
                tuple(row) for row in conn.exec_driver_sql(f"{query} WHERE deed_id IN ({ids}) ORDER BY {order}")
            ]
    return found


def expected_rows(deeds: list[DeedState]) -> list[list[tuple[Any, ...]]]:
    """The same shape as `stored_rows`, from a replayed state."""
    ordered = sorted(deeds, key=lambda d: d.deed_id)
    return [
        list(map(deed_values, ordered)),
        [(d.deed_id, holder, shares) for d in ordered for holder, shares in sorted(d.holders.items())],
        [
            (
                d.deed_id,
                lien.lien_id,
                lien.holder,
                lien.amount,
                lien.currency,
                lien.kind,
                lien.opened_index,
                lien.released_index,
            )
            for d in ordered
            for lien in sorted(d.liens.values(), key=lambda x: x.lien_id)
        ],
    ]


def deed_values(deed: DeedState) -> tuple[Any, ...]:
    """A deed's row of the deeds table, in DEED_COLUMNS order (verify compares these for every deed)."""
    return (
        deed.deed_id,
        deed.parcel,
        parcel_key(deed.parcel),
        deed.address,
        deed.legal,
        deed.attributes_json,
        deed.total_shares,
        deed.owner,
        len(deed.holders),
        deed.version,
        deed.registered_index,
        deed.updated_index,
        deed.last_price,
        deed.last_currency,
        deed.last_sale_at,
        deed.last_valuation,
        deed.last_valuation_index,
    )


def deed_row(deed: DeedState) -> dict[str, Any]:
    return dict(zip(DEED_COLUMNS, deed_values(deed), strict=True))


def holding_rows(deeds: list[DeedState]) -> list[dict[str, Any]]:
    return [
        {"deed_id": d.deed_id, "holder": holder, "shares": shares}
        for d in deeds
        for holder, shares in d.holders.items()
    ]


def lien_rows(deeds: list[DeedState]) -> list[dict[str, Any]]:
    return [
        {
            "lien_id": lien.lien_id,
            "deed_id": d.deed_id,
            "holder": lien.holder,
            "amount": lien.amount,
            "currency": lien.currency,
            "kind": lien.kind,
            "opened_index": lien.opened_index,
            "released_index": lien.released_index,
        }
        for d in deeds
        for lien in d.liens.values()
    ]


def write_deeds(conn: Connection, deeds: list[DeedState]) -> None:
    """Replace the projection rows of these deeds (delete + insert works on every database)."""
    if not deeds:
        return
    ids = [d.deed_id for d in deeds]
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        conn.execute(delete(HoldingRow).where(col(HoldingRow.deed_id).in_(part)))
        conn.execute(delete(LienRow).where(col(LienRow.deed_id).in_(part)))
        conn.execute(delete(DeedRow).where(col(DeedRow.deed_id).in_(part)))
    conn.execute(insert(DeedRow), [deed_row(d) for d in deeds])
    if holdings := holding_rows(deeds):
        conn.execute(insert(HoldingRow), holdings)
    if liens := lien_rows(deeds):
        conn.execute(insert(LienRow), liens)


# -- one-time values (core.kinds.OneTime) ---------------------------------------------------------
ONCE_QUERY = "SELECT kind, name, scope, value, entry_idx FROM once_values ORDER BY kind, name, scope, value"


def once_rows(used: dict[OnceKey, int]) -> list[dict[str, Any]]:
    return [{"kind": k, "name": n, "scope": s, "value": v, "entry_idx": i} for (k, n, s, v), i in used.items()]


def write_once(conn: Connection, used: dict[OnceKey, int]) -> None:
    if used:
        conn.execute(insert(OnceValueRow), once_rows(used))


def stored_once(conn: Connection) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.exec_driver_sql(ONCE_QUERY)]


def expected_once(used: dict[OnceKey, int]) -> list[tuple[Any, ...]]:
    """The same shape as `stored_once`, from a replayed state."""
    return [(*key, index) for key, index in sorted(used.items())]


def find_once(conn: Connection, key: OnceKey) -> int | None:
    """The entry that used this one-time value (one lookup in the table's unique index), or None."""
    kind, name, scope, value = key
    found = conn.execute(
        select(col(OnceValueRow.entry_idx)).where(
            col(OnceValueRow.kind) == kind,
            col(OnceValueRow.name) == name,
            col(OnceValueRow.scope) == scope,
            col(OnceValueRow.value) == value,
        )
    ).scalar()
    return None if found is None else int(found)


def refill_once(conn: Connection) -> int:
    """Rebuild the one-time values table from the stored entries (a migration that adds a kind's
    replay keys to entries already recorded); returns how many it holds.  An entry that cannot be
    read, or a value used twice, is left for `verify` to name: the first use is kept."""
    from core.kinds import kinds  # the registry loads every kind module; the migration runs before any append

    conn.execute(delete(OnceValueRow))
    used: dict[OnceKey, int] = {}
    for kind in kinds().values():
        if not kind.once:
            continue
        rows = conn.execute(
            select(col(EntryRow.idx), col(EntryRow.message))
            .where(col(EntryRow.kind) == kind.name)
            .order_by(col(EntryRow.idx))
        )
        for index, message_json in rows:
            try:
                message = json.loads(message_json)
                keys = [key for _, key in kind.once_keys(message)]
            except (ValueError, KeyError, TypeError, RecursionError):
                continue
            for key in keys:
                used.setdefault(key, int(index))
    write_once(conn, used)
    return len(used)


# One statement, built once: a registration asks it inside the write lock, and building a select()
# each time cost four times its execution (a bulk import registers thousands in one batch).
_PARCEL_TAKEN = text("SELECT 1 FROM deeds WHERE parcel_key = :key LIMIT 1")


class DbState(LedgerState):
    """The state an append builds and checks its entries against, inside the write lock.

    Deeds are loaded from the projection on demand.  Builders (`Ledger.append_built`)
    read it for the next deed and lien numbers, a deed's version and the tree's size
    and root; the rules then change it as they apply each entry."""

    def __init__(self, conn: Connection, identity: LedgerIdentity, size: int) -> None:
        super().__init__(identity)
        self.conn = conn
        self.size = size
        self.stored_size = size  # entries recorded before this append (`size` grows as it applies its own)
        self._accumulator: Accumulator | None = None  # the tree as stored, then this batch's leaves
        self._stored: LedgerTree | None = None
        self.new_nodes: list[NodeRow] = []  # tree nodes this batch's entries complete, written with them
        self._pending: dict[int, tuple[str, bytes, int | None]] = {}  # entries of this batch
        self.compliance = DbCompliance(conn)
        if size > 0:
            self.registrars.add(identity.operator.lower())
            for message in conn.execute(
                select(col(EntryRow.message)).where(col(EntryRow.kind) == "AddRegistrar")
            ).scalars():
                self.registrars.add(json.loads(message)["registrar"].lower())
        self.next_deed_id = int(conn.execute(select(func.coalesce(func.max(col(DeedRow.deed_id)), 0))).scalar_one()) + 1
        self.next_lien_id = int(conn.execute(select(func.coalesce(func.max(col(LienRow.lien_id)), 0))).scalar_one()) + 1

    def _load_deed(self, deed_id: int) -> DeedState | None:
        return load_deed(self.conn, deed_id)

    def parcel_taken(self, parcel: str) -> bool:
        if super().parcel_taken(parcel):  # this append's own deeds, and those it read
            return True
        return self.conn.execute(_PARCEL_TAKEN, {"key": parcel_key(parcel)}).first() is not None

    def used_before(self, key: OnceKey) -> int | None:
        found = super().used_before(key)  # this batch's own
        return found if found is not None else find_once(self.conn, key)

    def _row(self, index: int) -> Any:
        row = self.conn.execute(select(EntryRow).where(col(EntryRow.idx) == index)).first()
        if row is None:
            from core.errors import RuleViolation

            raise RuleViolation(f"There is no entry {index}.")
        return row

    def entry_leaf(self, index: int) -> bytes:
        if index in self._pending:
            return self._pending[index][1]
        return bytes.fromhex(self._row(index).leaf_hash[2:])

    def entry_kind_and_deed(self, index: int) -> tuple[str, int | None]:
        if index in self._pending:
            return self._pending[index][0], self._pending[index][2]
        row = self._row(index)
        return row.kind, row.deed_id

    def _tree(self) -> Accumulator:
        """The stored tree's right edge, carried on with this batch's leaves (their new nodes go to `new_nodes`)."""
        if self._accumulator is None:

            def keep(level: int, index: int, node: bytes) -> None:
                self.new_nodes.append((level, index, node))

            self._accumulator = Accumulator.resume(self.stored_size, frontier(self.conn, self.stored_size), keep)
            for i in sorted(self._pending):
                self._accumulator.append(self._pending[i][1])
        return self._accumulator

    def root_at(self, size: int) -> bytes:
        """The root at `size`: O(log n) stored nodes (the checkpoint rule and its builder ask for it)."""
        current = self._tree()
        if size == current.size:
            return current.root()
        if size <= self.stored_size:
            if self._stored is None:
                self._stored = LedgerTree(lambda keys: read_nodes(self.conn, keys))
            return self._stored.root(size)
        partial = Accumulator.resume(self.stored_size, frontier(self.conn, self.stored_size))
        for i in range(self.stored_size, size):  # a checkpoint covering part of its own batch
            partial.append(self._pending[i][1])
        return partial.root()

    def record(self, index: int, kind: str, leaf: bytes, deed_id: int | None) -> None:
        super().record(index, kind, leaf, deed_id)
        self._pending[index] = (kind, leaf, deed_id)
        if self._accumulator is None:
            self._tree()  # made from the stored edge and every pending leaf, this one included
        else:
            self._accumulator.append(leaf)

    def holders_at_checkpoint(self, deed_id: int, checkpoint: int) -> dict[str, int]:
        """The holders at a record date, from the share-moving entries stored before it (core.servicing.snapshot)."""
        from core.errors import RuleViolation
        from core.servicing.snapshot import SHARE_KINDS, fold

        before = checkpoint
        if checkpoint >= self.stored_size:  # the checkpoint is in this batch (a replica syncs many entries at once)
            if checkpoint not in self._pending:
                raise RuleViolation("A record date must be a checkpoint recorded before the entry that uses it.")
            taken = self.record_date_holders(deed_id, checkpoint)
            if taken is not None:  # the deed changed in this batch before it: the snapshot this state took then
                return taken
            before = self.stored_size  # unchanged in this batch before it: as stored
        rows = self.conn.execute(
            select(col(EntryRow.kind), col(EntryRow.message))
            .where(col(EntryRow.deed_id) == deed_id, col(EntryRow.idx) < before, col(EntryRow.kind).in_(SHARE_KINDS))
            .order_by(col(EntryRow.idx))
        )
        return fold(((kind, json.loads(message)) for kind, message in rows), deed_id)
