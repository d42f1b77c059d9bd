"""What a screen reader and a keyboard get from every window: a name for each control, a tab order that follows
the form, Return and Escape where a dialog's user expects them, charts and the chain of title in words, and a
banner's tone said by more than its colour."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QLabel, QPushButton, QTabWidget, QWidget

from core.money import Money
from tests.gui.a11y_tour import accessible_description, accessible_name, controls, tour, unnamed
from tests.helpers import World

TOUR = tour()


@pytest.mark.parametrize("where", list(TOUR))
def test_every_control_a_keyboard_reaches_has_a_name(
    where: str, window: Any, world: World, qtbot: Any, tmp_path: Path
) -> None:
    shown = TOUR[where](window, world, qtbot, tmp_path)
    missing = unnamed(shown)
    for tabs in shown.findChildren(QTabWidget):  # each tab's page in turn (only the current one is visible)
        if tabs.isVisible():
            for index in range(tabs.count()):
                tabs.setCurrentIndex(index)
                qtbot.waitUntil(lambda: not window.ctx.ops.busy, timeout=10_000)
                missing += [f"{tabs.tabText(index)}: {what}" for what in unnamed(tabs.widget(index))]
    assert missing == []


def _back_up(root: QWidget) -> list[str]:
    """Where Tab goes back up the window: from a control to one above it that is not in a column to its right
    (two columns read top to bottom, left then right). The focus chain is a ring: one step back to the top is
    its wrap from the last control to the first; any other is a control out of place."""
    stops = [w for w in controls(root) if w.isEnabled()]
    ring: list[QWidget] = []
    widget: QWidget | None = root
    for _ in range(5000):
        widget = widget.nextInFocusChain() if widget is not None else None
        if widget is None or widget is root:
            break
        if widget in stops and widget not in ring:
            ring.append(widget)

    def centre(w: QWidget) -> tuple[int, int]:  # of its first line: a table's or scroll area's middle is far down
        middle = w.mapTo(root, QPoint(w.width() // 2, min(w.height(), 40) // 2))
        y = middle.y()
        # inside a scroll area a control below its view is scrolled into it when Tab reaches it: it is
        # read where it will show, not under what follows the scroll area (the window's size decides that)
        area = w.parentWidget()
        while area is not None and area is not root:
            if isinstance(area, QAbstractScrollArea) and area.viewport().isAncestorOf(w):
                view = area.viewport()
                top = view.mapTo(root, QPoint(0, 0)).y()
                y = min(max(y, top), top + view.height() - 1)
            area = area.parentWidget()
        return y, middle.x()

    jumps = []
    for a, b in itertools.pairwise([*ring, *ring[:1]]):
        (ya, xa), (yb, xb) = centre(a), centre(b)
        if yb < ya - 12 and xb <= xa + 50:
            jumps.append(f"{accessible_name(a)[:40]!r} -> {accessible_name(b)[:40]!r}")
    return jumps if len(jumps) > 1 else []


@pytest.mark.parametrize("where", list(TOUR))
def test_tab_never_goes_back_up_a_window(where: str, window: Any, world: World, qtbot: Any, tmp_path: Path) -> None:
    shown = TOUR[where](window, world, qtbot, tmp_path)
    root = window.stack.currentWidget() if shown is window else shown  # a pane: its own controls
    assert _back_up(root) == []


def _tab_through(dialog: QWidget, qtbot: Any, stops: int) -> list[str]:
    """The names of the first `stops` controls Tab visits, from where the dialog put the focus."""
    qtbot.waitUntil(lambda: dialog.focusWidget() is not None)
    seen = []
    for _ in range(stops):
        widget = QApplication.focusWidget()
        assert widget is not None
        seen.append(accessible_name(widget) if not hasattr(widget, "currentText") else widget.accessibleName())
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    return seen


def test_tab_follows_the_form_in_the_contact_and_lien_dialogs(
    window: Any, world: World, qtbot: Any, tmp_path: Path
) -> None:
    contact = TOUR["dialog contact"](window, world, qtbot, tmp_path)
    assert _tab_through(contact, qtbot, 5) == ["Name", "Address", "Role", "Note", "Cancel"]  # Save: not yet
    contact.close()
    lien = TOUR["dialog lien request"](window, world, qtbot, tmp_path)
    buttons = sorted(
        (b for b in lien.findChildren(QPushButton) if b.text() in ("Cancel", "Write request")),
        key=lambda b: b.mapTo(lien, QPoint(0, 0)).x(),
    )
    assert _tab_through(lien, qtbot, 9) == [
        "Deed",
        "Lienholder",
        "Amount",
        "Currency",
        "Kind",
        "Folder",
        "Choose\u2026",
        *(b.text() for b in buttons),  # the buttons as drawn, left to right (the platform decides which is first)
    ]


def test_tab_leaves_a_note_instead_of_typing_a_tab_into_it(
    window: Any, world: World, qtbot: Any, tmp_path: Path
) -> None:
    dialog = TOUR["dialog review"](window, world, qtbot, tmp_path)
    assert _tab_through(dialog, qtbot, 3) == ["Note", "Signing key", "Password of the signing key"]
    assert dialog.note() == ""  # no tab character typed into the note (on the old code Tab stayed there)


def test_each_first_run_page_takes_the_keyboard_and_return_presses_its_action(
    window: Any, world: World, qtbot: Any, tmp_path: Path
) -> None:
    dialog = TOUR["first run create"](window, world, qtbot, tmp_path)
    assert dialog.focusWidget() is dialog.ledger_name
    qtbot.keyClick(dialog.choice_buttons["demo"], Qt.Key.Key_Space)  # chose with the keyboard
    assert dialog.focusWidget() is dialog.demo_deeds
    defaults = [b for b in dialog.findChildren(QPushButton) if b.isDefault()]
    assert defaults == [dialog.demo_button]  # was the "Create a ledger" choice: Return went back to that page


def test_a_panes_shortcut_puts_the_keyboard_on_its_first_field(window: Any, qtbot: Any) -> None:
    window.pane_actions["register"].trigger()  # Ctrl+2
    register = window.panes["register"]
    assert window.focusWidget() is register.parcel
    window.pane_actions["deeds"].trigger()
    window.act_register.trigger()  # Ctrl+N: the same pane, the same place
    assert window.focusWidget() is register.parcel
    window.sidebar.setFocus()
    window.sidebar.setCurrentRow(0)  # moving through the sidebar keeps the keyboard there
    assert window.focusWidget() is window.sidebar


def test_the_charts_and_the_tally_say_what_they_show(qtbot: Any) -> None:
    from core.servicing.tally import Tally
    from desktop.gui.panes.servicing import TallyBar
    from desktop.gui.widgets.charts import DriverChart, RangeChart

    def usd(units: int) -> Money:
        return Money(units * 100, "USD")

    chart = RangeChart()
    qtbot.addWidget(chart)
    assert accessible_name(chart) and accessible_description(chart) == "No estimate yet"
    chart.set_range(usd(215_000), usd(190_000), usd(241_000), [usd(180_000), usd(250_000), usd(200_000)])
    assert accessible_description(chart) == (
        "Estimate USD\u00a0215,000; 90% range USD\u00a0190,000 to USD\u00a0241,000; 3 comparable sales, USD\u00a0180,000 to USD\u00a0250,000"
    )
    drivers = DriverChart()
    qtbot.addWidget(drivers)
    drivers.set_drivers([("Living area", usd(21_500), "1,640 sq ft"), ("Year built", usd(-8_000), "1954")])
    assert accessible_description(drivers) == "Living area: +USD\u00a021,500; Year built: -USD\u00a08,000"
    bar = TallyBar()
    qtbot.addWidget(bar)
    bar.show_tally(Tally(1, 1, "Sell?", 5000, 0, 10_000, 1, {"yes": 6_000, "no": 1_000}))
    assert accessible_description(bar) == "yes 6,000, no 1,000, abstain 0 of 10,000 shares; 5,000 yes needed (50%)"


def test_the_chain_of_title_is_walked_and_opened_from_the_keyboard(qtbot: Any) -> None:
    from desktop.gui.widgets.timeline import Timeline, TimelineItem

    timeline = Timeline()
    qtbot.addWidget(timeline)
    timeline.set_items(
        [
            TimelineItem(3, "2026-01-02", "Registered", "to alice", "registration"),
            TimelineItem(9, "2026-03-04", "Sold", "10,000 shares to bob for USD 1,000", "sale"),
        ]
    )
    timeline.show()
    assert timeline.focusPolicy() == Qt.FocusPolicy.StrongFocus  # Tab stops there
    assert accessible_description(timeline).startswith("2 entries")
    qtbot.keyClick(timeline, Qt.Key.Key_Down)
    assert "Registered, to alice, 2026-01-02 (entry 1 of 2" in accessible_description(timeline)
    qtbot.keyClick(timeline, Qt.Key.Key_Down)
    assert "Sold" in accessible_description(timeline)
    with qtbot.waitSignal(timeline.entry_clicked) as opened:
        qtbot.keyClick(timeline, Qt.Key.Key_Return)
    assert opened.args == [9]


def test_a_banners_tone_is_said_by_an_icon_and_a_word_beside_its_colour(qtbot: Any) -> None:
    from desktop.gui.widgets.basics import banner, set_role

    frame, _layout = banner("bad")
    qtbot.addWidget(frame)
    mark = frame.findChild(QLabel, "tone-mark")
    assert mark is not None and not mark.pixmap().isNull() and accessible_name(mark) == "Problem"
    before = mark.pixmap().toImage()
    set_role(frame, "banner-good")
    assert accessible_name(mark) == "Good" and mark.pixmap().toImage() != before
    frame.show()
    set_role(frame, "banner-warn", verdict=False)  # a passing note ("Screening…"): no Warning icon to misname it
    assert not mark.isVisible()
    set_role(frame, "banner-bad")
    assert mark.isVisible()


def test_the_menu_key_in_the_deeds_table_shows_and_hides_its_columns(
    window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QContextMenuEvent

    pane = window.show_pane("deeds")
    shown: list[list[str]] = []  # the menu's checks, where it would have been shown (exec blocks a test)
    monkeypatch.setattr(
        pane, "_column_menu", lambda _at: shown.append([a.text() for a in pane.column_menu().actions()])
    )
    at = QPoint(4, 4)
    QApplication.sendEvent(
        pane.table, QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, at, pane.table.mapToGlobal(at))
    )
    assert shown and "Last sale" in shown[0]  # the header's own menu, which only a right-click opened before


def test_a_named_address_is_copied_from_the_keyboard(qtbot: Any) -> None:
    from PySide6.QtGui import QGuiApplication

    from desktop.gui.widgets.address_links import address_link, link_addresses

    address = "0x" + "ab" * 20
    shown = link_addresses(QLabel())
    shown.setText(f"Sold to {address_link(address, lambda _a: 'bob')}")
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    assert shown.focusPolicy().value & Qt.FocusPolicy.TabFocus.value  # a Tab stop: it was the mouse's alone
    QGuiApplication.clipboard().clear()
    shown.setFocus()
    qtbot.keyClick(shown, Qt.Key.Key_Tab)  # onto the link inside the label
    qtbot.keyClick(shown, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text() == address


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="<>&"), max_size=40))
@example(":\r")  # the label "<b>:\r</b>:" was named ":" (a colon left inside the bold part)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_form_rows_name_is_its_labels_words(qtbot: Any, words: str) -> None:
    """The name a form row gives its field is the label's text as read: no markup, no mnemonic's &, no colon."""
    from desktop.gui.a11y import _label_text

    def name(text: str) -> str:  # what a person reads as the field's name: the words before the colons
        while text and (text[-1].isspace() or text[-1] == ":"):
            text = text[:-1]
        return text.strip()

    assert _label_text(QLabel(words)) == name(words)
    assert _label_text(QLabel(f"<b>{words}</b>:")) == name(words)  # hypothesis found ':\r' read as ':'
    assert _label_text(QLabel(f"&{words} && more")) == f"{words} & more".strip()


def test_the_notary_desk_tabs_from_the_journal_fields_into_each_signer_then_to_the_key(
    window: Any, world: World, qtbot: Any, tmp_path: Path
) -> None:
    desk = TOUR["notary desk window"](window, world, qtbot, tmp_path)
    row = desk.form.rows[0]
    assert desk.form.thumbprint.nextInFocusChain() is row.name  # the signer rows came after the key and Attest
    chain: list[Any] = []
    widget = row.name
    while widget is not desk.picker.combo and len(chain) < 50:
        chain.append(widget)
        widget = widget.nextInFocusChain()
    assert widget is desk.picker.combo and chain[: len(row.widgets())] == list(row.widgets())


DIALOGS = [where for where in TOUR if where.startswith(("dialog", "first run"))]


@pytest.mark.parametrize("where", DIALOGS)
def test_a_dialog_has_a_default_button_and_escape_closes_it(
    where: str, window: Any, world: World, qtbot: Any, tmp_path: Path
) -> None:
    dialog = TOUR[where](window, world, qtbot, tmp_path)
    defaults = [b for b in dialog.findChildren(QPushButton) if b.isDefault() and b.isVisible()]
    assert len(defaults) == 1, [b.text() for b in defaults]  # what Return presses (nothing while it is disabled)
    qtbot.waitUntil(lambda: dialog.focusWidget() is not None)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    assert not dialog.isVisible()
