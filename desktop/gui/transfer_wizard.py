"""The transfer wizard: terms -> signing requests out, signed responses in -> review -> record -> PDF.

Every check is core.transactions' own (prepare_transfer, build_entry, submit);
the wizard only gathers values and moves files.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDoubleSpinBox, QFormLayout, QHBoxLayout, QSpinBox, QVBoxLayout,
                               QWidget, QWizard, QWizardPage)

from core.errors import DeedbookError
from core.money import amount_text, decimals, to_minor, to_units
from desktop.gui import fmt, prompts, theme
from desktop.gui.context import AppContext
from desktop.gui.events import Changes
from desktop.gui.panes.base import banner, button, label, set_role
from desktop.gui.widgets.fields import AddressField

if TYPE_CHECKING:
    from core.requests import SigningRequest
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
        self.setMinimumSize(860, 620)
        self.terms = TermsPage(self, deed_id)
        from desktop.gui.transfer_signatures import SignaturesPage

        self.signatures = SignaturesPage(self)
        self.review = ReviewPage(self)
        self.record_page = RecordPage(self)
        for page in (self.terms, self.signatures, self.review, self.record_page):
            self.addPage(page)


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
        self.deed.setRange(1, max(1, ctx.require_ledger().deed_count()))
        self.deed.setPrefix("Deed ")
        self.deed_info = label("", "muted", wrap=True)
        self.seller = QComboBox()
        self.shares = QSpinBox()
        self.shares.setGroupSeparatorShown(True)
        self.buyer = AddressField()
        names = [(c.name, c.address) for c in ctx.address_book().list()] + [(k.name, k.address) for k in ctx.keys.list()]
        self.buyer.set_choices(names)
        self.price = QDoubleSpinBox()
        self.price.setRange(0, 1e12)
        self.price.setGroupSeparatorShown(True)
        self.price.setSingleStep(1000)
        self.currency = QComboBox()
        self.currency.addItems(CURRENCIES)
        self.currency.currentTextChanged.connect(self._currency_changed)
        self._currency_changed(self.currency.currentText())
        price_row = QHBoxLayout()
        price_row.addWidget(self.price, 1)
        price_row.addWidget(self.currency)
        self.closing = QDateEdit(QDate.currentDate())
        self.closing.setCalendarPopup(True)
        self.closing.setDisplayFormat("yyyy-MM-dd")
        self.deadline = QSpinBox()
        self.deadline.setRange(1, 365)
        self.deadline.setValue(7)
        self.deadline.setSuffix(" days to sign")
        form.addRow("Deed", self.deed)
        form.addRow("", self.deed_info)
        form.addRow("Seller", self.seller)
        form.addRow("Shares", self.shares)
        form.addRow("Buyer", self.buyer)
        form.addRow("Price", price_row)
        form.addRow("Closing date", self.closing)
        form.addRow("Deadline", self.deadline)
        self.deed.valueChanged.connect(self._deed_changed)
        self.seller.currentIndexChanged.connect(self._seller_changed)
        self.buyer.validity_changed.connect(lambda _v: self.completeChanged.emit())
        if deed_id:
            self.deed.setValue(deed_id)
        self._deed_changed(self.deed.value())

    def _deed_changed(self, deed_id: int) -> None:
        ctx = self.w.ctx
        try:
            deed = ctx.require_ledger().deed(deed_id)
        except DeedbookError as error:
            self.deed_info.setText(str(error))
            self.seller.clear()
            return
        liens = len(deed.open_liens())
        self.deed_info.setText(f"Parcel {deed.parcel}, {deed.address} \u2022 version {deed.version} \u2022 "
                               f"{deed.total_shares:,} shares"
                               + (f" \u2022 {liens} open lien(s): each lienholder must consent" if liens else ""))
        self.seller.blockSignals(True)
        self.seller.clear()
        for holder, count in sorted(deed.holders.items(), key=lambda item: -item[1]):
            self.seller.addItem(f"{ctx.label_for(holder)} \u2014 {fmt.share_pct(count, deed.total_shares)}",
                                (holder, count))
        self.seller.blockSignals(False)
        self._seller_changed()
        if deed.last_price and deed.last_currency and not self.price.value():
            if self.currency.findText(deed.last_currency) < 0:
                self.currency.addItem(deed.last_currency)
            self.currency.setCurrentText(deed.last_currency)
            self.price.setValue(to_units(deed.last_price, deed.last_currency))

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
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.seller.currentData() is not None and self.buyer.is_valid()

    def validatePage(self) -> bool:
        from core.transactions import prepare_transfer

        seller = self.seller.currentData()[0]
        deadline = int(time.time()) + self.deadline.value() * 86400
        try:
            self.w.prepared = prepare_transfer(
                self.w.ctx.require_ledger(), self.deed.value(), self.buyer.address() or "", self.price_text(),
                self.currency.currentText(), shares=self.shares.value(), deadline=deadline,
                closing_date=fmt.qdate(self.closing.date()), seller=seller)
        except DeedbookError as error:
            prompts.show_error(self, str(error))
            return False
        self.w.responses.clear()
        return True


class ReviewPage(QWizardPage):
    def __init__(self, wizard: TransferWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Review")
        self.setSubTitle("The ledger's own rules are checked now; the transfer is recorded on the next page.")
        layout = QVBoxLayout(self)
        self.summary = label("", wrap=True, selectable=True)
        layout.addWidget(self.summary)
        self.check, check_layout = banner("good")
        self.check_text = label("", wrap=True)
        check_layout.addWidget(self.check_text, 1)
        layout.addWidget(self.check)
        layout.addStretch(1)
        self._ok = False

    def initializePage(self) -> None:
        from core.requests import summarize
        from core.transactions import build_entry

        ledger = self.w.ctx.require_ledger()
        responses = [self.w.responses[r] for r in sorted(self.w.responses)]
        summary = summarize(responses[0], ledger.identity)
        rows = "".join(f"<tr><td style='padding-right:14px;color:gray'>{fmt.rich(k)}</td><td>{fmt.rich(v)}</td></tr>"
                       for k, v in summary.lines if k not in ("Digest", "Domain hash", "Ledger"))
        signers = "".join(f"<li>{fmt.rich(r.role)}: {fmt.rich(self.w.ctx.label_for(r.signer))}</li>" for r in responses)
        self.summary.setText(f"<p><b>{fmt.rich(summary.title.splitlines()[0])}</b></p><table>{rows}</table>"
                             f"<p><b>Signed by</b></p><ul>{signers}</ul>")
        try:
            build_entry(ledger, responses)
        except DeedbookError as error:
            self._ok = False
            set_role(self.check, "banner-bad")
            self.check_text.setText(str(error))
        else:
            self._ok = True
            set_role(self.check, "banner-good")
            self.check_text.setText("Every signature matches its signer and this ledger; the deed's version, the "
                                    "seller's shares, the deadline and the liens all allow this transfer.")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self._ok


class RecordPage(QWizardPage):
    def __init__(self, wizard: TransferWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Record")
        self.setSubTitle("Recording appends the signed transfer to the ledger in one step.")
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.record_button = button("Record the transfer", primary=True)
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

    def record(self) -> None:
        from core.transactions import submit

        ledger = self.w.ctx.require_ledger()
        responses = [self.w.responses[r] for r in sorted(self.w.responses)]
        deed_id = int(responses[0].message["deedId"])
        self.record_button.setEnabled(False)
        (self.w.ctx.ops.op(self, lambda: submit(ledger, responses), write=True,
                           changes=Changes.LEDGER | Changes.DEEDS, deed_ids=lambda _i: {deed_id},
                           title="Recording the transfer")
         .success(self._recorded).failure(self._failed).run())

    def _failed(self, error: BaseException) -> None:
        from desktop.gui.operations import describe_error

        self.record_button.setEnabled(True)
        prompts.show_error(self, describe_error(error))

    def _recorded(self, index: int) -> None:
        from desktop.gui.panes.documents import available

        self.w.recorded = index
        self.result.setText(f"Recorded as entry #{index}. The deed has its new holder; the chain of title shows the "
                            "sale.")
        self.pdf_button.setVisible(True)
        self.pdf_button.setEnabled(available("transfer"))
        if not available("transfer"):
            self.pdf_button.setToolTip("The transfer deed PDF is not in this build yet.")
        self.completeChanged.emit()

    def make_pdf(self) -> None:
        if self.w.recorded is None:
            return
        from desktop.gui.panes.documents import generate

        index = self.w.recorded

        def build(ledger: Any, paper: str) -> bytes:
            from core.documents import build_transfer_pdf

            return bytes(build_transfer_pdf(ledger, index, paper=paper))

        generate(self.w.ctx, self, f"transfer-entry{index}", build)

    def isComplete(self) -> bool:
        return self.w.recorded is not None
