"""The deeds pane as an agent uses it: search, sort, select, read the detail and its chain of title."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt

from desktop.gui.events import Changes
from desktop.gui.models.deeds import DeedColumn
from tests.gui.conftest import OWNERS, cells, populate
from tests.helpers import World


def _row_rect_center(table: Any, row: int) -> QPoint:
    return table.visualRect(table.model().index(row, DeedColumn.PARCEL)).center()


def test_search_select_and_detail(window: Any, world: World, qtbot: Any) -> None:
    populate(world, 30)
    window.ctx.events.announce(Changes.DEEDS)  # deeds registered behind the window's back
    pane = window.panes["deeds"]
    qtbot.waitUntil(lambda: pane.model.rowCount() == 30)  # read on a worker
    qtbot.keyClicks(pane.search, "p-001")
    qtbot.waitUntil(lambda: pane.model.search == "p-001")  # searched on a worker, one keystroke behind at most
    assert cells(qtbot, pane.model, DeedColumn.PARCEL) == [f"P-00{i}" for i in range(10, 20)]
    qtbot.waitUntil(lambda: pane.count.text() == "10 of 30 deeds")
    qtbot.mouseClick(pane.table.viewport(), Qt.MouseButton.LeftButton, pos=_row_rect_center(pane.table, 2))
    assert pane.selected_deed() == 13
    qtbot.waitUntil(lambda: "P-0012" in pane.detail.heading.text())
    items = pane.detail.timeline.items()
    assert len(items) == 1 and items[0].title.startswith("Registered to")
    qtbot.keyClick(pane.search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(pane.search, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 30)
    assert pane.selected_deed() == 13  # the selection survives the search being cleared


def test_sort_by_clicking_a_header(window: Any, world: World, qtbot: Any) -> None:
    populate(world, 5)
    window.ctx.events.announce(Changes.DEEDS)
    pane = window.panes["deeds"]
    header = pane.table.horizontalHeader()
    x = header.sectionViewportPosition(DeedColumn.PARCEL) + 10
    qtbot.waitUntil(lambda: pane.model.rowCount() == 5)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    qtbot.waitUntil(lambda: not pane.model.loading)
    parcels = cells(qtbot, pane.model, DeedColumn.PARCEL, 5)
    assert parcels == sorted(parcels, reverse=True) or parcels == sorted(parcels)
    assert len(set(parcels)) == 5


def test_owner_names_come_from_the_address_book(window: Any, world: World, qtbot: Any) -> None:
    populate(world, 2)
    window.ctx.events.announce(Changes.DEEDS)
    window.ctx.ws.add_contact("Harbor Bank", OWNERS[0])
    window.ctx.events.announce(Changes.CONTACTS)
    pane = window.panes["deeds"]
    qtbot.waitUntil(lambda: pane.model.index(0, DeedColumn.OWNER).data() == "Harbor Bank")  # names read on a worker


def test_keyboard_shortcuts_switch_panes(window: Any, qtbot: Any) -> None:
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.panes["ledger"]
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.panes["deeds"]
