"""Bulk reads for browsing a ledger page by page (the GUI's tables call these).

Only SELECTs over the projection and entry tables, batched so a visible page of
rows costs one statement.  Nothing here decides a rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable, Sequence

from sqlalchemy import Connection, func, select
from sqlmodel import col

from core.ledger import Ledger, RecordedEntry
from core.money import Money
from core.store import DeedRow, EntryRow, LienRow


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
    with ledger.engine.connect() as conn:
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
    with ledger.engine.connect() as conn:
        return sorted(conn.execute(select(col(EntryRow.kind)).distinct()).scalars())


def entry_indexes(ledger: Ledger, *, kind: str | None = None, deed_id: int | None = None) -> list[int]:
    """Indexes of the entries of one kind (or about one deed), in ledger order."""
    query = select(col(EntryRow.idx)).order_by(col(EntryRow.idx))
    if kind:
        query = query.where(col(EntryRow.kind) == kind)
    if deed_id is not None:
        query = query.where(col(EntryRow.deed_id) == deed_id)
    with ledger.engine.connect() as conn:
        return [int(i) for i in conn.execute(query).scalars()]


def entries_at(ledger: Ledger, indexes: Iterable[int]) -> dict[int, RecordedEntry]:
    wanted = sorted(set(indexes))
    if not wanted:
        return {}
    out: dict[int, RecordedEntry] = {}
    with ledger.engine.connect() as conn:
        if wanted[-1] - wanted[0] + 1 == len(wanted):  # a contiguous block: a range scan on the key
            query = select(EntryRow).where(col(EntryRow.idx) >= wanted[0], col(EntryRow.idx) <= wanted[-1])
            rows = conn.execute(query)
        else:
            rows = conn.execute(select(EntryRow).where(col(EntryRow.idx).in_(wanted)))
        for row in rows:
            out[row.idx] = RecordedEntry.from_row(row)
    return out
