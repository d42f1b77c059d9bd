"""Claims: trust an issuer, issue a claim about an address, revoke it, list them.

The service behind `deedbook claims …` and the GUI's rules and claims pane.  An
issuer whose key lives elsewhere can sign a claim request in a wallet instead
(`claim_request`), submitted like any response.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

from core.compliance.acts import reading
from core.compliance.fields import check_claim_type, check_claim_value
from core.compliance.judge import valid_claims
from core.compliance.state import Claim, Issuer
from core.dates import DAY, date_to_epoch, format_instant, parse_date
from core.entries import Entry
from core.errors import DeedbookError, NotFound, RuleViolation
from core.hashing import keccak
from core.keys import UnlockedKey
from core.kinds.claims import MAX_TYPES, untrusted
from core.ledger import Ledger
from core.requests import SigningRequest, make_request
from core.signing import checksum_address, parse_address
from core.state import LedgerState
from core.userfiles import read_user_file

MAX_EVIDENCE_BYTES = 64 * 2**20
STANDARD_TYPES = ("identity", "jurisdiction", "accredited", "entity-type")


def _address(text: str, what: str) -> str:
    """`text` as an address (`what` it should be is for the reader; parse_address says what is wrong)."""
    return checksum_address(parse_address(text))


def claim_types(text: str | list[str]) -> str:
    """A list of claim types as an issuer entry stores it: sorted, once each, comma-separated."""
    items = text.split(",") if isinstance(text, str) else text
    types = sorted({t.strip().lower() for t in items if t.strip()})
    if not 1 <= len(types) <= MAX_TYPES:
        raise DeedbookError(
            f"Name 1 to {MAX_TYPES} claim types the issuer is trusted for (e.g. identity,jurisdiction)."
        )
    for claim_type in types:
        try:
            check_claim_type(claim_type)
        except RuleViolation as bad:
            raise DeedbookError(f"'{claim_type[:40]}': {bad}") from None
    return ",".join(types)


def add_issuer(ledger: Ledger, operator: UnlockedKey, address: str, types: str | list[str]) -> int:
    """Trust `address` to issue claims of `types` (replacing the types it was trusted for); the entry's index."""
    message = {
        "changeId": "0x" + os.urandom(32).hex(),
        "issuer": _address(address, "an issuer's address"),
        "claimTypes": claim_types(types),
    }
    return ledger.append([ledger.sign("ClaimIssuer", message, operator, "operator")])[0]


def check_removable(ledger: Ledger, address: str) -> str:
    """The issuer's checksummed address, if it is trusted now (said before the operator's password)."""
    address = _address(address, "an issuer's address")
    with reading(ledger) as state:
        trusted = state.compliance.issuer(address)
    if trusted is None or not trusted.types:
        raise DeedbookError(f"{address} is not a trusted claim issuer, so there is no trust to remove.")
    return trusted.address


def remove_issuer(ledger: Ledger, operator: UnlockedKey, address: str) -> int:
    """Stop trusting `address` as a claim issuer: an issuer entry with no claim types.  Its claims stay on
    the ledger but no longer satisfy any rule; trusting it again (add_issuer) makes them count again."""
    message = {"changeId": "0x" + os.urandom(32).hex(), "issuer": check_removable(ledger, address), "claimTypes": ""}
    return ledger.append([ledger.sign("ClaimIssuer", message, operator, "operator")])[0]


def evidence_hash(path: str | os.PathLike[str]) -> str:
    """keccak-256 of the evidence file: the ledger keeps this, the issuer keeps the file."""
    return "0x" + keccak(read_user_file(path, "an evidence file", max_bytes=MAX_EVIDENCE_BYTES)).hex()


def expiry(text: str | None) -> int:
    """The end (UTC) of the day a claim expires; 0 for a claim that does not."""
    if not text:
        return 0
    day = parse_date(text, "claim expiry date")
    moment = date_to_epoch(day) + DAY - 1
    if moment <= time.time():
        raise DeedbookError(f"The expiry date {day.isoformat()} has passed.")
    return moment


def claim_terms(subject: str, claim_type: str, value: str) -> tuple[str, str, str]:
    subject = _address(subject, "the address the claim is about")
    claim_type = claim_type.strip().lower()
    value = value.strip().upper() if claim_type == "jurisdiction" else value.strip()
    try:
        check_claim_type(claim_type)
        check_claim_value(claim_type, value)
    except RuleViolation as bad:
        raise DeedbookError(str(bad)) from None
    return subject, claim_type, value


