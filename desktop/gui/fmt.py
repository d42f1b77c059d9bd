"""How values read on screen: money, shares, addresses, dates."""
from __future__ import annotations

import html
import time
from datetime import date

from core.display import clean

SYMBOLS = {"USD": "$", "EUR": "\u20ac", "GBP": "\u00a3"}


def money(minor: int | float | None, currency: str | None = "USD", *, cents: bool = False) -> str:
    """Minor units (cents) as '$250,000' (or '250,000 CHF')."""
    if minor is None:
        return ""
    value = minor / 100
    text = f"{value:,.2f}" if cents else f"{value:,.0f}"
    symbol = SYMBOLS.get((currency or "USD").upper())
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


def dollars(value: float | None) -> str:
    """Whole currency units (valuation figures) as '$250,000'."""
    return "" if value is None else f"${value:,.0f}"


def shares(count: int, total: int) -> str:
    pct = 100 * count / total if total else 0
    pct_text = f"{pct:.0f}" if pct == int(pct) else f"{pct:.2f}".rstrip("0").rstrip(".")
    return f"{count:,} of {total:,} ({pct_text}%)"


def share_pct(count: int, total: int) -> str:
    pct = 100 * count / total if total else 0
    pct_text = f"{pct:.0f}" if pct == int(pct) else f"{pct:.2f}".rstrip("0").rstrip(".")
    return f"{count:,} ({pct_text}%)"


def plain(value: object, limit: int | None = None) -> str:
    """Stored text (a parcel, an address, a place) as shown: control and direction characters escaped."""
    return clean(value, limit)


def rich(value: object, limit: int | None = None) -> str:
    """Stored text to put inside a rich-text (HTML) label: escaped twice over, as text and as HTML."""
    return html.escape(clean(value, limit))


def short_address(address: str) -> str:
    return f"{address[:6]}\u2026{address[-4:]}" if len(address) > 12 else address


def when(epoch: int | float | None, *, seconds: bool = False) -> str:
    if not epoch:
        return ""
    return time.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M", time.localtime(epoch))


def day(epoch: int | float | None) -> str:
    return time.strftime("%d %b %Y", time.localtime(epoch)) if epoch else ""


def duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 90:
        return f"{seconds:.1f} s"
    return f"{seconds / 60:.1f} min"


def qdate(value: object) -> date:
    """A QDate (from a date edit) as a datetime.date."""
    py = value.toPython()  # type: ignore[attr-defined]
    assert isinstance(py, date)
    return py
