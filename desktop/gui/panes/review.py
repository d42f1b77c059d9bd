"""Review: the queue of transfers the screen flagged, each with its reasons, a link to the deed's chain of
title, and Clear / Escalate buttons that record the reviewer's decision as a signed ledger entry.

Screening runs on a worker (it may train a model first: progress and Cancel in the
status bar); what is shown from the ledger is plain text.  Internal to the agency.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.gui import a11y, fmt, prompts
from desktop.gui.context import AppContext
from desktop.gui.events import Change, Changes
from desktop.gui.operations import TaskHandle
from desktop.gui.panes.base import Pane
from desktop.gui.widgets.basics import button, label
from desktop.gui.widgets.plain_table import fill, selected_key, table
from desktop.gui.widgets.screening import ScreenView

if TYPE_CHECKING:
    from core.screening.combine import Assessment
    from desktop.workspace import Signer

NOT_PRICED = (
    "Prices are not screened: this machine has no current valuation model. The ledger's history is; "
    "\u201cTrain and screen prices\u201d trains one (a few minutes) and screens again."
)
REASON_COLUMN = 5  # the queue's last column: the strongest reason
FILTERS = (("Flagged (review and high)", "review"), ("High risk only", "high"), ("Every transfer", "low"))


class ReviewPane(Pane):
    title = "Review"
    subtitle = (
        "Transfers the screen flagged: the price against the model's estimate, resales, circles, new "
        "buyers, liens and splits. Each decision is recorded as a signed entry. Internal: never printed "
        "on public records."
    )
    icon = "warning"
    listens_to = Changes.LEDGER | Changes.VALUATIONS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._asked = 0  # only the newest screening's answer is shown
        self.found: list[Assessment] = []
        self.priced = True  # whether the queue shown weighed prices (a current valuation model)
        self.level = a11y.name(QComboBox(), "Show transfers")
        for text, value in FILTERS:
            self.level.addItem(text, value)
        self.refresh_button = button("Screen again", "refresh", tip="Screen every recorded transfer again")
        self.train_button = button(
            "Train and screen prices",
            "train",
            tip="Train the valuation model (a few minutes), then screen every transfer's price too",
        )
        self.train_button.hide()
        self.header_actions.addWidget(self.level)
        self.header_actions.addWidget(self.refresh_button)
        self.header_actions.addWidget(self.train_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.queue = table(["Entry", "Deed", "Level", "Score", "Review", "Strongest reason"], "Transfers to review")
        # The reason fills what is left and is cut with "…" (whole in its tip and below): sized to its text it
        # ran off the pane's right edge and took the Review column with it.
        self.queue.horizontalHeader().setSectionResizeMode(REASON_COLUMN, QHeaderView.ResizeMode.Stretch)
        splitter.addWidget(self.queue)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 6, 0, 0)
        actions = QHBoxLayout()
        self.deed_button = button("Chain of title", "deeds", tip="Open the deed and its chain of title")
        self.clear_button = button("Clear\u2026", "ok", tip="Record that the transfer was reviewed and is in order")
        self.escalate_button = button(
            "Escalate\u2026",
            "warning",
            tip="Record that the transfer needs more scrutiny (compliance, the notary, a report)",
        )
        for widget in (self.deed_button, self.clear_button, self.escalate_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        detail_layout.addLayout(actions)
        scroll = a11y.name(QScrollArea(), "Screening of the selected transfer")
        scroll.setWidgetResizable(True)
        self.view = ScreenView()
        scroll.setWidget(self.view)
        detail_layout.addWidget(scroll, 1)
        splitter.addWidget(detail)
        splitter.setSizes([260, 320])
        self.body.addWidget(splitter, 1)
        self.empty = label("", "muted", wrap=True)
        self.body.addWidget(self.empty)
        self.level.currentIndexChanged.connect(lambda _i: self.reload())
        self.refresh_button.clicked.connect(lambda: self.reload())
        self.train_button.clicked.connect(lambda: self.reload(train=True))
        self.queue.itemSelectionChanged.connect(self._selected)
        self.deed_button.clicked.connect(self._open_deed)
        self.clear_button.clicked.connect(lambda: self.review("clear"))
        self.escalate_button.clicked.connect(lambda: self.review("escalate"))
        self._enable(False)
        self.reload()

    def _enable(self, on: bool) -> None:
        for widget in (self.deed_button, self.clear_button, self.escalate_button):
            widget.setEnabled(on)

    # -- reading -------------------------------------------------------------------------------------------
    def reload(self, *, train: bool = False) -> None:
        """Screen every recorded transfer again. Without a current valuation model the prices are not
        screened (the history is) unless `train`: training takes minutes, so it waits for the button,
        as the transfer wizard and the notary desk do not train either."""
        if self.ctx.ledger is None:
            self.empty.setText("No ledger is open.")
            return
        ws, level = self.ctx.ws, str(self.level.currentData())
        self.empty.setText("Screening the recorded transfers\u2026")

        def work(task: TaskHandle) -> tuple[list[Assessment], bool]:
            priced = train or ws.prices_screened()
            found = ws.screen_all(level=level, progress=task.fraction, should_cancel=task.should_cancel, train=train)
            return found, priced

        self._asked += 1
        asked = self._asked

        def answer(result: tuple[list[Assessment], bool]) -> None:
            if asked == self._asked:
                self.show_queue(*result)

        title = "Training the valuation model and screening transfers" if train else "Screening transfers"
        self.ctx.ops.task(self, work, title=title).success(answer).run()

    def show_queue(self, found: list[Assessment], priced: bool = True) -> None:
        self.found = found
        self.priced = priced
        self.train_button.setVisible(not priced)
        rows = []
        for a in found:
            top = next((r for r in a.reasons if r["weight"] > 0), None)
            review = a.extra.get("review")
            rows.append(
                [
                    f"#{a.entry}",
                    str(a.deed_id),
                    a.level,
                    fmt.decimal(a.score, 2),
                    review["decision"] if review else "not reviewed",
                    fmt.reason(top) if top else "",  # Shown: the table keeps its marks
                ]
            )
        fill(self.queue, rows, [a.entry for a in found], [r[REASON_COLUMN] for r in rows])
        level = str(self.level.currentData())
        if not found:
            self.empty.setText(
                "No transfer is flagged: nothing to review." if level != "low" else "No transfer is recorded yet."
            )
            self.view.show_message("Nothing selected.", "banner-good")
        else:
            reviewed = sum(1 for a in found if a.extra.get("review"))
            self.empty.setText(
                f"{fmt.counted(len(found), 'transfer')}, {fmt.count(reviewed)} reviewed. Select one to read its reasons."
            )
            self.queue.selectRow(0)
        if not priced:
            self.empty.setText(f"{self.empty.text()} {NOT_PRICED}")

    def current(self) -> Assessment | None:
        entry = selected_key(self.queue)
        return next((a for a in self.found if a.entry == entry), None)

    def _selected(self) -> None:
        a = self.current()
        self._enable(a is not None)
        if a is not None:
            self.view.show_assessment(a, limit=12)

    def _open_deed(self) -> None:
        a = self.current()
        if a is not None and a.deed_id is not None:
            self.ctx.events.show_deed.emit(a.deed_id)

    # -- deciding ------------------------------------------------------------------------------------------
    def review(self, decision: str) -> None:
        a = self.current()
        if a is None or a.entry is None:
            prompts.show_error(self, "Select a transfer to review first.")
            return
        dialog = ReviewDialog(self.ctx, a.entry, decision, self)
        if not dialog.exec():
            return
        ws, signer, note, entry = self.ctx.ws, dialog.signer(), dialog.note(), a.entry
        (
            self.ctx.ops.op(
                self,
                lambda: ws.review_transfer(entry, decision, note, signer),
                write=True,
                title="Recording the review",
            )
            .success(lambda index: prompts.inform(self, f"Review recorded as entry #{index}."))
            .run()
        )

    def on_changed(self, change: Change) -> None:
        self.reload()


class ReviewDialog(QDialog):
    """The reviewer's note and key for one decision."""

    def __init__(self, ctx: AppContext, entry: int, decision: str, parent: QWidget | None = None) -> None:
        from desktop.gui.widgets.fields import KeyPicker

        super().__init__(parent)
        verb = "Clear" if decision == "clear" else "Escalate"
        self.setWindowTitle(f"{verb} transfer #{entry}")
        self.setMinimumWidth(540)
        layout = QVBoxLayout(self)
        layout.addWidget(
            label(
                f"{verb} transfer #{entry}: your decision and note are signed with a registrar's key "
                "and recorded on the ledger (the audit trail). Say what you checked.",
                wrap=True,
            )
        )
        self.text = a11y.name(QPlainTextEdit(), "Note", "What you checked, recorded with your decision")
        self.text.setPlaceholderText("e.g. Called the lender; the second loan refinances the first.")
        self.text.setFixedHeight(90)
        layout.addWidget(self.text)
        self.picker = KeyPicker(lambda: [(k.name, k.address) for k in ctx.keys.list()])
        layout.addWidget(self.picker)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(f"Sign and record ({decision})")
        self.ok.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.text.textChanged.connect(self._check)
        self.picker.changed.connect(self._check)
        a11y.prepare(self)

    def _check(self) -> None:
        self.ok.setEnabled(bool(self.note()) and self.picker.ready())

    def note(self) -> str:
        return self.text.toPlainText().strip()

    def signer(self) -> Signer:
        return self.picker.signer()
