"""Amounts in the GUI read in their own currency's decimals: the deeds table, the detail pane, its
timeline and the transfer wizard.  A JPY 25,000,000 sale once read "250,000 JPY" and a JPY 18,000,000
lien "180,000 JPY" (every amount divided by 100), and "$" stood for whatever the currency was."""

from __future__ import annotations

import re
from typing import Any

import pytest

from desktop.gui.events import Changes
from desktop.gui.models.deeds import DeedColumn
from tests.gui.conftest import cells
from tests.helpers import Sale, World, sell_with_liens


@pytest.fixture
def sales(world: World) -> tuple[Sale, Sale]:
    return (
        sell_with_liens(world, "JP-0001", price="25000000", lien="18000000", currency="JPY"),
        sell_with_liens(world, "KW-0001", price="95000.25", lien="1234.5", currency="KWD"),
    )


def _show_deed(window: Any, qtbot: Any, deed_id: int) -> Any:
    """The detail pane once it shows the deed (read on a worker)."""
    window.show_deed(deed_id)
    detail = window.panes["deeds"].detail
    qtbot.waitUntil(lambda: detail.deed is not None and detail.deed.deed_id == deed_id)
    return detail


def _detail_text(detail: Any) -> str:
    """Every fact, lien and timeline line the detail pane shows, as one text."""
    grid = detail.facts
    facts = [grid.itemAt(i).widget().text() for i in range(grid.count())]
    lines = [f"{item.title} {item.detail}" for item in detail.timeline.items()]
    return " | ".join([*facts, detail.liens.text(), *lines])


def test_deeds_table_shows_each_last_price_in_its_currency(window: Any, qtbot: Any, sales: tuple[Sale, Sale]) -> None:
    yen, dinar = sales
    window.ctx.events.announce(Changes.DEEDS)
    model = window.panes["deeds"].model
    qtbot.waitUntil(lambda: model.rowCount() == 2)  # rows are read on a worker
    price = {
        int(deed): text
        for deed, text in zip(
            cells(qtbot, model, DeedColumn.DEED), cells(qtbot, model, DeedColumn.LAST_SALE), strict=True
        )
    }
    assert price == {yen.deed: "JPY 25,000,000", dinar.deed: "KWD 95,000.250"}


def test_detail_and_timeline_show_yen_whole(window: Any, qtbot: Any, sales: tuple[Sale, Sale]) -> None:
    yen, _ = sales
    text = _detail_text(_show_deed(window, qtbot, yen.deed))
    assert "JPY 25,000,000 on" in text  # the last sale, among the facts
    assert re.search(r"Lien 2: mortgage, JPY 18,000,000 held by", text)  # the open lien
    assert "Sold to" in text and "\u2022 JPY 25,000,000 \u2022" in text  # the sale in the timeline
    assert text.count("JPY 18,000,000 held by") == 4  # both liens, in the liens card and the timeline
    assert not re.search(r"JPY [\d,]+\.\d|\$|250,000 |180,000 ", text)


def test_detail_and_timeline_show_dinars_with_three_decimals(window: Any, qtbot: Any, sales: tuple[Sale, Sale]) -> None:
    _, dinar = sales
    text = _detail_text(_show_deed(window, qtbot, dinar.deed))
    assert "KWD 95,000.250 on" in text and "\u2022 KWD 95,000.250 \u2022" in text
    assert text.count("KWD 1,234.500 held by") == 4


@pytest.mark.parametrize(
    ("which", "decimals", "price", "typed", "sent"),
    [
        (0, 0, 25_000_000, 26_500_000, "26500000"),
        (1, 3, 95_000.25, 96_000.125, "96000.125"),
    ],
)
def test_transfer_wizard_takes_the_price_in_the_deeds_currency(
    window: Any, qtbot: Any, sales: tuple[Sale, Sale], which: int, decimals: int, price: float, typed: float, sent: str
) -> None:
    sale = sales[which]
    wizard = window.open_transfer(sale.deed)
    qtbot.addWidget(wizard)
    terms = wizard.terms
    qtbot.waitUntil(lambda: terms.seller.currentData() is not None)  # the deed is read on a worker
    currency = "JPY" if which == 0 else "KWD"
    assert terms.currency.currentText() == currency
    assert terms.price.decimals() == decimals and terms.price.value() == price  # the last price, not a hundredth
    assert terms.price.text().endswith(f"{price:,.{decimals}f}")
    terms.price.setValue(typed)
    assert terms.price_text() == sent
    terms.currency.setCurrentText("USD")
    assert terms.price.decimals() == 2
