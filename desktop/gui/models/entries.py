"""The ledger explorer's table: entry indexes held, entries read a block at a time.

Unfiltered, row r is entry r (entries are numbered densely), so the model knows
its size with one COUNT and can jump to any entry without reading the ones
before it.  Filtered by kind, it holds that kind's indexes (one SQL query).
"""
from __future__ import annotations

import enum
from collections import OrderedDict
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from core.ledger import Ledger, RecordedEntry
from core.display import short_address
from desktop.gui import fmt
from core.browse import entries_at, entry_indexes

Index = QModelIndex | QPersistentModelIndex
ENTRY_INDEX_ROLE = Qt.ItemDataRole.UserRole + 2


class EntryColumn(enum.IntEnum):
    INDEX = 0
    RECORDED = 1
    KIND = 2
    DEED = 3
    SUMMARY = 4
    SIGNERS = 5


HEADERS = {EntryColumn.INDEX: "#", EntryColumn.RECORDED: "Recorded", EntryColumn.KIND: "Kind",
           EntryColumn.DEED: "Deed", EntryColumn.SUMMARY: "Summary", EntryColumn.SIGNERS: "Signed by"}


class EntryTableModel(QAbstractTableModel):
    BLOCK = 200
    CACHE = 5000

    def __init__(self, ledger: Ledger | None = None, label: Callable[[str], str] | None = None,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._ledger = ledger
        self._label = label or short_address
        self._kind: str | None = None
        self._deed: int | None = None
        self._indexes: list[int] | None = None  # None: every entry, row == index
        self._size = 0
        self._cache: OrderedDict[int, RecordedEntry] = OrderedDict()
        self._bad: int | None = None
        self.reload()

    def set_ledger(self, ledger: Ledger | None) -> None:
        self._ledger = ledger
        self._bad = None
        self.reload()

    def set_kind(self, kind: str | None) -> None:
        self.set_filter(kind, self._deed)

    def set_filter(self, kind: str | None, deed_id: int | None = None) -> None:
        """Only entries of one kind and/or about one deed (None: all)."""
        self._kind, self._deed = kind or None, deed_id
        self.reload()

    def mark_bad(self, index: int | None) -> None:
        """Highlight the first bad entry a verification found."""
        old, self._bad = self._bad, index
        for entry_index in (old, index):
            row = self.row_of(entry_index) if entry_index is not None else None
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(EntryColumn) - 1))

    def reload(self) -> None:
        self.beginResetModel()
        self._cache.clear()
        if self._ledger is None:
            self._indexes, self._size = [], 0
        elif self._kind or self._deed is not None:
            self._indexes = entry_indexes(self._ledger, kind=self._kind, deed_id=self._deed)
            self._size = len(self._indexes)
        else:
            self._indexes, self._size = None, self._ledger.size()
        self.endResetModel()

    def entry_index_at(self, row: int) -> int | None:
        if not 0 <= row < self._size:
            return None
        return row if self._indexes is None else self._indexes[row]

    def row_of(self, entry_index: int) -> int | None:
        if self._indexes is None:
            return entry_index if 0 <= entry_index < self._size else None
        from bisect import bisect_left

        pos = bisect_left(self._indexes, entry_index)
        return pos if pos < len(self._indexes) and self._indexes[pos] == entry_index else None

    def entry(self, row: int) -> RecordedEntry | None:
        entry_index = self.entry_index_at(row)
        if entry_index is None or self._ledger is None:
            return None
        cached = self._cache.get(entry_index)
        if cached is not None:
            self._cache.move_to_end(entry_index)
            return cached
        start = max(0, row - self.BLOCK // 4)
        stop = min(self._size, start + self.BLOCK)
        wanted = [i for i in (self.entry_index_at(r) for r in range(start, stop)) if i is not None]
        self._cache.update(entries_at(self._ledger, wanted))
        while len(self._cache) > self.CACHE:
            self._cache.popitem(last=False)
        return self._cache.get(entry_index)

    # -- the model interface ----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._size

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(EntryColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(EntryColumn):
            return HEADERS[EntryColumn(section)]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._size or not 0 <= index.column() < len(EntryColumn):
            return None
        column = EntryColumn(index.column())
        if role == ENTRY_INDEX_ROLE:
            return self.entry_index_at(index.row())
        if role == Qt.ItemDataRole.TextAlignmentRole:
            right = column in (EntryColumn.INDEX, EntryColumn.DEED)
            return int((Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft)
                       | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if self._bad is not None and self.entry_index_at(index.row()) == self._bad:
                return QBrush(QColor(208, 80, 74, 90))
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        entry = self.entry(index.row())
        if entry is None:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == EntryColumn.SIGNERS:
                return "\n".join(f"{s.role}: {s.signer}" for s in entry.signatures)
            if column == EntryColumn.SUMMARY:
                return _describe(entry)
            return None
        if column == EntryColumn.INDEX:
            return str(entry.index)
        if column == EntryColumn.RECORDED:
            return fmt.when(entry.recorded_at)
        if column == EntryColumn.KIND:
            return fmt.plain(entry.kind)
        if column == EntryColumn.DEED:
            return "" if entry.deed_id is None else str(entry.deed_id)
        if column == EntryColumn.SUMMARY:
            return _describe(entry)
        return ", ".join(f"{fmt.plain(self._label(s.signer))} ({fmt.plain(s.role)})" for s in entry.signatures)


def _describe(entry: RecordedEntry) -> str:
    """The entry in a line, its stored text escaped (a parcel cannot reorder or hide the row)."""
    try:
        return fmt.plain(entry.describe())
    except Exception:  # noqa: BLE001 - a kind this build does not know still lists
        return fmt.plain(entry.kind)
