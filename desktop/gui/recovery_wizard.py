"""The recovery wizard: open a key recovery (or a court-ordered transfer), write each approver's request,
follow the approvals as they are recorded and the waiting period as it counts down, then move the holdings.

The rules are core.compliance's (checked again at every submit and by verify); the wizard gathers values,
calls the workspace on a worker and shows where the recovery stands.  The countdown is computed here each
second from the time the waiting period ends: no ledger read per tick.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from core.compliance.recovery import APPROVAL_DEADLINE_DAYS
from core.dates import format_here
from desktop.gui import a11y, fmt, prompts, theme
from desktop.gui.context import AppContext
from desktop.gui.dialogs.acts import folder_row
from desktop.gui.events import Change, Changes
from desktop.gui.operations import Latest, describe_error, report_error
from desktop.gui.widgets.basics import banner, button, label, open_at, set_role
from desktop.gui.widgets.plain_table import fill, table
from desktop.gui.widgets.deadline import DeadlineField
from desktop.gui.widgets.fields import AddressField, KeyPicker
from desktop.workspace import Done, Signer

if TYPE_CHECKING:
    from core.compliance.recovery import RecoveryView
    from core.compliance.rules import RulesInForce
    from desktop.workspace.compliance import StartedRecovery


def countdown(seconds: float) -> str:
    """'2 days 03:12:09' (whole seconds, never negative)."""
    left = max(0, int(seconds))
    days, rest = divmod(left, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{fmt.counted(days, 'day')} {clock}" if days else clock


def registrar_picker(ctx: AppContext) -> KeyPicker:
    """A key picker that starts on the operator's key (a registrar), when this machine has it."""
    from desktop.gui.panes.ledger import preferred_key

    picker = KeyPicker(lambda: [(k.name, k.address) for k in ctx.keys.list()])
    if ctx.ledger is not None:
        picker.select(preferred_key(ctx, ctx.ledger.identity.operator))
    return picker


