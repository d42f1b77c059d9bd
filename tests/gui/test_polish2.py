"""The desktop's second polish round: each test fails on the behaviour the GUI audit left."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QTableWidgetItem, QWizard

from core.dates import today_utc
from core.party_requests import write_request
from tests.gui.conftest import loaded
from tests.helpers import World


@pytest.fixture
def far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A local zone whose day is not the UTC day right now: UTC+14 from 12:00 UTC on, UTC-12 before."""
    zone = "Etc/GMT-14" if datetime.now(UTC).hour >= 12 else "Etc/GMT+12"
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    assert QDate.currentDate() != _utc_qdate()  # the premise: the local day is another day
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


def _utc_qdate() -> QDate:
    day = today_utc()
    return QDate(day.year, day.month, day.day)


def _next(wizard: QWizard, qtbot: Any) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def test_the_wizards_closing_date_and_the_notarys_act_date_are_the_local_day(
    window: Any, world: World, qtbot: Any, far_from_utc: None
) -> None:
    """An act done here is dated by the calendar here (a closing, a notarial act), not the UTC day, which was
    yesterday in Auckland's morning; core takes any date up to the latest that is today somewhere (UTC+14)."""
    deed = world.register("U-1", world.key("alice").address)
    wizard = window.open_transfer(deed)
    qtbot.addWidget(wizard)
    assert wizard.terms.closing.date() == QDate.currentDate()
    notary = window.show_pane("notary")
    latest = (datetime.now(UTC) + timedelta(hours=14)).date()
    assert notary.act_date.date() == QDate.currentDate()
    assert notary.act_date.maximumDate() == QDate(latest.year, latest.month, latest.day) >= QDate.currentDate()


def test_every_window_is_titled_what_it_shows_then_deedbook(
    window: Any, world: World, qtbot: Any, tmp_path: Path
) -> None:
    from core.keys import KeyStore
    from core.paths import DataDir
    from core.transactions import prepare_transfer
    from desktop.gui.notary_desk import NotaryDeskWindow
    from desktop.gui.signer import SignerWindow
    from tests.gui.test_notary_desk import _attestation_file, _notary_machine

    assert window.windowTitle() == f"{world.ledger.identity.name} \u2014 Deedbook"

    deed = world.register("W-1", world.key("alice").address)
    prepared = prepare_transfer(world.ledger, deed, world.key("bob").address, "1000", "USD")
    request = write_request(prepared.requests[0], tmp_path / "out")
    signer = SignerWindow(DataDir.resolve(tmp_path / "laptop").ensure(), None, KeyStore(tmp_path / "laptop" / "k"))
    qtbot.addWidget(signer)
    assert signer.windowTitle() == "Offline signer \u2014 Deedbook"
    assert loaded(qtbot, signer, request)
    assert signer.windowTitle() == f"{request.name} \u2014 Offline signer \u2014 Deedbook"

    home, keys, notary = _notary_machine(tmp_path)
    desk = NotaryDeskWindow(home, keys)
    qtbot.addWidget(desk)
    assert desk.windowTitle() == "Notary's desk \u2014 Deedbook"
    attestation = _attestation_file(world, tmp_path / "att", notary)
    desk.load(attestation)  # its evidence is checked on a worker, then the request is shown
    qtbot.waitUntil(
        lambda: desk.windowTitle() == f"{attestation.name} \u2014 Notary's desk \u2014 Deedbook", timeout=10_000
    )


def _wizard_at_review(window: Any, world: World, qtbot: Any) -> tuple[Any, int]:
    """A sale of 2,400 of 10,000 shares from alice to bob, both signed here, the wizard on its Review page."""
    from core.requests import sign_request

    alice, bob = world.key("alice"), world.key("bob")
    deed = world.register("N-1", alice.address)
    window.ctx.load_names()
    qtbot.waitUntil(lambda: window.ctx.name_for(bob.address) == "bob", timeout=10_000)
    wizard = window.open_transfer(deed)
    qtbot.addWidget(wizard)
    qtbot.waitUntil(lambda: wizard.terms.seller.currentData() is not None)
    wizard.terms.buyer.set_address(bob.address)
    wizard.terms.shares.setValue(2_400)
    wizard.terms.price.setValue(87_312)
    _next(wizard, qtbot)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.signatures, timeout=10_000)
    keys = {k.address.lower(): k for k in (alice, bob)}
    for row, request in enumerate(wizard.signatures.requests()):
        wizard.responses[row] = sign_request(request, keys[request.signer.lower()])
    wizard.signatures.completeChanged.emit()
    _next(wizard, qtbot)
    qtbot.waitUntil(wizard.review.isComplete, timeout=10_000)
    return wizard, deed


