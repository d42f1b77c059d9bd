"""The notary's own desk: attest from a request file on a machine with no ledger, and keep the journal.

Open an attestation request (or drop it) -> the evidence is checked offline and
each check shown pass/fail -> the jurisdiction's journal form -> attest (sign,
save the response for the agency, write the journal row) or refuse (journaled).
The second tab is the notary's own journal: rows by date, verify, export PDF/CSV.
Every file read and every signature runs off the UI thread (the operation helper).
"""

from __future__ import annotations

import contextlib
import html
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QMainWindow,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.errors import DeedbookError
from core.keys import KeyStore
from core.paths import DataDir
from core.settings import Settings
from desktop.gui import a11y, fmt, prompts, theme
from desktop.gui.events import Events
from desktop.gui.operations import UNKNOWN, Latest, Op, Operations, TaskHandle
from desktop.gui.panes.base import ProgressRow
from desktop.gui.widgets.basics import Columns, banner, button, card, clear_layout, label, open_at, set_role
from desktop.gui.widgets.fields import KeyPicker
from desktop.gui.widgets.journal_form import JournalForm
from desktop.workspace import Done, Workspace

if TYPE_CHECKING:
    from core.attestation_requests import EvidenceReport
    from core.notary_journal import JournalCheck, JournalRow
    from core.requests import SigningRequest
    from desktop.workspace.parties import Attested

TITLE = "Notary's desk"
STEPS = ("1 Open the request", "2 Check it", "3 Journal fields", "4 Attest")
COLUMNS = ["Row", "Date", "Type", "Act", "Entry", "Ledger", "Signers", "Document", "Fee", "Profile"]
FORM_LEAST_HEIGHT = 120  # the journal fields' own scrolled view: a few fields in sight when the desk is short


