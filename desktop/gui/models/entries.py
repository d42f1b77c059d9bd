"""The ledger explorer's table: entry indexes held, entries read a block at a time, off the UI thread.

Unfiltered, row r is entry r (entries are numbered densely), so the model knows
its size with one COUNT and can jump to any entry without reading the ones
before it.  Filtered by kind or deed, it holds those indexes (one SQL query).
The reading and caching are models/lazy.py's.
"""

from __future__ import annotations

import enum
from bisect import bisect_left
from typing import TYPE_CHECKING, Any, Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush

from core.errors import DeedbookError
from desktop.gui import fmt, theme
from desktop.gui.models.lazy import LazyTableModel
from desktop.gui.operations import Operations

if TYPE_CHECKING:  # SQLAlchemy loads with the ledger, after the window is shown
    from core.ledger import Ledger, RecordedEntry
ENTRY_INDEX_ROLE = Qt.ItemDataRole.UserRole + 2


class EntryColumn(enum.IntEnum):
    INDEX = 0
    RECORDED = 1
    KIND = 2
    DEED = 3
    SUMMARY = 4
    SIGNERS = 5


HEADERS = {
    EntryColumn.INDEX: "#",
    EntryColumn.RECORDED: "Recorded",
    EntryColumn.KIND: "Kind",
    EntryColumn.DEED: "Deed",
    EntryColumn.SUMMARY: "Summary",
    EntryColumn.SIGNERS: "Signed by",
}


class EntryTableModel(LazyTableModel["RecordedEntry"]):
    BLOCK = 200
    CACHE = 5000

    def __init__(
        self,
        ops: Operations | None,
        ledger: "Ledger | None" = None,
        label: Callable[[str], str] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(
            ops,
            [HEADERS[c] for c in EntryColumn],
            key_role=ENTRY_INDEX_ROLE,
            right_aligned=frozenset({EntryColumn.INDEX, EntryColumn.DEED}),
            ledger=ledger,
            label=label,
            parent=parent,
        )
        self._kind: str | None = None
        self._deed: int | None = None
        self._bad: int | None = None
        self.reload()

    def set_ledger(self, ledger: "Ledger | None") -> None:
        self._ledger = ledger
        self._bad = None
        self.reload()

    def set_source(self, ledger: "Ledger | None", kind: str | None = None, deed_id: int | None = None) -> None:
        """The ledger and the filter at once (one read)."""
        if ledger is not self._ledger:
            self._bad = None
        self._ledger, self._kind, self._deed = ledger, kind or None, deed_id
        self.reload()

    def relabel(self) -> None:
        """The names parties are known by changed: repaint the columns that show them only."""
        self.repaint_column(EntryColumn.SUMMARY)
        self.repaint_column(EntryColumn.SIGNERS)

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
        ledger, kind, deed = self._ledger, self._kind, self._deed
        if ledger is None:
            self._start(None, "Reading the ledger")
            return
        reader = self._rows_reader()

        def query() -> tuple[Sequence[int], bool, dict[int, Any]]:
            from core.browse import entry_indexes, ledger_length

            keys: Sequence[int] = (
                entry_indexes(ledger, kind=kind, deed_id=deed)
                if kind or deed is not None
                else range(ledger_length(ledger))
            )
            tail = list(keys[-self.BLOCK :])  # the newest entries are shown first (the table scrolls to them)
            return keys, False, reader(tail) if reader is not None else {}

        self._start(query, "Reading the ledger")

    @staticmethod
    def _read_rows(ledger: "Ledger", keys: Sequence[int]) -> dict[int, "RecordedEntry"]:
        from core.browse import entries_at

        return dict(entries_at(ledger, keys))

    def _row_of_key(self, key: int) -> int | None:
        return self.row_of(key)

    def entry_index_at(self, row: int) -> int | None:
        return self.key_at(row)

    def row_of(self, entry_index: int) -> int | None:
        keys = self._keys
        if isinstance(keys, range):
            return entry_index if 0 <= entry_index < len(keys) else None
        pos = bisect_left(keys, entry_index)
        return pos if pos < len(keys) and keys[pos] == entry_index else None

    def entry(self, row: int) -> "RecordedEntry | None":
        """The entry at `row` if it is in (else None, and it is read in the background)."""
        return self.cached(row)

    # -- what a cell shows ------------------------------------------------------------------
    def _other_role(self, row: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and self._bad is not None and self.key_at(row) == self._bad:
            tint = theme.color("bad")  # the first bad entry a verification found, in this scheme's red
            tint.setAlpha(90)
            return QBrush(tint)
        return None

    def _tooltip(self, entry: "RecordedEntry", column: int) -> str | None:
        if column == EntryColumn.SIGNERS:
            return "\n".join(f"{s.role}: {s.signer}" for s in entry.signatures)
        if column == EntryColumn.SUMMARY:
            return _describe(entry)  # the full addresses the cell shows as names
        return None

    def _display(self, entry: "RecordedEntry", column: int) -> str:
        if column == EntryColumn.INDEX:
            return str(entry.index)
        if column == EntryColumn.RECORDED:
            return fmt.when(entry.recorded_at)
        if column == EntryColumn.KIND:
            return fmt.plain(entry.kind)
        if column == EntryColumn.DEED:
            return "" if entry.deed_id is None else str(entry.deed_id)
        if column == EntryColumn.SUMMARY:
            return _describe(entry, self._label)
        return ", ".join(f"{fmt.plain(self._label(s.signer))} ({fmt.plain(s.role)})" for s in entry.signatures)


def _describe(entry: "RecordedEntry", name: Callable[[str], str] | None = None) -> str:
    """The entry in a line, its stored text escaped (a parcel cannot reorder or hide the row); with `name`,
    its parties by the names they are known by, as the Signed by column shows them."""
    from desktop.gui.phrases import describe_named

    try:  # without `name`, the full addresses; the amounts as the desktop writes them either way
        return fmt.plain(describe_named(entry.kind, entry.message, name or (lambda address: address)))
    except (DeedbookError, KeyError, TypeError, ValueError, AttributeError):  # an unknown kind or a damaged message
        return fmt.plain(entry.kind)
