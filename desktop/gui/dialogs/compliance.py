"""The rules & claims pane's dialogs: set the rules from a file (what changes, then a confirmation), trust
an issuer, issue or revoke a claim, and record responses signed elsewhere (holds: dialogs/holds.py).

Each gathers plain values and calls one workspace operation on a worker; the ledger's rules decide, and
a refusal is its sentence, shown in the dialog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QWidget,
)

from desktop.gui import a11y, fmt, prompts
from desktop.gui.context import AppContext
from desktop.gui.dialogs.acts import ActDialog
from desktop.gui.dialogs.holds import HoldDialog, ReleaseDialog
from desktop.gui.operations import Latest, describe_error
from desktop.gui.widgets.basics import button, label
from desktop.gui.widgets.fields import AddressField
from desktop.workspace import Done

if TYPE_CHECKING:
    from core.compliance.claims import ClaimView
    from core.compliance.schema import RuleSet
    from core.requests import SigningRequest

CLAIM_TYPES = ("identity", "jurisdiction", "accredited", "entity-type")


class RulesDialog(ActDialog):
    action_text = "Record these rules"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx,
            parent,
            "Set the ledger's rules",
            "Choose a rules file (JSON, docs/rules.md). You see what it changes before anything is "
            "signed; the operator's key records it as the next version.",
        )
        self.key_hint = ctx.ledger.identity.operator if ctx.ledger else ""
        self.rules: RuleSet | None = None
        self.version = 0
        self._reads = Latest(ctx.ops, self)  # a file chosen again before the first is read: only its rules
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        choose = button("Choose file\u2026", "import")
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(choose)
        self.form.addRow("Rules file", row)
        self.changes = label("", wrap=True, selectable=True)
        self.form.addRow("What changes", self.changes)
        choose.clicked.connect(self.choose)
        self.finish_layout("Operator's key")

    def choose(self) -> None:
        path = prompts.open_file(self, "Choose a rules file", "Rules (*.json);;All files (*)")
        if path is not None:
            self.load(path)

    def load(self, path: Path) -> None:
        ws = self.ctx.ws
        self.path.setText(str(path))
        self.rules = None
        self.changes.setText("Reading\u2026")

        def read() -> tuple[RuleSet, int, list[str]]:
            rules = ws.read_rules(path)
            version, lines = ws.rules_changes(rules)
            return rules, version, lines

        def shown(found: tuple[RuleSet, int, list[str]]) -> None:
            self.rules, self.version, lines = found
            items = "".join(f"<li>{fmt.rich(line)}</li>" for line in lines)
            self.changes.setText(f"<b>Rules v{self.version}</b>, against the rules in force:<ul>{items}</ul>")
            self.go.setText(f"Record rules v{self.version}")
            self.validate()

        def refused(error: BaseException) -> None:
            self.changes.setText("")
            self.say(describe_error(error), "bad")

        self._reads.read("rules", read, shown, failed=refused, title="Reading the rules file")

    def missing(self) -> list[str]:
        return (["a rules file"] if self.rules is None else []) + super().missing()

    @property
    def yes_text(self) -> str:  # type: ignore[override]
        return f"Record rules v{self.version}"

    def question(self) -> str:
        return (
            f"Record rules v{self.version}? Transfers recorded from now on are judged by them; "
            "those recorded before stay judged by the rules in force then. A version cannot be "
            "taken back, only replaced by a later one."
        )

    def check(self) -> Callable[[], None]:
        ws, signer, rules = self.ctx.ws, self.key.signer(), self.rules
        assert rules is not None
        return lambda: ws.check_set_rules(signer, rules)

    def work(self) -> Callable[[], Done[int]]:
        ws, signer, rules = self.ctx.ws, self.key.signer(), self.rules
        assert rules is not None
        return lambda: ws.set_rules(signer, rules)

    def done_text(self, index: int) -> str:
        return f"Rules v{self.version} recorded as entry #{index}."


class IssuerDialog(ActDialog):
    action_text = "Trust this issuer"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx,
            parent,
            "Trust a claim issuer",
            "A claim issuer (a KYC provider, a notary, a registry) vouches for facts about an address. "
            "Its claims count only for the types you trust it for; adding it again replaces them.",
        )
        self.key_hint = ctx.ledger.identity.operator if ctx.ledger else ""
        self.address = AddressField()
        self.address.set_choices([(k.name, k.address) for k in ctx.keys.list()])
        self.types = QLineEdit(",".join(CLAIM_TYPES[:3]))
        self.form.addRow("Issuer", self.address)
        self.form.addRow("Claim types", self.types)
        self.address.validity_changed.connect(lambda _v: self.validate())
        self.types.textChanged.connect(lambda _t: self.validate())
        self.finish_layout("Operator's key")

    def missing(self) -> list[str]:
        return (
            (["the issuer's address"] if not self.address.is_valid() else [])
            + (["a claim type"] if not self.types.text().strip() else [])
            + super().missing()
        )

    def question(self) -> str:
        types = ", ".join(t.strip() for t in self.types.text().split(",") if t.strip())
        return (
            f"Trust {self.ctx.full_label(self.address.address() or '')} to issue {types} claims, signed by the key "
            f"'{self.key.key_name()}'? It is recorded in the ledger: it can be stopped later, in a new entry, "
            "but never removed."
        )

    def check(self) -> Callable[[], None]:
        ws, signer, address, types = self.ctx.ws, self.key.signer(), self.address.address() or "", self.types.text()
        return lambda: ws.check_add_issuer(signer, address, types)

    def work(self) -> Callable[[], Done[int]]:
        ws, signer, address, types = self.ctx.ws, self.key.signer(), self.address.address() or "", self.types.text()
        return lambda: ws.add_issuer(signer, address, types)

    def done_text(self, index: int) -> str:
        return f"Recorded as entry #{index}: its claims of these types now count."


class ClaimDialog(ActDialog):
    action_text = "Issue the claim"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx,
            parent,
            "Issue a claim",
            "Only the claim's type, value, issuer, expiry and the hash of the evidence file go on the "
            "ledger; keep the evidence itself.",
        )
        self.subject = AddressField()
        self.subject.set_choices([(k.name, k.address) for k in ctx.keys.list()])
        self.claim_type = QComboBox()
        self.claim_type.setEditable(True)
        self.claim_type.addItems(CLAIM_TYPES)
        self.value = QLineEdit()
        self.value.setPlaceholderText("A category: US, US-NY for a jurisdiction; company, trust for an entity type")
        self.expires = QCheckBox("Expires on")
        self.expiry = a11y.name(QDateEdit(fmt.today().addYears(1)), "Expiry date")
        self.expiry.setCalendarPopup(True)
        self.expiry.setDisplayFormat("yyyy-MM-dd")
        row = QHBoxLayout()
        row.addWidget(self.expires)
        row.addWidget(self.expiry, 1)
        self.evidence = QLineEdit()
        self.evidence.setReadOnly(True)
        self._evidence: tuple[Path, str] | None = None  # the file chosen and its hash, read when it was chosen
        self._reads = Latest(ctx.ops, self)  # a file chosen again before the first is read: only its hash
        choose = button("Choose\u2026", "import")
        evidence_row = QHBoxLayout()
        evidence_row.addWidget(self.evidence, 1)
        evidence_row.addWidget(choose)
        self.form.addRow("About", self.subject)
        self.form.addRow("Claim", self.claim_type)
        self.form.addRow("Value", self.value)
        self.form.addRow("", row)
        self.form.addRow("Evidence file", evidence_row)
        choose.clicked.connect(self._choose)
        self.subject.validity_changed.connect(lambda _v: self.validate())
        self.finish_layout("Issuer's key")

    def _choose(self) -> None:
        path = prompts.open_file(self, "The evidence (its hash is recorded; the file stays with you)")
        if path is None:
            return
        self.evidence.clear()  # a file is taken only once it is read: one that is no evidence is said now
        self._evidence = None
        self.validate()
        ws = self.ctx.ws
        self._reads.read(
            "evidence",
            lambda: ws.evidence_hash(path),
            lambda digest: self._chosen(path, digest),
            failed=self._refused,
            title="Reading the evidence",
        )

    def _chosen(self, path: Path, digest: str) -> None:
        self.evidence.setText(prompts.readable(str(path)))  # shown; the path itself is kept (Qt drops bad bytes)
        self._evidence = (path, digest)
        self.validate()

    def missing(self) -> list[str]:
        return (
            (["the address it is about"] if not self.subject.is_valid() else [])
            + (["the evidence file"] if self._evidence is None else [])
            + super().missing()
        )

    def question(self) -> str:
        assert self._evidence is not None  # the action is enabled only once the file is read
        path, digest = self._evidence
        value = f" {self.value.text().strip()}" if self.value.text().strip() else ""
        expiry = f"expiring {fmt.qdate(self.expiry.date()).isoformat()}" if self.expires.isChecked() else "no expiry"
        return (
            f"Record the claim \u201c{self.claim_type.currentText()}{value}\u201d about "
            f"{self.ctx.full_label(self.subject.address() or '')}, issued with the key '{self.key.key_name()}' "
            f"({expiry}), with the hash {digest[:18]}\u2026 of {prompts.readable(path.name)}? "
            "Its issuer can revoke it later, but it is never removed from the ledger."
        )

    def check(self) -> Callable[[], None]:
        ws, signer = self.ctx.ws, self.key.signer()
        subject, claim_type, value = self.subject.address() or "", self.claim_type.currentText(), self.value.text()
        expires = fmt.qdate(self.expiry.date()).isoformat() if self.expires.isChecked() else None
        return lambda: ws.check_claim(signer, subject, claim_type, value=value, expires=expires)

    def work(self) -> Callable[[], Done[tuple[int, int]]]:
        ws, signer = self.ctx.ws, self.key.signer()
        subject, claim_type, value = self.subject.address() or "", self.claim_type.currentText(), self.value.text()
        expires = fmt.qdate(self.expiry.date()).isoformat() if self.expires.isChecked() else None
        assert self._evidence is not None
        evidence = self._evidence[0]
        return lambda: ws.issue_claim(signer, subject, claim_type, evidence_file=evidence, value=value, expires=expires)

    def done_text(self, value: tuple[int, int]) -> str:
        return f"Claim {value[1]} recorded as entry #{value[0]}. Keep the evidence file: the ledger holds its hash."


class RevokeDialog(ActDialog):
    action_text = "Revoke the claim"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, view: ClaimView) -> None:
        c = view.claim
        super().__init__(
            ctx,
            parent,
            f"Revoke claim {c.claim_id}",
            f"Revoke claim {c.claim_id} ({c.claim_type}{' ' + c.value if c.value else ''}) about "
            f"{ctx.label_for(c.subject)}? Only its issuer, {ctx.label_for(c.issuer)}, can. From then on "
            "it no longer counts for any transfer.",
        )
        self.key_hint, self.claim_id = c.issuer, c.claim_id
        self.finish_layout("Issuer's key")

    def work(self) -> Callable[[], Done[int]]:
        ws, signer, claim_id = self.ctx.ws, self.key.signer(), self.claim_id
        return lambda: ws.revoke_claim(signer, claim_id)

    def done_text(self, index: int) -> str:
        return f"Claim {self.claim_id} revoked (entry #{index})."


def record_responses(ctx: AppContext, parent: QWidget, then: Callable[[int], Any] | None = None) -> None:
    """Record one entry from its signed response files (any kind a party signs by request), after showing
    what they say and asking."""
    paths = prompts.open_files(parent, "Signed responses of one entry", "Responses (*.json);;All files (*)")
    if not paths:
        return
    ctx.require_ledger()
    ws = ctx.ws

    def read() -> tuple[list[SigningRequest], str]:
        from core.requests import load_response
        from desktop.gui.dialogs.party_requests import what_it_records

        responses = [load_response(p) for p in paths]
        ws.check_transfer(responses)  # what the ledger would refuse is said before it is asked
        return responses, what_it_records(responses[0], ws.ledger.identity)

    def ask(found: tuple[list[SigningRequest], str]) -> None:
        responses, title = found
        who = ", ".join(f"{r.role} {ctx.full_label(r.signer)}" for r in responses)
        if not prompts.ask(
            parent,
            f"Record \u201c{fmt.plain(title, 600)}\u201d, signed by {who}? Its signatures and the ledger's rules "
            "allow it as the ledger is now; a recorded entry is never removed.",
            yes="Record",
        ):
            return

        def recorded(index: int) -> None:
            prompts.inform(parent, f"Recorded as entry #{index}.")
            if then is not None:
                then(index)

        ctx.ops.op(parent, lambda: ws.submit(responses), write=True, title="Recording").success(recorded).run()

    ctx.ops.op(parent, read, title="Reading the responses").success(ask).run()


__all__ = [
    "ClaimDialog",
    "HoldDialog",
    "IssuerDialog",
    "ReleaseDialog",
    "RevokeDialog",
    "RulesDialog",
    "record_responses",
]
