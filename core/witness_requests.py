"""What a witness needs to cosign a checkpoint: the checkpoint note and consistency proofs.

Over HTTP a witness is asked as c2sp.org/tlog-witness's add-checkpoint asks it:

    old <the size the witness last cosigned>
    <consistency proof from that size, one base64 hash a line>
    <an empty line>
    <the checkpoint note>

By file the operator cannot ask the witness its size first, so a request file
carries proofs from every size a witness may be at: each earlier checkpoint's
size (the latest 64), each size a witness last cosigned here, any size asked
for, and the checkpoint's own size (re-cosigning it).  Each proof comes with the
root the ledger has at that size, which lets a witness holding another root
keep a fork proof even when the proof alone leaves that root out (RFC 9162
omits it when the old size is a power of two).

    {"format": "deedbook-checkpoint-request/1",
     "ledgerKey": "<the ledger's verifier key>",
     "checkpoint": "<the operator-signed note>",
     "consistency": [{"old": 12, "oldRoot": "<base64>", "proof": ["<base64>", ...]}, ...]}
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from core.checkpoint_note import identity_of, ledger_vkey, note_of
from core.errors import DeedbookError
from core.identity import LedgerIdentity
from core.notes import MalformedNote, Note, b64, parse_note, strict_b64
from core.one_moment import one_moment
from core.userfiles import json_nests_deeper_than, read_user_file

if TYPE_CHECKING:
    from core.ledger import Ledger, RecordedEntry

FORMAT = "deedbook-checkpoint-request/1"
MAX_REQUEST_BYTES = 4 * 2**20
MAX_CANDIDATES = 256
MAX_PROOF_HASHES = 63  # tlog-witness's limit: a proof in a tree of 2**63 leaves is shorter
RECENT_CHECKPOINTS = 64


class BadRequest(DeedbookError):
    """A checkpoint request (file or HTTP body) that cannot be read as one."""


@dataclass(frozen=True)
class Candidate:
    old: int
    old_root: bytes | None  # the ledger's root at `old` (files carry it; tlog-witness bodies do not)
    proof: tuple[bytes, ...]

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"old": self.old, "proof": [b64(h) for h in self.proof]}
        if self.old_root is not None:
            data["oldRoot"] = b64(self.old_root)
        return data


@dataclass(frozen=True)
class CheckpointRequest:
    identity: LedgerIdentity
    note: Note
    candidates: tuple[Candidate, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "ledgerKey": ledger_vkey(self.identity).text(),
            "checkpoint": self.note.serialize(),
            "consistency": [c.as_json() for c in self.candidates],
        }

    def to_text(self) -> str:
        return json.dumps(self.as_json(), indent=2, ensure_ascii=False) + "\n"


def proof_sizes(ledger: "Ledger", size: int, asked: Iterable[int] = ()) -> list[int]:
    """The old sizes a request for a checkpoint of `size` carries proofs from."""
    from core.cosignatures import last_cosigned

    earlier = [int(e.message["size"]) for e in ledger.entries(kind="Checkpoint") if int(e.message["size"]) < size]
    sizes = set(earlier[-RECENT_CHECKPOINTS:]) | {s for s, _ in last_cosigned(ledger).values()} | set(asked) | {size}
    return sorted(s for s in sizes if 0 < s <= size)


@one_moment  # the earlier checkpoints, the witnesses' sizes and the tree at one moment
def build_request(ledger: "Ledger", checkpoint: "RecordedEntry", asked: Iterable[int] = ()) -> CheckpointRequest:
    size = int(checkpoint.message["size"])
    for s in asked:
        if not 0 < s <= size:
            raise DeedbookError(
                f"A proof from size {s} cannot be made for a checkpoint of {size:,} entries "
                f"(a size from 1 to {size:,})."
            )
    tree = ledger.tree()
    candidates = [
        Candidate(old, tree.root(old), tuple(tree.consistency(old, size)) if old < size else ())
        for old in proof_sizes(ledger, size, asked)
    ]
    note = note_of(ledger.identity, checkpoint.message, checkpoint.signatures)
    return CheckpointRequest(ledger.identity, note, tuple(candidates))


def _hash(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise BadRequest(f"{what} is not a base64 hash.")
    try:
        raw = strict_b64(value, what)
    except MalformedNote as bad:
        raise BadRequest(str(bad)) from None
    if len(raw) != 32:
        raise BadRequest(f"{what} is not a 32-byte hash.")
    return raw


def parse_request(raw: bytes, label: str = "The request") -> CheckpointRequest:
    try:
        text = raw.decode("utf-8")
        if json_nests_deeper_than(text, 8):
            raise ValueError
        data = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest(f"{label} is not a checkpoint request (not JSON).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BadRequest(f"{label} is not a checkpoint request ({FORMAT}).")
    try:
        identity = identity_of(str(data.get("ledgerKey", "")))
        note = parse_note(str(data.get("checkpoint", "")))
    except MalformedNote as bad:
        raise BadRequest(f"{label} is damaged: {bad}") from None
    return CheckpointRequest(identity, note, parse_candidates(data.get("consistency"), label))


def parse_candidates(entries: Any, label: str) -> tuple[Candidate, ...]:
    """The consistency proofs of a request file or an export bundle."""
    if not isinstance(entries, list) or len(entries) > MAX_CANDIDATES:
        raise BadRequest(f"{label} is damaged: its consistency proofs are not a list of at most {MAX_CANDIDATES}.")
    candidates = []
    for item in entries:
        if not isinstance(item, dict) or type(item.get("old")) is not int or not 0 <= item["old"] < 2**63:
            raise BadRequest(f"{label} is damaged: a consistency proof has no size it starts from.")
        proof = item.get("proof")
        if not isinstance(proof, list) or len(proof) > MAX_PROOF_HASHES:
            raise BadRequest(
                f"{label} is damaged: a consistency proof is not a list of at most {MAX_PROOF_HASHES} hashes."
            )
        old_root = _hash(item["oldRoot"], f"{label}'s root at size {item['old']}") if "oldRoot" in item else None
        candidates.append(
            Candidate(item["old"], old_root, tuple(_hash(h, f"{label}'s consistency proof") for h in proof))
        )
    return tuple(candidates)


def read_request(path: str | os.PathLike[str]) -> CheckpointRequest:
    raw = read_user_file(path, "a checkpoint request", max_bytes=MAX_REQUEST_BYTES, error=BadRequest)
    return parse_request(raw, f"The file {path}")


# -- the tlog-witness add-checkpoint body ------------------------------------------------
def format_add_checkpoint(old: int, proof: Iterable[bytes], note: Note) -> bytes:
    lines = [f"old {old}", *(b64(h) for h in proof)]
    return ("\n".join(lines) + "\n\n" + note.serialize()).encode("utf-8")


def parse_add_checkpoint(body: bytes) -> tuple[Candidate, Note]:
    """The old size, proof and note of an add-checkpoint request body; `BadRequest` if malformed."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("The request body is not UTF-8 text.") from None
    head, blank, rest = text.partition("\n\n")
    if not blank:
        raise BadRequest("The request body has no empty line before its checkpoint.")
    lines = head.split("\n")
    first = lines[0]
    if (
        not first.startswith("old ")
        or not first[4:].isascii()
        or not first[4:].isdigit()
        or (first[4:] != "0" and first[4:].startswith("0"))
        or len(first[4:]) > 19
    ):
        raise BadRequest("The request body does not start with 'old <size>'.")
    if len(lines) - 1 > MAX_PROOF_HASHES:
        raise BadRequest(f"The request body carries more than {MAX_PROOF_HASHES} consistency proof lines.")
    proof = tuple(_hash(line, "A consistency proof line") for line in lines[1:])
    try:
        note = parse_note(rest)
    except MalformedNote as bad:
        raise BadRequest(f"The request's checkpoint is not a signed note: {bad}") from None
    return Candidate(int(first[4:]), None, proof), note