def test_the_review_page_names_the_parties_and_keeps_their_addresses_a_hover_away(
    window: Any, world: World, qtbot: Any
) -> None:
    from PySide6.QtGui import QGuiApplication

    alice, bob = world.key("alice"), world.key("bob")
    wizard, _deed = _wizard_at_review(window, world, qtbot)
    summary = wizard.review.summary
    text = summary.text()
    for address in (alice.address, bob.address):
        assert f"href='address:{address}'" in text  # the address is the link's target...
        assert f">{address}<" not in text and f"{address} (" not in text  # ...never the words shown
    assert ">alice</a>" in text and ">bob</a>" in text
    assert "2,400 of 10,000 (24%)" in text and "USD\u00a087,312.00" in text and "(in " in text  # as before
    QGuiApplication.clipboard().clear()
    summary.linkActivated.emit(f"address:{bob.address}")  # a click on bob's name
    assert QGuiApplication.clipboard().text() == bob.address


def test_recording_is_confirmed_on_a_page_that_says_what_will_be_recorded(
    window: Any, world: World, qtbot: Any
) -> None:
    wizard, deed = _wizard_at_review(window, world, qtbot)
    before = world.ledger.size()
    _next(wizard, qtbot)
    page = wizard.record_page
    assert wizard.currentPage() is page
    statement = page.statement.text()
    assert f"Deed {deed} (parcel N-1): 2,400 of 10,000 shares from alice to bob for USD\u00a087,312.00" in statement
    assert "never changed or removed" in statement and "0x" not in statement
    # a Return or Space meant for Next presses nothing here (it recorded: the focus was on the button)
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Space):
        target = QApplication.focusWidget() or wizard
        qtbot.keyClick(target, key)
        qtbot.keyClick(wizard, key)
    qtbot.wait(300)
    assert world.ledger.size() == before and wizard.recorded is None
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.recorded is not None, timeout=10_000)
    assert world.ledger.size() == before + 1


def test_the_ledger_names_parties_in_its_summaries_and_its_operator(window: Any, world: World, qtbot: Any) -> None:
    from desktop.gui.models.entries import EntryColumn
    from tests.gui.conftest import cells

    alice, bob = world.key("alice"), world.key("bob")
    deed = world.register("L-7", alice.address)
    index = world.sell(deed, alice, bob, "1000", "USD")
    window.ctx.load_names()
    qtbot.waitUntil(lambda: window.ctx.name_for(bob.address) == "bob", timeout=10_000)
    pane = window.show_pane("ledger")
    model = pane.model
    qtbot.waitUntil(lambda: model.row_of(index) is not None, timeout=10_000)
    summaries = cells(qtbot, model, EntryColumn.SUMMARY)
    row = model.row_of(index)
    assert summaries[row] == f"Deed {deed} (parcel L-7): the whole deed from alice to bob for USD\u00a01,000.00, " + (
        f"closing {world.ledger.entry(index).message['closingDate']}"
    )
    tip = model.index(row, EntryColumn.SUMMARY).data(Qt.ItemDataRole.ToolTipRole)
    assert alice.address in tip and bob.address in tip  # the addresses, a hover away
    operator = world.operator.address
    qtbot.waitUntil(lambda: "entries" in pane.info.text() and "reading" not in pane.info.text(), timeout=10_000)
    info = pane.info.text()
    assert f"href='address:{operator}'" in info and f">{operator}<" not in info and " operator 0x" not in info
    assert operator in window.ledger_label.toolTip() and operator not in window.ledger_label.text()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_icon_in_a_selected_row_is_drawn_in_the_selections_text_colour(qtbot: Any, scheme: str) -> None:
    from PySide6.QtGui import QColor

    from desktop.gui import theme
    from desktop.gui.widgets.plain_table import table

    app = QApplication.instance()
    theme.apply_theme(app, scheme)
    try:
        view = table(["Status"], "Statuses")
        qtbot.addWidget(view)
        view.setRowCount(2)
        for row in range(2):
            view.setItem(row, 0, QTableWidgetItem(theme.icon("signer"), "waiting"))
        view.resize(300, 120)
        view.show()
        view.selectRow(0)
        image = view.viewport().grab().toImage()
        ink = QColor(theme.color("highlightedText"))
        assert ink != theme.color("highlight")

        def inked(row: int) -> int:
            """Pixels of the row's icon in the selection's text colour (the pen was blue on the blue row)."""
            rect = view.visualItemRect(view.item(row, 0))
            size = view.iconSize() if view.iconSize().isValid() else rect.size()
            top = rect.top() + (rect.height() - min(size.height(), rect.height())) // 2
            found = 0
            for x in range(rect.left(), rect.left() + 22):  # the icon, not the (white) text after it
                for y in range(top, min(top + size.height(), rect.bottom())):
                    c = image.pixelColor(x, y)
                    near = abs(c.red() - ink.red()) + abs(c.green() - ink.green()) + abs(c.blue() - ink.blue())
                    found += near < 60

            return found

        assert inked(0) >= 20  # the pen stands out on the selection
        assert (
            theme.icon("signer").pixmap(24, QIcon.Mode.Normal).toImage()
            != theme.icon("signer").pixmap(24, QIcon.Mode.Selected).toImage()
        )  # and keeps its own colours elsewhere
    finally:
        theme.apply_theme(app, "light")


