"""Freeze a holding, or release a hold: signed here by a registrar, with a request written for the second
approver (core.compliance.holds); both signed responses are then recorded together."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox, QWidget

from desktop.gui import fmt
from desktop.gui.context import AppContext
from desktop.gui.dialogs.acts import ActDialog, folder_row
from core.compliance.holds import HOLD_DEADLINE_DAYS
from core.dates import format_here
from desktop.gui.widgets.deadline import DeadlineField
from desktop.gui.widgets.fields import AddressField
from desktop.workspace import Done

if TYPE_CHECKING:
    from core.compliance.acts import PreparedAct
    from core.compliance.state import Hold


class HoldDialog(ActDialog):
    action_text = "Sign and write the approver's request"
    TARGETS = ("The whole deed", "A holder's shares of every deed", "A holder's shares of one deed")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx,
            parent,
            "Freeze a holding",
            "A hold takes two people: you sign it here as a registrar, and a second approver signs "
            "the request written for them on their own machine. It is recorded when both signed "
            "responses are recorded.",
        )
        self.key_hint = ctx.ledger.identity.operator if ctx.ledger else ""
        self.target = QComboBox()
        self.target.addItems(self.TARGETS)
        self.deed = QSpinBox()
        self.deed.setRange(1, 2_000_000_000)
        self.deed.setPrefix("Deed ")
        self.holder = AddressField()
        self.holder.set_choices([(k.name, k.address) for k in ctx.keys.list()])
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why (shown to everyone whose transfer it stops)")
        self.order = QLineEdit()
        self.order.setPlaceholderText("The court order's reference")
        self.approver = AddressField("The second approver (empty: the only one possible)")
        self.approver.set_choices([(k.name, k.address) for k in ctx.keys.list()])
        self.deadline = DeadlineField(HOLD_DEADLINE_DAYS)  # after it the approver's signature is refused
        self.out_dir = QLineEdit(str(Path.home() / "deedbook-requests"))
        for name, widget in (
            ("Freeze", self.target),
            ("Deed", self.deed),
            ("Holder", self.holder),
            ("Reason", self.reason),
            ("Court order", self.order),
            ("Second approver", self.approver),
            ("Deadline", self.deadline),
        ):
            self.form.addRow(name, widget)
        self.form.addRow("Write to", folder_row(self, self.out_dir))
        for signal in (self.reason.textChanged, self.order.textChanged, self.out_dir.textChanged):
            signal.connect(lambda _t: self.validate())
        self.target.currentIndexChanged.connect(lambda _i: self.validate())
        self.holder.validity_changed.connect(lambda _v: self.validate())
        self.finish_layout("Registrar's key")

    def missing(self) -> list[str]:
        target = self.target.currentIndex()
        self.deed.setEnabled(target != 1)
        self.holder.setEnabled(target != 0)
        gaps = ["the holder"] if target and not self.holder.is_valid() else []
        gaps += [
            what
            for what, edit in (("a reason", self.reason), ("the court order", self.order), ("a folder", self.out_dir))
            if not edit.text().strip()
        ]
        return gaps + super().missing()

    def work(self) -> Callable[[], Done[PreparedAct]]:
        target = self.target.currentIndex()
        ws, signer = self.ctx.ws, self.key.signer()
        deed = self.deed.value() if target != 1 else None
        holder = self.holder.address() if target else None
        reason, order, folder = self.reason.text(), self.order.text(), self.out_dir.text()
        approver = self.approver.address() if self.approver.is_valid() else None
        deadline = self.deadline.seconds()
        return lambda: ws.prepare_hold(
            signer,
            deed=deed,
            holder=holder,
            reason=reason,
            order=order,
            out_dir=folder,
            approver=approver,
            deadline=deadline,
        )

    def done_text(self, act: PreparedAct) -> str:
        return act_files_text(self.ctx, act)


class ReleaseDialog(ActDialog):
    action_text = "Sign and write the approver's request"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, hold: Hold) -> None:
        super().__init__(
            ctx,
            parent,
            f"Release hold {hold.hold_id[:10]}\u2026",
            f"Release the hold of court order {fmt.plain(hold.order, 80)} ({fmt.plain(hold.reason, 120)})"
            "? Like the hold, its release takes a registrar's signature and a second approver's.",
        )
        self.hold = hold
        self.key_hint = hold.registrar
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why it is released (the order was lifted, ...)")
        self.approver = AddressField("The second approver (empty: the only one possible)")
        self.approver.set_choices([(k.name, k.address) for k in ctx.keys.list()])
        self.deadline = DeadlineField(HOLD_DEADLINE_DAYS)
        self.out_dir = QLineEdit(str(Path.home() / "deedbook-requests"))
        self.form.addRow("Reason", self.reason)
        self.form.addRow("Second approver", self.approver)
        self.form.addRow("Deadline", self.deadline)
        self.form.addRow("Write to", folder_row(self, self.out_dir))
        self.reason.textChanged.connect(lambda _t: self.validate())
        self.finish_layout("Registrar's key")

    def missing(self) -> list[str]:
        gaps = [w for w, e in (("a reason", self.reason), ("a folder", self.out_dir)) if not e.text().strip()]
        return gaps + super().missing()

    def work(self) -> Callable[[], Done[PreparedAct]]:
        ws, signer, hold_id = self.ctx.ws, self.key.signer(), self.hold.hold_id
        reason, folder = self.reason.text(), self.out_dir.text()
        approver = self.approver.address() if self.approver.is_valid() else None
        deadline = self.deadline.seconds()
        return lambda: ws.prepare_hold_release(
            signer, hold_id, reason=reason, out_dir=folder, approver=approver, deadline=deadline
        )

    def done_text(self, act: PreparedAct) -> str:
        return act_files_text(self.ctx, act)


def act_files_text(ctx: AppContext, act: PreparedAct) -> str:
    mine = next(path for role, _, path in act.files if role == "registrar")
    signer, theirs = next((s, p) for role, s, p in act.files if role == "approver")
    return (
        f"Signed by you: {mine.name}. Send {theirs.name} to {ctx.label_for(signer)} to sign on their machine "
        f"by {format_here(act.message['deadline'])}, its deadline; "
        "then record both signed files with \u201cRecord signed responses\u2026\u201d. Both are in "
        f"{mine.parent}."
    )
