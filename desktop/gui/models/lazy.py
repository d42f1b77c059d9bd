"""What the deeds and entries tables share: keys held, rows read a block at a time, all off the UI thread,
and the model interface around them (headers, flags, alignment, the key column, tooltips).

A lazy table holds the keys of its rows (deed numbers, entry indexes) and a
bounded cache of rows.  Every read runs on a reader thread through the
operation helper: the keys (a query, then `fetchMore` pages), and the rows a view
asks for (a block around the first one missing).  Until a block is in, its cells
are empty; when it arrives `dataChanged` repaints them.  Each reload starts a new
generation, and an answer from an older one is dropped, so a late reply never
shows a search or a ledger that is no longer the current one.

A subclass says what its columns are called, how to read rows from a ledger,
and what a row shows in a column (`_display`, `_tooltip`); the first column
shows the row's key, known before the row itself is read.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Callable, Generic, Sequence, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from core.display import short_address
from desktop.gui.operations import Operations

if TYPE_CHECKING:  # SQLAlchemy loads with the ledger, after the window is shown
    from core.ledger import Ledger

Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")
Reader = Callable[[Sequence[int]], dict[int, Any]]


class LazyTableModel(QAbstractTableModel, Generic[Row]):
    BLOCK = 64  # rows read together when a view first asks for one of them
    CACHE = 4000  # rows kept

    loaded = Signal()  # a reload's keys (and first rows) are in

    def __init__(
        self,
        ops: Operations | None,
        headers: Sequence[str],
        *,
        key_role: int,
        right_aligned: frozenset[int] = frozenset(),
        ledger: "Ledger | None" = None,
        label: Callable[[str], str] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._headers = tuple(headers)
        self._columns = len(self._headers)
        self._key_role = key_role  # the data role that answers a row's key (a deed id, an entry index)
        self._right_aligned = right_aligned  # the numeric columns
        self._ledger = ledger
        self._label = label or short_address  # what an address is shown as (a name this machine knows)
        self._keys: Sequence[int] = []
        self._more = False
        self._cache: OrderedDict[int, Row] = OrderedDict()
        self._generation = 0
        self._loading = False
        self._fetching = False  # a fetchMore page is on its way
        self._pending: set[int] = set()  # keys whose block is being read
        self._after_load: list[Callable[[], Any]] = []

    # -- what a subclass provides ----------------------------------------------------------------
    @staticmethod
    def _read_rows(ledger: "Ledger", keys: Sequence[int]) -> dict[int, Row]:
        """The rows of these keys (run on a worker)."""
        raise NotImplementedError

    def _row_of_key(self, key: int) -> int | None:
        raise NotImplementedError

    def _display(self, row: Row, column: int) -> str:
        raise NotImplementedError

    def _tooltip(self, row: Row, column: int) -> str | None:
        return None

    def _other_role(self, row: int, role: int) -> Any:
        """A role other than text, alignment and the key (a background, say)."""
        return None

    def _keys_changed(self) -> None:
        """The keys were replaced or extended (a subclass re-indexes them)."""

    def _rows_reader(self) -> Reader | None:
        """A function (run on a worker) reading rows by key, or None when there is no ledger."""
        ledger, read = self._ledger, self._read_rows
        if ledger is None:
            return None
        return lambda keys: read(ledger, list(keys))

    # -- running reads ------------------------------------------------------------------------------
    def _run(self, fn: Callable[[], Any], then: Callable[[Any], Any], title: str) -> None:
        generation = self._generation

        def answer(result: Any) -> None:
            if generation == self._generation:
                then(result)

        def failed(error: BaseException) -> None:
            if generation != self._generation:
                return
            self._loading = self._fetching = False
            self._pending.clear()
            from desktop.gui.operations import report_error

            report_error(None, error, title)

        if self._ops is None:
            return
        self._ops.op(None, fn, title=title).success(answer).failure(failed).run()

    def _new_generation(self) -> None:
        """Answers to earlier questions are stale from now on; rows and pages they were reading are free
        to be asked for again."""
        self._generation += 1
        self._pending.clear()
        self._fetching = False

    def _start(self, query: Callable[[], tuple[Sequence[int], bool, dict[int, Row]]] | None, title: str) -> None:
        """A new generation: run `query` (keys, more?, first rows) and reset the model with its answer."""
        self._new_generation()
        if query is None:
            self._apply(([], False, {}), clear=True)
            return
        self._loading = True
        self._run(query, lambda result: self._apply(result, clear=True), title)

    def _apply(self, result: tuple[Sequence[int], bool, dict[int, Row]], *, clear: bool) -> None:
        keys, more, rows = result
        self.beginResetModel()
        if clear:
            self._cache.clear()
        self._keys, self._more = keys, more
        self._keys_changed()
        self._store(rows)
        self.endResetModel()
        self._loading = False
        self.loaded.emit()
        waiting, self._after_load = self._after_load, []
        for callback in waiting:
            callback()

    def _store(self, rows: dict[int, Row]) -> None:
        self._cache.update(rows)
        while len(self._cache) > self.CACHE:
            self._cache.popitem(last=False)

    def when_loaded(self, callback: Callable[[], Any]) -> None:
        """Run `callback` once the keys being read are in (now, if none are being read)."""
        if self._loading:
            self._after_load.append(callback)
        else:
            callback()

    @property
    def loading(self) -> bool:
        return self._loading

    def first_rows(self, reader: Reader | None, keys: Sequence[int]) -> dict[int, Row]:
        """The rows of the first block (read with the keys, so a new page paints at once)."""
        return reader(list(keys[: self.BLOCK])) if reader is not None and len(keys) else {}

    # -- rows -------------------------------------------------------------------------------------------
    def cached(self, row: int) -> Row | None:
        """The row's contents if they are in; else None, and its block is asked for."""
        if not 0 <= row < len(self._keys):
            return None
        key = self._keys[row]
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
            return found
        self._request_block(row)
        return None

    def fetch_row(self, row: int, then: Callable[[Row | None], Any]) -> None:
        """Call `then` with the row's contents, reading its block first if needed."""
        found = self.cached(row)
        if found is not None or not 0 <= row < len(self._keys):
            then(found)
            return
        key = self._keys[row]
        generation = self._generation

        def arrived(*_changed: Any) -> None:
            if generation != self._generation:
                self.dataChanged.disconnect(arrived)
                return
            if key in self._cache:
                self.dataChanged.disconnect(arrived)
                then(self._cache[key])

        self.dataChanged.connect(arrived)

    def _request_block(self, row: int) -> None:
        reader = self._rows_reader()
        if reader is None or self._keys[row] in self._pending:
            return
        start = max(0, row - self.BLOCK // 4)
        block = [k for k in self._keys[start : start + self.BLOCK] if k not in self._cache and k not in self._pending]
        if not block:
            return
        self._pending.update(block)

        def arrived(rows: dict[int, Row]) -> None:
            self._pending.difference_update(block)
            self._store(rows)
            found = [r for r in (self._row_of_key(k) for k in rows) if r is not None]
            if found:
                self.dataChanged.emit(self.index(min(found), 0), self.index(max(found), self._columns - 1))

        self._run(lambda: reader(block), arrived, "Reading rows")

    def key_at(self, row: int) -> int | None:
        """The key of the row (known before its contents are read)."""
        return self._keys[row] if 0 <= row < len(self._keys) else None

    def repaint_column(self, column: int) -> None:
        """Repaint one column's cells (the names addresses are shown by changed)."""
        if len(self._keys):
            self.dataChanged.emit(self.index(0, column), self.index(len(self._keys) - 1, column))

    def forget(self, keys: Sequence[int]) -> None:
        """Drop these rows from the cache and repaint them (they are read again when shown)."""
        for key in keys:
            self._cache.pop(key, None)
            row = self._row_of_key(key)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, self._columns - 1))

    # -- paging -------------------------------------------------------------------------------------------
    def _page(self) -> Callable[[], tuple[Sequence[int], bool]] | None:
        """A function reading the next page of keys (after those held), or None if paging does not apply."""
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._more and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or not self._more or self._fetching or self._loading:
            return
        page = self._page()
        if page is None:
            return
        self._fetching = True

        def arrived(result: tuple[Sequence[int], bool]) -> None:
            self._fetching = False
            keys, more = result
            self._more = more
            if not keys:
                self._more = False
                return
            start = len(self._keys)
            self.beginInsertRows(QModelIndex(), start, start + len(keys) - 1)  # last row is start + n - 1
            self._keys = [*self._keys, *keys]
            self._keys_changed()
            self.endInsertRows()

        self._run(page, arrived, "Reading more rows")

    # -- the model interface ------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._keys)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._columns

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and 0 <= section < self._columns
            and role == Qt.ItemDataRole.DisplayRole
        ):
            return self._headers[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row, column = index.row(), index.column()
        if not index.isValid() or not 0 <= row < len(self._keys) or not 0 <= column < self._columns:
            return None
        if role == self._key_role:
            return self._keys[row]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = Qt.AlignmentFlag.AlignRight if column in self._right_aligned else Qt.AlignmentFlag.AlignLeft
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._other_role(row, role)
        if column == 0 and role == Qt.ItemDataRole.DisplayRole:
            return str(self._keys[row])  # known before the row's other cells are read
        found = self.cached(row)
        if found is None:
            return None
        return self._tooltip(found, column) if role == Qt.ItemDataRole.ToolTipRole else self._display(found, column)
