"""The transfer wizard: terms -> signing requests out, signed responses in -> review -> record -> PDF.

Every check is core.transactions' own, through the workspace (prepare_transfer,
check_transfer, submit), and every ledger read runs on a worker: the wizard only
gathers values, moves files and shows what comes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from core.errors import DeedbookError
from core.presentation import Address
from core.money import amount_text, decimals, to_minor, to_units
from desktop.gui import a11y, fmt, prompts, theme
from desktop.gui.context import AppContext
from desktop.gui.operations import Latest
from desktop.gui.widgets.address_links import link_addresses
from desktop.gui.widgets.basics import banner, button, label, open_at, set_role
from desktop.gui.widgets.amount import AmountSpinBox
from desktop.gui.widgets.deadline import DeadlineField
from desktop.gui.widgets.fields import AddressField
from desktop.gui.widgets.verdict import TransferCheck
from desktop.workspace import Document, Done

if TYPE_CHECKING:
    from core.requests import SigningRequest
    from core.state import DeedState
    from core.transactions import PreparedTransfer

# Offered first; the currency of the deed's last sale is added when it is not among them.
CURRENCIES = ("USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "KWD")


class TransferWizard(QWizard):
    def __init__(self, ctx: AppContext, deed_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.prepared: "PreparedTransfer | None" = None
        self.responses: dict[int, "SigningRequest"] = {}  # request row -> its signed response
        self.recorded: int | None = None
        self.setWindowTitle("Transfer a deed")
        self.setWindowIcon(theme.icon("transfer"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setMinimumSize(860, 560)  # its pages fit; 620 and a title bar were more than a 640 px screen
        open_at(self, QSize(860, 620))
        self.terms = TermsPage(self, deed_id)
        from desktop.gui.transfer_signatures import SignaturesPage

        self.signatures = SignaturesPage(self)
        self.review = ReviewPage(self)
        self.record_page = RecordPage(self)
        for page in (self.terms, self.signatures, self.review, self.record_page):
            self.addPage(page)
        a11y.prepare(self)


class TermsPage(QWizardPage):
    def __init__(self, wizard: TransferWizard, deed_id: int | None) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Deed, buyer and price")
        self.setSubTitle("Nothing is written until every party has signed and you record the transfer.")
        ctx = wizard.ctx
        form = QFormLayout(self)
        form.setVerticalSpacing(10)
        self.deed = QSpinBox()
        self.deed.setRange(1, max(1, deed_id or 1))  # widened when the deeds are counted
        self.deed.setPrefix("Deed ")
        self.deed_info = label("", "muted", wrap=True)
        self.seller = QComboBox()
        self.shares = QSpinBox()
        self.shares.setGroupSeparatorShown(True)
        self.buyer = AddressField()
        self.buyer.set_choices([(k.name, k.address) for k in ctx.keys.list()])  # + the address book, once read
        self.price = AmountSpinBox()  # typed in the desktop's convention; the other one refused, in price_note
        self.price.setRange(0, 1e12)
        self.price.setSingleStep(1000)
        self.price_note = label("", "bad", wrap=True)
        self.price_note.hide()
        self.price.refused.connect(self._price_refused)
        self.price.valueChanged.connect(lambda _v: self._price_refused(""))
        self.currency = QComboBox()
        self.currency.addItems(CURRENCIES)
        a11y.name(self.currency, "Currency")
        self.currency.currentTextChanged.connect(self._currency_changed)
        self._currency_changed(self.currency.currentText())
        price_row = QHBoxLayout()
        price_row.addWidget(self.price, 1)
        price_row.addWidget(self.currency)
        self.closing = QDateEdit(fmt.today())
        self.closing.setCalendarPopup(True)
        self.closing.setDisplayFormat("yyyy-MM-dd")
        self.deadline = DeadlineField(7)  # the days to sign, and the moment they end
        form.addRow("Deed", self.deed)
        form.addRow("", self.deed_info)
        form.addRow("Seller", self.seller)
        form.addRow("Shares", self.shares)
        form.addRow("Buyer", self.buyer)
        form.addRow("Price", price_row)
        form.addRow("", self.price_note)
        form.addRow("Closing date", self.closing)
        form.addRow("Deadline", self.deadline)
        self.check = TransferCheck(ctx)  # "Can this transfer happen?", asked as the terms change
        form.addRow("", self.check)
        self.shares.valueChanged.connect(lambda _v: self._recheck())
        self.buyer.combo.editTextChanged.connect(lambda _t: self._recheck())  # every change, not just validity
        self.deed.valueChanged.connect(self._deed_changed)
        self.seller.currentIndexChanged.connect(self._seller_changed)
        self.buyer.validity_changed.connect(lambda _v: self.completeChanged.emit())
        self._latest = Latest(ctx.ops, self)
        self._preparing = self._ready = False
        if deed_id:
            self.deed.setValue(deed_id)
        self._read_choices()
        self._deed_changed(self.deed.value())

    def _read_choices(self) -> None:
        ws = self.w.ctx.ws

        def read() -> tuple[int, list[tuple[str, str]]]:
            contacts = [(c.name, c.address) for c in ws.address_book().list()]
            return ws.ledger.deed_count(), contacts + [(k.name, k.address) for k in ws.keys.list()]

        def show(found: tuple[int, list[tuple[str, str]]]) -> None:
            count, names = found
            self.deed.setMaximum(max(1, count, self.deed.value()))
            self.buyer.set_choices(names)

        self._latest.read("choices", read, show, title="Reading the address book")

    def _deed_changed(self, deed_id: int) -> None:
        ws = self.w.ctx.ws
        self.deed_info.setText(f"Reading deed {deed_id}\u2026")
        self.seller.clear()
        self.completeChanged.emit()
        self._latest.read(
            "deed", lambda: ws.ledger.deed(deed_id), self._show_deed, failed=self._no_deed, title="Reading the deed"
        )

    def _no_deed(self, error: BaseException) -> None:
        from desktop.gui.operations import describe_error

        self.deed_info.setText(describe_error(error))
        self.seller.clear()

    def _show_deed(self, deed: "DeedState") -> None:
        ctx = self.w.ctx
        liens = len(deed.open_liens())
        self.deed_info.setText(
            f"Parcel {deed.parcel}, {deed.address} \u2022 version {deed.version} \u2022 "
            f"{fmt.count(deed.total_shares)} shares"
            + (f" \u2022 {liens} open lien(s): each lienholder must consent" if liens else "")
        )
        self.seller.blockSignals(True)
        self.seller.clear()
        for holder, count in sorted(deed.holders.items(), key=lambda item: -item[1]):
            self.seller.addItem(
                f"{ctx.label_for(holder)} \u2014 {fmt.share_pct(count, deed.total_shares)}", (holder, count)
            )
        self.seller.blockSignals(False)
        self._seller_changed()
        if deed.last_price and deed.last_currency and not self.price.value():
            if self.currency.findText(deed.last_currency) < 0:
                self.currency.addItem(deed.last_currency)
            self.currency.setCurrentText(deed.last_currency)
            self.price.setValue(to_units(deed.last_price, deed.last_currency))

    def _price_refused(self, sentence: str) -> None:
        self.price_note.setText(sentence)
        self.price_note.setVisible(bool(sentence))

    def _currency_changed(self, currency: str) -> None:
        """The price takes as many decimals as the currency has (JPY none, KWD three)."""
        self.price.setDecimals(decimals(currency))

    def price_text(self) -> str:
        """The price as typed, in the decimals of its currency, for core to parse."""
        currency = self.currency.currentText()
        return amount_text(to_minor(self.price.value(), currency), currency, grouped=False)

    def _seller_changed(self, _index: int = 0) -> None:
        data = self.seller.currentData()
        held = data[1] if data else 1
        self.shares.setRange(1, max(1, held))
        self.shares.setValue(held)
        self._recheck()
        self.completeChanged.emit()

    def _recheck(self) -> None:
        data = self.seller.currentData()
        self.check.check(
            self.deed.value(),
            self.buyer.address() if self.buyer.is_valid() else None,
            self.shares.value(),
            data[0] if data else None,
        )

    def isComplete(self) -> bool:
        # The check informs; preparing asks the same judge again and refuses with the same sentence.
        return self.seller.currentData() is not None and self.buyer.is_valid() and not self._preparing

    def validatePage(self) -> bool:
        """Next: the requests are prepared on a worker; the page turns when they are (or says why not)."""
        if self._ready:
            self._ready = False
            return True
        if self._preparing:
            return False
        ws = self.w.ctx.ws
        seller, deed, buyer = self.seller.currentData()[0], self.deed.value(), self.buyer.address() or ""
        price, currency, shares = self.price_text(), self.currency.currentText(), self.shares.value()
        deadline, closing = self.deadline.seconds(), fmt.qdate(self.closing.date())

        def prepare() -> Done["PreparedTransfer"]:
            return ws.prepare_transfer(
                deed,
                buyer,
                price,
                currency,
                shares=shares,
                deadline=deadline,
                closing_date=closing,
                seller=seller,
            )

        def prepared(result: "PreparedTransfer") -> None:
            self.w.prepared = result
            self.w.responses.clear()
            self._ready = True
            self.w.next()

        self._preparing = True
        self.completeChanged.emit()
        (self.w.ctx.ops.op(self, prepare, title="Preparing the requests").success(prepared).done(self._prepared).run())
        return False

    def _prepared(self) -> None:
        self._preparing = False
        self.completeChanged.emit()


class ReviewPage(QWizardPage):
    def __init__(self, wizard: TransferWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Review")
        self.setSubTitle("The ledger's own rules are checked now; the transfer is recorded on the next page.")
        layout = QVBoxLayout(self)
        self.summary = link_addresses(label("", wrap=True, selectable=True))
        layout.addWidget(self.summary)
        self.check, check_layout = banner("good")
        self.check_text = label("", wrap=True)
        check_layout.addWidget(self.check_text, 1)
        layout.addWidget(self.check)
        layout.addStretch(1)
        self._ok = False
        self._latest = Latest(wizard.ctx.ops, self)

    def initializePage(self) -> None:
        from core.kinds import describe_entry
        from desktop.gui.phrases import phrase_html

        ws = self.w.ctx.ws
        responses = [self.w.responses[r] for r in sorted(self.w.responses)]
        first = responses[0]
        # the kind's own terms, each party by the name this machine knows it by (the address on hover)
        described = describe_entry(first.kind, first.message, [(r.role, r.signer) for r in responses])
        name = self.w.ctx.name_for
        rows = "".join(
            f"<tr><td class='muted' style='padding-right:14px'>{fmt.rich(term.label)}</td>"
            f"<td>{phrase_html(term.value, name)}</td></tr>"
            for term in described.terms
        )
        signers = "".join(f"<li>{fmt.rich(r.role)}: {phrase_html((Address(r.signer),), name)}</li>" for r in responses)
        theme.set_rich(
            self.summary,
            f"<p><b>{phrase_html(described.title, name)}</b></p><table>{rows}</table>"
            f"<p><b>Signed by</b></p><ul>{signers}</ul>",
        )
        self._ok = False
        set_role(self.check, "banner-good")
        self.check_text.setText("Checking the signatures and the ledger's rules\u2026")
        self.completeChanged.emit()
        self._latest.read(
            "check",
            lambda: ws.check_transfer(responses),
            self._checked,
            failed=self._refused,
            title="Checking the transfer",
        )

    def _checked(self, _entry: object) -> None:
        self._ok = True
        set_role(self.check, "banner-good")
        self.check_text.setText(
            "Every signature matches its signer and this ledger; the deed's version, the "
            "seller's shares, the deadline and the liens all allow this transfer."
        )
        self.completeChanged.emit()

    def _refused(self, error: BaseException) -> None:
        from desktop.gui.operations import describe_error, report_error

        if not isinstance(error, DeedbookError):
            report_error(self, error)
        self._ok = False
        set_role(self.check, "banner-bad")
        self.check_text.setText(describe_error(error))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self._ok


class RecordPage(QWizardPage):
    def __init__(self, wizard: TransferWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Record")
        self.setSubTitle("Recording appends the signed transfer to the ledger in one step. It cannot be undone.")
        layout = QVBoxLayout(self)
        # this page is the confirmation: what will be recorded, that it is for good, and the one button that
        # does it (a message box repeating the same words after it would only teach people to click through)
        self.statement = label("", wrap=True, selectable=True)
        self.statement.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout.addWidget(self.statement)
        row = QHBoxLayout()
        self.record_button = button("Record the transfer", primary=True)
        # only a deliberate press records: arriving here with the keyboard focus on this button, a Return
        # meant for Next (a dialog's buttons press on Return by default) recorded the transfer
        self.record_button.setAutoDefault(False)
        self.pdf_button = button("Transfer deed PDF", "documents")
        self.pdf_button.hide()
        row.addWidget(self.record_button)
        row.addWidget(self.pdf_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.result = label("", wrap=True, selectable=True)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.record_button.clicked.connect(self.record)
        self.pdf_button.clicked.connect(self.make_pdf)
        self.setFinalPage(True)

    def initializePage(self) -> None:
        from desktop.gui.phrases import describe_named

        first = self.w.responses[min(self.w.responses)]
        what = describe_named(first.kind, first.message, self.w.ctx.short_label)
        self.statement.setText(
            f"<p>Recording writes this transfer on the ledger:</p><p><b>{fmt.rich(what)}</b>.</p>"
            "<p>A recorded entry is never changed or removed: a mistake is put right only by another "
            "transfer, signed again by both parties.</p>"
        )
        self.statement.setFocus()  # not the button: a Return or Space meant for the previous page does nothing

    def record(self) -> None:
        ws = self.w.ctx.ws
        responses = [self.w.responses[r] for r in sorted(self.w.responses)]
        self.record_button.setEnabled(False)
        (
            self.w.ctx.ops.op(self, lambda: ws.submit(responses), write=True, title="Recording the transfer")
            .success(self._recorded)
            .failure(self._failed)
            .run()
        )

    def _failed(self, error: BaseException) -> None:
        from desktop.gui.operations import describe_error

        self.record_button.setEnabled(True)
        prompts.show_error(self, describe_error(error))

    def _recorded(self, index: int) -> None:
        self.w.recorded = index
        self.result.setText(
            f"Recorded as entry #{index}. The deed has its new holder; the chain of title shows the sale."
        )
        self.pdf_button.setVisible(True)
        self.completeChanged.emit()

    def make_pdf(self) -> None:
        if self.w.recorded is None:
            return
        from desktop.gui.panes.documents import generate

        generate(self.w.ctx, self, Document.transfer(self.w.recorded))

    def isComplete(self) -> bool:
        return self.w.recorded is not None
