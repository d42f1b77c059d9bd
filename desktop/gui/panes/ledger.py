"""The ledger: explore entries, verify with progress and a verdict, checkpoint, export and check proofs."""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.gui import a11y, fmt, prompts, theme
from desktop.gui.context import AppContext
from desktop.gui.events import Change, Changes
from desktop.gui.models.entries import EntryColumn, EntryTableModel
from desktop.gui.operations import Latest, TaskHandle
from desktop.gui.panes.base import Pane, ProgressRow
from desktop.gui.widgets.address_links import address_link, link_addresses
from desktop.gui.widgets.basics import banner, button, label, make_table, set_role
from desktop.gui.widgets.fields import KeyPicker, asked_once
from desktop.workspace import Signer, resolve_key

if TYPE_CHECKING:
    from core.ledger import Ledger, RecordedEntry
    from core.verify import VerifyReport


def read_summary(ledger: Ledger) -> tuple[RecordedEntry | None, int, list[str]]:
    """The ledger line's latest checkpoint, length and kinds (read on a worker)."""
    from core.browse import entry_kinds, ledger_length

    # shown together, so of one moment: else the "latest" checkpoint next to a length holding a later one
    with ledger.snapshot():
        return ledger.latest_checkpoint(), ledger_length(ledger), entry_kinds(ledger)


SIGNERS_WIDTH = 230  # the Signed by column, where there is room
SIGNERS_SHARE = 0.45  # else its share of the room the fixed columns leave: the Summary (stretched) keeps the rest


