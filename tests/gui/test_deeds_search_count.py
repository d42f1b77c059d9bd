"""The deeds pane's count of a search stops past core.deed_search.FEW instead of counting every deed."""

from __future__ import annotations

from typing import Any

import pytest

from core import deed_search
from desktop.gui.events import Changes
from tests.gui.conftest import OWNERS, cells, populate
from tests.gui.older_answers import older_answers_last
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


def test_the_count_is_the_newest_when_an_older_count_answers_last(
    window: Any, world: World, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted again after a change (a deed registered): the count made before it answering last said
    "1 deed" of a ledger holding two (fails on the old code)."""

    from desktop.gui.panes import deeds

    populate(world, 1)
    window.ctx.events.announce(Changes.DEEDS)
    pane = window.panes["deeds"]
    qtbot.waitUntil(lambda: pane.count.text() == "1 deed")
    # the older count, before the second deed: its answer comes back last
    count_deeds, read, slow_done = older_answers_last(deeds.count_deeds, lambda answer: answer[-1] == 1)
    monkeypatch.setattr(deeds, "count_deeds", count_deeds)
    pane._count()
    qtbot.waitUntil(read.is_set, timeout=10_000)
    world.register("P-0001", OWNERS[1])  # the change the second count is made after
    pane._count()
    qtbot.waitUntil(slow_done.is_set, timeout=10_000)
    qtbot.wait(200)
    assert pane.count.text() == "2 deeds"


def test_a_search_queried_before_the_order_changed_is_not_shown_in_the_old_order(
    window: Any, world: World, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search under way when the table is sorted anew answered after the sort's reload and showed its rows in
    the old order under the new sort (fails on the old code); it is asked again in the new order."""
    import threading
    import time

    from PySide6.QtCore import Qt

    populate(world, 12)  # P-0000 … P-0011
    window.ctx.events.announce(Changes.DEEDS)
    pane = window.panes["deeds"]
    qtbot.waitUntil(lambda: pane.model.rowCount() == 12)
    model, slow_done = pane.model, threading.Event()
    querying = model.page_query

    def page_query(text: str) -> Any:
        query, ascending = querying(text), not model._descending

        def slow() -> Any:
            answer = query()
            if ascending:  # the search asked in the old order: its answer comes back after the sort
                time.sleep(0.5)
                slow_done.set()
            return answer

        return slow

    monkeypatch.setattr(model, "page_query", page_query)
    pane.search.setText("P-000")  # P-0000 … P-0009
    model.sort(DeedColumn.PARCEL, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(slow_done.is_set, timeout=10_000)
    qtbot.waitUntil(lambda: model.search == "P-000" and not pane._searching, timeout=10_000)
    assert cells(qtbot, model, DeedColumn.PARCEL) == [f"P-{i:04d}" for i in range(9, -1, -1)]
