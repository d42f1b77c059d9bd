"""Amounts in the GUI read in their own currency's decimals: the deeds table, the detail pane, its
timeline and the transfer wizard.  A JPY 25,000,000 sale once read "250,000 JPY" and a JPY 18,000,000
lien "180,000 JPY" (every amount divided by 100), and "$" stood for whatever the currency was."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from desktop.gui.events import Changes
from desktop.gui.models.deeds import DeedColumn
from tests.gui.conftest import cells, loaded
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
    assert price == {yen.deed: "JPY\u00a025,000,000", dinar.deed: "KWD\u00a095,000.250"}


def test_detail_and_timeline_show_yen_whole(window: Any, qtbot: Any, sales: tuple[Sale, Sale]) -> None:
    yen, _ = sales
    text = _detail_text(_show_deed(window, qtbot, yen.deed))
    assert "JPY\u00a025,000,000 on" in text  # the last sale, among the facts
    assert re.search(r"Lien 2: mortgage, JPY\u00a018,000,000 held by", text)  # the open lien
    assert "Sold to" in text and "\u2022 JPY\u00a025,000,000 \u2022" in text  # the sale in the timeline
    assert text.count("JPY\u00a018,000,000 held by") == 4  # both liens, in the liens card and the timeline
    assert not re.search(r"JPY\u00a0[\d,]+\.\d|\$|250,000 |180,000 ", text)


def test_detail_and_timeline_show_dinars_with_three_decimals(window: Any, qtbot: Any, sales: tuple[Sale, Sale]) -> None:
    _, dinar = sales
    text = _detail_text(_show_deed(window, qtbot, dinar.deed))
    assert "KWD\u00a095,000.250 on" in text and "\u2022 KWD\u00a095,000.250 \u2022" in text
    assert text.count("KWD\u00a01,234.500 held by") == 4


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


# --- amounts shown as the desktop writes them (and its amount fields read) ---------------------------------------
# (locale, JPY 25,000,000, KWD 95,000.250, USD 1,234,567.50, JPY 18,000,000): the ways Qt writes these numbers
SPELLED = [
    ("en_US", "JPY\u00a025,000,000", "KWD\u00a095,000.250", "USD\u00a01,234,567.50", "JPY\u00a018,000,000"),
    ("de_DE", "JPY\u00a025.000.000", "KWD\u00a095.000,250", "USD\u00a01.234.567,50", "JPY\u00a018.000.000"),
    (
        "fr_FR",
        "JPY\u00a025\u202f000\u202f000",
        "KWD\u00a095\u202f000,250",
        "USD\u00a01\u202f234\u202f567,50",
        "JPY\u00a018\u202f000\u202f000",
    ),
    ("de_CH", "JPY\u00a025'000'000", "KWD\u00a095'000.250", "USD\u00a01'234'567.50", "JPY\u00a018'000'000"),
    ("en_IN", "JPY\u00a02,50,00,000", "KWD\u00a095,000.250", "USD\u00a012,34,567.50", "JPY\u00a01,80,00,000"),
    (
        "ar_EG",
        "JPY\u00a0\u0662\u0665\u066c\u0660\u0660\u0660\u066c\u0660\u0660\u0660",
        "KWD\u00a0\u0669\u0665\u066c\u0660\u0660\u0660\u066b\u0662\u0665\u0660",
        "USD\u00a0\u0661\u066c\u0662\u0663\u0664\u066c\u0665\u0666\u0667\u066b\u0665\u0660",
        "JPY\u00a0\u0661\u0668\u066c\u0660\u0660\u0660\u066c\u0660\u0660\u0660",
    ),
]


@pytest.mark.parametrize(("locale", "yen", "dinar", "dollars", "lien"), SPELLED)
def test_an_amount_is_shown_as_qt_writes_numbers_on_that_desktop(
    desktop_locale: Any, locale: str, yen: str, dinar: str, dollars: str, lien: str
) -> None:
    from PySide6.QtCore import QLocale

    from desktop.gui import fmt

    desktop_locale(locale)
    assert fmt.amount(25_000_000, "JPY") == yen and fmt.amount(95_000_250, "KWD") == dinar
    assert fmt.amount(18_000_000, "JPY") == lien
    assert fmt.amount(123_456_750, "USD") == dollars == "USD\u00a0" + QLocale(locale).toString(1234567.5, "f", 2)


@pytest.mark.parametrize("locale", [row[0] for row in SPELLED])
@pytest.mark.parametrize(
    ("minor", "currency"), [(25_000_000, "JPY"), (95_000_250, "KWD"), (123_456_750, "USD"), (5, "USD"), (0, "EUR")]
)
def test_a_shown_amount_typed_into_an_amount_field_reads_the_same(
    qtbot: Any, desktop_locale: Any, locale: str, minor: int, currency: str
) -> None:
    """What the desktop shows can be typed back: the field takes it whole and reads the same amount.  On en_IN
    the field refused its own '12,34,567.50' (Qt writes lakhs; the reader took groups of three only)."""
    from PySide6.QtGui import QValidator

    from core.money import decimals, to_units
    from desktop.gui import fmt
    from desktop.gui.widgets.amount import AmountSpinBox

    desktop_locale(locale)
    field = AmountSpinBox()
    qtbot.addWidget(field)
    field.setRange(0, 1e12)
    field.setDecimals(decimals(currency))
    typed = fmt.amount(minor, currency).removeprefix(f"{currency}\u00a0")
    assert field.validate(typed, 0)[0] == QValidator.State.Acceptable
    assert field.valueFromText(typed) == to_units(minor, currency)
    field.setValue(to_units(minor, currency))
    assert field.text() == typed  # and the field writes it as it is shown elsewhere
    assert fmt.amount_reader()(typed, currency) == minor


@pytest.mark.parametrize(("locale", "yen", "dinar", "_dollars", "lien"), SPELLED)
def test_tables_detail_and_timeline_follow_the_desktop(
    window: Any,
    qtbot: Any,
    sales: tuple[Sale, Sale],
    desktop_locale: Any,
    locale: str,
    yen: str,
    dinar: str,
    _dollars: str,
    lien: str,
) -> None:
    desktop_locale(locale)
    yen_sale, dinar_sale = sales
    window.ctx.events.announce(Changes.DEEDS)
    model = window.panes["deeds"].model
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    shown = dict(zip(cells(qtbot, model, DeedColumn.DEED), cells(qtbot, model, DeedColumn.LAST_SALE), strict=True))
    assert shown == {str(yen_sale.deed): yen, str(dinar_sale.deed): dinar}
    text = _detail_text(_show_deed(window, qtbot, yen_sale.deed))
    assert f"{yen} on" in text and f"\u2022 {yen} \u2022" in text  # the facts and the timeline
    assert text.count(f"{lien} held by") == 4 and "18,000,000" not in text.replace(lien, "")


def test_the_ledger_table_and_its_tooltip_follow_the_desktop(
    window: Any, qtbot: Any, sales: tuple[Sale, Sale], desktop_locale: Any
) -> None:
    from PySide6.QtCore import Qt

    from desktop.gui.models.entries import EntryColumn

    desktop_locale("de_DE")
    model = window.show_pane("ledger").model
    qtbot.waitUntil(lambda: model.rowCount() >= 6, timeout=10_000)
    summaries = cells(qtbot, model, EntryColumn.SUMMARY, model.rowCount())
    assert any("for JPY\u00a025.000.000, closing" in s for s in summaries), summaries
    assert any("mortgage, KWD\u00a01.234,500, held by" in s for s in summaries), summaries
    assert not any("25,000,000" in s or "1,234.500" in s for s in summaries)
    row = next(r for r, s in enumerate(summaries) if "JPY\u00a025.000.000" in s)
    tip = model.data(model.index(row, EntryColumn.SUMMARY), Qt.ItemDataRole.ToolTipRole)
    assert "JPY\u00a025.000.000" in tip and "0x" in tip  # the full addresses, the amount as the cell writes it


def test_the_signers_words_follow_the_desktop_and_the_typed_data_stays_exact(
    world: World, qtbot: Any, tmp_path: Path, desktop_locale: Any
) -> None:
    """The person signing reads the price as they write numbers; what they sign (the typed data) is unchanged,
    integer minor units, and so is the request file's own summary and the command line's."""
    from PySide6.QtWidgets import QLabel

    from core.requests import load_request, summarize
    from core.transactions import prepare_transfer
    from desktop.gui.signer import SignerWindow

    deed = world.register("L-1", world.key("alice").address)
    paths = prepare_transfer(world.ledger, deed, world.key("bob").address, "2450", "EUR", out_dir=tmp_path).paths
    desktop_locale("de_DE")
    window = SignerWindow(world.home, None, world.keys)
    qtbot.addWidget(window)
    assert loaded(qtbot, window, paths[0])  # read on a worker
    shown = [w.text() for w in window.findChildren(QLabel)]
    assert "EUR\u00a02.450,00" in shown and "EUR\u00a02,450.00" not in shown, shown
    assert '"price": 245000' in window.raw.toPlainText()
    request = load_request(paths[0])
    assert "EUR 2,450.00" in request.extra["summary"] and "EUR 2,450.00" in summarize(request, None).text()
    assert "EUR\u00a0" not in request.extra["summary"] + summarize(request, None).text()  # a plain space there


def test_every_locale_qt_knows_reads_back_what_it_is_shown() -> None:
    """Over Qt's 700-odd locales (scripts such as Adlam's too: a notation cached by the locale's name lost its
    script), an amount shown is read back the same by the amount fields' reader, and is written as Qt writes
    the number, but for C (Qt leaves its groups out) and Toki Pona (groups of two all along; shown in lakhs)."""
    from PySide6.QtCore import QLocale

    from core.money import format_amount, parse_amount
    from desktop.gui import fmt

    every = QLocale.matchingLocales(QLocale.Language.AnyLanguage, QLocale.Script.AnyScript, QLocale.Country.AnyCountry)
    assert len(every) > 500
    unlike_qt = set()
    for locale in every:
        shown = fmt.notation(locale)
        for minor in (0, 5, 99_999, 123_456_750, 10**17 + 7):
            number = format_amount(minor, "USD", **shown).removeprefix("USD\u00a0")
            read = parse_amount(number, "USD", point=shown["point"], group=shown["group"], indian=shown["indian"])
            assert read == minor, (locale.bcp47Name(), number)
        if format_amount(123_456_750, "USD", **shown) != "USD\u00a0" + locale.toString(1234567.5, "f", 2):
            unlike_qt.add(locale.name())
    assert unlike_qt <= {"C", "tok_001"}, unlike_qt


def test_every_locale_qt_knows_writes_counts_ratios_and_percentages_as_qt_does(desktop_locale: Any) -> None:
    """fmt.count, fmt.decimal and fmt.percent, on the same notation as the amounts, write a number as Qt's own
    QLocale.toString does on each of its 700-odd locales (but for C and Toki Pona, as for amounts), with the
    locale's percent sign (less its direction mark, which shown text escapes); and what they write reads back with the amount fields' separators.  (Qt leaves a
    four-digit number ungrouped on some locales, es_ES '1234,57', and Ewe a five-digit one, '12345.68'; the GUI
    groups them as its amounts do.)"""
    from PySide6.QtCore import QLocale

    from core.money import amount_digits
    from desktop.gui import fmt

    every = QLocale.matchingLocales(QLocale.Language.AnyLanguage, QLocale.Script.AnyScript, QLocale.Country.AnyCountry)
    unlike_qt = set()
    for locale in every:
        QLocale.setDefault(locale)
        shown = fmt.notation()
        written = (fmt.count(12_345_678), fmt.decimal(12_345.678, 2), fmt.percent(12.5, 1), fmt.count(7))
        qt = (
            locale.toString(12_345_678),
            locale.toString(12_345.678, "f", 2),
            locale.toString(12.5, "f", 1) + locale.percent().replace("\u061c", "").replace("\u200e", ""),
            locale.toString(7),
        )
        if written != qt:
            unlike_qt.add(locale.name())
        separators = {"point": shown["point"], "group": shown["group"], "indian": shown["indian"]}
        assert amount_digits(fmt.count(10**17 + 7), **separators) == str(10**17 + 7), locale.bcp47Name()
        assert amount_digits(fmt.decimal(1234.5678, 3), **separators) == "1234.568", locale.bcp47Name()
    assert unlike_qt <= {"C", "tok_001", "ee_GH", "ee_TG"}, unlike_qt


@pytest.mark.parametrize(
    ("locale", "count", "ratio", "share"),
    [
        ("en_US", "2,400 deeds", "0.46", "2,500 of 10,000 (25%)"),
        ("de_DE", "2.400 deeds", "0,46", "2.500 of 10.000 (25%)"),
        ("fr_FR", "2\u202f400 deeds", "0,46", "2\u202f500 of 10\u202f000 (25%)"),
        ("de_CH", "2'400 deeds", "0.46", "2'500 of 10'000 (25%)"),
        ("en_IN", "1,00,000 deeds", "0.46", "2,500 of 10,000 (25%)"),
        (
            "ar_EG",
            "\u0662\u066c\u0664\u0660\u0660 deeds",
            "\u0660\u066b\u0664\u0666",
            # a left-to-right mark keeps '(25%)' after the number before it, not before: between two numbers in
            # Arabic-Indic digits the space and the bracket were laid out right to left
            "\u0662\u066c\u0665\u0660\u0660 of \u0661\u0660\u066c\u0660\u0660\u0660\u200e (\u0662\u0665\u066a)",
        ),
    ],
)
def test_counts_and_shares_are_written_as_the_desktop_writes_numbers(
    desktop_locale: Any, locale: str, count: str, ratio: str, share: str
) -> None:
    from desktop.gui import fmt

    desktop_locale(locale)
    assert fmt.counted(100_000 if locale == "en_IN" else 2_400, "deed") == count
    assert fmt.decimal(0.456, 2) == ratio and fmt.shares(2_500, 10_000) == share
