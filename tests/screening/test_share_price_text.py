"""A partial sale's price reason reads right on its own: the whole deed's price per share, and what was paid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.paths import DataDir

SELLER, BUYER = "0x" + "1" * 40, "0x" + "2" * 40
PRICE_CODES = {"price_below_estimate", "price_above_estimate", "price_at_estimate", "unround_price", "round_price"}


@pytest.fixture(scope="module")
def trained(quick_models: Path) -> Any:
    from valuation import service

    home = DataDir.resolve(quick_models.parent)
    return service.load(home)[0]


def _transfer(shares: int, total: int, price: int) -> dict[str, Any]:
    return {
        "deedId": 7,
        "from": SELLER,
        "to": BUYER,
        "shares": shares,
        "totalShares": total,
        "price": price,  # minor units (cents)
        "currency": "USD",
        "closingDate": "2009-06-15",
        "deadline": 2_000_000_000,
    }


def _price_reasons(trained: Any, message: dict[str, Any]) -> dict[str, str]:
    from valuation.screening.transfers import screen_message

    assessment = screen_message(trained, "USD", [], message, 1_245_000_000, 3)
    return {r["code"]: r["text"] for r in assessment.reasons if r["code"] in PRICE_CODES}


@pytest.mark.parametrize(
    ("shares", "total", "paid_cents", "paid_text", "whole_text"),
    [
        (2_400, 10_000, 8_731_200, "USD 87,312", "USD 363,800"),
        (1, 3, 5_000_000, "USD 50,000", "USD 150,000"),
        (9_999, 10_000, 29_997_000, "USD 299,970", "USD 300,000"),
    ],
)
def test_a_partial_sale_names_the_whole_deed_price_and_what_was_paid(
    trained: Any, shares: int, total: int, paid_cents: int, paid_text: str, whole_text: str
) -> None:
    part = _price_reasons(trained, _transfer(shares, total, paid_cents))
    whole = _price_reasons(trained, _transfer(total, total, round(paid_cents * total / shares)))
    # the same codes (and so the same weights' meaning) as the whole deed sold at that price per share
    assert set(part) == set(whole) and any(c.startswith("price_") for c in part)
    for text in part.values():
        assert text.startswith(f"The price per share, {whole_text} for the whole deed ({paid_text} for ")
        assert f"{paid_text} for {shares:,} of {total:,} shares)," in text
        assert not text.startswith("Price ")
    for text in whole.values():
        assert "per share" not in text and whole_text in text and "for the whole deed" not in text


def test_a_whole_sale_reads_as_before(trained: Any) -> None:
    texts = _price_reasons(trained, _transfer(10_000, 10_000, 36_380_000))
    gap = next(t for c, t in texts.items() if c.startswith("price_"))
    assert gap.startswith("Price USD 363,800 is ")
