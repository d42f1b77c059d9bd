"""The main window on a small screen (1024 x 640) and at its minimum size: nothing pushed off the edge."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget

from desktop.gui.events import Changes
from tests.gui.conftest import populate
from tests.helpers import World

SMALL_SCREEN = (1024, 640)


def rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    """`widget`'s rectangle in `ancestor`'s coordinates."""
    return QRect(widget.mapTo(ancestor, widget.rect().topLeft()), widget.size())


def window_sizes(window: Any) -> list[tuple[int, int]]:
    least = window.minimumSize()
    return [(least.width(), least.height()), SMALL_SCREEN]


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
