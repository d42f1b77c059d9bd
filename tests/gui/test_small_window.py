"""The main window on a small screen (1024 x 640) and at its minimum size: nothing pushed off the edge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QScrollArea, QWidget

from desktop.gui.events import Changes
from tests.gui.conftest import OWNERS, populate
from tests.helpers import World

SMALL_SCREEN = (1024, 640)


def rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    """`widget`'s rectangle in `ancestor`'s coordinates."""
    return QRect(widget.mapTo(ancestor, widget.rect().topLeft()), widget.size())


def scroll_area_around(widget: QWidget) -> QScrollArea:
    """The nearest scroll area `widget` is in."""
    parent = widget.parentWidget()
    while not isinstance(parent, QScrollArea):
        assert parent is not None, widget
        parent = parent.parentWidget()
    return parent


def window_sizes(window: Any) -> list[tuple[int, int]]:
    least = window.minimumSize()
    return [(least.width(), least.height()), SMALL_SCREEN]


def assert_fits(pane: QWidget) -> None:
    """`pane`'s layout fits it, and every button shown is whole and inside it across."""
    assert pane.layout().minimumSize().width() <= pane.width(), pane.layout().minimumSize()
    for button in pane.findChildren(QPushButton):
        if button.isVisible():
            assert button.width() >= button.sizeHint().width(), button.text()  # its words whole
            shown = rect_in(button, pane)  # (a form's buttons may be below its scrolled view: across, they fit)
            assert shown.left() >= 0 and shown.right() < pane.width(), button.text()


@pytest.mark.parametrize("smallest", [True, False], ids=["minimum-size", "1024x640"])
def test_the_deed_detail_and_its_scroll_bar_fit_beside_the_table(
    window: Any, world: World, qtbot: Any, smallest: bool
) -> None:
    populate(world, 30)
    window.ctx.events.announce(Changes.DEEDS)
    window.resize(*window_sizes(window)[0 if smallest else 1])
    window.show_deed(3)
    pane = window.panes["deeds"]
    detail = pane.detail
    qtbot.waitUntil(lambda: detail.deed is not None and detail.content.isVisible())  # read on a worker
    bar = detail.verticalScrollBar()
    qtbot.waitUntil(bar.isVisible)  # the whole detail is taller than a small window
    inside = pane.rect()
    assert inside.contains(rect_in(detail, pane)), (rect_in(detail, pane), inside)
    assert inside.contains(rect_in(bar, pane)), (rect_in(bar, pane), inside)
    table = rect_in(pane.table, pane)
    assert table.right() < rect_in(detail, pane).left()  # beside the table, not over it
    assert pane.search.width() >= pane.search.minimumWidth()
    count = rect_in(pane.count, pane)
    assert rect_in(pane.search, pane).right() < count.left() and count.right() < rect_in(detail, pane).left()


def test_a_long_deed_count_gives_way_to_the_detail_at_the_minimum_size(window: Any, world: World, qtbot: Any) -> None:
    populate(world, 3)
    window.ctx.events.announce(Changes.DEEDS)
    window.resize(window.minimumSize())
    window.show_deed(2)
    pane = window.panes["deeds"]
    qtbot.waitUntil(lambda: pane.detail.content.isVisible() and pane.count.text() == "3 deeds")
    qtbot.keyClicks(pane.search, "P-")
    qtbot.waitUntil(lambda: pane.model.search == "P-")  # searched on a worker
    qtbot.waitUntil(lambda: pane.count.text() == "3 of 3 deeds")  # then counted on a worker
    pane._show_count(("P-", 6_000, 5_000, 123_456))  # what the same search counts on a large ledger
    whole = "more than 5,000 of 123,456 deeds"
    assert pane.count.text() == whole
    qtbot.wait(20)  # the layouts settle
    detail = rect_in(pane.detail, pane)
    assert pane.rect().contains(detail), (detail, pane.rect())
    count, search = rect_in(pane.count, pane), rect_in(pane.search, pane)
    assert search.right() < count.left() and count.right() < detail.left()  # side by side, none over another
    assert pane.count.text() == whole and pane.count.toolTip() == whole  # cut short on screen, whole on hover
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: pane.count.width() >= pane.count.fontMetrics().horizontalAdvance(whole))
    assert pane.count.toolTip() == ""  # read whole: no tooltip repeats it


