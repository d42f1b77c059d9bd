"""SealCertificate: the operator binds the office's document-signing certificate to the ledger.

A sealed document's PAdES signature is made with a certificate the office made itself; this
entry, signed by the operator and proved in a checkpoint, is what lets anyone walk ledger ->
certificate -> PDF signature offline: the certificate's SHA-256 fingerprint and validity, under
the name the office gave the seal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.entries import Entry
from core.errors import RuleViolation
from core.kinds import EntryKind, LedgerAct, register, require_roles, same_address, signature_of
from core.presentation import Date, Description, Hex, Role, Signer, Term, Text
from core.state import ApplyContext, LedgerState

NAME_LIMIT = 64


def _apply(state: LedgerState, entry: Entry, ctx: ApplyContext) -> None:
    identity = state.identity
    assert identity is not None
    require_roles(entry, "operator")
    if not same_address(signature_of(entry, "operator").signer, identity.operator):
        raise RuleViolation("Only the ledger's operator can bind a document-sealing certificate to the ledger.")
    m = entry.message
    if not 0 < len(m["name"]) <= NAME_LIMIT or m["name"] != m["name"].strip():
        raise RuleViolation(f"A seal's name is 1 to {NAME_LIMIT} characters, without spaces around it.")
    if not m["notBefore"] < m["notAfter"]:
        raise RuleViolation("A seal certificate's validity must end after it begins.")


def _day(seconds: int) -> Date:
    import time

    return Date(time.strftime("%Y-%m-%d", time.gmtime(seconds)))


def _present(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    return Description(
        title=("Document seal \u201c", Text(m["name"], NAME_LIMIT), "\u201d bound to the ledger"),
        terms=(
            Term("Seal", (Text(m["name"], NAME_LIMIT),)),
            Term("Certificate SHA-256", (Hex(m["certSha256"]),)),
            Term("Valid", (_day(m["notBefore"]), " to ", _day(m["notAfter"]))),
        ),
        event=("Document seal bound",),
        parties=(Role("Operator", tuple(a for _, a in signers)),),
        brief=((Text(m["name"], NAME_LIMIT),), ("certificate ", Hex(m["certSha256"]))),
        headline=("Document seal \u201c", Text(m["name"], NAME_LIMIT), "\u201d bound"),
        detail=("valid to ", _day(m["notAfter"])),
        icon="settings",
    )


SEAL_CERTIFICATE = register(
    EntryKind(
        name="SealCertificate",
        as_of=True,
        fields=(("name", "string"), ("certSha256", "bytes32"), ("notBefore", "uint256"), ("notAfter", "uint256")),
        apply=_apply,
        describe=lambda m: (
            f"Document seal '{m['name']}' bound to the ledger (certificate {str(m['certSha256'])[:18]}\u2026)"
        ),
        present=_present,
        ledger_act=LedgerAct("operator", "operator", "deedbook seal cert new"),
    )
)
