"""Rules & claims: the transfer rules in force and their versions, claims and trusted issuers, holds and
recoveries; the actions that change them open dialogs (desktop/gui/dialogs/compliance.py) and the
recovery wizard.  Every read runs on a worker; what is shown from the ledger is escaped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.dates import format_here
from core.display import short_address
from core.hexes import ADDRESS
from desktop.gui import a11y, fmt
from desktop.gui.context import AppContext
from desktop.gui.events import Change, Changes
from desktop.gui.operations import Latest
from desktop.gui.panes.base import Pane
from desktop.gui.widgets.basics import banner, button, label, set_role
from desktop.gui.widgets.plain_table import fill, selected_key, table

if TYPE_CHECKING:
    from core.compliance.claims import ClaimView
    from core.compliance.recovery import RecoveryView
    from core.compliance.rules import RulesInForce
    from core.compliance.state import Hold, Issuer, RulesVersion
    from desktop.workspace import Workspace

ZERO = "0x" + "00" * 20


@dataclass(frozen=True)
class Overview:
    """Everything the pane shows, read together on a worker."""

    rules: RulesInForce
    versions: list[RulesVersion]
    claims: list[ClaimView]
    issuers: list[Issuer]
    holds: list[Hold]
    recoveries: list[RecoveryView]


def read_overview(ws: Workspace) -> Overview:
    with ws.ledger.snapshot():  # the rules, claims, holds and recoveries shown together are of one moment
        return Overview(
            ws.rules_in_force(), ws.rules_history(), ws.claims(), ws.issuers(), ws.holds(), ws.recovery_status()
        )


class RulesPane(Pane):
    title = "Rules & claims"
    subtitle = (
        "Who may hold, how much, and when: each transfer is judged by the rules in force when it is "
        "recorded. Claims, holds and key recoveries are signed entries like any other."
    )
    icon = "rules"
    listens_to = Changes.LEDGER | Changes.NAMES

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.overview: Overview | None = None
        self._latest = Latest(ctx.ops, self)
        self.set_rules_button = button(
            "Set rules\u2026", "rules", primary=True, tip="Record a new version of the rules from a JSON file"
        )
        self.record_button = button(
            "Record signed responses\u2026",
            "import",
            tip="Approvals, hold co-signatures, objections and claims signed elsewhere",
        )
        self.recovery_button = button(
            "Recovery\u2026", "recovery", tip="Move a lost key's holdings, or carry out a court order"
        )
        for widget in (self.set_rules_button, self.record_button, self.recovery_button):
            self.header_actions.addWidget(widget)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._rules_tab(), "Rules")
        self.tabs.addTab(self._claims_tab(), "Claims")
        self.tabs.addTab(self._issuers_tab(), "Issuers")
        self.tabs.addTab(self._holds_tab(), "Holds")
        self.tabs.addTab(self._recoveries_tab(), "Recoveries")
        self.body.addWidget(self.tabs, 1)
        self.set_rules_button.clicked.connect(lambda: self.dialog("RulesDialog"))
        self.record_button.clicked.connect(self.record_responses)
        self.recovery_button.clicked.connect(lambda: self.open_recovery(None))
        self.reload()

    # -- tabs ----------------------------------------------------------------------------------------------------
    def _tab(self) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 10, 0, 0)
        return page, layout

    def _actions(self, layout: QVBoxLayout, *buttons: Any) -> None:
        row = QHBoxLayout()
        for widget in buttons:
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)

    def _rules_tab(self) -> QWidget:
        page, layout = self._tab()
        self.rules_banner, banner_layout = banner("good")
        self.rules_text = label("Reading the rules\u2026", wrap=True)
        banner_layout.addWidget(self.rules_text, 1)
        layout.addWidget(self.rules_banner)
        self.rules_table = table(["Rule", "In force"], "Rules in force")
        layout.addWidget(self.rules_table, 3)
        layout.addWidget(label("Versions", "section"))
        self.versions_table = table(["Version", "Entry", "Recorded", "What it changed"], "Rule versions")
        layout.addWidget(self.versions_table, 2)
        return page

    def _claims_tab(self) -> QWidget:
        page, layout = self._tab()
        self.claim_filter = a11y.name(QLineEdit(), "Filter claims", "By address, type or status")
        self.claim_filter.setPlaceholderText("Filter by address, type or status")
        self.claim_filter.textChanged.connect(lambda _t: self._show_claims())
        self.issue_button = button("Issue claim\u2026", "add")
        self.revoke_button = button("Revoke\u2026", "cancel")
        self._actions(layout, self.issue_button, self.revoke_button, self.claim_filter)
        self.claims_table = table(["#", "About", "Claim", "Value", "Issuer", "Expires", "Status"], "Claims")
        layout.addWidget(self.claims_table, 1)
        self.claims_note = label("", "muted")
        layout.addWidget(self.claims_note)
        self.issue_button.clicked.connect(lambda: self.dialog("ClaimDialog"))
        self.revoke_button.clicked.connect(self.revoke)
        return page

    def _issuers_tab(self) -> QWidget:
        page, layout = self._tab()
        self.issuer_button = button("Trust an issuer\u2026", "add")
        self.remove_issuer_button = button(
            "Stop trusting\u2026", "cancel", tip="The selected issuer's claims no longer count (the operator signs)"
        )
        self._actions(layout, self.issuer_button, self.remove_issuer_button)
        self.issuers_table = table(["Issuer", "Trusted for", "Entry"], "Claim issuers")
        layout.addWidget(self.issuers_table, 1)
        self.issuers_note = label("", "muted", wrap=True)
        layout.addWidget(self.issuers_note)
        self.issuer_button.clicked.connect(lambda: self.dialog("IssuerDialog"))
        self.remove_issuer_button.clicked.connect(self.remove_issuer)
        return page

    def _holds_tab(self) -> QWidget:
        page, layout = self._tab()
        self.hold_button = button("Freeze\u2026", "hold")
        self.release_button = button("Release\u2026", "release")
        self._actions(layout, self.hold_button, self.release_button)
        self.holds_table = table(["Hold", "Frozen", "Court order", "Reason", "Signed by", "State"], "Holds")
        layout.addWidget(self.holds_table, 1)
        self.holds_note = label("", "muted", wrap=True)
        layout.addWidget(self.holds_note)
        self.hold_button.clicked.connect(lambda: self.dialog("HoldDialog"))
        self.release_button.clicked.connect(self.release)
        return page

    def _recoveries_tab(self) -> QWidget:
        page, layout = self._tab()
        self.open_recovery_button = button("Open\u2026", "recovery", tip="Approvals, the waiting period, requests")
        self._actions(layout, self.open_recovery_button)
        self.recoveries_table = table(["Recovery", "From", "To", "Kind", "State", "Where it stands"], "Recoveries")
        layout.addWidget(self.recoveries_table, 1)
        self.recoveries_note = label("", "muted", wrap=True)
        layout.addWidget(self.recoveries_note)
        self.open_recovery_button.clicked.connect(lambda: self.open_recovery(selected_key(self.recoveries_table)))
        self.recoveries_table.doubleClicked.connect(lambda _i: self.open_recovery(selected_key(self.recoveries_table)))
        return page

    # -- reading ---------------------------------------------------------------------------------------------------
    def reload(self) -> None:
        if self.ctx.ledger is None:
            self.rules_text.setText("No ledger is open.")
            return
        ws = self.ctx.ws
        self._latest.read(
            "overview", lambda: read_overview(ws), self.show_overview, title="Reading the rules and claims"
        )

    def on_changed(self, change: Change) -> None:
        if change.what == Changes.NAMES and self.overview is not None:
            self.show_overview(self.overview)  # relabel only
            return
        self.reload()

    def who(self, address: str) -> str:
        return self.ctx.short_label(address)

    def named(self, text: str) -> str:
        """Addresses in a rule's wording as this machine names them."""
        return ADDRESS.sub(lambda m: self.who(m.group(0)), text)

    def show_overview(self, overview: Overview) -> None:
        from core.compliance.schema import describe_changes, rule_lines

        self.overview = overview
        current = overview.rules
        if current.rules is None or current.recorded is None:
            set_role(self.rules_banner, "banner-warn")
            self.rules_text.setText(
                "No rules have been set: transfers are judged only by holds and liens. Set rules "
                "from a file to require claims, limit holders or add a lock-up."
            )
            fill(self.rules_table, [])
        else:
            set_role(self.rules_banner, "banner-good")
            self.rules_text.setText(
                f"Rules v{current.version} in force since entry #{current.recorded.index} "
                f"({fmt.when(current.recorded.recorded_at)}). Transfers recorded earlier were "
                "judged by the version in force then."
            )
            fill(self.rules_table, [[rule, self.named(value)] for rule, value in rule_lines(current.rules)])
        from core.compliance.judge import rules_of

        previous = None
        rows = []
        for version in overview.versions:
            now = rules_of(version.text)
            rows.append(
                [
                    f"v{version.version}",
                    f"#{version.index}",
                    fmt.when(version.recorded_at),
                    self.named("; ".join(describe_changes(previous, now))) or "(the same as before)",
                ]
            )
            previous = now
        fill(self.versions_table, list(reversed(rows)))
        self._show_claims()
        fill(
            self.issuers_table,
            [
                [
                    f"{self.who(i.address)} ({short_address(i.address)})",
                    ", ".join(i.types) or "no longer trusted",
                    f"#{i.index}",
                ]
                for i in overview.issuers
            ],
            keys=[i.address for i in overview.issuers],
        )
        fill(
            self.holds_table,
            [
                [
                    h.hold_id[:10] + "\u2026",
                    self._frozen(h),
                    h.order,
                    h.reason,
                    f"{self.who(h.registrar)} + {self.who(h.approver)}",
                    "active" if h.active else f"released (#{h.released_index})",
                ]
                for h in overview.holds
            ],
            [h.hold_id for h in overview.holds],
        )
        fill(
            self.recoveries_table,
            [
                [
                    v.recovery.recovery_id[:10] + "\u2026",
                    self.who(v.recovery.lost),
                    self.who(v.recovery.new),
                    f"court order {v.recovery.order}" if v.recovery.forced else "lost key",
                    v.state.replace("-", " "),
                    v.summary,
                ]
                for v in overview.recoveries
            ],
            [v.recovery.recovery_id for v in overview.recoveries],
        )
        # an empty table says what would fill it, as the claims' does
        self.issuers_note.setText(
            ""
            if overview.issuers
            else "No trusted issuers: claims count only from an issuer the operator trusts (Trust an issuer\u2026)."
        )
        self.holds_note.setText(
            ""
            if overview.holds
            else "No holds: Freeze\u2026 stops the transfers of a deed or of a holder's shares, under a court order, "
            "once a second approver signs."
        )
        self.recoveries_note.setText(
            ""
            if overview.recoveries
            else "No key recoveries: Recovery\u2026 (above) opens one when a holder has lost a key, or for a court's "
            "forced transfer."
        )

    def _frozen(self, hold: Hold) -> str:
        if hold.holder.lower() == ZERO:
            return f"deed {hold.deed_id}"
        return f"{self.who(hold.holder)}" + (f" on deed {hold.deed_id}" if hold.deed_id else " (every deed)")

    def _show_claims(self) -> None:
        if self.overview is None:
            return
        needle = self.claim_filter.text().strip().lower()
        views = [
            v
            for v in self.overview.claims
            if not needle
            or needle
            in " ".join([v.claim.subject.lower(), v.claim.claim_type, v.status, self.who(v.claim.subject).lower()])
        ]
        fill(
            self.claims_table,
            [
                [
                    str(v.claim.claim_id),
                    self.who(v.claim.subject),
                    v.claim.claim_type,
                    v.claim.value,
                    self.who(v.claim.issuer),
                    # the end of the UTC day it was issued to, and that moment here (the next day in Auckland)
                    format_here(v.claim.expires) if v.claim.expires else "never",
                    v.status,
                ]
                for v in views
            ],
            [v.claim.claim_id for v in views],
        )
        total = len(self.overview.claims)
        self.claims_note.setText(
            "No claims yet: trust an issuer, then issue claims."
            if not total
            else f"{fmt.count(len(views))} of {fmt.count(total)} claims \u2022 only the evidence's hash is on the "
            "ledger; the evidence stays with its issuer"
        )

    # -- actions -----------------------------------------------------------------------------------------------------
    def dialog(self, name: str, **kwargs: Any) -> Any:
        from desktop.gui.dialogs import compliance

        self.ctx.require_ledger()
        dialog = getattr(compliance, name)(self.ctx, self, **kwargs)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def revoke(self) -> Any:
        claim_id = selected_key(self.claims_table)
        if claim_id is None or self.overview is None:
            from desktop.gui import prompts

            prompts.show_error(self, "Select a claim to revoke first.")
            return None
        view = next(v for v in self.overview.claims if v.claim.claim_id == claim_id)
        return self.dialog("RevokeDialog", view=view)

    def remove_issuer(self) -> None:
        """Stop trusting the selected issuer, after saying what it does (it can be trusted again)."""
        from desktop.gui import prompts

        address = selected_key(self.issuers_table)
        issuer = next((i for i in (self.overview.issuers if self.overview else []) if i.address == address), None)
        if issuer is None or not issuer.types:
            prompts.show_error(self, "Select a trusted issuer first.")
            return
        ws = self.ctx.ws
        # the table may be older than the ledger (removed meanwhile, elsewhere): said before the question
        self.ctx.ops.op(self, lambda: ws.check_remove_issuer(issuer.address), title="Checking the issuer").success(
            lambda _none: self._confirm_remove(issuer)
        ).run()

    def _confirm_remove(self, issuer: Issuer) -> None:
        from desktop.gui import prompts
        from desktop.gui.panes.documents import ask_operator

        if not prompts.ask(
            self,
            f"Stop trusting {self.ctx.full_label(issuer.address)} to issue claims? Its "
            f"{', '.join(issuer.types)} claims will no longer satisfy any rule, so transfers that need them are "
            "refused. The operator signs this into the ledger; trusting the issuer again later, in a new entry, "
            "makes its claims count again.",
            yes="Stop trusting",
            safe_default=True,  # a ledger entry: a stray Return must not sign it
        ):
            return
        operator = ask_operator(
            self.ctx,
            self,
            "Stop trusting a claims issuer",
            f"The operator {self.ctx.full_label(self.ctx.require_ledger().identity.operator)} signs that "
            f"{self.ctx.full_label(issuer.address)} is no longer trusted to issue claims.",
        )
        if operator is None:
            return
        ws = self.ctx.ws
        self.ctx.ops.op(
            self, lambda: ws.remove_issuer(operator, issuer.address), write=True, title="Removing an issuer"
        ).run()

    def release(self) -> Any:
        hold_id = selected_key(self.holds_table)
        hold = next((h for h in (self.overview.holds if self.overview else []) if h.hold_id == hold_id), None)
        if hold is None or not hold.active:
            from desktop.gui import prompts

            prompts.show_error(self, "Select an active hold to release first.")
            return None
        return self.dialog("ReleaseDialog", hold=hold)

    def record_responses(self, then: Callable[[int], Any] | None = None) -> None:
        from desktop.gui.dialogs.compliance import record_responses

        record_responses(self.ctx, self, then)

    def open_recovery(self, recovery_id: str | None) -> Any:
        from desktop.gui.recovery_wizard import RecoveryWizard

        self.ctx.require_ledger()
        wizard = RecoveryWizard(self.ctx, recovery_id, self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()
        return wizard