@pytest.mark.parametrize("smallest", [True, False], ids=["minimum-size", "1024x640"])
def test_the_register_form_is_not_cut_on_the_right(window: Any, qtbot: Any, smallest: bool) -> None:
    window.resize(*window_sizes(window)[0 if smallest else 1])
    pane = window.show_pane("register")
    area = scroll_area_around(pane.parcel)
    qtbot.waitUntil(lambda: area.isVisible() and area.viewport().width() > 0)
    qtbot.wait(20)  # the layouts settle
    viewport = area.viewport()
    assert area.widget().width() <= viewport.width()  # was 807 px wide in a 726 px view: the attributes cut
    assert area.horizontalScrollBar().maximum() == 0
    for widget in (pane.parcel, pane.owner, pane.submit, pane.extra, *pane.fields.values()):
        shown = rect_in(widget, viewport)
        assert shown.left() >= 0 and shown.right() < viewport.width(), widget
    assert area.verticalScrollBar().maximum() > 0  # the attributes go under the deed, and the form scrolls


def test_the_register_form_keeps_its_two_columns_in_a_larger_window(window: Any, qtbot: Any) -> None:
    window.resize(1280, 800)
    pane = window.show_pane("register")
    area = scroll_area_around(pane.parcel)
    qtbot.waitUntil(lambda: area.isVisible() and area.viewport().width() > 900)
    qtbot.wait(20)
    deed, attributes = rect_in(pane.parcel, pane), rect_in(pane.fields["Gr_Liv_Area"], pane)
    assert attributes.left() > deed.right() and abs(attributes.top() - deed.top()) < 40  # side by side
    window.resize(window.minimumSize())  # stacked, then side by side again
    qtbot.waitUntil(lambda: rect_in(pane.fields["Gr_Liv_Area"], pane).top() > rect_in(pane.submit, pane).bottom())
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: rect_in(pane.fields["Gr_Liv_Area"], pane).left() > rect_in(pane.parcel, pane).right())


# Every pane: what its layout needs fits the room the window gives it (a layout given less squeezes its buttons
# below their size, cutting their words, and labels without an ellipsis). The deeds and register panes are above.
FITTING_PANES = ["keys", "notary", "valuation", "ledger", "documents", "rules", "servicing", "review", "witnesses"]


@pytest.mark.parametrize("key", FITTING_PANES)
@pytest.mark.parametrize("smallest", [True, False], ids=["minimum-size", "1024x640"])
def test_each_pane_fits_a_small_window(window: Any, world: World, qtbot: Any, key: str, smallest: bool) -> None:
    populate(world, 2)
    window.ctx.events.announce(Changes.DEEDS)
    window.resize(*window_sizes(window)[0 if smallest else 1])
    pane = window.show_pane(key)
    qtbot.waitUntil(lambda: pane.isVisible() and not window.ctx.ops.busy)  # its reads done on a worker
    qtbot.wait(20)  # the layouts settle
    assert_fits(pane)


def test_the_valuation_panes_deed_line_gives_way_with_an_ellipsis(window: Any, world: World, qtbot: Any) -> None:
    deed = world.register("09082251500001", OWNERS[0])  # at "09082251500001 Main Street, Ames, IA"
    window.ctx.events.announce(Changes.DEEDS)
    window.resize(window.minimumSize())
    pane = window.show_pane("valuation")
    pane.deed.setValue(deed)
    whole = "parcel 09082251500001 \u2022 09082251500001 Main Street, Ames, IA"
    qtbot.waitUntil(lambda: pane.deed_label.text() == whole)  # read on a worker
    qtbot.wait(20)
    assert pane.deed_label.width() < pane.deed_label.fontMetrics().horizontalAdvance(whole)  # too long to fit...
    assert pane.deed_label.toolTip() == whole  # ...so it ends in an ellipsis, and reads whole on hover
    assert rect_in(pane.deed_label, pane).right() < rect_in(pane.record_button, pane).left()


