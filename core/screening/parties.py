"""Circles across deeds: the same parties trading deeds round, the money going round with them.

History's own circle (`circular_transfer`) follows one deed back to a former
holder.  Here the deeds differ: A sells deed 1 to B while B sells deed 2 to A, or
A -> B -> C -> A over three deeds.  Parties who trade often trade both ways (the
demo's twelve owners do it all the time), so the pattern asks for what makes it a
round trip rather than two sales: every leg closes within `CIRCLE_DAYS` of the
others and every price is within `CIRCLE_PRICE` of the others, so each party
pays about what it receives and no money really changes hands.
"""

from __future__ import annotations

from typing import Callable

from core.display import Namer, short_address
from core.screening.records import DAY, Part, Reason, Sale, count, make_reason, money, months

CIRCLE_DAYS = 7 * DAY  # the legs close within a week of each other
CIRCLE_PRICE = 0.03  # ... at prices within 3% of each other


def _round(legs: list[Sale]) -> bool:
    closings = [s.closing for s in legs]
    prices = [s.price for s in legs]
    return (
        len({s.deed_id for s in legs}) == len(legs)
        and len({s.currency for s in legs}) == 1
        and min(prices) > 0
        and max(closings) - min(closings) <= CIRCLE_DAYS
        and max(prices) <= (1 + CIRCLE_PRICE) * min(prices)
    )


class PartyTrades:
    """The sales so far, by seller and by the week they close in, to find the legs that close a circle with a
    new sale without reading every sale of a busy seller (a week is as wide as the circle's window)."""

    def __init__(self, party: Callable[[str], str], name: Namer = short_address) -> None:
        self.name = name  # how the reason names a party
        self.party = party  # an address -> the party it stands for (a recovered key is its old key's party)
        self.by_week: dict[tuple[str, int], list[Sale]] = {}

    def add(self, sale: Sale) -> None:
        self.by_week.setdefault((self.party(sale.seller), sale.closing // CIRCLE_DAYS), []).append(sale)

    def _near(self, seller: str, sale: Sale) -> list[Sale]:
        """Sales by `seller` of other deeds closing within the window of `sale` and priced within the band."""
        week = sale.closing // CIRCLE_DAYS
        low, high = sale.price / (1 + CIRCLE_PRICE), sale.price * (1 + CIRCLE_PRICE)
        return [
            s
            for w in (week - 1, week, week + 1)
            for s in self.by_week.get((seller, w), [])
            if abs(s.closing - sale.closing) <= CIRCLE_DAYS and s.deed_id != sale.deed_id and low <= s.price <= high
        ]

    def circle(self, sale: Sale) -> list[Sale] | None:
        """The earlier legs (in circle order, after `sale`) of a round trip `sale` closes, if any: the buyer
        sold a deed back to the seller (2 parties), or to someone who sold one to the seller (3)."""
        seller, buyer = self.party(sale.seller), self.party(sale.buyer)
        if seller == buyer:
            return None
        for first in self._near(buyer, sale):
            middle = self.party(first.buyer)
            if middle == seller and _round([sale, first]):
                return [first]
            if middle == buyer:
                continue
            for second in self._near(middle, sale):
                if self.party(second.buyer) == seller and _round([sale, first, second]):
                    return [first, second]
        return None

    def reason(self, sale: Sale) -> Reason | None:
        legs = self.circle(sale)
        if legs is None:
            return None
        every = [sale, *legs]
        steps: list[Part] = []
        for s in every:
            steps += [
                "; " if steps else "",
                f"{self.name(s.seller)} \u2192 {self.name(s.buyer)} deed {s.deed_id} for ",
                money(s.price, s.currency),
                f" ({'this sale' if s is sale else f'entry {s.index}'})",
            ]
        span = max(s.closing for s in every) - min(s.closing for s in every)
        text = (
            "Deeds go round among ",
            count(len(every)),
            " parties: ",
            *steps,
            ", closing within ",
            *months(span),
            " of each other at about the same price, so each party pays about what it receives: a round trip "
            "rather than a sale.",
        )
        return make_reason("circle_across_deeds", text, 2.6 + 0.2 * (len(every) - 2))
