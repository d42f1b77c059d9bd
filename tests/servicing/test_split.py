"""The largest-remainder split: exact totals, within one unit of the exact share, independent of order."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from core.servicing.split import split

A = "0x" + "a" * 40
B = "0x" + "b" * 40
C = "0x" + "c" * 40


def test_a_thousand_over_three_equal_holders_is_exactly_100000_cents_and_the_lowest_address_gets_the_extra_cent() -> (
    None
):
    payouts = split(100_000, {C: 1, A: 1, B: 1})
    assert sum(p.minor for p in payouts) == 100_000
    assert [(p.holder, p.minor, p.extra) for p in payouts] == [
        (A, 33_334, True),
        (B, 33_333, False),
        (C, 33_333, False),
    ]


def test_the_largest_remainder_wins_before_shares_and_address() -> None:
    # 10 units over 3 / 3 / 1 of 7: exact 4.29, 4.29, 1.43 -> floors 4, 4, 1 and one unit left over: the largest
    # remainder is .43 (the holder of 1 share) before .29 and .29.
    payouts = {p.holder: p.minor for p in split(10, {A: 3, B: 3, C: 1})}
    assert payouts == {A: 4, B: 4, C: 2}


def test_ties_go_to_more_shares_then_the_lower_address() -> None:
    # 1 unit over 2 and 4 of 6 (remainders 2/6 and 4/6 -> 4/6 wins); then equal shares: the lower address.
    assert {p.holder: p.minor for p in split(1, {A: 2, B: 4})} == {A: 0, B: 1}
    assert {p.holder: p.minor for p in split(1, {B: 5, A: 5})} == {A: 1, B: 0}


addresses = st.from_regex(r"0x[0-9a-f]{40}", fullmatch=True)
holdings = st.dictionaries(addresses, st.integers(min_value=1, max_value=10**12), min_size=1, max_size=25)


@settings(max_examples=150, deadline=None)
@given(holdings, st.integers(min_value=0, max_value=10**24), st.randoms(use_true_random=False))
def test_any_split_adds_up_is_within_one_unit_and_ignores_order(
    held: dict[str, int], amount: int, shuffle: object
) -> None:
    payouts = split(amount, held)
    assert sum(p.minor for p in payouts) == amount  # no unit lost or made
    total = sum(held.values())
    for p in payouts:
        exact = Fraction(amount * held[p.holder], total)
        assert abs(p.minor - exact) < 1  # within one minor unit of the exact share
        assert p.minor - exact // 1 == (1 if p.extra else 0)  # the floor, or the floor plus one left-over unit
    items = list(held.items())
    shuffle.shuffle(items)  # type: ignore[attr-defined]
    assert split(amount, dict(items)) == payouts  # the order holders are listed in changes nothing
