"""Inclusion proofs that a third party checks without the database.

A proof file holds the entry (message and signatures), its Merkle audit path,
and the operator's signed checkpoint it was proved against.  `verify_proof`
needs nothing else: it recomputes the entry's EIP-712 digest and leaf hash,
walks the audit path to the checkpoint's root, and checks the checkpoint's
signature by the ledger's operator (compare that address with one you trust).

It also checks who signed, as far as the entry shows without the ledger, so
that a proof never rests on the operator's checkpoint signature alone: each
party signs in the role its kind declares (the seller of a transfer is its
`from`, ...), an operator's act is signed by the operator, and a registrar's
act (a registration, a recorded valuation) is signed by the operator or by a
key the proof shows was made registrar: the operator's `AddRegistrar` entry,
recorded before, with its own audit path to the same checkpoint
(`"registrar": {"entry", "leafHash", "auditPath"}`).

Format /2 (what `deedbook proof` writes now) carries the witnesses' cosignatures
with the checkpoint (`"checkpoint": {..., "cosignatures": ["— name base64", ...]}`,
the signature lines of its C2SP note): with them the file is a self-contained
proof in the spirit of c2sp.org/tlog-proof.  A reader reports the cosignatures
that check; a policy (core.policy) decides how many it needs.  /1 files (no
cosignatures) verify as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core import merkle
from core.entries import Entry, SignatureRecord, canonical_json, entry_leaf_hash
from core.errors import DeedbookError, NotFound, RuleViolation, VerificationFailed
from core.hexes import hex32
from core.identity import LedgerIdentity
from core.kinds import EntryKind, article, check_signatures, get_kind, registrar_to_prove, same_address, typed_data
from core.one_moment import one_moment
from core.userfiles import json_nests_deeper_than, read_user_file

if TYPE_CHECKING:  # verifying a proof needs no database: keep SQLAlchemy out of `verify-proof`
    from core.ledger import Ledger, RecordedEntry
    from core.tree import LedgerTree

FORMAT = "deedbook-proof/2"
FORMATS = ("deedbook-proof/1", FORMAT)  # /1: without cosignatures, as issued before witnesses


@dataclass(frozen=True)
class ProofReport:
    index: int
    kind: str
    summary: str
    leaf_hash: str
    tree_size: int
    root: str
    operator: str
    ledger_name: str
    ledger_id: str
    checkpoint_time: int
    cosigners: tuple[dict[str, Any], ...] = ()  # the witnesses whose cosignatures check

    def as_json(self) -> dict[str, Any]:
        return {"ok": True, **self.__dict__, "cosigners": list(self.cosigners)}


def appointment(ledger: Ledger, registrar: str, before: int) -> RecordedEntry | None:
    """The operator's AddRegistrar that made `registrar` one, if it was recorded before entry `before`."""
    for recorded in ledger.entries(0, before, kind="AddRegistrar"):
        if same_address(str(recorded.message["registrar"]), registrar):
            return recorded
    return None


def _proved(recorded: RecordedEntry, tree: LedgerTree, size: int) -> dict[str, Any]:
    """An entry with its audit path: the part of a proof that does not repeat the checkpoint."""
    return {
        "entry": {
            "index": recorded.index,
            "kind": recorded.kind,
            "recordedAt": recorded.recorded_at,
            "message": recorded.message,
            "signatures": [s.as_json() for s in recorded.signatures],
        },
        "leafHash": "0x" + recorded.leaf_hash.hex(),
        "auditPath": ["0x" + h.hex() for h in tree.inclusion(recorded.index, size)],
    }


@one_moment  # the entry, its checkpoint, the tree and the cosignatures at one moment
def build_proof(ledger: Ledger, index: int) -> dict[str, Any]:
    recorded = ledger.entry(index)
    checkpoint = ledger.latest_checkpoint(covering=index)
    if checkpoint is None:
        raise NotFound(f"No checkpoint covers entry {index} yet: run 'deedbook checkpoint' first.")
    from core.cosignatures import cosigned_json

    size = checkpoint.message["size"]
    tree = ledger.tree()
    proved = _proved(recorded, tree, size)
    proof = {
        "format": FORMAT,
        "ledger": ledger.identity.as_json(),
        "entry": proved["entry"],
        "typedData": typed_data(ledger.identity, recorded.kind, recorded.message),
        "leafHash": proved["leafHash"],
        "treeSize": size,
        "auditPath": proved["auditPath"],
        "checkpoint": cosigned_json(ledger, checkpoint),
    }
    registrar = registrar_to_prove(ledger.identity, get_kind(recorded.kind), recorded.entry)
    made = appointment(ledger, registrar, index) if registrar else None
    if made is not None:
        proof["registrar"] = _proved(made, tree, size)
    return proof


