"""The deeds pane's count of a search stops past core.deed_search.FEW instead of counting every deed."""

from __future__ import annotations

from typing import Any

import pytest

from core import deed_search
from desktop.gui.events import Changes
from tests.gui.conftest import cells, populate
from tests.helpers import World
from desktop.gui.models.deeds import DeedColumn


@pytest.mark.parametrize(
    ("search", "shown", "rows"), [("p-001", "more than 4 of 30 deeds", 10), ("p-0012", "1 of 30 deeds", 1)]
)
def test_the_count_of_a_search_stops_past_the_limit(
    window: Any, world: World, qtbot: Any, monkeypatch: pytest.MonkeyPatch, search: str, shown: str, rows: int
) -> None:
    monkeypatch.setattr(deed_search, "FEW", 4)
    populate(world, 30)  # P-0000 … P-0029
    window.ctx.events.announce(Changes.DEEDS)
    pane = window.panes["deeds"]
    qtbot.waitUntil(lambda: pane.model.rowCount() == 30)
    qtbot.keyClicks(pane.search, search)
    qtbot.waitUntil(lambda: pane.model.search == search)
    qtbot.waitUntil(lambda: pane.count.text() == shown)
    assert len(cells(qtbot, pane.model, DeedColumn.PARCEL)) == rows  # every row is listed all the same


def test_one_deed_is_one_deed(window: Any, world: World, qtbot: Any) -> None:
    populate(world, 1)
    window.ctx.events.announce(Changes.DEEDS)
    pane = window.panes["deeds"]
    qtbot.waitUntil(lambda: pane.count.text() == "1 deed")  # not "1 deeds"
    qtbot.keyClicks(pane.search, "p-0000")
    qtbot.waitUntil(lambda: pane.count.text() == "1 of 1 deed")
