"""Servicing dialogs: a distribution (deed, record date, amount; the payouts previewed with the rounding shown,
then signed after a confirmation) and a proposal to a deed's holders.  Reads and writes run on workers."""

from __future__ import annotations

import time
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QDateEdit, QDoubleSpinBox, QLineEdit, QPlainTextEdit, QWidget

from core.display import short_address
from desktop.gui import fmt
from desktop.gui.context import AppContext
from desktop.gui.dialogs.acts import ActDialog
from desktop.gui.operations import Latest, describe_error
from desktop.gui.widgets.basics import button, label
from desktop.gui.widgets.plain_table import fill, table
from desktop.workspace import Done

if TYPE_CHECKING:
    from core.ledger import RecordedEntry
    from core.servicing.distributions import Preview


def checkpoint_choices(combo: QComboBox, checkpoints: list[RecordedEntry]) -> None:
    """The record dates to choose from, the latest first (it is the default)."""
    combo.clear()
    for cp in reversed(checkpoints):
        combo.addItem(f"checkpoint #{cp.index} \u2022 {fmt.when(cp.recorded_at)}", cp.index)


class _RecordDated(ActDialog):
    """A deed and a record date (a checkpoint), the checkpoints read on a worker."""

    def __init__(self, ctx: AppContext, parent: QWidget | None, title: str, intro: str, deed: str = "") -> None:
        super().__init__(ctx, parent, title, intro)
        self.key_hint = ctx.ledger.identity.operator if ctx.ledger else ""
        self.latest = Latest(ctx.ops, self)
        self.deed = QLineEdit(deed)
        self.deed.setPlaceholderText("deed number or parcel")
        self.record_date = QComboBox()
        self.form.addRow("Deed", self.deed)
        self.form.addRow("Record date", self.record_date)
        self.deed.textChanged.connect(lambda _t: self.terms_changed())
        self.record_date.currentIndexChanged.connect(lambda _i: self.terms_changed())
        ws = ctx.ws
        self.latest.read("checkpoints", ws.checkpoints, self._checkpoints, title="Reading the checkpoints")

    def _checkpoints(self, found: list[RecordedEntry]) -> None:
        checkpoint_choices(self.record_date, found)
        if not found:
            self.say(
                "This ledger has no checkpoint yet: sign one (Ledger \u203a Checkpoint); it is the record date.", "bad"
            )
        self.terms_changed()

    def checkpoint(self) -> int | None:
        data = self.record_date.currentData()
        return int(data) if data is not None else None

    def terms_changed(self) -> None:
        self.validate()

    def missing(self) -> list[str]:
        return (
            (["a deed"] if not self.deed.text().strip() else [])
            + (["a record date (a checkpoint)"] if self.checkpoint() is None else [])
            + super().missing()
        )


class DistributionDialog(_RecordDated):
    action_text = "Record the distribution\u2026"
    yes_text = "Record"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, deed: str = "") -> None:
        super().__init__(
            ctx,
            parent,
            "New distribution",
            "Pay an amount (rent, sale proceeds) to the holders of a deed at a record date, pro rata to "
            "their shares. Each payout is whole minor units; the units left over by rounding down go one "
            "each to the largest remainders, so the payouts add up to the amount exactly.",
            deed,
        )
        self.setMinimumWidth(760)
        self.plan: Preview | None = None
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(fmt.amount_example(2_450))
        self.currency = QLineEdit("USD")
        self.currency.setMaxLength(3)
        self.purpose = QLineEdit()
        self.purpose.setPlaceholderText("Rent for March 2026 (optional)")
        self.form.addRow("Amount", self.amount)
        self.form.addRow("Currency", self.currency)
        self.form.addRow("Purpose", self.purpose)
        for edit in (self.amount, self.currency, self.purpose):
            edit.textChanged.connect(lambda _t: self.terms_changed())
        self.preview_button = button("Preview the payouts", "search")
        self.preview_button.clicked.connect(self.preview)
        self.form.addRow("", self.preview_button)
        self.payouts = table(["Holder", "Shares", "Exact share", "Paid", "Rounding"], "Payouts")
        self.payouts.setMinimumHeight(190)
        self.form.addRow("Payouts", self.payouts)
        self.rule = label("", "muted", wrap=True)
        self.layout_.addWidget(self.rule)
        self.finish_layout("Registrar's key")

    def terms_changed(self) -> None:
        self.plan = None
        if hasattr(self, "payouts"):
            fill(self.payouts, [])
            self.rule.setText("")
        self.validate()

    def missing(self) -> list[str]:
        gaps = super().missing()
        if hasattr(self, "amount"):
            gaps = (["an amount"] if not self.amount.text().strip() else []) + gaps
            if not gaps[:1] and self.plan is None:
                gaps.insert(0, "a preview of the payouts")
        return gaps

    def preview(self) -> None:
        ws, deed, checkpoint = self.ctx.ws, self.deed.text().strip(), self.checkpoint()
        amount, currency, purpose = self.amount.text(), self.currency.text(), self.purpose.text()
        read = fmt.amount_reader()
        self.latest.read(
            "preview",
            lambda: ws.distribution_preview(
                deed, read(amount, currency), currency, checkpoint=checkpoint, purpose=purpose
            ),
            self.show_preview,
            failed=lambda e: self.say(describe_error(e), "bad"),
            title="Splitting the amount",
        )

    def show_preview(self, plan: Preview) -> None:
        self.plan = plan
        held = sum(p.shares for p in plan.payouts)
        rows = []
        for p in plan.payouts:
            whole, rest = divmod(plan.amount * p.shares, held)
            part = Fraction(rest, held)
            exact = fmt.amount(whole, plan.currency) + (f" + {part.numerator}/{part.denominator} unit" if rest else "")
            rows.append(
                [
                    f"{self.ctx.short_label(p.holder)} ({short_address(p.holder)})",
                    fmt.count(p.shares),
                    exact,
                    fmt.amount(p.minor, plan.currency),
                    "+1 unit" if p.extra else "",
                ]
            )
        rows.append(["Total", fmt.count(held), "", fmt.amount(sum(p.minor for p in plan.payouts), plan.currency), ""])
        fill(self.payouts, rows)
        self.rule.setText(plan.rule)
        self.validate()
        self.adjustSize()

    def act(self) -> None:
        if self.plan is not None:
            super().act()

    def check(self) -> Callable[[], None]:
        ws, signer = self.ctx.ws, self.key.signer()
        return lambda: ws.check_distribution(signer)

    def question(self) -> str:
        plan = self.plan
        assert plan is not None  # the action is enabled only with a preview
        return (
            f"Record a distribution of {fmt.amount(plan.amount, plan.currency)} to "
            f"{fmt.count(len(plan.payouts))} holders of deed {plan.snapshot.deed.deed_id}? It is signed into "
            "the ledger and cannot be undone."
        )

    def work(self) -> Callable[[], Done[int]]:
        ws, signer, plan = self.ctx.ws, self.key.signer(), self.plan
        assert plan is not None
        return lambda: ws.record_distribution(signer, plan)

    def done_text(self, index: int) -> str:
        return (
            f"Recorded as entry #{index}. Write each holder's statement from the Servicing pane once a checkpoint "
            "covers it."
        )


