"""The lazy deeds and entries models, checked by QAbstractItemModelTester."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester

from desktop.gui.models.deeds import DEED_ID_ROLE, DeedColumn, DeedTableModel
from desktop.gui.models.entries import EntryColumn, EntryTableModel
from tests.helpers import World

ADDRESSES = ["0x" + f"{i:040x}" for i in range(1, 40)]


def _fill(world: World, n: int) -> None:
    for i in range(n):
        world.register(f"P-{i:03d}", ADDRESSES[i % len(ADDRESSES)], attributes={"Gr_Liv_Area": 1000 + i})


def _tester(model: Any) -> QAbstractItemModelTester:
    # the constructor runs every check at once (fetchMore included): build it on an empty
    # model, then the checks that follow each signal run with fetchMore left to the test
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    tester.setUseFetchMore(False)
    return tester


def test_deeds_model_pages_lazily(world: World, qtbot: Any) -> None:
    _fill(world, 25)
    model = DeedTableModel(None)
    tester = _tester(model)
    model.PAGE = 10
    model.set_ledger(world.ledger)
    assert model.rowCount() == 10 and model.canFetchMore(QModelIndex())
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert inserted == [(10, 19), (20, 24)]  # last row = start + n - 1
    assert model.rowCount() == 25 and not model.canFetchMore(QModelIndex())
    assert model.index(0, DeedColumn.PARCEL).data() == "P-000"
    assert model.index(24, DeedColumn.DEED).data(DEED_ID_ROLE) == 25
    del tester


def test_deeds_model_searches_and_sorts_in_sql(world: World, qtbot: Any) -> None:
    _fill(world, 12)
    model = DeedTableModel(None)
    tester = _tester(model)
    model.set_ledger(world.ledger)
    model.set_search("p-01")
    assert [model.index(r, DeedColumn.PARCEL).data() for r in range(model.rowCount())] == ["P-010", "P-011"]
    model.set_search("")
    model.sort(DeedColumn.PARCEL, Qt.SortOrder.DescendingOrder)
    assert model.index(0, DeedColumn.PARCEL).data() == "P-011"
    model.set_search("no such deed")
    assert model.rowCount() == 0
    del tester


def test_deeds_model_refreshes_changed_rows(world: World, qtbot: Any) -> None:
    _fill(world, 3)
    model = DeedTableModel(None)
    tester = _tester(model)
    model.set_ledger(world.ledger)
    assert model.rowCount() == 3
    world.register("P-NEW", ADDRESSES[0])
    model.refresh(frozenset({4}))
    assert model.rowCount() == 4
    with qtbot.waitSignal(model.dataChanged):
        model.refresh(frozenset({1}))
    del tester


def test_entries_model_jumps_and_filters(world: World, qtbot: Any) -> None:
    _fill(world, 30)
    model = EntryTableModel(None)
    tester = _tester(model)
    model.set_ledger(world.ledger)
    assert model.rowCount() == 31  # genesis + 30 registrations
    assert model.index(30, EntryColumn.KIND).data() == "RegisterDeed"
    assert model.index(0, EntryColumn.KIND).data() == "LedgerGenesis"
    model.set_kind("LedgerGenesis")
    assert model.rowCount() == 1
    model.set_kind(None)
    model.mark_bad(7)
    assert model.index(7, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    del tester