def claim_message(
    state: LedgerState, subject: str, claim_type: str, value: str, issuer: str, expires: int, evidence: str
) -> dict[str, Any]:
    return {
        "claimId": state.compliance.counter("claims"),
        "subject": subject,
        "claimType": claim_type,
        "value": value,
        "issuer": issuer,
        "expires": expires,
        "evidenceHash": evidence,
    }


def check_issuer(ledger: Ledger, issuer: str, claim_type: str) -> None:
    """Said before the issuer's password is asked: is it trusted for this type?"""
    with reading(ledger) as state:
        trusted = state.compliance.issuer(issuer)
    if (refusal := untrusted(trusted, issuer, claim_type)) is not None:
        raise DeedbookError(refusal)


def issue_claim(
    ledger: Ledger, issuer: UnlockedKey, subject: str, claim_type: str, value: str, expires: int, evidence: str
) -> tuple[int, int]:
    """Record a claim signed by `issuer`; (entry index, claim number).  The number is taken in the write lock."""
    subject, claim_type, value = claim_terms(subject, claim_type, value)

    def build(state: LedgerState) -> list[Entry]:
        message = claim_message(state, subject, claim_type, value, issuer.address, expires, evidence)
        return [ledger.sign("Claim", message, issuer, "issuer")]

    [index] = ledger.append_built(build)
    return index, int(ledger.entry(index).message["claimId"])


def claim_request(
    ledger: Ledger, subject: str, claim_type: str, value: str, issuer: str, expires: int, evidence: str
) -> SigningRequest:
    """A claim for an issuer who signs in a wallet: the request (submit the response)."""
    subject, claim_type, value = claim_terms(subject, claim_type, value)
    with reading(ledger) as state:
        message = claim_message(
            state, subject, claim_type, value, _address(issuer, "an issuer's address"), expires, evidence
        )
    return make_request(ledger.identity, "Claim", message, "Claim", issuer)


@dataclass(frozen=True)
class ClaimView:
    claim: Claim
    status: str  # valid, expired, revoked, untrusted (its issuer is not trusted for its type now)

    def as_json(self) -> dict[str, Any]:
        c = self.claim
        return {
            "claim_id": c.claim_id,
            "subject": c.subject,
            "type": c.claim_type,
            "value": c.value,
            "issuer": c.issuer,
            "expires": c.expires or None,
            "evidence_hash": c.evidence_hash,
            "issued_index": c.issued_index,
            "revoked_index": c.revoked_index,
            "status": self.status,
        }

    def line(self) -> str:
        c = self.claim
        value = f" {c.value}" if c.value else ""
        until = f", expires {format_instant(c.expires)}" if c.expires else ""
        return f"#{c.claim_id:<5} {c.subject}  {c.claim_type}{value}  by {c.issuer}{until}  [{self.status}]"


def _status(state: LedgerState, claim: Claim, now: int) -> str:
    if claim.revoked_index is not None:
        return "revoked"
    if claim.expires and now > claim.expires:
        return "expired"
    valid = valid_claims(state.compliance, claim.subject, claim.claim_type, now)
    return "valid" if any(c.claim_id == claim.claim_id for c in valid) else "untrusted"


def list_claims(ledger: Ledger, subject: str | None = None, *, now: int | None = None) -> list[ClaimView]:
    moment = int(time.time()) if now is None else now
    with reading(ledger) as state:
        compliance = state.compliance
        claims = compliance.claims_of(_address(subject, "an address")) if subject else compliance.with_prefix("claim")
        return sorted((ClaimView(c, _status(state, c, moment)) for c in claims), key=lambda v: v.claim.claim_id)


def list_issuers(ledger: Ledger) -> list[Issuer]:
    with reading(ledger) as state:
        return sorted(state.compliance.with_prefix("issuer"), key=lambda i: i.index)


def find_claim(ledger: Ledger, claim_id: int) -> Claim:
    for view in list_claims(ledger):
        if view.claim.claim_id == claim_id:
            return view.claim
    raise NotFound(f"There is no claim {claim_id} in this ledger.")


def revocation_message(claim: Claim) -> dict[str, Any]:
    return {"claimId": claim.claim_id, "subject": claim.subject, "claimType": claim.claim_type, "issuer": claim.issuer}


def revoke_claim(ledger: Ledger, issuer: UnlockedKey, claim: Claim) -> int:
    return ledger.append([ledger.sign("ClaimRevocation", revocation_message(claim), issuer, "issuer")])[0]
