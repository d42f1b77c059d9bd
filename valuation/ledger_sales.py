"""The ledger's own recorded sales as training data.

A `Transfer` entry of a whole deed (every share) with a price is an arm's-length
sale of that property at its closing date; partial-share transfers are left out
(a share of a property does not sell at its pro-rata value) and so are sales in
another currency than the market's.  The property's attributes are the deed's,
as signed at registration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.money import to_units
from valuation.schema import parse_date


@dataclass
class LedgerSales:
    records: list[dict[str, Any]] = field(default_factory=list)
    prices: list[float] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def read_sales(ledger: Any, currency: str) -> LedgerSales:
    """Whole-deed transfers priced in `currency`, with the deed's attributes (ledger: core.ledger.Ledger)."""
    out = LedgerSales()
    now = datetime.now(UTC)
    today = parse_date(now.date().isoformat()) or float(now.year)
    deeds: dict[int, tuple[dict[str, Any], str]] = {}
    for entry in ledger.entries(kind="Transfer"):
        m = entry.message
        if m["shares"] != m["totalShares"]:
            out.skip("part of a deed")
            continue
        if m["currency"] != currency:
            out.skip(f"not in {currency}")
            continue
        when = parse_date(m["closingDate"])
        if when is None or m["price"] <= 0:
            out.skip("no usable price or date")
            continue
        if when > today:  # agreed, not closed: a price of the future is no sale yet (and would move the as-of date)
            out.skip("closing in the future")
            continue
        deed_id = int(m["deedId"])
        if deed_id not in deeds:
            deed = ledger.deed(deed_id)
            deeds[deed_id] = (deed.attributes, deed.parcel)
        record, parcel = deeds[deed_id]
        out.records.append(record)
        out.labels.append(f"parcel {parcel} (ledger entry {entry.index})")
        out.prices.append(to_units(m["price"], currency))
        out.times.append(when)
    return out
