"""Eligibility claims: the operator trusts claim issuers (ClaimIssuer), an issuer issues claims about an
address (Claim) and may revoke them (ClaimRevocation).

Only a claim's type, a short value (a country code, an entity type), its issuer,
its expiry and a hash of its evidence are on the ledger; the evidence itself stays
with the issuer, who can show it matches the hash.  A claim counts for the transfer
rules while it is unrevoked, unexpired, and its issuer is trusted for its type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.compliance.fields import (
    MAX_SECONDS,
    check_claim_type,
    check_claim_value,
    check_id,
    checksummed,
    claim_problem,
    is_zero,
)
from core.compliance.state import Claim, Issuer, claim_key
from core.entries import Entry
from core.errors import RuleViolation
from core.kinds import (
    EntryKind,
    LedgerAct,
    OneTime,
    Party,
    register,
    require_roles,
    same_address,
    signature_of,
)
from core.presentation import (
    Address,
    Count,
    Deadline,
    Description,
    Hex,
    Role,
    Signer,
    Term,
    Text,
)
from core.state import ApplyContext, LedgerState

MAX_TYPES = 20
EVIDENCE_ZERO = "0x" + "00" * 32


def split_types(text: str) -> list[str]:
    return [t for t in text.split(",") if t]


def _operator(state: LedgerState, entry: Entry, what: str) -> None:
    identity = state.identity
    assert identity is not None
    require_roles(entry, "operator")
    if not same_address(signature_of(entry, "operator").signer, identity.operator):
        raise RuleViolation(f"Only the ledger's operator can {what}.")


def _apply_issuer(state: LedgerState, entry: Entry, ctx: ApplyContext) -> None:
    _operator(state, entry, "trust a claim issuer")
    m = entry.message
    check_id(m["changeId"], "change id")
    if is_zero(m["issuer"]):
        raise RuleViolation("A claim issuer cannot be the zero address.")
    types = split_types(m["claimTypes"])
    for claim_type in types:
        check_claim_type(claim_type)
    if not types:  # no types: the operator stops trusting the issuer; its claims count for nothing from here on
        known = state.compliance.issuer(m["issuer"])
        if known is None or not known.types:
            raise RuleViolation(f"{m['issuer']} is not a trusted claim issuer, so there is no trust to remove.")
    elif not len(types) <= MAX_TYPES or ",".join(sorted(set(types))) != m["claimTypes"]:
        raise RuleViolation(
            f"An issuer is trusted for 1 to {MAX_TYPES} claim types (none: no longer trusted), listed once "
            "each in alphabetical order and separated by commas."
        )
    issuer = Issuer(checksummed(m["issuer"]), tuple(types), ctx.index)
    state.compliance.put("issuer", issuer.address.lower(), issuer)


def _issuer_of(entry: Entry, m: Mapping[str, Any]) -> str:
    require_roles(entry, "issuer")
    signer = signature_of(entry, "issuer").signer
    if not same_address(signer, m["issuer"]):
        raise RuleViolation(f"The claim names {m['issuer']} as its issuer but is signed by {signer}.")
    return signer


def untrusted(issuer: Issuer | None, address: str, claim_type: str) -> str | None:
    """Why `address` may not issue a `claim_type` claim (None: it may): the rule's sentence, and the one
    said before the issuer's password is asked."""
    if issuer is None:
        return f"{address} is not a claim issuer this ledger's operator trusts."
    if not issuer.types:
        return f"{issuer.address} is no longer a trusted claim issuer (entry {issuer.index})."
    if claim_type not in issuer.types:
        return f"{issuer.address} is trusted for {', '.join(issuer.types)} claims, not for '{claim_type}'."
    return None


def _apply_claim(state: LedgerState, entry: Entry, ctx: ApplyContext) -> None:
    m = entry.message
    _issuer_of(entry, m)
    compliance = state.compliance
    check_claim_type(m["claimType"])
    check_claim_value(m["claimType"], m["value"])
    issuer = compliance.issuer(m["issuer"])
    if (refusal := untrusted(issuer, m["issuer"], m["claimType"])) is not None:
        raise RuleViolation(refusal)
    assert issuer is not None
    expected = compliance.counter("claims")
    if m["claimId"] != expected:
        raise RuleViolation(f"The next claim number is {expected}, not {m['claimId']} (a replayed or stale claim).")
    if is_zero(m["subject"]):
        raise RuleViolation("A claim cannot be about the zero address.")
    if m["expires"] != 0 and not ctx.recorded_at < m["expires"] <= MAX_SECONDS:
        raise RuleViolation("The claim's expiry has passed (or is not a time); the issuer must issue a new one.")
    check_id(m["evidenceHash"], "claim's evidence hash")
    claim = Claim(
        m["claimId"],
        checksummed(m["subject"]),
        m["claimType"],
        m["value"],
        issuer.address,
        m["expires"],
        m["evidenceHash"],
        ctx.index,
    )
    compliance.put("claim", claim_key(claim.subject, claim.claim_id), claim)
    compliance.bump("claims")


def _apply_revocation(state: LedgerState, entry: Entry, ctx: ApplyContext) -> None:
    m = entry.message
    _issuer_of(entry, m)
    claim = state.compliance.claim(m["subject"], m["claimId"])
    if claim is None:
        raise RuleViolation(f"There is no claim {m['claimId']} about {m['subject']}.")
    if claim.claim_type != m["claimType"] or not same_address(claim.issuer, m["issuer"]):
        raise RuleViolation(
            f"Claim {claim.claim_id} is a '{claim.claim_type}' claim issued by {claim.issuer}; only its "
            "issuer can revoke it, and the revocation must say so."
        )
    if claim.revoked_index is not None:
        raise RuleViolation(f"Claim {claim.claim_id} was revoked already (entry {claim.revoked_index}).")
    claim.revoked_index = ctx.index
    state.compliance.put("claim", claim_key(claim.subject, claim.claim_id), claim)


