"""What the history patterns read and write: a sale, a lien, and a reason in plain words and money.

Shared by core/screening/history.py (the patterns at the time of a sale),
core/screening/after.py (what followed it) and core/screening/parties.py (circles
across deeds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from core.dates import iso_date_to_epoch
from core.money import format_amount

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


def months(seconds: float) -> str:
    months = max(0, round(seconds / MONTH))
    if months == 0:
        days = max(0, round(seconds / DAY))
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{months} month{'s' if months != 1 else ''}"


def ordinal(n: int) -> str:
    words = {2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "eighth", 9: "ninth"}
    return words.get(n, f"{n}th")


def money(minor: float, currency: str) -> str:
    return format_amount(round(minor), currency, whole=True)


def make_reason(code: str, text: str, weight: float) -> Reason:
    return {"code": code, "text": text, "weight": round(weight, 3)}