class RecoveryWizard(QWizard):
    def __init__(self, ctx: AppContext, recovery_id: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.recovery_id = recovery_id
        self.setWindowTitle("Key recovery")
        self.setWindowIcon(theme.icon("recovery"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setMinimumSize(900, 560)  # its pages fit; at 640 its buttons were below a 640 px screen's edge
        open_at(self, QSize(900, 640))
        self.case = CasePage(self)
        self.status = StatusPage(self)
        self.addPage(self.case)
        self.addPage(self.status)
        a11y.prepare(self)
        if recovery_id is not None:
            self.setStartId(1)


class CasePage(QWizardPage):
    def __init__(self, wizard: RecoveryWizard) -> None:
        super().__init__()
        self.w = wizard
        ctx = wizard.ctx
        self.setTitle("Whose holdings move, and where")
        self.setSubTitle(
            "Opening it is signed by you as a registrar; from then on the lost key's shares are held "
            "until the approvals, the waiting period and the move, or the old key's objection."
        )
        layout = QVBoxLayout(self)
        self.policy, policy_layout = banner("warn")
        self.policy_text = label("Reading the ledger's recovery policy\u2026", wrap=True)
        policy_layout.addWidget(self.policy_text, 1)
        layout.addWidget(self.policy)
        form = QFormLayout()
        form.setVerticalSpacing(8)
        names = [(k.name, k.address) for k in ctx.keys.list()]
        self.lost, self.new = AddressField(), AddressField()
        for field in (self.lost, self.new):
            field.set_choices(names)
            field.validity_changed.connect(lambda _v: self.completeChanged.emit())
        self.order = QLineEdit()
        self.order.setPlaceholderText("Empty for a lost key; a court order's reference for a forced transfer")
        self.deed = QSpinBox()
        self.deed.setRange(0, 2_000_000_000)
        self.deed.setSpecialValueText("Every deed it holds shares of")
        self.reason = QLineEdit("The holder lost the key.")
        self.deadline = DeadlineField(APPROVAL_DEADLINE_DAYS)  # for every approval requested now
        self.out_dir = QLineEdit(str(Path.home() / "deedbook-requests"))
        self.key = registrar_picker(ctx)
        self.key.changed.connect(self.completeChanged.emit)
        for name, widget in (
            ("Lost key (or holder)", self.lost),
            ("New key (or recipient)", self.new),
            ("Court order", self.order),
            ("Deed", self.deed),
            ("Reason", self.reason),
            ("Approvals by", self.deadline),
        ):
            form.addRow(name, widget)
        form.addRow("Requests to", folder_row(self, self.out_dir))
        form.addRow("Registrar's key", self.key)
        layout.addLayout(form)
        self.problem = label("", "muted", wrap=True)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        self._has_policy = self._starting = self._ready = False
        self._latest = Latest(ctx.ops, self)
        ws = ctx.ws
        self._latest.read("policy", ws.rules_in_force, self._show_policy, title="Reading the recovery policy")

    def _show_policy(self, current: RulesInForce) -> None:
        rules = current.rules
        self._has_policy = bool(rules and rules.recovery_steps)
        if not rules or not rules.recovery_steps:
            set_role(self.policy, "banner-bad")
            self.policy_text.setText(
                "The rules in force name no recovery policy, so no key can be recovered: the "
                "operator sets one first (Rules & claims \u2192 Set rules)."
            )
        else:
            steps = "".join(
                f"<li>{fmt.rich(s.role)} \u2014 "
                f"{'any registrar' if s.by is None else ', '.join(self.w.ctx.label_for(a) for a in s.by)}"
                "</li>"
                for s in rules.recovery_steps
            )
            set_role(self.policy, "banner-good")
            self.policy_text.setText(
                f"<b>Rules v{current.version}</b>: approvals, in this order:<ol>{steps}</ol>"
                f"then {rules.recovery_waiting_days} days in which the old key may object."
            )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return (
            self._has_policy
            and self.lost.is_valid()
            and self.new.is_valid()
            and self.key.ready()
            and bool(self.reason.text().strip())
            and not self._starting
        )

    def validatePage(self) -> bool:
        if self._ready:
            self._ready = False
            return True
        if self._starting:
            return False
        ws, signer = self.w.ctx.ws, self.key.signer()
        lost, new, order = self.lost.address() or "", self.new.address() or "", self.order.text()
        deed = self.deed.value() or None
        reason, folder, deadline = self.reason.text(), self.out_dir.text(), self.deadline.seconds()

        def check() -> None:  # what the ledger's rules would refuse is said before the question
            ws.check_start_recovery(
                signer, lost=lost, new=new, reason=reason, order=order, deed=deed, deadline=deadline
            )

        def refused(error: BaseException) -> None:
            self.problem.setText(describe_error(error))
            self._idle()

        self._starting = True  # until it is refused, declined, or opened
        self.completeChanged.emit()
        self.problem.setText("Checking the recovery against the ledger\u2026")
        (
            self.w.ctx.ops.op(self, check, title="Checking the recovery")
            .success(lambda _none: self._confirm(signer, lost, new, order, deed, reason, folder, deadline))
            .failure(refused)
            .run()
        )
        return False

    def _confirm(
        self,
        signer: Signer,
        lost: str,
        new: str,
        order: str,
        deed: int | None,
        reason: str,
        folder: str,
        deadline: int,
    ) -> None:
        self.problem.setText("")
        ws = self.w.ctx.ws
        if not prompts.ask(
            self,
            f"Open a recovery moving the shares {self.w.ctx.full_label(lost)} holds "
            f"{f'of deed {deed}' if deed else 'of every deed'} to {self.w.ctx.full_label(new)}"
            f"{f' under court order {order.strip()}' if order.strip() else ''} (reason: {' '.join(reason.split())}), "
            f"signed by the key '{signer.key}', and write the approvers' requests to {folder}? Opening it is "
            "recorded in the ledger and never removed; nothing moves before the approvals and the waiting period.",
            yes="Open the recovery",
        ):
            self._idle()
            return  # nothing signed, the page kept as filled

        def start() -> Done[StartedRecovery]:
            return ws.start_recovery(
                signer, lost=lost, new=new, reason=reason, order=order, deed=deed, out_dir=folder, deadline=deadline
            )

        def started(result: StartedRecovery) -> None:
            self.key.clear_password()
            self.w.recovery_id = result.recovery_id
            self._ready = True
            self.w.next()

        def refused(error: BaseException) -> None:
            self.problem.setText(describe_error(error))

        self._starting = True
        self.completeChanged.emit()
        (
            self.w.ctx.ops.op(self, start, write=True, title="Opening the recovery")
            .success(started)
            .failure(refused)
            .done(self._idle)
            .run()
        )

    def _idle(self) -> None:
        self._starting = False
        self.completeChanged.emit()


class StatusPage(QWizardPage):
    def __init__(self, wizard: RecoveryWizard) -> None:
        super().__init__()
        self.w = wizard
        ctx = wizard.ctx
        self.setTitle("Approvals and waiting period")
        self.setSubTitle(
            "Each approver signs their request on their own machine, in order. Record each signed "
            "response here; the holdings move once every approval is in and the waiting period is over."
        )
        self.view: RecoveryView | None = None
        layout = QVBoxLayout(self)
        self.state, state_layout = banner("warn")
        self.state_text = label("Reading the recovery\u2026", wrap=True, selectable=True)
        state_layout.addWidget(self.state_text, 1)
        layout.addWidget(self.state)
        self.case = label("", "muted", wrap=True, selectable=True)
        layout.addWidget(self.case)
        self.steps: QTableWidget = table(["#", "Approval", "Who may give it", "State"], "Approvals of the recovery")
        layout.addWidget(self.steps, 1)
        self.clock = label("", "section")
        self.clock.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.clock)
        row = QHBoxLayout()
        self.record_button = button("Record signed responses\u2026", "import")
        self.requests_button = button("Write fresh requests\u2026", "export")
        self.objection_button = button(
            "Objection request\u2026",
            "cancel",
            tip="The request the old key signs to object (a lost-key recovery only)",
        )
        self.fresh_deadline = DeadlineField(APPROVAL_DEADLINE_DAYS)  # for requests written again
        self.fresh_deadline.setToolTip("How long the approvers have to sign requests written again")
        for widget in (self.record_button, self.requests_button, self.fresh_deadline, self.objection_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        finish = QHBoxLayout()
        self.key = registrar_picker(ctx)
        self.complete_button = button("Move the holdings", primary=True)
        finish.addWidget(label("Registrar's key", "muted"))
        finish.addWidget(self.key, 1)
        finish.addWidget(self.complete_button)
        layout.addLayout(finish)
        self.record_button.clicked.connect(self.record)
        self.requests_button.clicked.connect(self.write_requests)
        self.objection_button.clicked.connect(self.write_objection)
        self.complete_button.clicked.connect(self.complete)
        self.key.changed.connect(self._enable)
        self._latest = Latest(ctx.ops, self)
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)
        ctx.events.changed.connect(self._changed)
        self.setFinalPage(True)

    def initializePage(self) -> None:
        self.refresh()
        self.timer.start()

    def _changed(self, change: Change) -> None:
        if change.concerns(Changes.LEDGER) and self.w.recovery_id is not None:
            self.refresh()

    def refresh(self) -> None:
        ws, rid = self.w.ctx.ws, self.w.recovery_id
        if rid is None:
            return
        self._latest.read("status", lambda: ws.recovery_status(rid)[0], self.show_view, title="Reading the recovery")

    def show_view(self, view: RecoveryView) -> None:
        ctx, r = self.w.ctx, view.recovery
        self.view = view
        tone = {"cancelled": "bad", "completed": "good", "ready": "good"}.get(view.state, "warn")
        set_role(self.state, f"banner-{tone}")
        fresh = " \u201cWrite fresh requests\u2026\u201d below writes them." if view.requests_expired_at else ""
        self.state_text.setText(fmt.plain(view.summary) + fresh)
        what = f"court order {fmt.plain(r.order, 80)}" if r.forced else "a lost key"
        deeds = f"deed {r.deed_id}" if r.deed_id else "every deed it holds shares of"
        self.case.setText(
            f"{ctx.label_for(r.lost)} \u2192 {ctx.label_for(r.new)}, {deeds}, for {what} "
            f"(recovery {r.recovery_id[:10]}\u2026, opened at entry #{r.started_index}, rules "
            f"v{r.rules_version})."
        )
        rows = []
        for s in view.steps:
            who = "any registrar" if s.by is None else ", ".join(ctx.short_label(a) for a in s.by)
            state = (
                f"\u2713 approved by {ctx.label_for(s.approver)} (#{s.index}, {fmt.when(s.at)})"
                if s.approver
                else "waiting for this approval"
            )
            rows.append([str(s.step), s.role, who, state])
        fill(self.steps, rows)
        self.objection_button.setVisible(not r.forced)
        self._tick()
        self._enable()

    def _tick(self) -> None:
        view = self.view
        if view is None or view.ready_at is None or view.state in ("completed", "cancelled"):
            self.clock.setText(
                ""
                if view is None or view.state != "awaiting-approval"
                else f"The waiting period of {view.waiting_days} days starts with the last approval."
            )
            return
        left = view.ready_at - time.time()
        if left > 0:
            self.clock.setText(f"The old key may object for {countdown(left)} more (until {fmt.when(view.ready_at)}).")
        else:
            self.clock.setText("The waiting period is over: the holdings can move.")
            if view.state == "waiting":
                self.refresh()  # it has just ended: the ledger says so too
        self._enable()

    def _enable(self) -> None:
        view = self.view
        open_ = view is not None and view.state not in ("completed", "cancelled")
        ready = (
            view is not None
            and view.ready_at is not None
            and view.state in ("ready", "waiting")
            and time.time() >= view.ready_at
        )
        for widget in (self.record_button, self.requests_button, self.objection_button):
            widget.setEnabled(open_)
        self.complete_button.setEnabled(bool(ready and self.key.ready()))

    # -- actions ------------------------------------------------------------------------------------------------
    def record(self) -> None:
        from desktop.gui.dialogs.compliance import record_responses

        record_responses(self.w.ctx, self, lambda _index: self.refresh())

    def _folder_then(self, title: str, work: Callable[[Path], Done[Any]], said: str) -> None:
        folder = prompts.choose_folder(self, title)
        if folder is None:
            return
        self.w.ctx.ops.op(self, lambda: work(folder), title=title).success(
            lambda _value: prompts.inform(self, said.format(folder=folder))
        ).run()

    def write_requests(self) -> None:
        ws, rid, deadline = self.w.ctx.ws, self.w.recovery_id or "", self.fresh_deadline.seconds()
        self._folder_then(
            "Folder for the approvers' requests",
            lambda f: ws.recovery_requests(rid, f, deadline),
            f"Fresh requests of the approvals still missing are in {{folder}}; they expire {format_here(deadline)}.",
        )

    def write_objection(self) -> None:
        ws, rid = self.w.ctx.ws, self.w.recovery_id or ""
        self._folder_then(
            "Folder for the objection request",
            lambda f: ws.objection_request(rid, f),
            "The objection request is in {folder}: the holder of the old key signs it if the key is not "
            "lost after all, and recording it cancels the recovery.",
        )

    def complete(self) -> None:
        """Check on a worker what the ledger would refuse (an approval missing, the waiting period not over, a
        key that is no registrar), then ask, then move the holdings."""
        view = self.view
        if view is None:
            return
        ws, signer, rid = self.w.ctx.ws, self.key.signer(), view.recovery.recovery_id
        self.complete_button.setEnabled(False)
        (
            self.w.ctx.ops.op(self, lambda: ws.check_complete_recovery(signer, rid), title="Checking the recovery")
            .success(lambda _checked: self._confirm_complete(view))
            .failure(self._complete_refused)
            .run()
        )

    def _complete_refused(self, error: BaseException) -> None:
        report_error(self, error, "Moving the holdings")
        self._enable()

    def _confirm_complete(self, view: RecoveryView) -> None:
        if not prompts.ask(
            self,
            f"Move every share {self.w.ctx.full_label(view.recovery.lost)} holds "
            f"{'of deed ' + str(view.recovery.deed_id) if view.recovery.deed_id else 'of every deed'} to "
            f"{self.w.ctx.full_label(view.recovery.new)}? Each move is a signed entry in the deed's chain of "
            "title, never removed.",
            yes="Move the holdings",
        ):
            self._enable()
            return
        ws, signer, rid = self.w.ctx.ws, self.key.signer(), view.recovery.recovery_id

        def moved(indexes: list[int]) -> None:
            self.key.clear_password()
            prompts.inform(self, f"The holdings moved: entries {', '.join(f'#{i}' for i in indexes)}.")
            self.refresh()

        (
            self.w.ctx.ops.op(self, lambda: ws.complete_recovery(signer, rid), write=True, title="Moving the holdings")
            .success(moved)
            .done(self._enable)
            .run()
        )
