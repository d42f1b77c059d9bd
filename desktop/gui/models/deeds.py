"""The deeds table: a lazy model that holds deed ids and fetches rows on demand, off the UI thread.

Ids come from `Ledger.deed_ids` a page at a time (canFetchMore/fetchMore), sorted
and filtered in SQL, so 100,000 deeds cost one short query per page and a
search never loads the whole table.  Row contents are read a block at a time for
the rows a view asks for, and kept in a bounded cache (models/lazy.py).
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, Callable, Sequence

from PySide6.QtCore import Qt, Signal

from desktop.gui import fmt
from desktop.gui.models.lazy import LazyTableModel
from desktop.gui.operations import Operations

if TYPE_CHECKING:  # SQLAlchemy loads with the ledger, after the window is shown
    from core.browse import DeedSummary
    from core.ledger import Ledger


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
    DeedColumn.DEED: "Deed",
    DeedColumn.PARCEL: "Parcel",
    DeedColumn.ADDRESS: "Address",
    DeedColumn.OWNER: "Owner",
    DeedColumn.HOLDERS: "Holders",
    DeedColumn.VERSION: "Version",
    DeedColumn.LAST_SALE: "Last sale",
    DeedColumn.LAST_VALUATION: "Valuation",
}
# the DeedRow column each view column sorts by (in SQL)
SORT_KEYS = {
    DeedColumn.DEED: "deed_id",
    DeedColumn.PARCEL: "parcel",
    DeedColumn.ADDRESS: "address",
    DeedColumn.OWNER: "owner",
    DeedColumn.HOLDERS: "holders_count",
    DeedColumn.VERSION: "version",
    DeedColumn.LAST_SALE: "last_price",
    DeedColumn.LAST_VALUATION: "last_valuation",
}
NUMERIC = {DeedColumn.DEED, DeedColumn.HOLDERS, DeedColumn.VERSION, DeedColumn.LAST_SALE, DeedColumn.LAST_VALUATION}
DEED_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class DeedTableModel(LazyTableModel["DeedSummary"]):
    PAGE = 200  # ids per fetchMore

    search_applied = Signal(str)  # after the first page for a new search is in

    def __init__(
        self,
        ops: Operations | None,
        ledger: "Ledger | None" = None,
        label: Callable[[str], str] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(
            ops,
            [HEADERS[c] for c in DeedColumn],
            key_role=DEED_ID_ROLE,
            right_aligned=frozenset(NUMERIC),
            ledger=ledger,
            label=label,
            parent=parent,
        )
        self._rows_of: dict[int, int] = {}
        self._search = ""
        self._sort = DeedColumn.DEED
        self._descending = False
        self._reload(self.PAGE)

    # -- what to show ---------------------------------------------------------------
    def set_ledger(self, ledger: "Ledger | None") -> None:
        self._ledger = ledger
        self._reload(self.PAGE)

    def set_search(self, text: str) -> None:
        text = text.strip()
        if text == self._search:
            return
        self._search = text
        self._reload(self.PAGE, searched=True)

    def apply_search(self, text: str, result: tuple[list[int], dict[int, "DeedSummary"]]) -> None:
        """Show the first page of a search queried elsewhere (`page_query`, on a worker)."""
        ids, rows = result
        self._new_generation()  # answers to earlier questions are stale now
        self._search = text.strip()
        self._apply((ids[: self.PAGE], len(ids) > self.PAGE, rows), clear=False)
        self.search_applied.emit(self._search)

    def page_query(self, text: str) -> Callable[[], tuple[list[int], dict[int, "DeedSummary"]]]:
        """The first page of ids for `text` in the current order, and its first rows, as a function a worker runs."""
        ledger, key, descending, limit = self._ledger, SORT_KEYS[self._sort], self._descending, self.PAGE + 1
        reader = self._rows_reader()

        def query() -> tuple[list[int], dict[int, "DeedSummary"]]:
            if ledger is None:
                return [], {}
            ids = ledger.deed_ids(search=text.strip() or None, order_by=key, descending=descending, limit=limit)
            return ids, self.first_rows(reader, ids[: self.PAGE])

        return query

    @property
    def search(self) -> str:
        return self._search

    @property
    def generation(self) -> int:
        """Counts reloads (another order, ledger or change): a search queried before one is stale."""
        return self._generation

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column not in SORT_KEYS:
            return
        self._sort = DeedColumn(column)
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._reload(max(self.PAGE, len(self._keys)))  # a reset: views keep no stale rows

    def refresh(self, deed_ids: frozenset[int] | None = None) -> None:
        """Re-read changed deeds; a new or removed deed (or None: unknown) re-queries the ids."""
        if deed_ids and all(d in self._rows_of for d in deed_ids):
            self.forget(sorted(deed_ids))
            return
        self._reload(max(self.PAGE, len(self._keys)))

    def relabel(self) -> None:
        """Names of owners changed (address book, keys): repaint that column only."""
        self.repaint_column(DeedColumn.OWNER)

    def reveal(self, deed_id: int, then: Callable[[int | None], Any]) -> None:
        """Page in ids (on a worker) until `deed_id` is among them, then call `then` with its row."""
        row = self._rows_of.get(deed_id)
        if row is not None or self._ledger is None:
            then(row)
            return
        ledger, search, key, descending = self._ledger, self._search or None, SORT_KEYS[self._sort], self._descending
        reader, page = self._rows_reader(), max(self.PAGE, 1000)

        def query() -> tuple[list[int], bool, dict[int, "DeedSummary"]]:
            ids: list[int] = []
            while True:
                chunk = ledger.deed_ids(
                    search=search, order_by=key, descending=descending, limit=page + 1, offset=len(ids)
                )
                more = len(chunk) > page
                ids.extend(chunk[:page])
                if deed_id in ids or not more:
                    break
            at = ids.index(deed_id) if deed_id in ids else 0
            start = max(0, at - self.BLOCK // 2)
            return ids, more, reader(ids[start : start + self.BLOCK]) if reader is not None else {}

        self.when_loaded(lambda: then(self._rows_of.get(deed_id)))
        self._start(query, "Finding the deed")

    # -- reading ----------------------------------------------------------------------------
    @staticmethod
    def _read_rows(ledger: "Ledger", keys: Sequence[int]) -> dict[int, "DeedSummary"]:
        from core.browse import deed_summaries

        return dict(deed_summaries(ledger, list(keys)))

    def _reload(self, count: int, *, searched: bool = False) -> None:
        ledger = self._ledger
        if ledger is None:
            self._start(None, "Reading the deeds")
            return
        search, key, descending, reader = (
            self._search or None,
            SORT_KEYS[self._sort],
            self._descending,
            self._rows_reader(),
        )

        def query() -> tuple[list[int], bool, dict[int, "DeedSummary"]]:
            ids = ledger.deed_ids(search=search, order_by=key, descending=descending, limit=count + 1)
            return ids[:count], len(ids) > count, self.first_rows(reader, ids[:count])

        self._start(query, "Reading the deeds")
        if searched:
            wanted = self._search
            self.when_loaded(lambda: self.search_applied.emit(wanted))

    def _page(self) -> Callable[[], tuple[Sequence[int], bool]] | None:
        ledger = self._ledger
        if ledger is None:
            return None
        search, key, descending, offset = self._search or None, SORT_KEYS[self._sort], self._descending, len(self._keys)

        def page() -> tuple[Sequence[int], bool]:
            ids = ledger.deed_ids(
                search=search, order_by=key, descending=descending, limit=self.PAGE + 1, offset=offset
            )
            return ids[: self.PAGE], len(ids) > self.PAGE

        return page

    def _keys_changed(self) -> None:
        self._rows_of = {deed_id: row for row, deed_id in enumerate(self._keys)}

    def _row_of_key(self, key: int) -> int | None:
        return self._rows_of.get(key)

    # -- what a cell shows ------------------------------------------------------------------
    def _tooltip(self, s: "DeedSummary", column: int) -> str | None:
        if column == DeedColumn.OWNER:
            return s.owner
        if column == DeedColumn.HOLDERS and s.open_liens:
            return f"{s.open_liens} open lien(s)"
        return None

    def _display(self, s: "DeedSummary", column: int) -> str:
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
        return "" if amount is None else fmt.money(amount)

    # -- rows ----------------------------------------------------------------------------
    def summary(self, row: int) -> "DeedSummary | None":
        """The row's summary if it is in (else None, and it is read in the background)."""
        return self.cached(row)

    def deed_id_at(self, row: int) -> int | None:
        return self.key_at(row)

    def row_of(self, deed_id: int) -> int | None:
        return self._rows_of.get(deed_id)