class LedgerPane(Pane):
    title = "Ledger"
    subtitle = "Every signed entry, hash-linked. Verify it end to end, checkpoint it, export inclusion proofs."
    icon = "ledger"
    listens_to = Changes.LEDGER | Changes.NAMES

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.verify_button = button(
            "Verify", "verify", primary=True, tip="Check every signature, rule and hash (Ctrl+Shift+V)"
        )
        self.verify_new_button = button(
            "Verify new",
            "verify",
            tip="Check only the entries recorded since the last "
            "checkpoint verified in full on this computer, and that the tree still "
            "extends it",
        )
        self.checkpoint_button = button(
            "Checkpoint\u2026", "checkpoint", tip="Sign the current tree head with the operator key"
        )
        self.proof_button = button("Export proof\u2026", "proof", tip="An inclusion proof of the selected entry")
        self.check_proof_button = button("Check proof file\u2026", "verify")
        for widget in (
            self.verify_button,
            self.verify_new_button,
            self.checkpoint_button,
            self.proof_button,
            self.check_proof_button,
        ):
            self.header_actions.addWidget(widget)

        self.info = link_addresses(label("", "muted", wrap=True, selectable=True))
        self.body.addWidget(self.info)
        self.progress_row = ProgressRow()
        self.progress, self.progress_text = self.progress_row.bar, self.progress_row.text
        self.cancel_button = self.progress_row.cancel_button
        self.body.addWidget(self.progress_row)

        self.verdict, verdict_layout = banner("good", mark=False)  # its own, larger icon
        self.verdict_icon = label()
        self.verdict_text = label("", wrap=True, selectable=True)
        self.verdict_show = button("Show entry", "search")
        verdict_layout.addWidget(self.verdict_icon, 0, Qt.AlignmentFlag.AlignTop)
        verdict_layout.addWidget(self.verdict_text, 1)
        verdict_layout.addWidget(self.verdict_show, 0, Qt.AlignmentFlag.AlignTop)
        self.verdict.hide()
        self.body.addWidget(self.verdict)

        filters = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.setMinimumContentsLength(16)
        filters.addWidget(a11y.buddy(label("Show", "muted"), self.kind))
        filters.addWidget(self.kind)
        self.deed_filter = label("", "muted")
        self.clear_deed = button("All deeds", "cancel")
        self.clear_deed.hide()
        filters.addWidget(self.deed_filter)
        filters.addWidget(self.clear_deed)
        filters.addStretch(1)
        self.body.addLayout(filters)

        self.model = EntryTableModel(ctx.ops, ctx.ledger, ctx.short_label, self)
        self.table = a11y.name(make_table(self.model, 26), "Ledger entries")
        # a time names its offset (fmt.when): wide enough for the longest, at this font and scale
        recorded = self.table.fontMetrics().horizontalAdvance("2026-12-31 23:59 UTC+12:45") + 16
        for column, width in (
            (EntryColumn.INDEX, 60),
            (EntryColumn.RECORDED, recorded),
            (EntryColumn.KIND, 120),
            (EntryColumn.DEED, 60),
            (EntryColumn.SUMMARY, 420),
            (EntryColumn.SIGNERS, SIGNERS_WIDTH),
        ):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(EntryColumn.SUMMARY, QHeaderView.ResizeMode.Stretch)
        self.table.viewport().installEventFilter(self)  # Signed by gives way in a narrow window
        self.detail = a11y.name(QPlainTextEdit(), "Selected entry", "Its signed message and signatures")
        self.detail.setReadOnly(True)
        self.detail.setFont(QFont("DejaVu Sans Mono", 9))
        self.detail.setPlaceholderText("Select an entry to see its signed message and signatures.")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setSizes([420, 200])
        self.body.addWidget(splitter, 1)

        self.verify_button.clicked.connect(self.verify)
        self.verify_new_button.clicked.connect(lambda: self.verify(since_checkpoint=True))
        self.checkpoint_button.clicked.connect(self.checkpoint)
        self.proof_button.clicked.connect(self.export_proof)
        self.check_proof_button.clicked.connect(self.check_proof)
        self.kind.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.clear_deed.clicked.connect(lambda: self.show_deed_entries(None))
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _p: self._show_detail(cur.row()))
        self.verdict_show.clicked.connect(self._show_bad)
        self._bad: int | None = None
        self._deed: int | None = None
        self._size = 0  # entries in the ledger, as last read
        self._checkpoint: Any = None  # its latest checkpoint, as last read
        self._summary_read = False  # both are the open ledger's (its line can be drawn again with new names)
        self.report: "VerifyReport | None" = None
        self._verify_op: Any = None
        self._only_new = False
        self._latest = Latest(ctx.ops, self)
        self._refresh()

    # -- what is shown -------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._share_room()
        return super().eventFilter(watched, event)

    def _share_room(self) -> None:
        """Signed by as wide as SIGNERS_WIDTH where there is room, else a share of what the fixed columns leave
        (never narrower than its header): at the window's least size the Summary was 70 px, its header cut."""
        fixed = (EntryColumn.INDEX, EntryColumn.RECORDED, EntryColumn.KIND, EntryColumn.DEED)
        room = self.table.viewport().width() - sum(self.table.columnWidth(column) for column in fixed)
        least = self.table.horizontalHeader().sectionSizeHint(EntryColumn.SIGNERS)
        self.table.setColumnWidth(EntryColumn.SIGNERS, min(SIGNERS_WIDTH, max(least, int(room * SIGNERS_SHARE))))

    def _refresh(self) -> None:
        ledger = self.ctx.ledger
        if ledger is None:
            self.info.setText("Opening the ledger\u2026" if self.ctx.opening else "No ledger is open.")
            self.model.set_source(None)
            return
        self._summary_read = False
        self.info.setText(f"<b>{fmt.rich(ledger.identity.name)}</b> \u2022 reading the ledger\u2026")

        self._latest.read("summary", lambda: read_summary(ledger), self._show_summary, title="Reading the ledger")

    def _show_summary(self, found: tuple[Any, int, list[str]]) -> None:
        self._checkpoint, self._size, kinds = found
        self._summary_read = True
        self._show_info()
        current = self.kind.currentData()
        self.kind.blockSignals(True)
        self.kind.clear()
        self.kind.addItem("All entries", None)
        for kind in kinds:
            self.kind.addItem(kind, kind)
        index = self.kind.findData(current)
        self.kind.setCurrentIndex(max(0, index))
        self.kind.blockSignals(False)
        self._apply_filter()

    def _show_info(self) -> None:
        """The ledger's line: its operator by name (the address on hover, copied on a click)."""
        ledger, checkpoint = self.ctx.ledger, self._checkpoint
        if ledger is None:
            return
        cp = (
            f"latest checkpoint: entry #{checkpoint.index}, {fmt.counted(checkpoint.message['size'], 'entry')}, "
            f"{fmt.when(checkpoint.recorded_at)}"
            if checkpoint
            else "no checkpoint yet"
        )
        self.info.setText(
            f"<b>{fmt.rich(ledger.identity.name)}</b> \u2022 {fmt.counted(self._size, 'entry')} \u2022 id "
            f"{ledger.identity.ledger_id_hex[:18]}\u2026 \u2022 operator "
            f"{address_link(ledger.identity.operator, self.ctx.name_for)} \u2022 {cp}"
        )

    def _apply_filter(self) -> None:
        self.model.set_source(self.ctx.ledger, self.kind.currentData(), self._deed)
        self.model.mark_bad(self._bad)
        if self._deed is None and self.kind.currentData() is None:
            self.model.when_loaded(self.table.scrollToBottom)

    def show_deed_entries(self, deed_id: int | None) -> None:
        self._deed = deed_id
        self.deed_filter.setText(f"about deed {deed_id}" if deed_id else "")
        self.clear_deed.setVisible(deed_id is not None)
        self._apply_filter()

    def reveal(self, index: int) -> None:
        """Select entry `index`, clearing the filters if they hide it (once the entries are read)."""

        def select() -> None:
            row = self.model.row_of(index)
            if row is None and (self._deed is not None or self.kind.currentData() is not None):
                self._deed = None
                self.kind.blockSignals(True)
                self.kind.setCurrentIndex(0)
                self.kind.blockSignals(False)
                self.show_deed_entries(None)
                self.model.when_loaded(select)
                return
            if row is not None:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)

        self.model.when_loaded(select)

    def _show_bad(self) -> None:
        if self._bad is not None:
            self.reveal(self._bad)

    def _show_detail(self, row: int) -> None:
        wanted = self.model.entry_index_at(row)

        def show(entry: Any) -> None:
            if entry is None or self.model.entry_index_at(self.table.currentIndex().row()) != wanted:
                if entry is None:
                    self.detail.clear()
                return  # the selection moved on meanwhile
            data = entry.as_json()
            data.pop("signatures", None)
            data["signatures"] = [s.as_json() for s in entry.signatures]
            self.detail.setPlainText(json.dumps(data, indent=2, ensure_ascii=False))

        self.model.fetch_row(row, show)

    def on_changed(self, change: Change) -> None:
        if change.what == Changes.NAMES:
            self.model.relabel()
            if self._summary_read:
                self._show_info()
            return
        if change.what & Changes.DATA_FOLDER:
            self._bad, self._deed, self.report = None, None, None
            self.verdict.hide()
        self._refresh()

    # -- verification ---------------------------------------------------------------------------------
    def verify(self, since_checkpoint: bool = False) -> None:
        self.ctx.require_ledger()
        ws = self.ctx.ws
        if self._verify_op is not None:
            return

        def job(task: TaskHandle) -> "VerifyReport":
            return ws.verify(
                progress=task.progress, should_cancel=task.should_cancel, since_checkpoint=since_checkpoint
            )

        self._only_new = since_checkpoint
        self.verify_button.setEnabled(False)
        self.verify_new_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress_text.setText("Verifying\u2026")
        self.progress_row.show()
        op = self.ctx.ops.task(self, job, title="Verifying the ledger")
        op.on_progress(self._progress).success(self.show_report).done(self._verify_done)
        self.cancel_button.clicked.connect(op.cancel)
        self._verify_op = op.run()

    def _progress(self, fraction: float, _message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        total = self._size  # as last read: progress ticks never query the ledger
        self.progress_text.setText(
            f"{fmt.percent(100 * fraction)} of the new entries"
            if self._only_new
            else f"{fmt.count(int(fraction * total))} of {fmt.counted(total, 'entry')}"
        )

    def _verify_done(self) -> None:
        with contextlib.suppress(RuntimeError, TypeError):  # nothing was connected: PySide6 says so by raising
            self.cancel_button.clicked.disconnect()
        self._verify_op = None
        self.verify_button.setEnabled(True)
        self.verify_new_button.setEnabled(True)
        self.progress_row.hide()

    def show_report(self, report: "VerifyReport") -> None:
        self.report = report
        rate = report.entries / report.seconds if report.seconds else 0
        if report.ok and report.since is not None:
            set_role(self.verdict, "banner-good")
            self.verdict_icon.setPixmap(theme.icon("ok").pixmap(28, 28))
            a11y.name(self.verdict_icon, "Good")
            text = (
                f"<b>The new entries are genuine</b> (checked in {fmt.duration(report.seconds)}). "
                f"Checked: {fmt.rich(report.checked)}."
            )
            self._bad = None
        elif report.ok:
            set_role(self.verdict, "banner-good")
            self.verdict_icon.setPixmap(theme.icon("ok").pixmap(28, 28))
            a11y.name(self.verdict_icon, "Good")
            text = (
                f"<b>The ledger is genuine.</b> {fmt.counted(report.entries, 'entry')} and "
                f"{fmt.counted(report.deeds, 'deed')} checked in "
                f"{fmt.duration(report.seconds)} ({fmt.decimal(rate, 0)} entries/s): every signature, rule, hash link, "
                "checkpoint and the deed tables agree."
            )
            self._bad = None
        else:
            set_role(self.verdict, "banner-bad")
            self.verdict_icon.setPixmap(theme.icon("error").pixmap(28, 28))
            a11y.name(self.verdict_icon, "Problem")
            where = f" First bad entry: #{report.first_bad}." if report.first_bad is not None else ""
            text = f"<b>The ledger does not verify.</b> {fmt.rich(report.reason)}{where}"
            self._bad = report.first_bad
        if report.warnings:
            text += "<br>" + "<br>".join(f"\u26a0 {fmt.rich(w)}" for w in report.warnings)
        self.verdict_text.setText(text)
        self.verdict_show.setVisible(self._bad is not None)
        self.verdict.show()
        self.model.mark_bad(self._bad)
        if self._bad is not None:
            self.reveal(self._bad)

    # -- checkpoints and proofs ------------------------------------------------------------------------------
    def checkpoint(self) -> None:
        self.ctx.require_ledger()
        ws = self.ctx.ws
        # A witness that cannot be written or no longer agrees is said before the password is asked.
        self.ctx.ops.op(self, ws.check_checkpoint, title="Checking the witness").success(
            lambda _none: self._sign_checkpoint()
        ).run()

    def _sign_checkpoint(self) -> None:
        ledger = self.ctx.require_ledger()
        ws = self.ctx.ws
        with asked_once(
            KeyDialog(
                self.ctx,
                "Sign a checkpoint",
                f"A checkpoint signs the Merkle root of all {fmt.counted(self._size, 'entry')} with the operator "
                f"key {ledger.identity.operator}. Proofs and documents are checked against it.",
                self,
                prefer=ledger.identity.operator,
            )
        ) as dialog:
            signer = dialog.signer() if dialog.exec() else None
        if signer is None:
            return
        (
            self.ctx.ops.op(self, lambda: ws.checkpoint(signer), write=True, title="Signing a checkpoint")
            .success(
                lambda entry: prompts.inform(
                    self,
                    f"Checkpoint recorded as entry #{entry.index}, covering {fmt.counted(entry.message['size'], 'entry')}.",
                )
            )
            .run()
        )

    def export_proof(self) -> None:
        self.ctx.require_ledger()
        ws = self.ctx.ws
        row = self.table.currentIndex().row()
        index = self.model.entry_index_at(row)
        if index is None:
            prompts.show_error(self, "Select the entry to prove first.")
            return
        path = prompts.save_file(self, "Save inclusion proof", f"proof-entry-{index}.json", "Proof files (*.json)")
        if path is None:
            return
        # The save dialog asked before replacing a file; links are still never written through.
        self.ctx.ops.op(self, lambda: ws.write_proof(index, path, force=True), title="Exporting a proof").success(
            lambda where: prompts.inform(self, f"The proof of entry #{index} is in {where}.")
        ).run()

    def check_proof(self) -> None:
        path = prompts.open_file(self, "Check an inclusion proof", "Proof files (*.json);;All files (*)")
        if path is None:
            return

        def work() -> Any:
            from core.proofs import read_proof_file, verify_proof

            return verify_proof(read_proof_file(path))

        def shown(report: Any) -> None:
            prompts.inform(
                self,
                f"The proof is valid: entry #{report.index} ({report.summary}) is in the ledger "
                f"\u201c{report.ledger_name}\u201d, whose operator {report.operator} signed a checkpoint "
                f"of {fmt.counted(report.tree_size, 'entry')} on {fmt.when(report.checkpoint_time)}.",
            )

        self.ctx.ops.op(self, work, title="Checking a proof").success(shown).run()


class KeyDialog(QDialog):
    """Pick a local key and type its password (for one signature)."""

    def __init__(
        self, ctx: AppContext, title: str, text: str, parent: QWidget | None = None, prefer: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(label(text, wrap=True))
        self.picker = KeyPicker(lambda: [(k.name, k.address) for k in ctx.keys.list()])
        if prefer:
            self.picker.select(preferred_key(ctx, prefer))
        layout.addWidget(self.picker)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Sign")
        self.ok.setEnabled(False)
        self.picker.changed.connect(lambda: self.ok.setEnabled(self.picker.ready()))
        layout.addWidget(buttons)

    def signer(self) -> Signer:
        return self.picker.signer()


def preferred_key(ctx: AppContext, prefer: str) -> str:
    """The name of the local key `prefer` names (a key name or an address), through the workspace's resolver."""
    from core.errors import DeedbookError

    try:
        return resolve_key(ctx.keys, prefer).name
    except DeedbookError:
        return prefer  # no such key here: the picker keeps its first choice
