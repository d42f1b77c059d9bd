"""An attestation request a notary can check on its own machine, with no copy of the agency's ledger.

The request is an ordinary signing request (standard `eth_signTypedData_v4`
typed data, so any wallet can sign it) with one more envelope field,
`evidence`: an inclusion proof of the entry to be attested (core.proofs' format:
the entry with its signatures, its audit path, the operator-signed and
cosigned checkpoint).  `check_evidence` verifies it offline and that the
Attestation names exactly that entry (index, leaf hash, kind, deed, signers).

The agency leaves the notary's own fields open: on the notary's machine,
`complete_attestation` writes the act date, the kind of identity evidence seen
and the keyed hash of its number (only the notary's key can make it) into the
message before it is signed.  Everything the agency put in stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from core.dates import parse_date, today_here, latest_day
from core.errors import DeedbookError, VerificationFailed
from core.identity import LedgerIdentity
from core.keys import UnlockedKey
from core.kinds import typed_data
from core.ledger import Ledger
from core.notary import ZERO_HASH, id_number_hash
from core.proofs import ProofReport, build_proof, verify_proof
from core.requests import RequestError, SigningRequest, make_request, parse_request, summarize
from core.signing import checksum_address, parse_address

EVIDENCE = "evidence"


def attestation_request(
    ledger: Ledger, index: int, notary: str, *, act: str, place: str = "", now: int | None = None
) -> SigningRequest:
    """The notary's request to attest entry `index`, carrying its proof (a checkpoint must cover the entry)."""
    entry = ledger.entry(index)
    act = " ".join(act.split())
    if not act:
        raise DeedbookError("Name the notarial act (e.g. acknowledgment, jurat).")
    signers = list(dict.fromkeys(s.signer for s in entry.signatures))
    if not signers:
        raise DeedbookError(f"Entry {index} has no signers to attest.")
    proof = build_proof(ledger, index)  # NotFound, in a sentence, when no checkpoint covers it yet
    message = {
        "entryIndex": index,
        "entryHash": "0x" + entry.leaf_hash.hex(),
        "entryKind": entry.kind,
        "deedId": entry.deed_id or 0,
        "act": act,
        "actDate": today_here().isoformat(),  # the notary writes the act's own date when signing
        "place": " ".join(place.split()),
        "signers": signers,
        "idEvidence": "",
        "idNumberHash": ZERO_HASH,
    }
    request = make_request(
        ledger.identity, "Attestation", message, "Attestation", checksum_address(parse_address(notary)), now=now
    )
    return replace(request, extra={**request.extra, EVIDENCE: proof})


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class EvidenceReport:
    """What the notary's machine checked, each with its outcome; `ok` only if every check passed."""

    checks: tuple[Check, ...]
    proof: ProofReport | None

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def first_failure(self) -> Check | None:
        return next((c for c in self.checks if not c.ok), None)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checks": [c.__dict__ for c in self.checks],
            "operator": self.proof.operator if self.proof else None,
            "ledger": self.proof.ledger_name if self.proof else None,
        }


def check_evidence(request: SigningRequest) -> EvidenceReport:
    """Verify an attestation request's evidence offline: the proof, and that the message names that entry."""
    if request.kind != "Attestation":
        raise RequestError(f"This request asks for {request.kind}, not a notarial attestation.")
    checks: list[Check] = []
    evidence = request.extra.get(EVIDENCE)
    if not isinstance(evidence, dict):
        return EvidenceReport(
            (
                Check(
                    "Evidence",
                    False,
                    "The request carries no proof of the entry, so it cannot be "
                    "checked here; ask the agency for a request made by 'attest prepare'.",
                ),
            ),
            None,
        )
    try:
        report = verify_proof(evidence, holder="request")
    except VerificationFailed as failed:
        return EvidenceReport((Check("Proof of the entry", False, failed.reason),), None)
    except DeedbookError as bad:
        return EvidenceReport((Check("Proof of the entry", False, str(bad)),), None)
    checks.append(
        Check(
            "Proof of the entry",
            True,
            f"entry {report.index} is in the ledger's tree of {report.tree_size:,} entries, under a "
            f"checkpoint signed by its operator {report.operator}",
        )
    )
    if report.cosigners:
        names = ", ".join(str(c["name"]) for c in report.cosigners)
        checks.append(Check("Witnesses", True, f"the checkpoint is cosigned by {names}"))
    same_ledger = (
        report.ledger_id == request.ledger_id.lower()
        and report.ledger_name == request.ledger_name
        and evidence.get("ledger", {}).get("chainId") == request.domain["chainId"]
    )
    checks.append(
        Check(
            "Same ledger",
            same_ledger,
            "the proof is of the ledger the request is for"
            if same_ledger
            else "the proof is of another ledger than the one the request is for",
        )
    )
    m = request.message
    entry = evidence["entry"]
    named = [
        (m["entryIndex"] == report.index, f"index {m['entryIndex']}"),
        (m["entryHash"] == report.leaf_hash, "leaf hash"),
        (m["entryKind"] == report.kind, f"kind {m['entryKind']}"),
        (
            m["deedId"] == (entry["message"].get("deedId") or 0) if report.kind != "RegisterDeed" else True,
            f"deed {m['deedId']}",
        ),
    ]
    wrong = [what for ok, what in named if not ok]
    checks.append(
        Check(
            "Names that entry",
            not wrong,
            f"the attestation names entry {report.index} exactly (index, hash, kind, deed)"
            if not wrong
            else f"the attestation's {', '.join(wrong)} do not match the entry proved",
        )
    )
    signed = {s["signer"].lower() for s in entry["signatures"]}
    outsiders = [s for s in m["signers"] if s.lower() not in signed]
    checks.append(
        Check(
            "Signers",
            not outsiders,
            "every signer named signed the entry"
            if not outsiders
            else f"{outsiders[0]} is named as a signer but did not sign the entry",
        )
    )
    return EvidenceReport(tuple(checks), report)


def identity_of(request: SigningRequest) -> LedgerIdentity:
    """The ledger a request is for, as far as its domain says (enough for the keyed id-number hash)."""
    domain = request.domain
    return LedgerIdentity(bytes.fromhex(request.ledger_id[2:]), request.ledger_name, "", int(domain["chainId"]))


def complete_attestation(
    request: SigningRequest,
    notary_key: UnlockedKey,
    *,
    id_kind: str = "",
    id_number: str | None = None,
    act_date: date | str | None = None,
) -> SigningRequest:
    """The request with the notary's own fields written in (ready to sign); the agency's fields unchanged."""
    if request.kind != "Attestation":
        raise RequestError(f"This request asks for {request.kind}, not a notarial attestation.")
    day = (
        today_here()
        if act_date is None
        else act_date
        if isinstance(act_date, date)
        else parse_date(act_date, "date of the act")
    )
    if day > latest_day():  # the notary's own day may be a day past the UTC day (Auckland's morning)
        raise DeedbookError(f"The date of the act, {day.isoformat()}, is in the future.")
    identity = identity_of(request)
    message = dict(request.message)
    message.update(
        {
            "actDate": day.isoformat(),
            "idEvidence": " ".join(id_kind.split()),
            "idNumberHash": id_number_hash(identity, notary_key, id_number) if id_number else ZERO_HASH,
        }
    )
    data = {
        **request.extra,
        "format": "deedbook-signing-request/1",
        "typedData": {**typed_data(identity, "Attestation", message), "domain": request.domain},
        "signer": request.signer,
        "role": request.role,
    }
    completed = parse_request(data)
    summary = summarize(completed, None, warn_ledger=False).text()
    return replace(completed, extra={**completed.extra, "summary": summary})
