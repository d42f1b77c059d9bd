"""The lazy deeds and entries models, checked by QAbstractItemModelTester; they read on reader threads."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester

from desktop.gui.events import Events
from desktop.gui.models.deeds import DEED_ID_ROLE, DeedColumn, DeedTableModel
from desktop.gui.models.entries import EntryColumn, EntryTableModel
from desktop.gui.operations import Operations
from tests.gui.conftest import cells
from tests.helpers import World

ADDRESSES = ["0x" + f"{i:040x}" for i in range(1, 40)]


def _fill(world: World, n: int) -> None:
    for i in range(n):
        world.register(f"P-{i:03d}", ADDRESSES[i % len(ADDRESSES)], attributes={"Gr_Liv_Area": 1000 + i})


@pytest.fixture
def ops(qtbot: Any) -> Iterator[Operations]:
    operations = Operations(Events())
    yield operations
    operations.shutdown()


def _loaded(qtbot: Any, model: Any) -> None:
    qtbot.waitUntil(lambda: not model.loading, timeout=10_000)


def _tester(model: Any) -> QAbstractItemModelTester:
    # the constructor runs every check at once (fetchMore included): build it on an empty
    # model, then the checks that follow each signal run with fetchMore left to the test
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    tester.setUseFetchMore(False)
    return tester


def test_deeds_model_pages_lazily(world: World, qtbot: Any, ops: Operations) -> None:
    _fill(world, 25)
    model = DeedTableModel(ops)
    tester = _tester(model)
    model.PAGE = 10
    model.set_ledger(world.ledger)
    _loaded(qtbot, model)
    assert model.rowCount() == 10 and model.canFetchMore(QModelIndex())
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())  # one page at a time: this one waits for the first to arrive
    qtbot.waitUntil(lambda: len(inserted) == 1)
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: len(inserted) == 2)
    assert inserted == [(10, 19), (20, 24)]  # last row = start + n - 1
    assert model.rowCount() == 25 and not model.canFetchMore(QModelIndex())
    assert cells(qtbot, model, DeedColumn.PARCEL, 1) == ["P-000"]
    assert model.index(24, DeedColumn.DEED).data(DEED_ID_ROLE) == 25
    del tester


def test_deeds_model_searches_and_sorts_in_sql(world: World, qtbot: Any, ops: Operations) -> None:
    _fill(world, 12)
    model = DeedTableModel(ops)
    tester = _tester(model)
    model.set_ledger(world.ledger)
    with qtbot.waitSignal(model.search_applied, timeout=10_000):
        model.set_search("p-01")
    assert cells(qtbot, model, DeedColumn.PARCEL) == ["P-010", "P-011"]
    model.set_search("")
    model.sort(DeedColumn.PARCEL, Qt.SortOrder.DescendingOrder)
    _loaded(qtbot, model)
    assert cells(qtbot, model, DeedColumn.PARCEL, 1) == ["P-011"]
    model.set_search("no such deed")
    _loaded(qtbot, model)
    assert model.rowCount() == 0
    del tester


def test_deeds_model_refreshes_changed_rows(world: World, qtbot: Any, ops: Operations) -> None:
    _fill(world, 3)
    model = DeedTableModel(ops)
    tester = _tester(model)
    model.set_ledger(world.ledger)
    _loaded(qtbot, model)
    assert model.rowCount() == 3
    world.register("P-NEW", ADDRESSES[0])
    model.refresh(frozenset({4}))
    _loaded(qtbot, model)
    assert model.rowCount() == 4
    with qtbot.waitSignal(model.dataChanged):
        model.refresh(frozenset({1}))
    del tester


def test_entries_model_jumps_and_filters(world: World, qtbot: Any, ops: Operations) -> None:
    _fill(world, 30)
    model = EntryTableModel(ops)
    tester = _tester(model)
    model.BLOCK = 5
    model.set_ledger(world.ledger)
    _loaded(qtbot, model)
    assert model.rowCount() == 31  # genesis + 30 registrations
    assert model.index(30, EntryColumn.KIND).data() == "RegisterDeed"  # the newest block comes with the count
    assert cells(qtbot, model, EntryColumn.KIND, 1) == ["LedgerGenesis"]  # another block, read when asked for
    model.set_filter("LedgerGenesis")
    _loaded(qtbot, model)
    assert model.rowCount() == 1
    model.set_filter(None)
    _loaded(qtbot, model)
    model.mark_bad(7)
    assert model.index(7, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    del tester


def test_a_row_read_for_an_older_search_is_read_again(world: World, qtbot: Any, ops: Operations) -> None:
    """A block asked for just before a new search arrives is dropped with its generation, and asked again."""
    import threading

    _fill(world, 12)
    model = DeedTableModel(ops)
    model.BLOCK = 2
    model.set_ledger(world.ledger)
    _loaded(qtbot, model)
    read = model._rows_reader()
    assert read is not None
    gate, calls = threading.Event(), []

    def gated(ids: Any) -> Any:
        calls.append(list(ids))
        if len(calls) == 1:
            gate.wait(10)  # the first answer comes back after the search below
        return read(ids)

    model._rows_reader = lambda: gated  # type: ignore[method-assign]
    assert model.index(9, DeedColumn.PARCEL).data() is None  # not read yet: asked for now
    qtbot.waitUntil(lambda: len(calls) == 1)
    ids = list(range(1, 13))
    model.apply_search("P-", (ids, {}))  # a new search's first page, its rows still to read
    gate.set()
    assert cells(qtbot, model, DeedColumn.PARCEL, 10)[9] == "P-009"