def _hex32(value: Any, what: str) -> bytes:
    # As written: str() and bytes.fromhex would take a number's digits and white space among the hex.
    found = hex32(value)
    if found is None:
        raise DeedbookError(f"The proof's {what} is not a 32-byte hex value.")
    return found


def _entry(data: Any, what: str) -> tuple[Entry, int, int]:
    if not isinstance(data, dict):
        raise DeedbookError(f"The proof's {what} is missing.")
    try:
        signatures = tuple(SignatureRecord.from_json(s) for s in data["signatures"])
        index, recorded_at = data.get("index", -1), data["recordedAt"]
        if type(index) is not int or type(recorded_at) is not int or not 0 <= recorded_at < 2**63:
            raise ValueError  # JSON integers as written (not true, 1.0 or "7"); a time the leaf can hold
        return Entry(str(data.get("kind", "Checkpoint")), dict(data["message"]), signatures), index, recorded_at
    except (KeyError, TypeError, ValueError):
        raise DeedbookError(f"The proof's {what} is malformed.") from None


def verify_proof(data: Any, *, holder: str = "proof") -> ProofReport:
    """Raises VerificationFailed (not genuine) or DeedbookError (not a proof file).

    `holder` names what carries the proof in sentences ("this proof", "this record")."""
    if not isinstance(data, dict) or data.get("format") not in FORMATS:
        raise DeedbookError("This is not a Deedbook proof file.")
    try:
        identity = LedgerIdentity.from_json(data["ledger"])
        tree_size, path = data["treeSize"], [_hex32(h, "audit path") for h in data["auditPath"]]
        if type(tree_size) is not int:
            raise TypeError  # a JSON integer as written (not true, 1.0 or "7")
    except (KeyError, TypeError, ValueError):
        raise DeedbookError("The proof file is incomplete or malformed.") from None
    entry, index, recorded_at = _entry(data.get("entry"), "entry")
    checkpoint, _, _ = (
        _entry({**data.get("checkpoint", {}), "kind": "Checkpoint"}, "checkpoint")
        if isinstance(data.get("checkpoint"), dict)
        else _entry(None, "checkpoint")
    )
    try:
        kind = get_kind(entry.kind)
        digest = check_signatures(identity, entry)
    except RuleViolation as bad:
        raise VerificationFailed(f"Entry {index} does not check: {bad}", index) from None
    _check_signers(identity, kind, entry, index)
    # Compared as JSON, type for type: Python's == takes 1.0 and true for 1, which another tool would show.
    if "typedData" in data and canonical_json(data["typedData"]) != canonical_json(
        typed_data(identity, entry.kind, entry.message)
    ):
        raise VerificationFailed(
            f"The proof's typedData is not the typed data of entry {index}: another tool "
            "reading it would show what the signatures do not cover.",
            index,
        )
    leaf = entry_leaf_hash(recorded_at, digest, entry.signatures)
    if "0x" + leaf.hex() != data.get("leafHash"):
        raise VerificationFailed(f"Entry {index}'s content does not match its leaf hash.", index)
    try:
        check_signatures(identity, checkpoint)
    except RuleViolation as bad:
        raise VerificationFailed(f"The checkpoint's signature does not check: {bad}") from None
    operator_signed = [s for s in checkpoint.signatures if s.role == "operator"]
    if len(operator_signed) != 1 or operator_signed[0].signer.lower() != identity.operator.lower():
        raise VerificationFailed("The checkpoint is not signed by the ledger's operator.")
    m = checkpoint.message
    if str(m.get("ledgerId", "")).lower() != identity.ledger_id_hex or m.get("size") != tree_size:
        raise VerificationFailed("The checkpoint belongs to another ledger or another tree size.")
    root = _hex32(m.get("root"), "checkpoint root")
    if not merkle.verify_inclusion(leaf, index, tree_size, path, root):
        raise VerificationFailed(
            f"Entry {index} is not in the tree the checkpoint signs (the audit path fails).", index
        )
    registrar = registrar_to_prove(identity, kind, entry)
    if registrar is not None:
        _check_appointment(data, registrar, entry.kind, index, holder)
    return ProofReport(
        index,
        entry.kind,
        get_kind(entry.kind).describe(entry.message),
        "0x" + leaf.hex(),
        tree_size,
        "0x" + root.hex(),
        identity.operator,
        identity.name,
        identity.ledger_id_hex,
        int(m.get("timestamp", 0)),
        _cosigners(identity, tree_size, root, data["checkpoint"]),
    )


