"""The deeds table: a lazy model that holds deed ids and fetches rows on demand.

Ids come from `Ledger.deed_ids` a page at a time (canFetchMore/fetchMore), sorted
and filtered in SQL, so 100,000 deeds cost one short query per page and a
search never loads the whole table.  Row contents are read a block at a time for
the rows a view asks for, and kept in a bounded cache.
"""
from __future__ import annotations

import enum
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from core.display import short_address
from desktop.gui import fmt

if TYPE_CHECKING:  # SQLAlchemy loads with the ledger, after the window is shown
    from core.ledger import Ledger
    from core.browse import DeedSummary

Index = QModelIndex | QPersistentModelIndex


class DeedColumn(enum.IntEnum):
    DEED = 0
    PARCEL = 1
    ADDRESS = 2
    OWNER = 3
    HOLDERS = 4
    VERSION = 5
    LAST_SALE = 6
    LAST_VALUATION = 7


HEADERS = {
    DeedColumn.DEED: "Deed", DeedColumn.PARCEL: "Parcel", DeedColumn.ADDRESS: "Address",
    DeedColumn.OWNER: "Owner", DeedColumn.HOLDERS: "Holders", DeedColumn.VERSION: "Version",
    DeedColumn.LAST_SALE: "Last sale", DeedColumn.LAST_VALUATION: "Valuation",
}
# the DeedRow column each view column sorts by (in SQL)
SORT_KEYS = {
    DeedColumn.DEED: "deed_id", DeedColumn.PARCEL: "parcel", DeedColumn.ADDRESS: "address",
    DeedColumn.OWNER: "owner", DeedColumn.HOLDERS: "holders_count", DeedColumn.VERSION: "version",
    DeedColumn.LAST_SALE: "last_price", DeedColumn.LAST_VALUATION: "last_valuation",
}
NUMERIC = {DeedColumn.DEED, DeedColumn.HOLDERS, DeedColumn.VERSION, DeedColumn.LAST_SALE, DeedColumn.LAST_VALUATION}
DEED_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class DeedTableModel(QAbstractTableModel):
    PAGE = 200  # ids per fetchMore
    BLOCK = 64  # rows read together when a view first asks for one of them
    CACHE = 4000  # rows kept

    search_applied = Signal(str)  # after the first page for a new search is in

    def __init__(self, ledger: "Ledger | None" = None, label: Callable[[str], str] | None = None,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._ledger = ledger
        self._label = label or short_address
        self._ids: list[int] = []
        self._rows_of: dict[int, int] = {}
        self._more = False
        self._cache: OrderedDict[int, "DeedSummary"] = OrderedDict()
        self._search = ""
        self._sort = DeedColumn.DEED
        self._descending = False
        self._reload(self.PAGE)

    # -- what to show ---------------------------------------------------------------
    def set_ledger(self, ledger: "Ledger | None") -> None:
        self._ledger = ledger
        self._cache.clear()
        self._reload(self.PAGE)

    def set_search(self, text: str) -> None:
        text = text.strip()
        if text == self._search:
            return
        self._search = text
        self._reload(self.PAGE)
        self.search_applied.emit(text)

    def apply_search(self, text: str, ids: list[int]) -> None:
        """Show the first page of a search queried elsewhere (`page_query`, on a worker)."""
        self._search = text.strip()
        self.beginResetModel()
        self._more = len(ids) > self.PAGE
        self._ids = ids[:self.PAGE]
        self._rows_of = {deed_id: row for row, deed_id in enumerate(self._ids)}
        self.endResetModel()
        self.search_applied.emit(self._search)

    def page_query(self, text: str) -> Callable[[], list[int]]:
        """The first page of ids for `text` in the current order, as a function a worker can run."""
        ledger, key, descending, limit = self._ledger, SORT_KEYS[self._sort], self._descending, self.PAGE + 1

        def query() -> list[int]:
            if ledger is None:
                return []
            return ledger.deed_ids(search=text.strip() or None, order_by=key, descending=descending, limit=limit)

        return query

    @property
    def search(self) -> str:
        return self._search

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column not in SORT_KEYS.keys():
            return
        self._sort = DeedColumn(column)
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._reload(max(self.PAGE, len(self._ids)))  # a reset: views keep no stale rows

    def refresh(self, deed_ids: frozenset[int] | None = None) -> None:
        """Re-read changed deeds; a new or removed deed (or None: unknown) re-queries the ids."""
        if deed_ids and all(d in self._rows_of for d in deed_ids):
            for deed_id in deed_ids:
                self._cache.pop(deed_id, None)
                row = self._rows_of[deed_id]
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(DeedColumn) - 1))
            return
        self._cache.clear()
        self._reload(max(self.PAGE, len(self._ids)))

    def relabel(self) -> None:
        """Names of owners changed (address book, keys): repaint that column only."""
        if self._ids:
            self.dataChanged.emit(self.index(0, DeedColumn.OWNER), self.index(len(self._ids) - 1, DeedColumn.OWNER))

    def _query_ids(self, limit: int, offset: int) -> list[int]:
        if self._ledger is None:
            return []
        return self._ledger.deed_ids(search=self._search or None, order_by=SORT_KEYS[self._sort],
                                     descending=self._descending, limit=limit, offset=offset)

    def _reload(self, count: int) -> None:
        ids = self._query_ids(count + 1, 0)  # one more than wanted says whether more exist
        self.beginResetModel()
        self._more = len(ids) > count
        self._ids = ids[:count]
        self._rows_of = {deed_id: row for row, deed_id in enumerate(self._ids)}
        self.endResetModel()

    # -- lazy paging ----------------------------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or not self._more:
            return
        page = self._query_ids(self.PAGE + 1, len(self._ids))
        self._more = len(page) > self.PAGE
        page = page[:self.PAGE]
        if not page:
            self._more = False
            return
        start = len(self._ids)
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)  # last row is start + n - 1
        self._ids.extend(page)
        for offset, deed_id in enumerate(page):
            self._rows_of[deed_id] = start + offset
        self.endInsertRows()

    # -- the model interface ------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(DeedColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(DeedColumn):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[DeedColumn(section)]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids) or not 0 <= index.column() < len(DeedColumn):
            return None
        column = DeedColumn(index.column())
        if role == DEED_ID_ROLE:
            return self._ids[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int((Qt.AlignmentFlag.AlignRight if column in NUMERIC else Qt.AlignmentFlag.AlignLeft)
                       | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        summary = self.summary(index.row())
        if summary is None:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == DeedColumn.OWNER:
                return summary.owner
            if column == DeedColumn.HOLDERS and summary.open_liens:
                return f"{summary.open_liens} open lien(s)"
            return None
        return self._display(summary, column)

    def _display(self, s: "DeedSummary", column: DeedColumn) -> str:
        if column == DeedColumn.DEED:
            return str(s.deed_id)
        if column == DeedColumn.PARCEL:
            return fmt.plain(s.parcel)
        if column == DeedColumn.ADDRESS:
            return fmt.plain(s.address)
        if column == DeedColumn.OWNER:
            return fmt.plain(self._label(s.owner))
        if column == DeedColumn.HOLDERS:
            return f"{s.holders} \u2022 lien" if s.open_liens else str(s.holders)
        if column == DeedColumn.VERSION:
            return str(s.version)
        amount = s.last_sale if column == DeedColumn.LAST_SALE else s.valuation
        return "" if amount is None else str(amount)

    # -- rows ----------------------------------------------------------------------------
    def summary(self, row: int) -> "DeedSummary | None":
        deed_id = self._ids[row]
        cached = self._cache.get(deed_id)
        if cached is not None:
            self._cache.move_to_end(deed_id)
            return cached
        if self._ledger is None:
            return None
        from core.browse import deed_summaries

        start = max(0, row - self.BLOCK // 4)
        block = [d for d in self._ids[start:start + self.BLOCK] if d not in self._cache]
        self._cache.update(deed_summaries(self._ledger, block))
        while len(self._cache) > self.CACHE:
            self._cache.popitem(last=False)
        return self._cache.get(deed_id)

    def deed_id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, deed_id: int) -> int | None:
        return self._rows_of.get(deed_id)