class NotaryDeskWindow(QMainWindow):
    def __init__(
        self, home: DataDir, keys: KeyStore, parent: QWidget | None = None, *, settings: Settings | None = None
    ) -> None:
        super().__init__(parent)
        self.ws = Workspace(home, keys=keys)  # needs no ledger: the request carries its evidence
        self.keys = keys
        self.settings = settings  # remembers the journal profile chosen last (None: starts on generic)
        self.events = Events()
        self.ops = Operations(self.events)
        self._latest = Latest(self.ops, self)  # a period changed twice: only the newest period's rows
        self.request: "SigningRequest | None" = None
        self.source: Path | None = None
        self.report: "EvidenceReport | None" = None
        self.rows: list["JournalRow"] = []
        self.setWindowTitle(fmt.window_title(TITLE))
        self.setWindowIcon(theme.app_icon())
        self.setMinimumSize(QSize(980, 560))  # a request scrolls; it opens 720 tall only where the screen has room
        open_at(self, QSize(980, 720))
        self.setAcceptDrops(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._attest_tab(), theme.icon("notary"), "Attest a request")
        self.tabs.addTab(self._journal_tab(), theme.icon("journal"), "My journal")
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.tabs, 1)
        # shown while an append waits for another program writing in the journal: what for, and Cancel
        self.progress_row = ProgressRow()
        holder = QHBoxLayout()
        holder.setContentsMargins(18, 0, 18, 10)
        holder.addWidget(self.progress_row)
        column.addLayout(holder)
        self.progress_row.cancel_button.clicked.connect(self._cancel_write)
        self._writing: "Op[Any] | None" = None
        self.setCentralWidget(central)
        self.load_journal()

    # -- attesting ---------------------------------------------------------------------------------------------
    def _attest_tab(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(18, 14, 18, 14)
        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(label("Notary's desk", "title"))
        titles.addWidget(
            label(
                "Attest from a request file: no copy of the agency's ledger is needed. The journal "
                "is yours, on this machine; the agency gets only the signed attestation.",
                "subtitle",
                wrap=True,
            )
        )
        self.open_button = button("Open request\u2026", "import")
        head.addLayout(titles, 1)
        head.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(head)
        self.steps = label("", "muted")
        outer.addWidget(self.steps)
        self.placeholder = label("Open an attestation request, or drop it on this window.", "muted")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.placeholder, 1)

        self.content = QWidget()
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        # the request's verdict, checks, act and journal fields scroll when the window is short (the signing card
        # stays in view); when it is narrow, the act goes under the checks (its hashes were cut on the right)
        self.request_area = a11y.form_area(QScrollArea())
        self.request_area.setWidgetResizable(True)
        self.request_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scrolled = QWidget()
        self.request_area.setWidget(scrolled)
        request = QVBoxLayout(scrolled)
        request.setContentsMargins(0, 0, 0, 0)
        self.request_area.installEventFilter(self)
        self.verdict, verdict_layout = banner("good")
        self.verdict_text = label("", wrap=True)
        verdict_layout.addWidget(self.verdict_text, 1)
        request.addWidget(self.verdict)
        top = self.top = Columns((1, 1))
        check_card, check_layout = card()
        check_layout.addWidget(label("What was checked on this machine", "section"))
        self.checks = QGridLayout()
        self.checks.setColumnStretch(1, 1)
        check_layout.addLayout(self.checks)
        check_layout.addStretch(1)
        act_card, act_layout = card()
        act_layout.addWidget(label("The act", "section"))
        self.act_grid = QGridLayout()
        self.act_grid.setColumnStretch(1, 1)
        act_layout.addLayout(self.act_grid)
        act_layout.addStretch(1)
        top.addWidget(check_card, 1)
        top.addWidget(act_card, 1)
        request.addLayout(top, 2)
        form_card, form_layout = card()
        form_layout.addWidget(label("Journal fields", "section"))
        self.form = JournalForm()
        self.form.select_profile(self.settings.journal_profile if self.settings else "generic")
        scroll = a11y.form_area(QScrollArea())
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        form_layout.addWidget(scroll, 1)
        scroll.setMinimumHeight(FORM_LEAST_HEIGHT)
        request.addWidget(form_card, 3)
        content.addWidget(self.request_area, 1)
        sign_card, sign_layout = card()
        self.picker = KeyPicker(lambda: [(k.name, k.address) for k in self.keys.list()])
        sign_layout.addWidget(self.picker)
        row = QHBoxLayout()
        self.problem = label("", "muted", wrap=True)
        self.refuse_button = button(
            "Refuse\u2026", "cancel", tip="Refuse the request and keep the refusal in the journal (Iowa requires it)"
        )
        self.attest_button = button("Attest and save response\u2026", primary=True)
        row.addWidget(self.problem, 1)
        row.addWidget(self.refuse_button)
        row.addWidget(self.attest_button)
        sign_layout.addLayout(row)
        content.addWidget(sign_card)
        outer.addWidget(self.content, 1)
        self.content.hide()
        self.open_button.clicked.connect(self._open_dialog)
        self.form.changed.connect(self._update)
        self.picker.changed.connect(self._update)
        self.attest_button.clicked.connect(self.attest)
        self.refuse_button.clicked.connect(self.refuse)
        self._set_step(0)
        return page

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.request_area and event.type() == QEvent.Type.Resize:
            self.top.fit_in(self.request_area, self.request_area.width())
        return super().eventFilter(watched, event)

    def _set_step(self, current: int) -> None:
        self.steps.setText("   \u203a   ".join(f"<b>{s}</b>" if i == current else s for i, s in enumerate(STEPS)))

    def _open_dialog(self) -> None:
        path = prompts.open_file(self, "Open an attestation request", "Signing requests (*.json);;All files (*)")
        if path is not None:
            self.load(path)

    def load(self, path: Path) -> None:
        """Read and check the request on a worker (the proof is verified there), then show it."""
        from core.requests import load_request

        ws = self.ws

        def work() -> tuple["SigningRequest", "EvidenceReport"]:
            request = load_request(path)
            if request.kind != "Attestation":
                raise DeedbookError(
                    f"{path.name} asks for {request.kind}, not a notarial attestation: sign it in the offline signer."
                )
            return request, ws.check_attestation_request(request)

        # a second file chosen before the first is checked: only the second's answer is shown (and attested)
        self._latest.read("request", work, lambda got: self.show_request(path, *got), title="Checking the request")

    def show_request(self, path: Path, request: "SigningRequest", report: "EvidenceReport") -> None:
        from core.requests import summarize

        self.request, self.source, self.report = request, path, report
        clear_layout(self.checks)
        for row, check in enumerate(report.checks):
            mark = label("\u2714 pass" if check.ok else "\u2718 FAIL", "good" if check.ok else "bad")
            self.checks.addWidget(mark, 2 * row, 0, Qt.AlignmentFlag.AlignTop)
            self.checks.addWidget(label(check.label, "section"), 2 * row, 1)
            self.checks.addWidget(label(check.detail, "muted", wrap=True, plain=True), 2 * row + 1, 1)
        if report.ok:
            set_role(self.verdict, "banner-good")
            self.verdict_text.setText(
                "The request checks: the entry is in the agency's ledger as the signed "
                "checkpoint says, and the attestation names exactly that entry."
            )
        else:
            set_role(self.verdict, "banner-bad")
            failed = report.first_failure
            self.verdict_text.setText(
                html.escape(f"Do not attest: {failed.label.lower()}: {failed.detail}" if failed else "Do not attest.")
            )
        summary = summarize(request, None, warn_ledger=False, notation=fmt.notation())
        clear_layout(self.act_grid)
        shown = [(k, v) for k, v in summary.lines if k not in ("Identity evidence", "Identity number", "Domain hash")]
        for row, (name, value) in enumerate(shown):
            self.act_grid.addWidget(label(name, "muted", plain=True), row, 0, Qt.AlignmentFlag.AlignTop)
            self.act_grid.addWidget(label(value, wrap=True, selectable=True, plain=True), row, 1)
        self.form.set_signers(list(request.message["signers"]))
        found = self.keys.find_by_address(request.signer)
        self.picker.reload(prefer=found.name if found is not None else None)
        self.placeholder.hide()
        self.content.show()
        self.setWindowTitle(fmt.window_title(path.name, TITLE))
        self._update()

    def _update(self) -> None:
        if self.request is None or self.report is None:
            return
        problem = None if self.report.ok else "The request does not check; it cannot be attested."
        if problem is None:
            problem = self.form.problem(real_property=bool(self.request.message["deedId"]))
            step = 2 if problem else 3
        else:
            step = 1
        if problem is None and not self.picker.ready():
            problem = "Choose your notary key and type its password."
        self._set_step(step)
        self.problem.setText(problem or "Ready to attest.")
        self.attest_button.setEnabled(problem is None)
        self.refuse_button.setEnabled(self.picker.ready())

    def attest(self) -> None:
        if self.request is None or self.source is None:
            return
        try:
            fields = self.form.fields()
        except DeedbookError as error:
            prompts.show_error(self, str(error))
            return
        suggested = self.source.with_name(self.source.stem + "-attested.json")
        target = prompts.save_file(self, "Save the signed attestation", str(suggested), "Signing responses (*.json)")
        if target is None:
            return
        request, ws, signer, profile = self.request, self.ws, self.picker.signer(), self.form.profile_name()

        def work(waiting: Callable[[str], None], cancelled: Callable[[], bool]) -> "Done[Attested]":
            return ws.attest_request(  # the save dialog asked before replacing a file
                request,
                signer,
                profile=profile,
                fields=fields,
                out=target,
                force=True,
                waiting=waiting,
                cancelled=cancelled,
            )

        self.attest_button.setEnabled(False)
        self._write_journal(work, "Attesting").success(self._attested).done(self._update).run()

    def _write_journal(self, work: Callable[[Callable[[str], None], Callable[[], bool]], Any], title: str) -> "Op[Any]":
        """A journal append (attest, refuse, void) on the write pool: appends run one at a time here, and when
        another program holds the journal (a second desk, the command line) the progress row says so, with a
        moving bar and Cancel, which ends the wait with nothing journaled (as a replica sync's wait does)."""
        row = self.progress_row

        def task(handle: TaskHandle) -> Any:
            return work(lambda said: handle.fraction(UNKNOWN, said), handle.should_cancel)

        def waiting(_fraction: float, said: str) -> None:
            row.bar.setRange(0, 0)  # no fraction done: the other writer's append takes what it takes
            row.text.setText(said)
            row.show()

        def ended() -> None:
            row.hide()
            if self._writing is op:
                self._writing = None

        op = self.ops.task(self, task, write=True, title=title)
        self._writing = op
        return op.on_progress(waiting).done(ended)

    def _cancel_write(self) -> None:
        if self._writing is not None:
            self._writing.cancel()

    def _remember_profile(self) -> None:
        if self.settings is not None:
            self.settings.journal_profile = self.form.profile_name()
            with contextlib.suppress(OSError):  # a read-only config folder must not fail the act
                self.settings.save()

    def _attested(self, done: "Attested") -> None:
        self._remember_profile()
        self.picker.clear_password()
        self.load_journal()
        prompts.inform(
            self,
            f"Attested. Journal row {done.row.seq} is written on this machine; give {done.path} to "
            "the agency, which records the attestation in its ledger.",
        )

    def refuse(self) -> None:
        if self.request is None:
            return
        from desktop.gui.dialogs.party_requests import what_it_records

        what = fmt.plain(what_it_records(self.request, None), 400)
        reason, ok = QInputDialog.getText(
            self,
            "Refuse the request",
            f"Refuse \u201c{what}\u201d with the key '{self.picker.key_name()}'? Nothing is signed for the "
            "agency; the refusal is a row in your journal, never removed. Why is it refused?",
        )
        if not ok or not reason.strip():
            return
        request, ws, signer, profile = self.request, self.ws, self.picker.signer(), self.form.profile_name()
        self._write_journal(
            lambda waiting, cancelled: ws.refuse_request(
                request, signer, profile=profile, reason=reason, waiting=waiting, cancelled=cancelled
            ),
            "Journaling the refusal",
        ).success(self._refused).run()

    def _refused(self, row: "JournalRow") -> None:
        self._remember_profile()
        self.load_journal()
        prompts.inform(self, f"Refused; the refusal is journal row {row.seq}. Nothing was signed.")

    # -- the journal -------------------------------------------------------------------------------------------
    def _journal_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(18, 14, 18, 14)
        row = QHBoxLayout()
        self.date_from = QDateEdit(fmt.today().addYears(-10))
        self.date_to = QDateEdit(fmt.today())
        a11y.name(self.date_from, "Journal from")  # "From" and "to" alone say little out of their row
        a11y.name(self.date_to, "Journal to")
        for widget in (self.date_from, self.date_to):
            widget.setCalendarPopup(True)
            widget.setDisplayFormat("yyyy-MM-dd")
            widget.dateChanged.connect(lambda _d: self.load_journal())
        self.verify_button = button("Verify journal", "verify", tip="Check every row's hash, link and signature")
        self.void_button = button(
            "Void row\u2026", "remove", tip="Void the selected row: a new row naming it (nothing is edited)"
        )
        self.pdf_button = button("Export PDF\u2026", "export")
        self.csv_button = button("Export CSV\u2026", "export")
        row.addWidget(a11y.buddy(label("From", "muted"), self.date_from))
        row.addWidget(self.date_from)
        row.addWidget(a11y.buddy(label("to", "muted"), self.date_to))
        row.addWidget(self.date_to)
        row.addStretch(1)
        for action in (self.void_button, self.verify_button, self.pdf_button, self.csv_button):
            row.addWidget(action)
        layout.addLayout(row)
        self.journal_state = label("", "muted", wrap=True)
        layout.addWidget(self.journal_state)
        self.table = a11y.name(QTableWidget(0, len(COLUMNS)), "Notary journal")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.verify_button.clicked.connect(self.verify_journal)
        self.void_button.clicked.connect(self.void_row)
        self.pdf_button.clicked.connect(lambda: self._export("pdf"))
        self.csv_button.clicked.connect(lambda: self._export("csv"))
        return page

    def _period(self) -> tuple[str, str]:
        return fmt.qdate(self.date_from.date()).isoformat(), fmt.qdate(self.date_to.date()).isoformat()

    def load_journal(self) -> None:
        ws, (start, end) = self.ws, self._period()
        self._latest.read("journal", lambda: ws.journal_rows(start, end), self._rows, title="Reading the journal")

    def _rows(self, rows: list["JournalRow"]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for n, r in enumerate(rows):
            d = r.data
            act, fields = d.get("act") or {}, d.get("fields") or {}
            ref = f" (row {d['ref']})" if d.get("ref") is not None else ""
            cells = [
                str(r.seq),
                r.shown_day(),
                f"{r.type}{ref}",
                str(act.get("act") or d.get("reason") or ""),
                f"{act.get('entryIndex', '')} {act.get('entryKind', '')}".strip(),
                str(act.get("ledgerName", "")),
                ", ".join(str(s.get("name", "")) for s in fields.get("signers", [])),
                str(fields.get("document", "")),
                str(fields.get("fee", "")),
                str(d.get("profile", "")),
            ]
            for column, text in enumerate(cells):
                self.table.setItem(n, column, QTableWidgetItem(fmt.plain(text, 80)))
        self.pdf_button.setEnabled(bool(rows))
        self.void_button.setEnabled(bool(rows))
        self.csv_button.setEnabled(bool(rows))
        self.verify_button.setEnabled(self.ws.has_notary_journal())
        self.journal_state.setText(
            f"{fmt.count(len(rows))} row(s) in the period."
            if rows
            else "No journal rows yet: the first attestation you sign writes the first row."
        )

    def void_row(self) -> None:
        """Void the selected row with the notary key chosen on the first tab (its password asked here)."""
        from desktop.workspace import Signer

        selected = self.table.currentRow()
        key = self.picker.key_name()
        if selected < 0 or selected >= len(self.rows) or key is None:
            prompts.show_error(self, "Select a journal row, and choose your notary key on the first tab.")
            return
        row = self.rows[selected]
        seq, act, fields = row.seq, row.data.get("act") or {}, row.data.get("fields") or {}
        signers = ", ".join(str(s.get("name", "")) for s in fields.get("signers", [])) or "no signer named"
        what = fmt.plain(
            f"{act.get('act') or row.type} of {row.shown_day()}, entry #{act.get('entryIndex', '?')}, {signers}", 160
        )
        # the question names the row it voids and the key that signs the void (a new row)
        reason, ok = QInputDialog.getText(
            self,
            "Void a journal row",
            f"Void row {seq} ({what}) with the key '{key}'? The row stays in the journal, marked void by a new "
            "signed row that cannot be removed. Why is it void?",
        )
        if not ok or not reason.strip():
            return
        password = prompts.password(self, f"Password of the key '{key}'")
        if password is None:
            return
        ws, signer = self.ws, Signer(key, password)
        self._write_journal(
            lambda waiting, cancelled: ws.amend_journal(
                signer, ref=seq, row_type="void", reason=reason, waiting=waiting, cancelled=cancelled
            ),
            "Voiding the row",
        ).success(lambda _row: self.load_journal()).run()

    def verify_journal(self) -> None:
        ws = self.ws
        self.ops.op(self, ws.verify_notary_journal, title="Verifying the journal").success(self._verified).run()

    def _verified(self, check: "JournalCheck") -> None:
        self.journal_state.setText(check.reason if check.ok else f"\u2718 {check.reason}")
        (prompts.inform if check.ok else prompts.show_error)(self, check.reason)

    def _export(self, kind: str) -> None:
        start, end = self._period()
        target = prompts.save_file(
            self,
            f"Export the journal as {kind.upper()}",
            f"journal-{start}-{end}.{kind}",
            f"{kind.upper()} files (*.{kind})",
        )
        if target is None:
            return
        ws = self.ws
        export = ws.export_journal_pdf if kind == "pdf" else ws.export_journal_csv
        (
            self.ops.op(self, lambda: export(target, start, end, force=True), title="Exporting the journal")
            .success(lambda path: prompts.inform(self, f"Wrote {path}."))
            .run()
        )

    # -- drag and drop ---------------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.tabs.setCurrentIndex(0)
                self.load(Path(url.toLocalFile()))
                break
        event.acceptProposedAction()

    def closeEvent(self, event: object) -> None:
        self.ops.shutdown()
        super().closeEvent(event)  # type: ignore[arg-type]