def _cosigners(identity: LedgerIdentity, size: int, root: bytes, checkpoint: Any) -> tuple[dict[str, Any], ...]:
    """The cosignatures the checkpoint carries that check (lines that do not are ignored, as signed-note says)."""
    from core.checkpoint_note import Body, carried_lines, check_cosignature, origin

    body = Body(origin(identity), size, root)
    found = [check_cosignature(body, line) for line in carried_lines(checkpoint)]
    return tuple({"name": c.name, "address": c.address, "timestamp": c.timestamp} for c in found if c is not None)


MAX_PROOF_BYTES = 16 * 2**20  # a proof is a few KB: an entry, ~40 hashes and a checkpoint


def _check_signers(identity: LedgerIdentity, kind: EntryKind, entry: Entry, index: int) -> None:
    """Who signed, as far as the entry alone shows: what its kind declares (core.kinds)."""
    act = kind.ledger_act
    if act is None:
        for record in entry.signatures:
            party = kind.party(record.signed_type)
            if party is None or party.role != record.role:
                raise VerificationFailed(
                    f"Entry {index} carries a {record.role} signature over {record.signed_type}, "
                    f"which {article(kind.name)} does not take.",
                    index,
                )
            named = entry.message[party.signer_field] if party.signer_field else record.signer
            if not same_address(str(named), record.signer):
                raise VerificationFailed(
                    f"Entry {index}'s {party.role} signature is by {record.signer}, but the "
                    f"{kind.name} names {named} as its {party.role}.",
                    index,
                )
        return
    if len(entry.signatures) != 1 or entry.signatures[0].role != act.role:
        raise VerificationFailed(
            f"Entry {index} is {article(kind.name)}, which carries exactly one signature, by its {act.role}.", index
        )
    signer = entry.signatures[0].signer
    if act.by == "operator" and not same_address(signer, identity.operator):
        raise VerificationFailed(
            f"Entry {index} is {article(kind.name)} signed by {signer}, not by the ledger's operator "
            f"{identity.operator}.",
            index,
        )


def _check_appointment(data: dict[str, Any], registrar: str, kind: str, index: int, holder: str) -> None:
    """`registrar` signed entry `index`: the proof must carry the operator's AddRegistrar that made it one,
    recorded before the entry and proved in the same checkpoint (checked as a proof of its own)."""
    done = "registered" if kind == "RegisterDeed" else f"signed ({article(kind)})"
    not_shown = f"Entry {index} was {done} by {registrar}, which this {holder} does not show to be a registrar"
    evidence = data.get("registrar")
    if evidence is None:
        raise VerificationFailed(f"{not_shown}: it carries no AddRegistrar signed by the ledger's operator.", index)
    if not isinstance(evidence, dict) or not isinstance(evidence.get("entry"), dict):
        raise DeedbookError(f"The {holder}'s registrar evidence is malformed.")
    made = evidence["entry"]
    if (
        made.get("kind") != "AddRegistrar"
        or not isinstance(made.get("message"), dict)
        or not same_address(str(made["message"].get("registrar", "")), registrar)
    ):
        raise VerificationFailed(
            f"{not_shown}: the entry it carries as evidence does not make that key a registrar.", index
        )
    at = made.get("index")
    if type(at) is not int or not 0 <= at < index:
        raise VerificationFailed(f"{not_shown}: the AddRegistrar it carries is not recorded before the entry.", index)
    nested = {
        "format": data["format"],
        "ledger": data["ledger"],
        "entry": made,
        "leafHash": evidence.get("leafHash"),
        "treeSize": data["treeSize"],
        "auditPath": evidence.get("auditPath"),
        "checkpoint": data["checkpoint"],
    }
    try:
        verify_proof(nested, holder=holder)  # signed by the operator, in the tree the same checkpoint signs
    except VerificationFailed as bad:
        why = bad.reason[:1].lower() + bad.reason[1:].rstrip(".")
        raise VerificationFailed(f"{not_shown}: its AddRegistrar does not check ({why}).", index) from None


def read_proof_file(path: Path) -> Any:
    raw = read_user_file(path, "a proof file", max_bytes=MAX_PROOF_BYTES)
    try:
        text = raw.decode("utf-8")
        if json_nests_deeper_than(text, 32):  # a proof nests 5 deep; far deeper can exhaust the decoder's stack
            raise ValueError("nested too deep")
        return json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise DeedbookError(f"{path} is not a readable proof file (it is not valid JSON).") from None