def test_the_deeds_table_and_the_keys_table_fit_their_text_at_the_default_window_size(
    window: Any, world: World, qtbot: Any
) -> None:
    from PySide6.QtGui import QFont, QFontMetrics

    from desktop.gui.events import Changes
    from desktop.gui.models.deeds import HEADERS, DeedColumn
    from tests.gui.conftest import cells

    for parcel in ("0527163", "0527402", "0526301"):  # "0527163 Main Street, Ames, IA": as long as Ames' longest
        world.register(parcel, world.key("alice").address)
    world.key("demo-county-treasurer")
    window.ctx.events.announce(Changes.DEEDS | Changes.KEYS)
    window.resize(1320, 820)  # the window's size at a first start
    pane = window.show_pane("deeds")
    table, model = pane.table, pane.model
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=10_000)
    addresses = cells(qtbot, model, DeedColumn.ADDRESS)
    qtbot.wait(50)
    metrics = table.fontMetrics()
    assert table.columnWidth(DeedColumn.ADDRESS) >= max(metrics.horizontalAdvance(a) for a in addresses) + 8
    bold = QFont(table.font())
    bold.setWeight(QFont.Weight.DemiBold)
    for column in DeedColumn:
        if not table.isColumnHidden(column):  # every header reads whole beside its sort arrow
            assert table.columnWidth(column) >= QFontMetrics(bold).horizontalAdvance(HEADERS[column]) + 24
    assert table.isColumnHidden(DeedColumn.VERSION)  # in the detail's facts; the header's menu shows it
    window.resize(1440, 900)  # wider: the owner's name gets some of the room ('demo-newcomer-10' read 'demo-newco…')
    qtbot.waitUntil(lambda: table.columnWidth(DeedColumn.OWNER) >= metrics.horizontalAdvance("demo-newcomer-10") + 8)
    assert table.columnWidth(DeedColumn.ADDRESS) >= max(metrics.horizontalAdvance(a) for a in addresses) + 8

    keys = window.show_pane("keys").keys_table
    qtbot.waitUntil(lambda: keys.rowCount() >= 3, timeout=10_000)
    names = [keys.item(r, 0).text() for r in range(keys.rowCount())]
    assert "demo-county-treasurer" in names
    widest = max(keys.fontMetrics().horizontalAdvance(n) for n in names)
    assert keys.columnWidth(0) >= widest + 16  # a gap before the address, not the text against it


def test_the_notary_desks_entry_preview_names_the_parties(window: Any, world: World, qtbot: Any) -> None:
    alice, bob = world.key("alice"), world.key("bob")
    deed = world.register("P-9", alice.address)
    index = world.sell(deed, alice, bob, "1000", "USD")
    window.ctx.load_names()
    qtbot.waitUntil(lambda: window.ctx.name_for(bob.address) == "bob", timeout=10_000)
    pane = window.show_pane("notary")
    pane.entry.setValue(index)
    qtbot.waitUntil(lambda: pane.entry_preview.text().startswith("Transfer:"), timeout=10_000)
    text = pane.entry_preview.text()
    assert f"Deed {deed} (parcel P-9): the whole deed from alice to bob for USD\u00a01,000.00" in text
    assert alice.address not in text and pane.entry_preview.textFormat() == Qt.TextFormat.PlainText
    tip = pane.entry_preview.toolTip()
    assert alice.address in tip and bob.address in tip  # the addresses, a hover away
