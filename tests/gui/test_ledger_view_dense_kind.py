"""The ledger view filtered by a kind nearly every entry is of (registrations on a county ledger): its
indexes come as the ledger's without the few others (core.browse.IndexesBut); the rows shown, and
finding an entry's row, are as with the plain list."""

from __future__ import annotations

import os
from typing import Any
from unittest import mock

from core import browse
from core.browse import IndexesBut
from core.checkpoints import make_checkpoint
from desktop.gui.events import Changes
from desktop.gui.models.entries import EntryColumn
from tests.gui.conftest import cells, populate
from tests.helpers import World


def test_a_dense_kind_shows_its_entries_and_finds_their_rows(window: Any, world: World, qtbot: Any) -> None:
    populate(world, 8)  # entries 1-8; 0 is the genesis
    make_checkpoint(world.ledger, world.operator)  # entry 9
    pane = window.show_pane("ledger")
    with mock.patch.object(browse, "DENSE", 2):  # 8 registrations, 2 others
        assert isinstance(browse.entry_indexes(world.ledger, kind="RegisterDeed"), IndexesBut)
        window.ctx.events.announce(Changes.LEDGER)
        qtbot.waitUntil(lambda: pane.kind.findData("RegisterDeed") >= 0)
        pane.kind.setCurrentIndex(pane.kind.findData("RegisterDeed"))
        qtbot.waitUntil(lambda: pane.model.rowCount() == 8, timeout=10_000)
        assert cells(qtbot, pane.model, EntryColumn.INDEX) == [str(i) for i in range(1, 9)]
        assert cells(qtbot, pane.model, EntryColumn.KIND) == ["RegisterDeed"] * 8
        assert [pane.model.row_of(i) for i in (0, 1, 5, 8, 9)] == [None, 0, 4, 7, None]
        pane.reveal(5)
        qtbot.waitUntil(lambda: pane.model.entry_index_at(pane.table.currentIndex().row()) == 5)
        shot = os.environ.get("DEEDBOOK_SHOT")  # to look at it: DEEDBOOK_SHOT=/tmp/x.png
        if shot:
            window.grab().save(shot)
