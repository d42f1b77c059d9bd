"""Bulk reads for browsing a ledger page by page (the GUI's tables call these).

Only SELECTs over the projection and entry tables, batched so a visible page of
rows costs one statement.  Nothing here decides a rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from bisect import bisect_right
from typing import Iterable, Iterator, Sequence, overload

from sqlalchemy import Connection, func, select
from sqlmodel import col

from core.ledger import Ledger, RecordedEntry
from core.money import Money
from core.store import DeedRow, EntryRow, LienRow
from core.watch import ledger_size


@dataclass(frozen=True)
class DeedSummary:
    deed_id: int
    parcel: str
    address: str
    owner: str
    holders: int
    version: int
    last_price: int | None
    last_currency: str | None
    last_valuation: int | None
    open_liens: int
    valuation_currency: str | None = None  # the model's, which need not be the last sale's

    @property
    def last_sale(self) -> Money | None:
        return (
            None
            if self.last_price is None or self.last_currency is None
            else Money(self.last_price, self.last_currency)
        )

    @property
    def valuation(self) -> Money | None:
        if self.last_valuation is None or self.valuation_currency is None:
            return None
        return Money(self.last_valuation, self.valuation_currency)


def deed_summaries(ledger: Ledger, deed_ids: Sequence[int]) -> dict[int, DeedSummary]:
    if not deed_ids:
        return {}
    out: dict[int, DeedSummary] = {}
    with ledger.reader() as conn:
        for start in range(0, len(deed_ids), 500):
            part = list(deed_ids[start : start + 500])
            liens: dict[int, int] = dict(
                conn.execute(
                    select(col(LienRow.deed_id), func.count())
                    .where(col(LienRow.deed_id).in_(part), col(LienRow.released_index).is_(None))
                    .group_by(col(LienRow.deed_id))
                ).all()
            )
            rows = conn.execute(
                select(
                    col(DeedRow.deed_id),
                    col(DeedRow.parcel),
                    col(DeedRow.address),
                    col(DeedRow.owner),
                    col(DeedRow.holders_count),
                    col(DeedRow.version),
                    col(DeedRow.last_price),
                    col(DeedRow.last_currency),
                    col(DeedRow.last_valuation),
                    col(DeedRow.last_valuation_index),
                ).where(col(DeedRow.deed_id).in_(part))
            ).all()
            currencies = _valuation_currencies(
                conn, [r.last_valuation_index for r in rows if r.last_valuation_index is not None]
            )
            for r in rows:
                out[r.deed_id] = DeedSummary(
                    r.deed_id,
                    r.parcel,
                    r.address,
                    r.owner,
                    r.holders_count,
                    r.version,
                    r.last_price,
                    r.last_currency,
                    r.last_valuation,
                    int(liens.get(r.deed_id, 0)),
                    currencies.get(r.last_valuation_index),
                )
    return out


def _valuation_currencies(conn: Connection, indexes: list[int]) -> dict[int, str]:
    """The currency each Valuation entry names (the deed row keeps only the amount)."""
    if not indexes:
        return {}
    rows = conn.execute(select(col(EntryRow.idx), col(EntryRow.message)).where(col(EntryRow.idx).in_(indexes)))
    out: dict[int, str] = {}
    for idx, message in rows:
        try:
            currency = json.loads(message).get("currency")
        except (ValueError, AttributeError):
            continue  # a damaged entry: verification says so; the table shows no valuation
        if isinstance(currency, str):
            out[int(idx)] = currency
    return out


def entry_kinds(ledger: Ledger) -> list[str]:
    """The kinds of entry the ledger holds: one index lookup per kind (a loose scan of ix_entries_kind),
    not a DISTINCT over every entry (75 ms on PostgreSQL at 1,000,000 entries)."""
    with ledger.reader() as conn:
        return sorted(str(k) for k in conn.exec_driver_sql(_KINDS).scalars())


# Each step asks the index for the least kind after the last one (SQLite and PostgreSQL alike).
_KINDS = (
    "WITH RECURSIVE k(kind) AS (SELECT min(kind) FROM entries UNION ALL "
    "SELECT (SELECT min(e.kind) FROM entries e WHERE e.kind > k.kind) FROM k WHERE k.kind IS NOT NULL) "
    "SELECT kind FROM k WHERE kind IS NOT NULL"
)


def ledger_length(ledger: Ledger) -> int:
    """How many entries the ledger view shows: the last index + 1, one index lookup. `Ledger.size()`
    counts the rows (verification needs that), which reads every entry: 60 ms on PostgreSQL at
    1,000,000 entries. The two differ only if entries were deleted, which `verify` reports."""
    with ledger.reader() as conn:
        return ledger_size(conn)


DENSE = 50_000  # a kind with more entries than this is read as the entries that are not of it, if those are fewer


def entry_indexes(ledger: Ledger, *, kind: str | None = None, deed_id: int | None = None) -> Sequence[int]:
    """Indexes of the entries of one kind (or about one deed), in ledger order.

    A kind that nearly every entry is of (registrations on a county ledger) comes back as the
    ledger's indexes without the few that are not of it: reading a million indexes took 1.2 s on
    PostgreSQL, the others a few ms."""
    query = select(col(EntryRow.idx)).order_by(col(EntryRow.idx))
    if kind:
        query = query.where(col(EntryRow.kind) == kind)
    if deed_id is not None:
        query = query.where(col(EntryRow.deed_id) == deed_id)
    with ledger.reader() as conn:
        if kind and deed_id is None:
            dense = _all_but(conn, kind)
            if dense is not None:
                return dense
        return [int(i) for i in conn.execute(query).scalars()]


def _all_but(conn: Connection, kind: str) -> IndexesBut | None:
    """The indexes of `kind` as the ledger's indexes without the others', when it has more than DENSE
    entries and the others are at most DENSE; else None."""
    of_kind = select(col(EntryRow.idx)).where(col(EntryRow.kind) == kind).limit(DENSE + 1).subquery()
    if conn.execute(select(func.count()).select_from(of_kind)).scalar_one() <= DENSE:
        return None
    size = ledger_size(conn)
    others = [str(k) for k in conn.exec_driver_sql(_KINDS).scalars() if k != kind]
    missing = [
        int(i)
        for i in conn.execute(
            select(col(EntryRow.idx))
            .where(col(EntryRow.kind).in_(others), col(EntryRow.idx) < size)  # as of `size`: later ones are not shown
            .order_by(col(EntryRow.idx))
            .limit(DENSE + 1)
        ).scalars()
    ]
    return IndexesBut(size, missing) if len(missing) <= DENSE else None


class IndexesBut(Sequence[int]):
    """range(size) without the sorted indexes `missing`, in order, held as those few."""

    def __init__(self, size: int, missing: Sequence[int]) -> None:
        self._size, self._missing = size, list(missing)
        # The i-th index kept is i + (how many missing come before it): missing[j] - j counts the
        # kept indexes before missing[j], so a bisect on it finds that number.
        self._before = [m - j for j, m in enumerate(self._missing)]

    def __len__(self) -> int:
        return self._size - len(self._missing)

    @overload
    def __getitem__(self, position: int) -> int: ...

    @overload
    def __getitem__(self, position: slice) -> list[int]: ...

    def __getitem__(self, position: int | slice) -> int | list[int]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(position)
        return position + bisect_right(self._before, position)

    def __iter__(self) -> Iterator[int]:
        missing = set(self._missing)
        return (i for i in range(self._size) if i not in missing)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Sequence)
            and len(self) == len(other)
            and all(a == b for a, b in zip(self, other, strict=True))
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"IndexesBut({self._size}, {self._missing!r})"


def entries_at(ledger: Ledger, indexes: Iterable[int]) -> dict[int, RecordedEntry]:
    wanted = sorted(set(indexes))
    if not wanted:
        return {}
    out: dict[int, RecordedEntry] = {}
    with ledger.reader() as conn:
        if wanted[-1] - wanted[0] + 1 == len(wanted):  # a contiguous block: a range scan on the key
            query = select(EntryRow).where(col(EntryRow.idx) >= wanted[0], col(EntryRow.idx) <= wanted[-1])
            rows = conn.execute(query)
        else:
            rows = conn.execute(select(EntryRow).where(col(EntryRow.idx).in_(wanted)))
        for row in rows:
            out[row.idx] = RecordedEntry.from_row(row)
    return out