class ProposalDialog(_RecordDated):
    action_text = "Put the proposal"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, deed: str = "") -> None:
        super().__init__(
            ctx,
            parent,
            "New proposal to holders",
            "Ask the holders of a deed at a record date a yes/no question. Each holder signs a ballot on "
            "their own machine; it passes when holders of the threshold share of ALL the deed's shares "
            "vote yes. A holder votes once; ballots after the close are refused.",
            deed,
        )
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("Replace the roof for USD 18,000?")
        self.text.setFixedHeight(70)
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0.01, 100.0)
        self.threshold.setDecimals(2)
        self.threshold.setValue(60.0)
        self.threshold.setSuffix(" % of all shares")
        self.closes = QDateEdit(fmt.today_utc().addDays(14))
        self.closes.setCalendarPopup(True)
        self.closes.setDisplayFormat("yyyy-MM-dd")
        self.closes.setMinimumDate(fmt.today_utc().addDays(1))  # closes at a UTC day's end
        self.form.addRow("Question", self.text)
        self.form.addRow("Passes with yes from", self.threshold)
        self.form.addRow("Closes (end of day, UTC)", self.closes)
        self.text.textChanged.connect(self.validate)
        self.finish_layout("Registrar's key")

    def missing(self) -> list[str]:
        gaps = super().missing()
        if hasattr(self, "text") and not self.text.toPlainText().strip():
            gaps.insert(0, "the question")
        return gaps

    def question(self) -> str:
        return (
            f"Put \u201c{' '.join(self.text.toPlainText().split())}\u201d to the holders of deed "
            f"{self.deed.text().strip()} as of {self.record_date.currentText()}, passing with yes from "
            f"{fmt.percent(self.threshold.value(), 2)} of all shares, closing {self.closes.date().toString('yyyy-MM-dd')} "
            f"(end of day, UTC), signed by the key '{self.key.key_name()}'? It is recorded in the ledger and "
            "cannot be withdrawn."
        )

    def check(self) -> Callable[[], None]:
        ws, signer, deed, checkpoint = self.ctx.ws, self.key.signer(), self.deed.text().strip(), self.checkpoint()
        text, threshold = self.text.toPlainText(), f"{self.threshold.value():.2f}%"
        closes = self.closes.date().toString("yyyy-MM-dd")
        return lambda: ws.check_proposal(signer, deed, text, threshold, closes, checkpoint=checkpoint)

    def work(self) -> Callable[[], Done[Any]]:
        ws, signer, deed, checkpoint = self.ctx.ws, self.key.signer(), self.deed.text().strip(), self.checkpoint()
        text, threshold = self.text.toPlainText(), f"{self.threshold.value():.2f}%"
        closes = self.closes.date().toString("yyyy-MM-dd")
        return lambda: ws.propose(signer, deed, text, threshold, closes, checkpoint=checkpoint)

    def done_text(self, proposal_id: int) -> str:
        return (
            f"Proposal {proposal_id} recorded ({fmt.when(time.time())}). Write the holders' ballot "
            "requests from the Servicing pane."
        )


__all__ = ["DistributionDialog", "ProposalDialog", "checkpoint_choices"]
