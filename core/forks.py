"""Fork proofs: two checkpoints signed by one ledger's operator that cannot both be true.

A witness (or a replica) that is shown a checkpoint inconsistent with one it
holds keeps both, with what makes the contradiction checkable by anyone:

- two checkpoints of the same size with different roots; or
- a smaller and a larger checkpoint, and a consistency proof from the smaller
  size that leads to the larger checkpoint's root while implying another root
  at the smaller size (`rootAtSmaller`) than the one the operator signed there.

    {"format": "deedbook-fork-proof/1",
     "ledgerKey": "<the ledger's verifier key>",
     "checkpoints": ["<smaller note>", "<larger note>"],
     "rootAtSmaller": "<base64>", "consistency": ["<base64>", ...],
     "foundBy": "notary.example/w1", "foundAt": 1760000000, "note": "..."}

`foundBy`, `foundAt` and `note` are not signed by anyone; the proof rests on the
two operator signatures and the hashes alone.  `verify_fork` says whether a file
proves a fork (exit 1), does not (exit 0), or is not a fork proof (exit 2).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Sequence

from core.checkpoint_note import NotSigned, SignedCheckpoint, identity_of, ledger_vkey, open_checkpoint
from core.consistency import derive_roots
from core.errors import DeedbookError
from core.merkle import verify_consistency
from core.notes import MalformedNote, b64, parse_note, strict_b64
from core.userfiles import json_nests_deeper_than, read_user_file

FORMAT = "deedbook-fork-proof/1"
MAX_FORK_BYTES = 512 * 1024


@dataclass(frozen=True)
class ForkVerdict:
    proved: bool
    reason: str
    ledger: dict[str, Any]
    sizes: tuple[int, int]
    found_by: str

    def as_json(self) -> dict[str, Any]:
        return {
            "fork": self.proved,
            "reason": self.reason,
            "ledger": self.ledger,
            "sizes": list(self.sizes),
            "found_by": self.found_by,
        }


def fork_evidence(
    held: SignedCheckpoint, offered: SignedCheckpoint, old_root: bytes | None, proof: Sequence[bytes]
) -> tuple[bytes | None, tuple[bytes, ...]] | None:
    """Whether `offered` contradicts `held` provably, and with what: (the root `offered`'s tree has at
    the smaller size, the proof), or None when the evidence at hand does not show a fork."""
    if held.size == offered.size:
        return (None, ()) if held.root != offered.root else None
    small, large = (held, offered) if held.size < offered.size else (offered, held)
    if small is not held:
        return None  # a checkpoint older than the one held: no proof from it was given
    candidates = [old_root] if old_root is not None else []
    derived = derive_roots(small.size, large.size, proof)
    if derived is not None and derived[1] == large.root:
        candidates.append(derived[0])
    for root in candidates:
        if root != small.root and verify_consistency(small.size, large.size, root, large.root, list(proof)):
            return root, tuple(proof)
    return None


def make_fork(
    first: SignedCheckpoint,
    second: SignedCheckpoint,
    root_at_smaller: bytes | None,
    proof: Sequence[bytes],
    *,
    found_by: str,
    found_at: int,
    note: str = "",
) -> dict[str, Any]:
    small, large = sorted((first, second), key=lambda c: c.size)
    data: dict[str, Any] = {
        "format": FORMAT,
        "ledgerKey": ledger_vkey(first.identity).text(),
        "checkpoints": [small.operator_only().serialize(), large.operator_only().serialize()],
    }
    if small.size != large.size:
        data["rootAtSmaller"] = b64(root_at_smaller or b"")
        data["consistency"] = [b64(h) for h in proof]
    data.update({"foundBy": found_by, "foundAt": found_at, "note": note})
    return data


def fork_text(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def verify_fork(data: Any) -> ForkVerdict:
    """Does this fork proof prove a fork?  `DeedbookError` when it is not a fork proof at all."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DeedbookError(f"This is not a Deedbook fork proof ({FORMAT}).")
    notes = data.get("checkpoints")
    if not isinstance(notes, list) or len(notes) != 2 or not all(isinstance(n, str) for n in notes):
        raise DeedbookError("The fork proof is damaged: it does not hold two checkpoints.")
    try:
        identity = identity_of(str(data.get("ledgerKey", "")))
        parsed = [parse_note(n) for n in notes]
    except MalformedNote as bad:
        raise DeedbookError(f"The fork proof is damaged: {bad}") from None
    found_by = str(data.get("foundBy", ""))[:120]
    ledger = {**identity.as_json(), "ledgerKey": ledger_vkey(identity).text()}

    def verdict(proved: bool, reason: str, sizes: tuple[int, int] = (0, 0)) -> ForkVerdict:
        return ForkVerdict(proved, reason, ledger, sizes, found_by)

    try:
        a, b = sorted((open_checkpoint(n, identity) for n in parsed), key=lambda c: c.size)
    except NotSigned as bad:
        return verdict(False, f"It does not prove a fork: {str(bad)[:1].lower()}{str(bad)[1:]}")
    except MalformedNote as bad:
        raise DeedbookError(f"The fork proof is damaged: {bad}") from None
    sizes = (a.size, b.size)
    who = f"the operator {identity.operator} of the ledger \u201c{identity.name}\u201d"
    if a.size == b.size:
        if a.root == b.root:
            return verdict(
                False, f"It does not prove a fork: both checkpoints state the same tree of {a.size:,} entries.", sizes
            )
        return verdict(True, f"Fork: {who} signed two different trees of {a.size:,} entries.", sizes)
    try:
        root = strict_b64(str(data.get("rootAtSmaller", "")), "The fork proof's root at the smaller size")
        proof = [
            strict_b64(h, "A hash of the fork proof's consistency proof") if isinstance(h, str) else b""
            for h in data.get("consistency", [])
        ]
    except (MalformedNote, TypeError):
        raise DeedbookError("The fork proof is damaged: its consistency evidence is not base64 hashes.") from None
    if len(root) != 32 or any(len(h) != 32 for h in proof) or len(proof) > 63:
        raise DeedbookError("The fork proof is damaged: its consistency evidence is not 32-byte hashes.")
    if not verify_consistency(a.size, b.size, root, b.root, proof):
        return verdict(
            False,
            f"It does not prove a fork: its consistency proof does not lead from {a.size:,} to the "
            f"signed tree of {b.size:,} entries.",
            sizes,
        )
    if root == a.root:
        return verdict(
            False,
            f"It does not prove a fork: the tree of {b.size:,} entries extends the one of "
            f"{a.size:,} (they are consistent).",
            sizes,
        )
    return verdict(
        True,
        f"Fork: {who} signed a tree of {a.size:,} entries and a tree of {b.size:,} entries whose "
        f"first {a.size:,} entries are different ones.",
        sizes,
    )


def read_fork_file(path: str | os.PathLike[str]) -> Any:
    raw = read_user_file(path, "a fork proof", max_bytes=MAX_FORK_BYTES)
    try:
        text = raw.decode("utf-8")
        if json_nests_deeper_than(text, 8):
            raise ValueError
        return json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise DeedbookError(f"{path} is not a fork proof (it is not JSON).") from None
