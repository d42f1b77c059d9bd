"""Circles across deeds (core/screening/parties.py): the same parties trading deeds round within a week at
about the same price; near misses (a later closing, a price apart, the same deed, a chain that does not
close) say nothing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.screening.parties import CIRCLE_DAYS, CIRCLE_PRICE
from core.screening.records import DAY
from tests.screening.test_history import A, B, C, D, book, days


def _codes(reasons: list[dict]) -> list[str]:
    return [r["code"] for r in reasons]


def test_two_parties_swap_deeds_at_the_same_price() -> None:
    b = book((1, A), (2, B))
    assert b.sell(1, A, B, 200_000, days(0)) == []
    [reason] = b.reasons(2, B, A, 201_000, days(3))
    assert reason["code"] == "circle_across_deeds" and reason["weight"] == 2.6
    text = reason["text"]
    assert "among 2 parties" in text and "deed 2 for USD 201,000 (this sale)" in text
    assert "deed 1 for USD 200,000 (entry 3)" in text and "within 3 days" in text


def test_three_parties_round_three_deeds() -> None:
    b = book((1, A), (2, B), (3, C))
    b.sell(1, A, B, 150_000, days(0))
    b.sell(2, B, C, 151_000, days(2))
    [reason] = b.reasons(3, C, A, 149_500, days(5))
    assert reason["code"] == "circle_across_deeds" and reason["weight"] == 2.8 and "among 3 parties" in reason["text"]
    # the same chain that ends with someone outside it is no circle
    assert b.reasons(3, C, D, 149_500, days(5)) == []


def test_ordinary_trading_between_the_same_parties_is_not_a_circle() -> None:
    b = book((1, A), (2, B), (3, B))
    b.sell(1, A, B, 200_000, days(0))
    assert b.reasons(2, B, A, 260_000, days(3)) == []  # the money does not go round: 30% apart
    assert b.reasons(2, B, A, 200_000, days(30)) == []  # a month later: two sales, not one swap
    assert b.reasons(2, B, C, 200_000, days(2)) == []  # to someone else


def test_a_recovered_key_is_the_same_party_in_a_circle() -> None:
    b = book((1, A), (2, B))
    b.history.add(b._next(), "RecoveryTransfer", {"deedId": 2, "from": B, "to": D, "shares": 10_000, "order": ""}, 0)
    b.sell(1, A, B, 200_000, days(0))
    assert "circle_across_deeds" in _codes(b.reasons(2, D, A, 200_000, days(1)))


@settings(max_examples=120, deadline=None)
@given(st.integers(-12, 12), st.floats(0.9, 1.1), st.booleans())
def test_the_week_and_the_price_band_are_the_edges(gap: int, ratio: float, three: bool) -> None:
    b = book((1, A), (2, B), (3, C))
    b.sell(1, A, B, 200_000, days(0))
    prices = [200_000]
    if three:
        b.sell(2, B, C, 200_000, days(0))
        prices.append(200_000)
    price = round(200_000 * ratio)
    prices.append(price)
    reasons = b.reasons(3 if three else 2, C if three else B, A, price, days(gap))
    fires = abs(gap) * DAY <= CIRCLE_DAYS and max(prices) <= (1 + CIRCLE_PRICE) * min(prices)
    assert ("circle_across_deeds" in _codes(reasons)) == fires
