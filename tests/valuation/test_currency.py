"""A valuation is money in its market's currency, end to end: the result, the recorded entry, the report.

The model learns prices as numbers; the card says which currency they are in.  A market priced in yen
gives estimates in whole yen (the yen has no minor unit), recorded as such and printed as "JPY ...",
never with a "$" or a hundredth of the amount.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from core.checkpoints import make_checkpoint
from core.money import Money
from desktop.documents import ModelCard, build_valuation_pdf, verify_pdf
from tests.helpers import make_world


@pytest.mark.parametrize("currency", ["JPY", "KWD", "USD"])
def test_every_figure_is_money_of_the_markets_currency(
    small_model: Any, all_rows: list[dict[str, str]], currency: str
) -> None:
    from valuation.valuer import value_record

    v = value_record(small_model, all_rows[300], currency=currency)
    figures = [
        v.estimate,
        v.low,
        v.high,
        v.typical,
        v.other_effects,
        *(d.effect for d in v.drivers),
        *(c.price for c in v.comparables),
        *(c.adjusted_price for c in v.comparables),
    ]
    assert {m.currency for m in figures} == {currency} and v.currency == currency
    whole = {"JPY": 1, "KWD": 1000, "USD": 100}[currency]
    assert all(m.minor % whole == 0 for m in (v.estimate, v.low, v.high, v.typical))  # estimates: whole units
    data = v.to_json()
    assert data["currency"] == currency and data["estimate"] == v.estimate.units
    assert [c["price"] for c in data["comparables"]] == [c.price.units for c in v.comparables]


def test_a_yen_valuation_is_recorded_and_reported_in_yen(
    small_model: Any, all_rows: list[dict[str, str]], tmp_path: Path
) -> None:
    from valuation.service import record_valuation
    from valuation.valuer import value_record

    world = make_world(tmp_path / "office")
    deed_id = world.register("JP-0002", world.key("owner").address, attributes={"Gr_Liv_Area": 1500})
    v = value_record(small_model, {"Gr_Liv_Area": 1500}, currency="JPY")
    card = {"currency": "JPY", "model_sha256": "ab" * 32}
    index = record_valuation(world.ledger, world.ledger.deed(deed_id), v, card, world.operator)
    m = world.ledger.entry(index).message
    assert (m["estimate"], m["low"], m["high"], m["currency"]) == (v.estimate.minor, v.low.minor, v.high.minor, "JPY")
    assert Money(m["estimate"], "JPY") == v.estimate  # whole yen, not yen * 100

    make_checkpoint(world.ledger, world.operator)
    pdf = build_valuation_pdf(world.ledger, deed_id, v, ModelCard.from_card(card))
    assert verify_pdf(pdf, world.ledger).ok  # the drawn figures are the signed ones
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert v.estimate.text(whole=True) in text and "$" not in text
    assert f"entry {index}" in text and re.search(r"price \(jpy\)", text, re.IGNORECASE)
