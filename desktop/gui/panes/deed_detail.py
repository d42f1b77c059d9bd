"""One deed in full: holders and shares, facts, liens, attributes and the chain of title."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core import attributes
from desktop.gui import a11y, fmt
from desktop.gui.context import AppContext
from desktop.gui.operations import Latest
from desktop.gui.widgets.basics import clear_layout, button, card, label
from desktop.gui.widgets.timeline import Timeline, TimelineItem

if TYPE_CHECKING:
    from core.ledger import Ledger, RecordedEntry
    from core.state import DeedState


def timeline_item(entry: "RecordedEntry", ctx: AppContext) -> TimelineItem:
    """One dot of the chain of title, its stored text escaped (a lien kind cannot hide or reorder text)."""
    item = _timeline_item(entry, ctx)
    return replace(item, title=fmt.plain(item.title), detail=fmt.plain(item.detail))


def _timeline_item(entry: "RecordedEntry", ctx: AppContext) -> TimelineItem:
    # the kinds, their presentation and libsecp256k1 load with the first chain of title shown, not at start
    from core.kinds import describe_entry
    from desktop.gui.phrases import phrase_text

    d = describe_entry(entry.kind, entry.message, [(s.role, s.signer) for s in entry.signatures])
    detail = phrase_text(d.detail, ctx.short_label)
    return TimelineItem(
        entry.index,
        fmt.when(entry.recorded_at),
        phrase_text(d.headline, ctx.short_label),
        f"{detail} \u2022 entry #{entry.index}",
        d.icon,
        d.tone,
    )


def read_deed(ledger: Ledger, deed_id: int) -> tuple[DeedState, list[RecordedEntry]]:
    """A deed and its history, for its detail (read on a worker)."""
    with ledger.snapshot():  # the deed as its history leaves it: both of one moment
        return ledger.deed(deed_id), ledger.history(deed_id)


class DeedDetail(QScrollArea):
    """Shows one deed; emits requests for actions the window carries out."""

    action = Signal(str, int)  # ("transfer" | "value" | "certificate" | "ledger" | "lien", deed id)
    EMPTY = "Select a deed to see its holders, liens and chain of title."

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.deed: "DeedState | None" = None
        self._history: list["RecordedEntry"] = []
        self._latest = Latest(ctx.ops, self)
        self.setWidgetResizable(True)
        self.setMinimumWidth(400)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        self.setWidget(inner)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(4, 0, 6, 8)
        layout.setSpacing(10)
        self.empty = label(self.EMPTY, "muted", wrap=True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty)
        self.content = QWidget()
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        content.setSpacing(10)
        layout.addWidget(self.content)
        layout.addStretch(1)

        self.heading = label("", "title", wrap=True, selectable=True, plain=True)
        self.address = label("", "subtitle", wrap=True, selectable=True, plain=True)
        self.notes = label("", "bad", wrap=True, plain=True)  # text mixing look-alike scripts
        self.notes.hide()
        content.addWidget(self.heading)
        content.addWidget(self.address)
        content.addWidget(self.notes)
        actions = QHBoxLayout()
        actions.setSpacing(6)
        self.buttons: dict[str, Any] = {}
        for key, text, icon, tip in (
            ("transfer", "Transfer\u2026", "transfer", "Prepare a transfer of this deed (Ctrl+T)"),
            ("value", "Value", "valuation", "Estimate this property's value"),
            ("certificate", "Title PDF", "documents", "Certificate of title (PDF)"),
            ("ledger", "Entries", "ledger", "Show this deed's entries in the ledger"),
        ):
            widget = button(text, icon, tip=tip)
            widget.setStyleSheet("padding: 4px 8px;")
            widget.clicked.connect(lambda _c=False, k=key: self._act(k))
            self.buttons[key] = widget
            actions.addWidget(widget)
        actions.addStretch(1)
        content.addLayout(actions)

        holders_card, holders_layout = card()
        holders_layout.addWidget(label("Holders", "section"))
        self.holders = a11y.name(QTableWidget(0, 2), "Holders")
        self.holders.setHorizontalHeaderLabels(["Holder", "Shares"])
        self.holders.verticalHeader().setVisible(False)
        self.holders.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.holders.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.holders.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.holders.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.holders.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        holders_layout.addWidget(self.holders)
        content.addWidget(holders_card)

        history_card, history_layout = card()
        history_layout.addWidget(label("Chain of title", "section"))
        self.timeline = Timeline()
        self.timeline.entry_clicked.connect(self.ctx.events.show_entry.emit)
        history_layout.addWidget(self.timeline)
        content.addWidget(history_card)
        facts_card, facts_layout = card()
        facts_layout.addWidget(label("Facts", "section"))
        self.facts = QGridLayout()
        self.facts.setHorizontalSpacing(14)
        self.facts.setVerticalSpacing(4)
        self.facts.setColumnStretch(1, 1)
        facts_layout.addLayout(self.facts)
        content.addWidget(facts_card)

        self.liens_card, liens_layout = card()
        liens_layout.addWidget(label("Liens", "section"))
        self.liens = label("", wrap=True, selectable=True, plain=True)
        liens_layout.addWidget(self.liens)
        content.addWidget(self.liens_card)

        attr_card, attr_layout = card()
        attr_layout.addWidget(label("Attributes", "section"))
        self.attributes = QGridLayout()
        self.attributes.setHorizontalSpacing(14)
        self.attributes.setVerticalSpacing(3)
        attr_layout.addLayout(self.attributes)
        content.addWidget(attr_card)

        self.content.hide()

    def _act(self, key: str) -> None:
        if self.deed is not None:
            self.action.emit(key, self.deed.deed_id)

    def clear(self) -> None:
        self.deed = None
        self._history = []
        self._latest.forget("deed")
        self.content.hide()
        self.empty.setText(self.EMPTY)
        self.empty.show()

    def show_deed(self, deed_id: int | None) -> None:
        """Read the deed and its history on a worker, then show them (the newest request wins)."""
        ws = self.ctx.ws
        if deed_id is None or self.ctx.ledger is None:
            self.clear()
            return
        if self.deed is None or self.deed.deed_id != deed_id:
            self.content.hide()
            self.empty.setText(f"Reading deed {deed_id}\u2026")
            self.empty.show()

        self._latest.read(
            "deed",
            lambda: read_deed(ws.ledger, deed_id),
            self._show,
            failed=lambda _error: self.clear(),
            title="Reading the deed",
        )

    def _show(self, found: tuple["DeedState", list["RecordedEntry"]]) -> None:
        deed, history = found
        self.deed, self._history = deed, history
        from core.deeds import deed_notes

        self.heading.setText(f"Deed {deed.deed_id} \u00b7 parcel {fmt.plain(deed.parcel)}")
        self.address.setText(fmt.plain(deed.address))
        notes = deed_notes(deed)
        self.notes.setText("\n".join(f"\u26a0 {note}" for note in notes))
        self.notes.setVisible(bool(notes))
        self._fill_holders(deed)
        self._fill_facts(deed, history)
        self._fill_liens(deed)
        self._fill_attributes(deed)
        self.timeline.set_items([timeline_item(e, self.ctx) for e in reversed(history)])
        self.empty.hide()
        self.content.show()

    def relabel(self) -> None:
        """The names addresses are known by changed: show the same deed again with them (nothing is read)."""
        if self.deed is not None:
            self._show((self.deed, self._history))

    def _fill_holders(self, deed: "DeedState") -> None:
        holders = sorted(deed.holders.items(), key=lambda item: (-item[1], item[0].lower()))
        self.holders.setRowCount(len(holders))
        for row, (address, count) in enumerate(holders):
            who = QTableWidgetItem(fmt.plain(self.ctx.label_for(address)))
            who.setToolTip(address)
            self.holders.setItem(row, 0, who)
            amount = QTableWidgetItem(fmt.share_pct(count, deed.total_shares))
            amount.setToolTip(fmt.shares(count, deed.total_shares))
            amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.holders.setItem(row, 1, amount)
        height = self.holders.horizontalHeader().height() + sum(self.holders.rowHeight(r) for r in range(len(holders)))
        self.holders.setFixedHeight(height + 4)

    def _fill_grid(self, grid: QGridLayout, rows: list[tuple[str, str]], columns: int = 1) -> None:
        clear_layout(grid)
        for i, (name, value) in enumerate(rows):
            row, col = divmod(i, columns)
            key = label(fmt.plain(name), "muted", plain=True)
            key.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            val = label(fmt.plain(value), wrap=True, selectable=True, plain=True)
            grid.addWidget(key, row, col * 2)
            grid.addWidget(val, row, col * 2 + 1)

    def _fill_facts(self, deed: "DeedState", history: "list[RecordedEntry]") -> None:
        from core.deeds import last_sale

        rows = [
            ("Legal", deed.legal or "\u2014"),
            ("Version", str(deed.version)),
            ("Shares", fmt.count(deed.total_shares)),
            ("Registered", f"entry #{deed.registered_index}"),
        ]
        sale = last_sale(deed)
        if sale is not None:
            rows.append(("Last sale", f"{fmt.money(sale)} on {fmt.day(deed.last_sale_at)}"))
        valued = next((e for e in history if e.index == deed.last_valuation_index), None)
        if deed.last_valuation is not None and valued is not None:  # in the valuation's own currency
            rows.append(("Last valuation", fmt.amount(deed.last_valuation, valued.message["currency"])))
        self._fill_grid(self.facts, rows)

    def _fill_liens(self, deed: "DeedState") -> None:
        if not deed.liens:
            self.liens.setText("No liens.")
            return
        lines = []
        for lien in sorted(deed.liens.values(), key=lambda item: item.lien_id):
            state = "open" if lien.is_open else f"released (entry #{lien.released_index})"
            amount = fmt.amount(lien.amount, lien.currency)
            lines.append(
                f"Lien {lien.lien_id}: {fmt.plain(lien.kind)}, {fmt.plain(amount)}"
                f" held by {fmt.plain(self.ctx.label_for(lien.holder))} \u2014 {state}"
            )
        self.liens.setText("\n".join(lines))

    def _fill_attributes(self, deed: "DeedState") -> None:
        shown = {n: v for n, v in deed.attributes.items() if n not in attributes.COORDINATES}
        rows = [
            (attributes.label(n), attributes.value_text(n, shown[n], number=fmt.figure))
            for n in attributes.ordered(shown)
        ]
        self._fill_grid(self.attributes, rows or [("", "No attributes recorded.")])
