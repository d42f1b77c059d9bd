"""What the history patterns read and write: a sale, a lien, and a reason in plain words and money.

A reason's sentence is built from parts: text, and the numbers in it as `Figure`s (money, a ratio, a
percentage, a count).  Its `text` writes them canonically (the same text `screen --json` prints); its
`parts` keep them typed, so the GUI can write them as its desktop writes numbers (`reason_text`).

Shared by core/screening/history.py (the patterns at the time of a sale),
core/screening/after.py (what followed it) and core/screening/parties.py (circles
across deeds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Mapping

from core.dates import iso_date_to_epoch
from core.money import Notation, format_amount, number_text

DAY = 86_400
MONTH = 30.44 * DAY

Reason = dict[str, Any]


@dataclass(frozen=True)
class Sale:
    """A transfer as the history sees it (addresses in lower case, amounts in minor units)."""

    index: int  # the entry (or, for a request, the entry it would become)
    deed_id: int
    seller: str
    buyer: str
    shares: int
    total: int
    price: int
    currency: str
    closing: int  # seconds since the epoch
    closing_date: str
    deadline: int
    recorded_at: int

    @property
    def whole_price(self) -> float:
        """The price of the whole deed at this sale's price per share."""
        return self.price * self.total / self.shares

    @classmethod
    def from_message(cls, index: int, m: Mapping[str, Any], recorded_at: int) -> "Sale":
        return cls(
            index,
            int(m["deedId"]),
            str(m["from"]).lower(),
            str(m["to"]).lower(),
            int(m["shares"]),
            int(m["totalShares"]),
            int(m["price"]),
            str(m["currency"]),
            iso_date_to_epoch(m["closingDate"]),
            str(m["closingDate"]),
            int(m["deadline"]),
            recorded_at,
        )


@dataclass
class LienRecord:
    lien_id: int
    index: int
    holder: str
    amount: int
    currency: str
    kind: str
    recorded_at: int
    open: bool = True

    @property
    def is_loan(self) -> bool:
        """A lien securing a loan (a mortgage, a credit line), not one the state holds for taxes."""
        return "tax" not in self.kind.casefold()


@dataclass(frozen=True)
class Figure:
    """A number in a reason's sentence, typed: 'money' (minor units, rounded to whole units, in `currency`),
    'units' (an amount in whole units of `currency` to `places` decimals, as the valuation model states
    one: 'USD 231,579'), 'ratio' (to `places` decimals), 'percent' (given as a fraction, 0.12 -> 12%) or 'count'.  `grouped`:
    whether the canonical text groups thousands ('2,400 of 10,000 shares' does; '3 holders' and '1.4
    times' were written without)."""

    kind: Literal["money", "units", "ratio", "percent", "count"]
    value: float
    currency: str = ""
    places: int = 0
    grouped: bool = False

    def text(self, notation: Notation | None = None) -> str:
        """As the reason's text writes it, or with a desktop's `notation` as that desktop writes numbers."""
        shown: Notation = notation if notation is not None else ({} if self.grouped else {"group": ""})
        if self.kind == "money":
            return format_amount(round(self.value), self.currency, whole=True, **(notation or {}))
        if self.kind == "units":
            written = number_text(self.value, self.places, **(notation or {}))
            return f"{self.currency}{(notation or {}).get('space', ' ')}{written}"
        if self.kind == "percent":
            return number_text(100 * self.value, self.places, percentage=True, **shown)
        return number_text(self.value if self.kind == "ratio" else int(self.value), self.places, **shown)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "value": self.value,
            "currency": self.currency,
            "places": self.places,
            "grouped": self.grouped,
        }


Part = str | Figure


def months(seconds: float) -> tuple[Part, ...]:
    """'3 months', or '12 days' under a month: the count a Figure."""
    months = max(0, round(seconds / MONTH))
    if months == 0:
        days = max(0, round(seconds / DAY))
        return (count(days), f" day{'s' if days != 1 else ''}")
    return (count(months), f" month{'s' if months != 1 else ''}")


def count(n: int, *, grouped: bool = False) -> Figure:
    return Figure("count", n, grouped=grouped)


def ratio(value: float, places: int = 1) -> Figure:
    return Figure("ratio", value, places=places)


def units(amount: float, currency: str, places: int = 0) -> Figure:
    return Figure("units", amount, currency, places)


def percent(fraction: float) -> Figure:
    """A fraction as a whole percentage (0.123 -> '12%', as '{:.0%}' writes it)."""
    return Figure("percent", fraction)


def ordinal(n: int) -> str:
    words = {2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "eighth", 9: "ninth"}
    return words.get(n, f"{n}th")


def money(minor: float, currency: str) -> Figure:
    return Figure("money", minor, currency)


def make_reason(code: str, text: str | Sequence[Part], weight: float) -> Reason:
    """A reason: its `text` canonical; given parts, also `parts`, the text and its typed numbers (not in the
    JSON, which keeps code, text and weight)."""
    if isinstance(text, str):
        return {"code": code, "text": text, "weight": round(weight, 3)}
    parts = [p if isinstance(p, str) else p.as_json() for p in text]
    return {"code": code, "text": reason_text({"parts": parts}), "weight": round(weight, 3), "parts": parts}


def reason_text(reason: Mapping[str, Any], notation: Notation | None = None) -> str:
    """A reason's sentence: its canonical `text`, or, with a desktop's `notation` and parts to write, the
    same sentence with its numbers written that desktop's way."""
    parts = reason.get("parts")
    if parts is None:
        return str(reason["text"])
    return "".join(p if isinstance(p, str) else figure_of(p).text(notation) for p in parts)


def figure_of(part: Mapping[str, Any]) -> Figure:
    """A Figure from its `as_json` (a reason's part)."""
    return Figure(
        part["kind"],
        part["value"],
        part.get("currency", ""),
        int(part.get("places", 0)),
        bool(part.get("grouped", False)),
    )
