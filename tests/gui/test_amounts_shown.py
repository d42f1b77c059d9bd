"""Amounts in the GUI read in their own currency's decimals: the deeds table, the detail pane, its
timeline and the transfer wizard.  A JPY 25,000,000 sale once read "250,000 JPY" and a JPY 18,000,000
lien "180,000 JPY" (every amount divided by 100), and "$" stood for whatever the currency was."""
from __future__ import annotations

import re
from typing import Any

import pytest

from desktop.gui.events import Changes
from desktop.gui.models.deeds import DeedColumn
from tests.helpers import Sale, World, sell_with_liens


@pytest.fixture
def sales(world: World) -> tuple[Sale, Sale]:
    return (sell_with_liens(world, "JP-0001", price="25000000", lien="18000000", currency="JPY"),
            sell_with_liens(world, "KW-0001", price="95000.25", lien="1234.5", currency="KWD"))


def _row_of(pane: Any, deed_id: int) -> int:
    model = pane.model
    return next(r for r in range(model.rowCount()) if model.index(r, DeedColumn.DEED).data() == str(deed_id))


def _detail_text(detail: Any) -> str:
    """Every fact, lien and timeline line the detail pane shows, as one text."""
    grid = detail.facts
    facts = [grid.itemAt(i).widget().text() for i in range(grid.count())]
    lines = [f"{item.title} {item.detail}" for item in detail.timeline.items()]
    return " | ".join([*facts, detail.liens.text(), *lines])


def test_deeds_table_shows_each_last_price_in_its_currency(window: Any, sales: tuple[Sale, Sale]) -> None:
    yen, dinar = sales
    window.ctx.events.announce(Changes.DEEDS)
    pane = window.panes["deeds"]
    price = {deed: pane.model.index(_row_of(pane, deed), DeedColumn.LAST_SALE).data()
             for deed in (yen.deed, dinar.deed)}
    assert price == {yen.deed: "JPY 25,000,000", dinar.deed: "KWD 95,000.250"}


def test_detail_and_timeline_show_yen_whole(window: Any, sales: tuple[Sale, Sale]) -> None:
    yen, _ = sales
    window.show_deed(yen.deed)
    text = _detail_text(window.panes["deeds"].detail)
    assert "JPY 25,000,000 on" in text  # the last sale, among the facts
    assert re.search(r"Lien 2: mortgage, JPY 18,000,000 held by", text)  # the open lien
    assert "Sold to" in text and "\u2022 JPY 25,000,000 \u2022" in text  # the sale in the timeline
    assert text.count("JPY 18,000,000 held by") == 4  # both liens, in the liens card and the timeline
    assert not re.search(r"JPY [\d,]+\.\d|\$|250,000 |180,000 ", text)


def test_detail_and_timeline_show_dinars_with_three_decimals(window: Any, sales: tuple[Sale, Sale]) -> None:
    _, dinar = sales
    window.show_deed(dinar.deed)
    text = _detail_text(window.panes["deeds"].detail)
    assert "KWD 95,000.250 on" in text and "\u2022 KWD 95,000.250 \u2022" in text
    assert text.count("KWD 1,234.500 held by") == 4


@pytest.mark.parametrize(("which", "decimals", "price", "typed", "sent"), [
    (0, 0, 25_000_000, 26_500_000, "26500000"),
    (1, 3, 95_000.25, 96_000.125, "96000.125"),
])
def test_transfer_wizard_takes_the_price_in_the_deeds_currency(window: Any, qtbot: Any, sales: tuple[Sale, Sale],
                                                               which: int, decimals: int, price: float,
                                                               typed: float, sent: str) -> None:
    sale = sales[which]
    wizard = window.open_transfer(sale.deed)
    qtbot.addWidget(wizard)
    terms = wizard.terms
    currency = "JPY" if which == 0 else "KWD"
    assert terms.currency.currentText() == currency
    assert terms.price.decimals() == decimals and terms.price.value() == price  # the last price, not a hundredth
    assert terms.price.text().endswith(f"{price:,.{decimals}f}")
    terms.price.setValue(typed)
    assert terms.price_text() == sent
    terms.currency.setCurrentText("USD")
    assert terms.price.decimals() == 2