def _claim_terms(m: Mapping[str, Any]) -> tuple[Term, ...]:
    expires = (Deadline(m["expires"]),) if m["expires"] else ("never",)
    value = (Text(m["value"], 64),) if m["value"] else ("(none)",)
    return (
        Term("About", (Address(m["subject"]),)),
        Term("Claim", (Text(m["claimType"], 32),)),
        Term("Value", value),
        Term("Issuer", (Address(m["issuer"]),)),
        Term("Expires", expires),
        Term("Evidence hash", (Hex(m["evidenceHash"]),)),
        Term("Claim number", (Count(m["claimId"]),)),
    )


def _present_claim(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    return Description(
        title=("Claim about ", Address(m["subject"]), ": ", Text(m["claimType"], 32)),
        terms=_claim_terms(m),
        event=("Claim issued",),
        parties=(Role("About", (m["subject"],)), Role("Issuer", (m["issuer"],))),
        brief=((Text(m["claimType"], 32),),),
        headline=("Claim ", Text(m["claimType"], 32), " about ", Address(m["subject"])),
        detail=("by ", Address(m["issuer"])),
        icon="verify",
        tone="accent",
        warnings=("The evidence this claim rests on stays with you: keep the file whose hash is shown.",),
    )


def _present_revocation(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    return Description(
        title=(f"Revocation of claim {m['claimId']} about ", Address(m["subject"])),
        terms=(
            Term("About", (Address(m["subject"]),)),
            Term("Claim", (Text(m["claimType"], 32),)),
            Term("Claim number", (Count(m["claimId"]),)),
            Term("Issuer", (Address(m["issuer"]),)),
        ),
        event=("Claim revoked",),
        parties=(Role("About", (m["subject"],)), Role("Issuer", (m["issuer"],))),
        brief=((Text(m["claimType"], 32),),),
        headline=(f"Claim {m['claimId']} revoked",),
        detail=("by ", Address(m["issuer"])),
        icon="cancel",
        tone="bad",
    )


def _present_issuer(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    if not m["claimTypes"]:
        return Description(
            title=("Claim issuer no longer trusted: ", Address(m["issuer"])),
            terms=(Term("Issuer", (Address(m["issuer"]),)), Term("Claim types", ("none: its claims no longer count",))),
            event=("Claim issuer no longer trusted",),
            parties=(Role("Issuer", (m["issuer"],)),),
            brief=(("no longer trusted",),),
            headline=("Claim issuer removed ", Address(m["issuer"])),
            detail=("its claims no longer count",),
            icon="cancel",
            tone="bad",
        )
    return Description(
        title=("Trusted claim issuer ", Address(m["issuer"])),
        terms=(Term("Issuer", (Address(m["issuer"]),)), Term("Claim types", (Text(m["claimTypes"], 400),))),
        event=("Claim issuer trusted",),
        parties=(Role("Issuer", (m["issuer"],)),),
        brief=((Text(m["claimTypes"], 400),),),
        headline=("Claim issuer ", Address(m["issuer"])),
        detail=(Text(m["claimTypes"], 200),),
        icon="keys",
    )


CLAIM_ISSUER = register(
    EntryKind(
        name="ClaimIssuer",
        fields=(("changeId", "bytes32"), ("issuer", "address"), ("claimTypes", "string")),
        apply=_apply_issuer,
        describe=lambda m: (
            f"{m['issuer']} is trusted to issue claims: {m['claimTypes']}"
            if m["claimTypes"]
            else f"{m['issuer']} is no longer trusted to issue claims"
        ),
        present=_present_issuer,
        ledger_act=LedgerAct("operator", "operator", "deedbook claims issuer add"),
        once=(OneTime("changeId", None, "This issuer change ({short}) was recorded before (entry {entry})."),),
    )
)

CLAIM = register(
    EntryKind(
        name="Claim",
        fields=(
            ("claimId", "uint256"),
            ("subject", "address"),
            ("claimType", "string"),
            ("value", "string"),
            ("issuer", "address"),
            ("expires", "uint256"),
            ("evidenceHash", "bytes32"),
        ),
        apply=_apply_claim,
        describe=lambda m: (
            f"Claim {m['claimId']}: {m['subject']} is {m['claimType']}"
            f"{' ' + m['value'] if m['value'] else ''} (issued by {m['issuer']})"
        ),
        present=_present_claim,
        parties={
            "Claim": Party(
                "issuer",
                "You issue this claim as a trusted claim issuer; the evidence stays with you.",
                "issuer",
                label="Claim issuer",
            )
        },
        check_request=claim_problem,
    )
)

CLAIM_REVOCATION = register(
    EntryKind(
        name="ClaimRevocation",
        fields=(("claimId", "uint256"), ("subject", "address"), ("claimType", "string"), ("issuer", "address")),
        apply=_apply_revocation,
        describe=lambda m: f"Claim {m['claimId']} ({m['claimType']}) about {m['subject']} revoked by {m['issuer']}",
        present=_present_revocation,
        parties={
            "ClaimRevocation": Party("issuer", "You revoke this claim as its issuer.", "issuer", label="Claim issuer")
        },
    )
)
