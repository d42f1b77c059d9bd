"""Inclusion proofs that a third party checks without the database.

A proof file holds the entry (message and signatures), its Merkle audit path,
and the operator's signed checkpoint it was proved against.  `verify_proof`
needs nothing else: it recomputes the entry's EIP-712 digest and leaf hash,
walks the audit path to the checkpoint's root, and checks the checkpoint's
signature by the ledger's operator (compare that address with one you trust).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core import merkle
from core.checkpoints import checkpoint_json
from core.entries import Entry, SignatureRecord, entry_leaf_hash
from core.errors import DeedbookError, NotFound, RuleViolation, VerificationFailed
from core.identity import LedgerIdentity
from core.kinds import check_signatures, get_kind, typed_data
from core.userfiles import json_nests_deeper_than, read_user_file

if TYPE_CHECKING:  # verifying a proof needs no database: keep SQLAlchemy out of `verify-proof`
    from core.ledger import Ledger

FORMAT = "deedbook-proof/1"


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

    def as_json(self) -> dict[str, Any]:
        return {"ok": True, **self.__dict__}


def build_proof(ledger: Ledger, index: int) -> dict[str, Any]:
    recorded = ledger.entry(index)
    checkpoint = ledger.latest_checkpoint(covering=index)
    if checkpoint is None:
        raise NotFound(f"No checkpoint covers entry {index} yet: run 'deedbook checkpoint' first.")
    size = checkpoint.message["size"]
    leaves = ledger.leaves(size)
    return {
        "format": FORMAT,
        "ledger": ledger.identity.as_json(),
        "entry": {"index": index, "kind": recorded.kind, "recordedAt": recorded.recorded_at,
                  "message": recorded.message, "signatures": [s.as_json() for s in recorded.signatures]},
        "typedData": typed_data(ledger.identity, recorded.kind, recorded.message),
        "leafHash": "0x" + recorded.leaf_hash.hex(),
        "treeSize": size,
        "auditPath": ["0x" + h.hex() for h in merkle.inclusion_proof(index, leaves)],
        "checkpoint": checkpoint_json(checkpoint),
    }


def _hex32(value: Any, what: str) -> bytes:
    try:
        raw = bytes.fromhex(str(value)[2:]) if str(value).startswith("0x") else b""
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise DeedbookError(f"The proof's {what} is not a 32-byte hex value.")
    return raw


def _entry(data: Any, what: str) -> tuple[Entry, int, int]:
    if not isinstance(data, dict):
        raise DeedbookError(f"The proof's {what} is missing.")
    try:
        signatures = tuple(SignatureRecord.from_json(s) for s in data["signatures"])
        return Entry(str(data.get("kind", "Checkpoint")), dict(data["message"]), signatures), \
            int(data.get("index", -1)), int(data["recordedAt"])
    except (KeyError, TypeError, ValueError):
        raise DeedbookError(f"The proof's {what} is malformed.") from None


def verify_proof(data: Any) -> ProofReport:
    """Raises VerificationFailed (not genuine) or DeedbookError (not a proof file)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DeedbookError("This is not a Deedbook proof file.")
    try:
        identity = LedgerIdentity.from_json(data["ledger"])
        tree_size, path = int(data["treeSize"]), [_hex32(h, "audit path") for h in data["auditPath"]]
    except (KeyError, TypeError, ValueError):
        raise DeedbookError("The proof file is incomplete or malformed.") from None
    entry, index, recorded_at = _entry(data.get("entry"), "entry")
    checkpoint, _, _ = _entry({**data.get("checkpoint", {}), "kind": "Checkpoint"}, "checkpoint") \
        if isinstance(data.get("checkpoint"), dict) else _entry(None, "checkpoint")
    try:
        get_kind(entry.kind)
        digest = check_signatures(identity, entry)
    except RuleViolation as bad:
        raise VerificationFailed(f"Entry {index} does not check: {bad}", index) from None
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
        raise VerificationFailed(f"Entry {index} is not in the tree the checkpoint signs (the audit path fails).", index)
    return ProofReport(index, entry.kind, get_kind(entry.kind).describe(entry.message), "0x" + leaf.hex(),
                       tree_size, "0x" + root.hex(), identity.operator, identity.name, identity.ledger_id_hex,
                       int(m.get("timestamp", 0)))


MAX_PROOF_BYTES = 16 * 2**20  # a proof is a few KB: an entry, ~40 hashes and a checkpoint


def read_proof_file(path: Path) -> Any:
    raw = read_user_file(path, "a proof file", max_bytes=MAX_PROOF_BYTES)
    try:
        text = raw.decode("utf-8")
        if json_nests_deeper_than(text, 32):  # a proof nests 5 deep; far deeper can exhaust the decoder's stack
            raise ValueError("nested too deep")
        return json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise DeedbookError(f"{path} is not a readable proof file (it is not valid JSON).") from None
