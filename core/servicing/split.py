"""Splitting an amount pro rata among holders, in whole minor units, with no unit lost.

The rule (largest remainder, Hamilton's method): each holder first gets the floor of its
exact share, amount * shares / total; the units left over (fewer than the number of
holders) go one each to the holders with the largest remainders.  Ties are broken by
more shares first, then by the lower-case address in ascending order: the result never
depends on the order holders are listed in.  Everything is integer arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

RULE = "largest-remainder"
RULE_TEXT = (
    "Largest remainder: each holder gets the whole minor units of its exact share; the units left over go "
    "one each to the largest remainders, ties to more shares, then to the lower address."
)


@dataclass(frozen=True)
class Payout:
    holder: str  # as the snapshot names it (EIP-55)
    shares: int
    minor: int  # minor units paid
    extra: bool  # got one of the units left over by rounding down

    def as_message(self) -> dict[str, object]:
        return {"holder": self.holder, "shares": self.shares, "minor": self.minor}


def split(amount: int, holdings: Mapping[str, int]) -> list[Payout]:
    """`amount` minor units over `holdings` (address -> shares, all positive), in address order."""
    if amount < 0:
        raise ValueError("a distribution pays a positive amount")
    items = sorted(((holder, shares) for holder, shares in holdings.items()), key=lambda item: item[0].lower())
    if not items or any(shares <= 0 for _, shares in items):
        raise ValueError("a distribution needs holders with positive shares")
    if len({holder.lower() for holder, _ in items}) != len(items):
        raise ValueError("a holder is listed twice")
    total = sum(shares for _, shares in items)
    base = {holder: divmod(amount * shares, total) for holder, shares in items}
    left = amount - sum(whole for whole, _ in base.values())
    order = sorted(items, key=lambda item: (-base[item[0]][1], -item[1], item[0].lower()))
    lucky = {holder for holder, _ in order[:left]}
    return [Payout(holder, shares, base[holder][0] + (holder in lucky), holder in lucky) for holder, shares in items]
