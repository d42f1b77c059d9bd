"""The notary desk: attest a recorded transaction with the journal fields, browse and export the journal."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.gui import a11y, fmt, prompts
from desktop.gui.context import AppContext
from desktop.gui.events import Change, Changes
from desktop.gui.operations import Latest, describe_error, report_error
from desktop.gui.panes.base import Pane
from desktop.gui.widgets.basics import button, card, label
from desktop.gui.widgets.fields import KeyPicker
from desktop.workspace import Document, Done, Signer

if TYPE_CHECKING:
    from core.ledger import RecordedEntry
    from core.notary import JournalRecord

ACTS = ("Acknowledgment", "Jurat", "Signature witnessing", "Copy certification", "Oath or affirmation")
EVIDENCE = ("Passport", "Driving licence", "National identity card", "Personally known", "Credible witness")
COLUMNS = ["Date", "Act", "Entry", "Kind", "Deed", "Signers", "Place", "Evidence", "Attestation"]


class NotaryPane(Pane):
    title = "Notary desk"
    subtitle = (
        "Attest a recorded transaction: the attestation is itself a signed ledger entry, and your journal "
        "is read from the ledger. Identity numbers are kept only as a keyed hash."
    )
    icon = "notary"
    listens_to = Changes.LEDGER | Changes.KEYS | Changes.JOURNAL | Changes.NAMES

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._entry_ok = False
        splitter = QSplitter(Qt.Orientation.Horizontal)
        # a short window scrolls the form instead of squeezing its wrapped lines together
        form = a11y.form_area(QScrollArea())
        form.setWidgetResizable(True)
        form.setFrameShape(QFrame.Shape.NoFrame)
        form.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._form_card = self._attest_form()
        form.setWidget(self._form_card)
        self._form = form
        splitter.addWidget(form)
        splitter.addWidget(self._journal())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([470, 700])
        splitter.setChildrenCollapsible(False)
        self.body.addWidget(splitter, 1)
        self.records: list["JournalRecord"] = []
        self._latest = Latest(ctx.ops, self)
        self._preview()
        self.load_journal()
        self._start_on_newest_transfer()

    def _start_on_newest_transfer(self) -> None:
        """Open on the newest transfer, the usual thing to attest, rather than entry 0 (the ledger's genesis,
        which is never attested): unless an entry was chosen meanwhile."""
        ledger = self.ctx.ledger
        if ledger is None:
            return

        def newest() -> int | None:
            from core.browse import entry_indexes

            found = entry_indexes(ledger, kind="Transfer")
            return found[-1] if len(found) else None

        def start_on(index: int | None) -> None:
            if index is not None and self.entry.value() == 0:
                self.entry.setValue(index)

        self._latest.read("newest-transfer", newest, start_on, title="Finding the newest transfer")

    def showEvent(self, event: object) -> None:
        super().showEvent(event)
        # the form scrolls down but is never cut on the right: its least width, measured once it is styled
        least = self._form_card.minimumSizeHint().width()
        self._form.setMinimumWidth(least + self._form.verticalScrollBar().sizeHint().width())  # beside its bar

    # -- attesting -------------------------------------------------------------------------------------------
    def _attest_form(self) -> QWidget:
        frame, layout = card()
        layout.addWidget(label("Attest an entry", "section"))
        form = QFormLayout()
        form.setVerticalSpacing(8)
        self.entry = QSpinBox()
        self.entry.setRange(0, 2_000_000_000)
        self.entry_preview = label("", "muted", wrap=True, plain=True)  # a parcel is stored text
        # a full address cannot wrap: it must not widen the form (a minimum width instead made the row as
        # tall as the text would be at that width)
        self.entry_preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # a height worked out at another width leaves its spare room under the lines, not above them
        self.entry_preview.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.act = QComboBox()
        self.act.setEditable(True)
        self.act.addItems(ACTS)
        self.act_date = QDateEdit(fmt.today())
        self.act_date.setCalendarPopup(True)
        self.act_date.setDisplayFormat("yyyy-MM-dd")
        self.act_date.setMaximumDate(fmt.latest_day())  # core's bound: today somewhere
        self.place = QLineEdit()
        self.place.setPlaceholderText("City, county, state")
        self.evidence = QComboBox()
        self.evidence.setEditable(True)
        self.evidence.addItems(EVIDENCE)
        self.id_number = QLineEdit()
        self.id_number.setEchoMode(QLineEdit.EchoMode.Password)
        self.id_number.setPlaceholderText("Number on the document seen (optional; hashed, never stored)")
        form.addRow("Entry #", self.entry)
        form.addRow("", self.entry_preview)
        from desktop.gui.widgets.screening import ScreenView, scrolled

        self.screening = ScreenView()  # the agency's screen of a transfer, before the notary attests it
        self.screening.show_message("Choose a transfer to see its screening (internal, on the agency's ledger only).")
        form.addRow("Screening", scrolled(self.screening, 160, grow_to=260))  # as tall as its reasons, up to 260
        form.addRow("Act", self.act)
        form.addRow("Date", self.act_date)
        form.addRow("Place", self.place)
        form.addRow("Evidence", self.evidence)
        form.addRow("ID number", self.id_number)
        layout.addLayout(form)
        layout.addWidget(label("Notary's signature", "section"))
        self.key = KeyPicker(lambda: [(k.name, k.address) for k in self.ctx.keys.list()])
        layout.addWidget(self.key)
        row = QHBoxLayout()
        self.problem = label("", "muted", wrap=True)
        self.attest_button = button("Attest", primary=True)
        row.addWidget(self.problem, 1)
        row.addWidget(self.attest_button)
        layout.addLayout(row)
        layout.addStretch(1)
        self.entry.valueChanged.connect(lambda _v: self._preview())
        self.key.changed.connect(self._validate)
        self.act.editTextChanged.connect(lambda _t: self._validate())
        self.attest_button.clicked.connect(self.attest)
        for key in self.ctx.keys.list():
            if "notary" in key.name.lower():
                self.key.select(key.name)
                break
        return frame

    def _preview(self) -> None:
        ledger = self.ctx.ledger
        self._latest.forget("screening")  # another entry: the last one's screening, still coming, is stale
        self._entry_ok = False
        self._validate()
        if ledger is None:
            self.entry_preview.setText("No ledger is open.")
            self.screening.show_message(
                "Screening is not available here: this machine holds no copy of the agency's ledger."
            )
            return
        index = self.entry.value()
        self.entry_preview.setText(f"Reading entry {index}\u2026")
        self._latest.read(
            "entry",
            lambda: ledger.entry(index),
            self._show_entry,
            failed=lambda error: self.entry_preview.setText(describe_error(error)),
            title="Reading the entry",
        )

    def _show_entry(self, entry: "RecordedEntry") -> None:
        from desktop.gui.phrases import describe_named

        signers = ", ".join(f"{self.ctx.short_label(s.signer)} ({s.role})" for s in entry.signatures)
        # the parties by name, as the ledger's Summary column; their addresses in the tooltip
        named = describe_named(entry.kind, entry.message, self.ctx.short_label)
        self.entry_preview.setText(f"{fmt.plain(entry.kind)}: {fmt.plain(named)}\nSigned by {signers}.")
        addresses = "".join(f"<br>{fmt.rich(s.role)}: {s.signer}" for s in entry.signatures)
        whole = describe_named(entry.kind, entry.message, lambda address: address)  # the full addresses
        self.entry_preview.setToolTip(f"<p>{fmt.rich(whole)}{addresses}</p>")  # escaped: rich text
        self._entry_ok = entry.kind not in ("Attestation", "Checkpoint", "LedgerGenesis")
        if not self._entry_ok:
            self.entry_preview.setText(self.entry_preview.text() + "\nThis kind of entry is not attested.")
        self._validate()
        if entry.kind == "Transfer":
            from desktop.gui.widgets.screening import screen_entry_into

            screen_entry_into(self.ctx, self._latest, self.screening, entry.index)
        else:
            self.screening.show_message("Only transfers are screened.", "banner-good")

    def _validate(self) -> None:
        missing = []
        if not self._entry_ok:
            missing.append("an entry to attest")
        if not self.act.currentText().strip():
            missing.append("the act")
        if not self.key.ready():
            missing.append("the notary's key and password")
        self.problem.setText("Still needed: " + ", ".join(missing) + "." if missing else "Ready to attest.")
        self.attest_button.setEnabled(not missing)

    def select_entry(self, index: int) -> None:
        self.entry.setValue(index)

    def attest(self) -> None:
        self.ctx.require_ledger()
        ws, signer = self.ctx.ws, self.key.signer()
        index, act, place = self.entry.value(), self.act.currentText(), self.place.text()
        evidence, number = self.evidence.currentText(), self.id_number.text() or None
        act_date = fmt.qdate(self.act_date.date())
        what = self.entry_preview.text().split("\n")[0]  # the entry's kind and parties, as shown above

        def check() -> None:  # a date to come, an entry the rules refuse: said before the question
            ws.check_attestation(index, signer, act=act, place=place, id_kind=evidence, act_date=act_date)

        self.attest_button.setEnabled(False)
        (
            self.ctx.ops.op(self, check, title="Checking the attestation")
            .success(lambda _none: self._confirm(index, what, signer, act, place, evidence, number, act_date))
            .failure(self._check_refused)
            .run()
        )

    def _check_refused(self, error: BaseException) -> None:
        report_error(self, error, "Attesting")
        self._validate()

    def _confirm(
        self,
        index: int,
        what: str,
        signer: Signer,
        act: str,
        place: str,
        evidence: str,
        number: str | None,
        act_date: date,
    ) -> None:
        ws = self.ctx.ws
        if not prompts.ask(
            self,
            f"Attest entry #{index} ({what}): {act} at {' '.join(place.split()) or 'no place given'} on "
            f"{act_date.isoformat()}, identity by {evidence}, signed by the key '{signer.key}'? The attestation "
            "is recorded in the ledger and your journal and is never removed.",
            yes="Attest",
        ):
            self._validate()
            return  # nothing signed, the form kept as filled

        def work() -> Done[int]:
            return ws.attest(index, signer, act=act, place=place, id_kind=evidence, id_number=number, act_date=act_date)

        (
            self.ctx.ops.op(self, work, write=True, title="Recording the attestation")
            .success(self._attested)
            .done(self._validate)
            .run()
        )

    def _attested(self, index: int) -> None:
        self.id_number.clear()
        self.key.clear_password()
        prompts.inform(self, f"Attestation recorded as entry #{index}; it is in the journal.")

    # -- the journal --------------------------------------------------------------------------------------
    def _journal(self) -> QWidget:
        frame, layout = card()
        layout.addWidget(label("Journal", "section"))
        row = QHBoxLayout()
        self.mine = QCheckBox("Only the selected notary key")
        self.date_from = QDateEdit(fmt.today().addYears(-10))
        self.date_to = QDateEdit(fmt.today())
        a11y.name(self.date_from, "Journal from")
        a11y.name(self.date_to, "Journal to")
        for widget in (self.date_from, self.date_to):
            widget.setCalendarPopup(True)
            widget.setDisplayFormat("yyyy-MM-dd")
        self.export_button = button("Export\u2026", "export", tip="The journal as PDF, CSV or JSON")
        self.record_pdf = button("Record PDF", "documents", tip="The notary journal record of the selected act")
        tools: tuple[QWidget, ...] = (self.date_from, self.date_to, self.mine, self.record_pdf, self.export_button)
        for tool in tools:
            tool.setMinimumWidth(tool.sizeHint().width())  # cut to "201" and "Recor" in a narrow window
        # the dates and the filter above the table, the buttons below it: in one row they did not fit beside
        # the form at the window's least width
        row.addWidget(a11y.buddy(label("From", "muted"), self.date_from))
        row.addWidget(self.date_from)
        row.addWidget(a11y.buddy(label("to", "muted"), self.date_to))
        row.addWidget(self.date_to)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.mine)
        self.table = a11y.name(QTableWidget(0, len(COLUMNS)), "Notary journal")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.count = label("", "muted", wrap=True)
        row = QHBoxLayout()
        row.addWidget(self.count, 1)
        row.addWidget(self.record_pdf)
        row.addWidget(self.export_button)
        layout.addLayout(row)
        for signal in (self.date_from.dateChanged, self.date_to.dateChanged):
            signal.connect(lambda _d: self.load_journal())
        self.mine.toggled.connect(lambda _c: self.load_journal())
        self.export_button.clicked.connect(self.export)
        self.record_pdf.clicked.connect(self.record_document)
        self.table.doubleClicked.connect(self._open_record)
        return frame

    def load_journal(self) -> None:
        ledger = self.ctx.ledger
        if ledger is None:
            self.table.setRowCount(0)
            return
        notary = None
        if self.mine.isChecked() and self.key.key_name():
            notary = self.ctx.keys.get(self.key.key_name() or "").address
        start, end, ws = fmt.qdate(self.date_from.date()), fmt.qdate(self.date_to.date()), self.ctx.ws
        self._latest.read(
            "journal", lambda: ws.journal(notary, start, end), self._show_journal, title="Reading the journal"
        )

    def _show_journal(self, records: list["JournalRecord"]) -> None:
        self.records = records
        self.table.setRowCount(len(records))
        for row, record in enumerate(records):
            m = record.message
            values = [
                m["actDate"],
                m["act"],
                f"#{m['entryIndex']}",
                m["entryKind"],
                str(m["deedId"] or ""),
                ", ".join(self.ctx.short_label(s) for s in m["signers"]),
                m["place"],
                m["idEvidence"],
                f"#{record.index}",
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(fmt.plain(value))
                item.setData(Qt.ItemDataRole.UserRole, record.index)
                if column == 5:
                    item.setToolTip("\n".join(m["signers"]))
                self.table.setItem(row, column, item)
        self.count.setText(
            f"{fmt.count(len(records))} attestation(s) \u2022 recorded by {fmt.count(len({r.notary for r in records}))} notary key(s)"
        )

    def _open_record(self, index: Any) -> None:
        item = self.table.item(index.row(), 0)
        if item is not None:
            self.ctx.events.show_entry.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def record_document(self) -> None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        if item is None:
            prompts.show_error(self, "Select an act in the journal first.")
            return
        index = int(item.data(Qt.ItemDataRole.UserRole))
        from desktop.gui.dialogs.notary_certificate import ask_commission
        from desktop.gui.panes.documents import generate

        if (commission := ask_commission(self.ctx.settings, self)) is not None:
            generate(self.ctx, self, Document.notary_record(index, commission))

    def export(self) -> None:
        path = prompts.save_file(
            self,
            "Export the journal",
            f"notary-journal-{date.today().isoformat()}.pdf",
            "PDF (*.pdf);;CSV (*.csv);;JSON (*.json)",
        )
        if path is None:
            return
        self.ctx.require_ledger()
        records = [r.as_json() for r in self.records]
        notary = (
            self.ctx.keys.get(self.key.key_name() or "").address
            if self.mine.isChecked() and self.key.key_name()
            else None
        )
        start, end = fmt.qdate(self.date_from.date()), fmt.qdate(self.date_to.date())

        def saved(where: Path) -> None:
            prompts.inform(self, f"{fmt.count(len(records))} journal record(s) saved in {where}.")

        if path.suffix.lower() == ".pdf":  # drawn, and checkpointed first if need be, as every document is
            from desktop.gui.panes.documents import generate

            generate(self.ctx, self, Document.journal(notary, start, end), saved, out=path)
            return
        ws, journal_records = self.ctx.ws, list(self.records)

        def work() -> Done[Path]:
            # The save dialog asked before replacing a file; links are still never written through.
            if path.suffix.lower() == ".json":
                return ws.write_file(
                    path, json.dumps({"journal": records}, indent=2, ensure_ascii=False) + "\n", force=True
                )
            return ws.write_journal_csv(path, journal_records, force=True)

        self.ctx.ops.op(self, work, title="Exporting the journal").success(saved).run()

    def on_changed(self, change: Change) -> None:
        if change.what & Changes.KEYS or change.what & Changes.DATA_FOLDER:
            self.key.reload()
        if change.what == Changes.NAMES:  # relabel what is shown (the journal's signers, the entry's)
            self._show_journal(self.records)
        self._preview()
        self.load_journal()