@pytest.mark.parametrize("smallest", [True, False], ids=["minimum-size", "1024x640"])
def test_the_documents_pane_fits_with_a_document_open(window: Any, world: World, qtbot: Any, smallest: bool) -> None:
    from reportlab.pdfgen import canvas

    world.home.documents.mkdir(parents=True, exist_ok=True)
    name = "certificate-of-title-deed-12345-2026-12-02.pdf"
    drawn = canvas.Canvas(str(world.home.documents / name))
    drawn.drawString(72, 720, "A page to preview")
    drawn.save()
    window.resize(*window_sizes(window)[0 if smallest else 1])
    pane = window.show_pane("documents")
    qtbot.waitUntil(lambda: pane.files.count() == 1)  # listed on a worker
    pane.open_path(str(world.home.documents / name))
    qtbot.waitUntil(lambda: pane.name.text() == name)  # read on a worker
    qtbot.wait(20)  # the layouts settle
    assert_fits(pane)
    view = rect_in(pane.view, pane)
    assert view.right() < pane.width() and rect_in(pane.files, pane).right() < view.left()
    if pane.name.width() < pane.name.fontMetrics().horizontalAdvance(name):
        assert pane.name.toolTip() == name  # cut with an ellipsis, whole on hover


def test_the_witness_buttons_take_two_lines_only_when_one_is_too_narrow(window: Any, qtbot: Any) -> None:
    window.resize(1280, 800)
    pane = window.show_pane("witnesses")
    request, policy = pane.request_button, pane.policy_button
    qtbot.waitUntil(lambda: policy.isVisible() and not window.ctx.ops.busy)
    qtbot.wait(20)
    assert rect_in(policy, pane).top() == rect_in(request, pane).top()  # one line, as before
    assert rect_in(pane.add_button, pane).left() - rect_in(request, pane).right() - 1 == 8  # spaced as before
    assert rect_in(policy, pane).right() > rect_in(pane.send_button, pane).right()
    window.resize(window.minimumSize())
    qtbot.waitUntil(lambda: rect_in(policy, pane).bottom() < rect_in(request, pane).top())  # up by the title...
    assert rect_in(policy, pane).right() > rect_in(pane.send_button, pane).right()  # ...still at the right
    qtbot.wait(20)  # the layouts settle
    assert_fits(pane)
    row, own_card = pane.own_buttons, pane.own_buttons.parentWidget()
    # on a line of its own under the others, the card was too short for it: the line's foot was cut
    assert row.height() >= row.minimumSizeHint().height()
    assert rect_in(own_card, pane).contains(rect_in(policy, pane))
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: rect_in(policy, pane).top() == rect_in(request, pane).top())


def test_a_button_row_takes_one_line_again_when_a_button_is_hidden(qtbot: Any) -> None:
    from desktop.gui.widgets.basics import ButtonRow

    leading = [QPushButton(f"A button with words {n}") for n in range(3)]
    last = QPushButton("The last one")
    row = ButtonRow(leading, [last])
    window = QWidget()  # (a window's own layout would keep it as wide as the row's one line)
    QHBoxLayout(window).addWidget(row)
    qtbot.addWidget(window)
    window.show()
    margins = window.layout().contentsMargins()
    window.setFixedSize(row.one_line_width() - 1 + margins.left() + margins.right(), 200)  # no resize after
    qtbot.waitUntil(lambda: row.wrapped and last.y() > leading[0].y())
    leading[1].hide()  # the row is as wide as before, and now the rest fits in one line
    qtbot.waitUntil(lambda: not row.wrapped and last.y() == leading[0].y())
    assert last.x() > leading[2].x() + leading[2].width()


