"""The deeds pane: every deed in a lazy table with instant search and SQL sort, and its detail.

Every read (the ids, the rows, the counts, the detail) runs on a reader thread."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.gui import a11y, fmt, theme
from desktop.gui.context import AppContext
from desktop.gui.events import Change, Changes
from desktop.gui.models.deeds import HEADERS, DeedColumn, DeedTableModel
from desktop.gui.operations import Latest
from desktop.gui.panes.base import Pane
from desktop.gui.widgets.basics import ElidedLabel, make_table
from desktop.gui.panes.deed_detail import DeedDetail

if TYPE_CHECKING:
    from core.ledger import Ledger

SEARCH_MAX_LENGTH = 200  # core.deed_search.MAX_SEARCH_CHARS; not imported, so start-up needs no SQLAlchemy
# the search box may narrow to this: wider, at the window's minimum size it pushed the deed's detail (and its
# scroll bar) off the pane's right edge; its placeholder is elided, the typed text scrolls
SEARCH_LEAST_WIDTH = 200

# What the widest usual cell of a column reads: each column is as wide as this or its header, in the font
# on screen, and the Address column takes the rest (fixed pixel widths cut it at the default window size).
SAMPLES = {
    DeedColumn.DEED: "000000",
    DeedColumn.PARCEL: "0000000000",
    DeedColumn.OWNER: "0x0000\u20260000",  # an owner with no name; a longer name is cut, whole in the tooltip
    DeedColumn.HOLDERS: "00 \u2022 lien",
    DeedColumn.VERSION: "000",
    DeedColumn.LAST_SALE: "00000000",
    DeedColumn.LAST_VALUATION: "00000000",
}
CELL_PADDING = 16  # the text's margins in a cell, and room to breathe
OWNER_SHARE = 0.33  # of the room the fixed columns leave: owner names ('demo-newcomer-4') get some of it
HEADER_PADDING = 28  # the style sheet's header padding (8 + 16: the sort arrow's room) and a little air
# a deed's version (a counter the ledger uses against replays) is in its detail; shown on request
HIDDEN_AT_FIRST = (DeedColumn.LAST_SALE, DeedColumn.VERSION)


def count_deeds(ledger: Ledger, search: str) -> tuple[str, int, int, int]:
    """(search, deeds matching it, the most counted exactly, all deeds) for "n of m deeds" (read on a worker)."""
    from core.deed_search import FEW  # counted exactly only up to what the index sorts: no scan of every deed

    with ledger.snapshot():  # "n of m deeds": both counted at one moment, else n of a smaller m
        return search, ledger.deed_count(search=search, at_most=FEW), FEW, ledger.deed_count()


class DeedsPane(Pane):
    title = "Deeds"
    subtitle = "Every property on this ledger. Search by parcel, address or owner; click a column to sort."
    icon = "deeds"
    listens_to = Changes.DEEDS | Changes.NAMES

    action = Signal(str, int)  # forwarded from the detail: ("transfer", deed id)...

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search parcel, address or owner address\u2026  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(theme.icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setMinimumWidth(SEARCH_LEAST_WIDTH)
        self.search.setMaxLength(SEARCH_MAX_LENGTH)
        a11y.name(self.search, "Search deeds", "Parcel, address or owner address (Ctrl+F)")
        self.count = ElidedLabel("", "muted")  # "more than 5,000 of 123,456 deeds" gives way in a small window
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)

        self.model = DeedTableModel(ctx.ops, ctx.ledger, ctx.short_label, self)
        self.table = a11y.name(make_table(self.model), "Deeds", "The Menu key shows or hides columns")
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(DeedColumn.DEED, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        self._fit_columns()
        self._owner_least = self.table.columnWidth(DeedColumn.OWNER)
        self.table.viewport().installEventFilter(self)
        header.setSectionResizeMode(DeedColumn.ADDRESS, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        for column in HIDDEN_AT_FIRST:
            self.table.setColumnHidden(column, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        # the header takes no focus: from the keyboard, the Menu key (or Shift+F10) in the table opens the same menu
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(lambda _at: self._column_menu(QPoint(0, 0)))

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(8)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table, 1)

        self.detail = a11y.name(DeedDetail(ctx), "Deed detail")
        self.detail.action.connect(self.action.emit)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([760, 420])
        self.body.addWidget(splitter, 1)

        self.search.textChanged.connect(self._search_changed)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._row_changed(cur.row()))
        self.model.modelReset.connect(self._after_reset)
        self._counts = Latest(ctx.ops, self)  # counted again after a change: only the newest count is shown
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(150)
        self._count_timer.timeout.connect(self._count)
        self._selected: int | None = None
        self._wanted = ""
        self._searching = False
        self.total = 0  # deeds in the ledger, as last counted
        self._count()

    def _fit_columns(self) -> None:
        """Every column but Address as wide as its header or its sample, whichever is wider."""
        metrics = self.table.fontMetrics()
        bold = QFont(self.table.font())
        bold.setWeight(QFont.Weight.DemiBold)  # the style sheet's headers (font-weight: 600)
        titles = QFontMetrics(bold)
        for column, sample in SAMPLES.items():
            cell = metrics.horizontalAdvance(sample) + CELL_PADDING
            title = titles.horizontalAdvance(HEADERS[column]) + HEADER_PADDING
            self.table.setColumnWidth(column, max(cell, title))

    def _show_column(self, column: DeedColumn, shown: bool) -> None:
        self.table.setColumnHidden(column, not shown)
        self._share_room()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._share_room()
        return super().eventFilter(watched, event)

    def _share_room(self) -> None:
        """The Owner column takes a third of the room the fixed columns leave (never less than its
        sample), the Address column (stretched) the rest."""
        fixed = sum(
            self.table.columnWidth(c)
            for c in DeedColumn
            if c not in (DeedColumn.ADDRESS, DeedColumn.OWNER) and not self.table.isColumnHidden(c)
        )
        room = self.table.viewport().width() - fixed
        self.table.setColumnWidth(DeedColumn.OWNER, max(self._owner_least, int(room * OWNER_SHARE)))

    def _column_menu(self, position: QPoint) -> None:
        self.column_menu().exec(self.table.horizontalHeader().mapToGlobal(position))

    def column_menu(self) -> QMenu:
        """A check for each column but the deed number's: shown or hidden."""
        menu = QMenu(self)
        for column in DeedColumn:
            if column == DeedColumn.DEED:
                continue
            action = menu.addAction(HEADERS[column])
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.toggled.connect(lambda on, c=column: self._show_column(c, on))
        return menu

    # -- searching and selecting ------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _search_changed(self, text: str) -> None:
        # The query runs on a reader thread, so typing never waits for SQL; keystrokes that
        # arrive meanwhile are folded into one follow-up query for the latest text.
        self._wanted = text.strip()
        if not self._searching:
            self._run_search()

    def _run_search(self) -> None:
        if self.ctx.ledger is None:
            return
        text, asked = self._wanted, self.model.generation
        self._searching = True

        def answer(result: tuple[list[int], dict[int, Any]]) -> None:
            # reloaded meanwhile (another order or ledger): these rows are stale, and _search_done asks again
            if self.model.generation == asked:
                self.model.apply_search(text, result)

        (
            self.ctx.ops.op(self, self.model.page_query(text), title="Searching")
            .success(answer)
            .failure(self._search_failed)
            .done(self._search_done)
            .run()
        )

    def _search_failed(self, error: BaseException) -> None:
        from desktop.gui.operations import report_error

        self._wanted = self.model.search  # do not retry a search that cannot run
        report_error(self, error)

    def _search_done(self) -> None:
        self._searching = False
        if self._wanted != self.model.search:
            self._run_search()
        else:
            self._count_timer.start()  # the count can wait for a pause in typing

    def _count(self) -> None:
        ledger, search = self.ctx.ledger, self.model.search
        if ledger is None:
            self.count.setText("Opening the ledger\u2026" if self.ctx.opening else "No ledger open")
            return

        self._counts.read(
            "count",
            lambda: count_deeds(ledger, search),
            self._show_count,
            failed=lambda _e: None,
            title="Counting the deeds",
        )

    def _show_count(self, result: tuple[str, int, int, int]) -> None:
        search, matching, at_most, total = result
        if search != self.model.search:
            return  # an older search's answer
        self.total = total
        shown = f"more than {fmt.count(at_most)}" if matching > at_most else fmt.count(matching)
        self.count.setText(fmt.counted(total, "deed") if not search else f"{shown} of {fmt.counted(total, 'deed')}")

    def _row_changed(self, row: int) -> None:
        deed_id = self.model.deed_id_at(row)
        if deed_id is not None and deed_id != self._selected:
            self._selected = deed_id
            self.detail.show_deed(deed_id)

    def _after_reset(self) -> None:
        if self._selected is None:
            return
        row = self.model.row_of(self._selected)
        if row is not None:
            self._select_row(row)

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def select_deed(self, deed_id: int) -> None:
        """Show `deed_id`, clearing a search that hides it (the ids are paged in on a worker)."""
        self._selected = deed_id
        self.detail.show_deed(deed_id)
        if self.model.row_of(deed_id) is None and (self.model.search or self.search.text()):
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self._wanted = ""
            self.model.set_search("")
            self._count()
        self.model.when_loaded(lambda: self.model.reveal(deed_id, self._revealed(deed_id)))

    def _revealed(self, deed_id: int) -> Callable[[int | None], None]:
        def select(row: int | None) -> None:
            if row is not None and self._selected == deed_id:
                self._select_row(row)

        return select

    def selected_deed(self) -> int | None:
        return self._selected

    # -- broadcasts ---------------------------------------------------------------------------
    def on_changed(self, change: Change) -> None:
        if change.what & Changes.DATA_FOLDER:
            self._selected = None
            self.model.set_ledger(self.ctx.ledger)
            self.detail.clear()
        elif change.what == Changes.NAMES:
            self.model.relabel()
            self.detail.relabel()
            return
        else:
            self.model.refresh(change.deed_ids or None)
        if self._selected is not None:
            self.detail.show_deed(self._selected)
        self._count()