@pytest.mark.parametrize("size", [(980, 620), SMALL_SCREEN], ids=["main-window-minimum", "1024x640"])
def test_the_notary_desk_fits_a_small_screen(world: World, qtbot: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    from tests.gui.test_notary_desk import desk_with_a_request

    desk = desk_with_a_request(world, qtbot, tmp_path)
    qtbot.waitUntil(lambda: desk.content.isVisible(), timeout=10_000)
    assert desk.minimumSize().height() <= size[1]  # was 720: taller than the screen
    desk.resize(*size)
    qtbot.waitUntil(lambda: desk.size().toTuple() == size)
    qtbot.wait(20)  # the layouts settle
    page = desk.tabs.currentWidget()
    assert page.layout().minimumSize().width() <= page.width()  # the act's hashes pushed it to 1,037 px
    assert page.layout().minimumSize().height() <= page.height()  # the check list's lines were drawn over each other
    for button in (desk.attest_button, desk.refuse_button, desk.open_button):
        shown = rect_in(button, desk)
        assert desk.rect().contains(shown) and button.width() >= button.sizeHint().width(), button.text()
    values = [desk.act_grid.itemAt(i).widget() for i in range(desk.act_grid.count())]
    assert values
    for value in values:  # every line of the act whole (the entry hash and digest were cut on the right)
        assert value.width() >= value.minimumSizeHint().width(), value.text()


def test_the_notary_desk_keeps_its_layout_in_a_larger_window(world: World, qtbot: Any, tmp_path: Path) -> None:
    from desktop.gui.notary_desk import NotaryDeskWindow
    from tests.gui.test_notary_desk import _attestation_file, _notary_machine

    home, keys, notary = _notary_machine(tmp_path)
    desk = NotaryDeskWindow(home, keys)
    qtbot.addWidget(desk)
    desk.resize(1280, 800)
    desk.show()
    desk.load(_attestation_file(world, tmp_path / "requests", notary))
    qtbot.waitUntil(lambda: desk.content.isVisible(), timeout=10_000)
    qtbot.wait(20)
    checks, act = desk.checks.parentWidget(), desk.act_grid.parentWidget()
    assert rect_in(act, desk).left() > rect_in(checks, desk).right()  # side by side
    assert abs(rect_in(act, desk).top() - rect_in(checks, desk).top()) < 4
    assert desk.request_area.verticalScrollBar().maximum() == 0  # all in sight: nothing scrolls but the form


def test_the_offline_signers_buttons_are_whole_at_its_minimum_size(world: World, qtbot: Any, tmp_path: Path) -> None:
    from desktop.gui.signer import SignerWindow
    from tests.gui.conftest import loaded
    from tests.gui.test_signer import _requests

    request = _requests(world, tmp_path / "req")[0]
    signer = SignerWindow(world.home, world.ledger.identity, world.keys)
    qtbot.addWidget(signer)
    signer.show()
    assert loaded(qtbot, signer, request)
    signer.resize(signer.minimumSize())
    qtbot.waitUntil(lambda: signer.size() == signer.minimumSize())
    qtbot.wait(20)  # the layouts settle
    central = signer.centralWidget()
    assert central.layout().minimumSize().width() <= central.width()  # needed 820 px in 760
    for button in (signer.sign_button, signer.wallet_button, signer.response_qr_button, signer.show_qr_button):
        shown = rect_in(button, signer)
        assert signer.rect().contains(shown), button.text()  # 'Sign and save response' was cut to 'gn and save'
        assert button.width() >= button.sizeHint().width(), button.text()
    assert rect_in(signer.sign_button, signer).right() > rect_in(signer.response_qr_button, signer).right()


TITLE_BAR = 30  # what a window manager adds above a window


@pytest.fixture
def small_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The screen's free area is 1024 x 640 (the offscreen platform's is 800 x 800)."""
    from PySide6.QtCore import QSize

    from desktop.gui.widgets import basics

    monkeypatch.setattr(basics, "free_room", lambda _window: QSize(*SMALL_SCREEN), raising=False)


def assert_on_a_small_screen(top: QWidget) -> None:
    assert top.minimumSize().height() + TITLE_BAR <= SMALL_SCREEN[1], top.minimumSize()  # 640 tall: cut
    assert top.height() + TITLE_BAR <= SMALL_SCREEN[1], top.size()
    for button in top.findChildren(QPushButton):
        if button.isVisible():
            assert top.rect().contains(rect_in(button, top)), button.text()


def test_the_wizards_and_the_signer_open_within_a_small_screen(
    window: Any, world: World, qtbot: Any, small_screen: None
) -> None:
    from PySide6.QtWidgets import QWizard

    from desktop.gui.notary_desk import NotaryDeskWindow
    from desktop.gui.recovery_wizard import RecoveryWizard

    populate(world, 1)
    window.ctx.events.announce(Changes.DEEDS)
    transfer = window.open_transfer(1)
    recovery = RecoveryWizard(window.ctx, None, window)
    qtbot.addWidget(recovery)
    recovery.show()
    signer = window.open_signer()
    qtbot.addWidget(signer)
    desk = NotaryDeskWindow(window.ctx.home, window.ctx.keys)
    qtbot.addWidget(desk)
    desk.show()
    for top in (transfer, recovery, signer, desk):
        qtbot.waitExposed(top)
        qtbot.wait(20)  # the layouts settle
        assert_on_a_small_screen(top)
        if isinstance(top, QWizard):
            page = top.currentPage()
            assert page.minimumSizeHint().height() <= page.height()  # the page is not squeezed
            assert top.button(QWizard.WizardButton.CancelButton).isVisible()


def test_the_wizards_open_at_their_usual_size_on_a_larger_screen(window: Any, world: World, qtbot: Any) -> None:
    from desktop.gui.notary_desk import NotaryDeskWindow

    populate(world, 1)
    window.ctx.events.announce(Changes.DEEDS)
    transfer = window.open_transfer(1)
    qtbot.waitExposed(transfer)
    assert transfer.size().toTuple() == (860, 620)  # as before, on the offscreen platform's 800 x 800 screen
    desk = NotaryDeskWindow(window.ctx.home, window.ctx.keys)
    qtbot.addWidget(desk)
    desk.show()
    qtbot.waitExposed(desk)
    assert desk.size().toTuple() == (980, 720)


@pytest.mark.parametrize("smallest", [True, False], ids=["minimum-size", "1024x640"])
def test_the_ledgers_summary_column_keeps_room_in_a_small_window(window: Any, qtbot: Any, smallest: bool) -> None:
    from desktop.gui.models.entries import EntryColumn

    window.resize(*window_sizes(window)[0 if smallest else 1])
    pane = window.show_pane("ledger")
    table, header = pane.table, pane.table.horizontalHeader()
    qtbot.waitUntil(lambda: table.isVisible() and table.viewport().width() > 0)
    qtbot.wait(20)  # the layouts settle
    for column in (EntryColumn.SUMMARY, EntryColumn.SIGNERS):  # the Summary was 60 px wide, its header 'Sumi'
        assert table.columnWidth(column) >= header.sectionSizeHint(column), column
    assert table.columnWidth(EntryColumn.SUMMARY) >= 140
    right = header.sectionViewportPosition(EntryColumn.SIGNERS) + table.columnWidth(EntryColumn.SIGNERS)
    assert right <= table.viewport().width()  # no column past the table's right edge
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: table.columnWidth(EntryColumn.SIGNERS) == 230)  # as before where there is room
