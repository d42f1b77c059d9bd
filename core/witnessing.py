"""The witness role: another office's own record of the ledgers it follows, and its cosignatures.

A witness runs on its own machine, in its own data folder, with its own key:

    <data dir>/witnessing/witness.json            its name and key
    <data dir>/witnessing/ledgers/<ledger id>.json for each ledger it follows: the ledger's key,
                                                  the last size and root it cosigned, that checkpoint
    <data dir>/witnessing/forks/*.json            fork proofs it kept

It cosigns a checkpoint (c2sp.org/tlog-witness's add-checkpoint, by file or over
HTTP) only when the operator's signature checks and a consistency proof leads
from the size it last cosigned to the new one; it records the new size before
answering, under a lock, so two requests can never roll it back.  Shown a
checkpoint that contradicts the one it holds (the same size with another root,
or a proof showing the earlier entries changed), it keeps both as a fork proof.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from core.checkpoint_note import (
    NotSigned,
    SignedCheckpoint,
    WitnessKey,
    cosign,
    identity_of,
    ledger_vkey,
    open_checkpoint,
    parse_body,
)
from core.errors import DeedbookError, NotFound
from core.forks import fork_evidence, fork_text, make_fork
from core.identity import LedgerIdentity
from core.keys import UnlockedKey
from core.merkle import verify_consistency
from core.notes import MalformedNote, Note, NoteSignature, b64, check_key_name, parse_note, strict_b64
from core.outfiles import write_output
from core.paths import DataDir
from core.userfiles import json_nests_deeper_than, read_user_file
from core.witness import witness_lock
from core.witness_requests import Candidate
from core.hexes import ADDRESS

ROLE_FORMAT = "deedbook-witness-role/1"
LEDGER_FORMAT = "deedbook-witnessed-ledger/1"
MAX_STATE_BYTES = 256 * 1024


class NotAWitness(NotFound):
    """This data folder holds no witness (witness init makes one)."""


@dataclass(frozen=True)
class WitnessRole:
    name: str
    address: str
    key: str  # the local key's name
    folder: Path

    @property
    def witness_key(self) -> WitnessKey:
        return WitnessKey(self.name, self.address)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "address": self.address, "key": self.key, "witnessKey": self.witness_key.vkey.text()}


@dataclass(frozen=True)
class Followed:
    identity: LedgerIdentity
    size: int  # the size it last cosigned (0: none yet)
    root: bytes | None
    checkpoint: str | None  # that checkpoint's note, operator-signed
    cosigned_at: int | None
    followed_at: int
    forks: tuple[Path, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "ledger": self.identity.as_json(),
            "ledgerKey": ledger_vkey(self.identity).text(),
            "size": self.size,
            "root": b64(self.root) if self.root else None,
            "cosignedAt": self.cosigned_at,
            "followedAt": self.followed_at,
            "forks": [str(p) for p in self.forks],
        }


@dataclass(frozen=True)
class CosignResult:
    """What a witness answers: HTTP's status codes, as tlog-witness gives them, and a sentence."""

    status: int  # 200 cosigned; 400 malformed; 403 not the operator's; 404 not followed; 409 conflict; 422 bad proof
    sentence: str
    note: Note | None = None  # the checkpoint with this witness's cosignature added
    cosignature: NoteSignature | None = None
    size: int | None = None  # the witness's size, on a 409
    fork: dict[str, Any] | None = None
    fork_path: Path | None = None

    @property
    def cosigned(self) -> bool:
        return self.status == 200


def folder(home: DataDir) -> Path:
    return home.root / "witnessing"


def _read_json(path: Path, what: str) -> dict[str, Any]:
    raw = read_user_file(path, what, max_bytes=MAX_STATE_BYTES)
    try:
        text = raw.decode("utf-8")
        if json_nests_deeper_than(text, 8):
            raise ValueError
        data = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise DeedbookError(f"The witness's file {path} is damaged (not JSON).") from None
    if not isinstance(data, dict):
        raise DeedbookError(f"The witness's file {path} is damaged.")
    return data


def _write_json(path: Path, data: dict[str, Any]) -> None:
    write_output(
        path, json.dumps(data, indent=2, ensure_ascii=False) + "\n", force=True, private=True, make_folder=True
    )


def read_role(home: DataDir) -> WitnessRole | None:
    path = folder(home) / "witness.json"
    if not path.exists():
        return None
    data = _read_json(path, "a witness's settings")
    if data.get("format") != ROLE_FORMAT:
        raise DeedbookError(f"The witness's file {path} is not one this version of Deedbook reads.")
    try:
        name, address, key = data["name"], data["address"], data["key"]
        # As written, not through str(): a name of null would have cosigned as the witness "None".
        if not (isinstance(name, str) and isinstance(address, str) and isinstance(key, str)):
            raise KeyError
        if ADDRESS.fullmatch(address) is None:
            raise KeyError
        return WitnessRole(check_key_name(name), address, key, folder(home))
    except (KeyError, MalformedNote):
        raise DeedbookError(f"The witness's file {path} is damaged.") from None


def require_role(home: DataDir) -> WitnessRole:
    role = read_role(home)
    if role is None:
        raise NotAWitness(
            f"The data folder {home.root} is not a witness's: make it one with 'deedbook witness init' first."
        )
    return role


def init_role(home: DataDir, name: str, key_name: str, address: str, *, now: int | None = None) -> WitnessRole:
    """Make `home` a witness named `name` (a note key name, e.g. "notary.example/w1") signing with a local key."""
    try:
        check_key_name(name, "A witness's name")
    except MalformedNote as bad:
        raise DeedbookError(str(bad)) from None
    if len(name) > 120:
        raise DeedbookError("A witness's name is at most 120 characters.")
    home.require_writable("making a witness")
    existing = read_role(home)
    if existing is not None:
        raise DeedbookError(f"The data folder {home.root} is the witness {existing.name} already.")
    home.ensure()
    _write_json(
        folder(home) / "witness.json",
        {
            "format": ROLE_FORMAT,
            "name": name,
            "address": address,
            "key": key_name,
            "created": int(time.time()) if now is None else now,
        },
    )
    return WitnessRole(name, address, key_name, folder(home))


def _ledger_path(role: WitnessRole, identity: LedgerIdentity) -> Path:
    return role.folder / "ledgers" / f"{identity.ledger_id.hex()}.json"


def _forks_of(role: WitnessRole, identity: LedgerIdentity) -> tuple[Path, ...]:
    found = (
        sorted((role.folder / "forks").glob(f"{identity.ledger_id.hex()}-*.json"))
        if (role.folder / "forks").is_dir()
        else []
    )
    return tuple(found)


def _moment(value: Any) -> bool:
    """A time in seconds as written: a JSON integer (not true or 1.0), not before 1970, within 64 bits."""
    return type(value) is int and 0 <= value < 2**63


def _read_followed(role: WitnessRole, path: Path) -> Followed:
    data = _read_json(path, "a followed ledger's state")
    try:
        if data.get("format") != LEDGER_FORMAT:
            raise ValueError
        identity = identity_of(str(data["ledgerKey"]))
        size, root = data["size"], data.get("root")
        if type(size) is not int or not 0 <= size < 2**63 or (size > 0) != (root is not None):
            raise ValueError
        root_bytes = strict_b64(root, "root") if isinstance(root, str) else None
        if (root is not None and root_bytes is None) or (root_bytes is not None and len(root_bytes) != 32):
            raise ValueError  # a root is a 32-byte hash, written as base64 text
        # Every key as _save writes it: a missing one is damage, not a default.
        checkpoint, cosigned_at, followed_at = data["checkpoint"], data["cosignedAt"], data["followedAt"]
        if (
            (checkpoint is not None and not isinstance(checkpoint, str))
            or not _moment(followed_at)
            or (cosigned_at is not None and not _moment(cosigned_at))
        ):
            raise ValueError
    except (KeyError, ValueError, MalformedNote):
        raise DeedbookError(
            f"The witness's record of a ledger, {path}, is damaged; it cannot cosign for that "
            "ledger until it is restored."
        ) from None
    return Followed(identity, size, root_bytes, checkpoint, cosigned_at, followed_at, _forks_of(role, identity))


def followed(home: DataDir) -> list[Followed]:
    """Every ledger this witness follows (none if it is not a witness)."""
    role = read_role(home)
    if role is None or not (role.folder / "ledgers").is_dir():
        return []
    return [_read_followed(role, path) for path in sorted((role.folder / "ledgers").glob("*.json"))]


def follow(home: DataDir, identity: LedgerIdentity, *, now: int | None = None) -> Followed:
    role = require_role(home)
    path = _ledger_path(role, identity)
    if path.exists():
        raise DeedbookError(f"The witness {role.name} follows the ledger \u201c{identity.name}\u201d already.")
    record = Followed(identity, 0, None, None, None, int(time.time()) if now is None else now)
    _save(path, record)
    return record


def _save(path: Path, record: Followed) -> None:
    _write_json(
        path,
        {
            "format": LEDGER_FORMAT,
            "ledgerKey": ledger_vkey(record.identity).text(),
            "size": record.size,
            "root": b64(record.root) if record.root else None,
            "checkpoint": record.checkpoint,
            "cosignedAt": record.cosigned_at,
            "followedAt": record.followed_at,
        },
    )


def _find(role: WitnessRole, note: Note) -> tuple[Path, LedgerIdentity] | None:
    """The followed ledger a checkpoint note's origin names."""
    from core.checkpoint_note import ORIGIN_PREFIX

    body = parse_body(note.text)
    hex_id = body.origin[len(ORIGIN_PREFIX) :] if body.origin.startswith(ORIGIN_PREFIX) else ""
    if len(hex_id) != 64 or any(c not in "0123456789abcdef" for c in hex_id):
        return None
    path = role.folder / "ledgers" / f"{hex_id}.json"
    if not path.exists():
        return None
    return path, _read_followed(role, path).identity


def add_checkpoint(
    home: DataDir,
    note: Note,
    candidates: Sequence[Candidate],
    unlock: Callable[[], UnlockedKey],
    *,
    now: int | None = None,
    any_candidate: bool = False,
) -> CosignResult:
    """Cosign `note` if a candidate proof leads from this witness's size to it (tlog-witness's add-checkpoint).

    `candidates` is the one old size of an HTTP request, or every proof a request
    file carries (`any_candidate`: the one from this witness's size is used).  The
    key is unlocked (`unlock`) only once everything else checked; the new size is
    written before the cosignature is returned, under a lock."""
    role = require_role(home)
    now = int(time.time()) if now is None else now
    opened = _open(role, note)
    if isinstance(opened, CosignResult):
        return opened
    path, offered = opened
    with witness_lock(path):
        state = _read_followed(role, path)
        return _decide(role, path, state, offered, candidates, unlock, now, any_candidate)


def check_checkpoint(home: DataDir, note: Note) -> CosignResult | None:
    """Why this witness cannot cosign `note` whatever its key says (malformed, a ledger it does not follow, not
    signed by that ledger's operator), or None; what can be checked before the key's password is asked."""
    opened = _open(require_role(home), note)
    return opened if isinstance(opened, CosignResult) else None


def _open(role: WitnessRole, note: Note) -> tuple[Path, SignedCheckpoint] | CosignResult:
    try:
        found = _find(role, note)
    except MalformedNote as bad:
        return CosignResult(400, f"The checkpoint is malformed: {bad}")
    if found is None:
        return CosignResult(404, "This witness does not follow the ledger the checkpoint is for.")
    path, identity = found
    try:
        return path, open_checkpoint(note, identity)
    except NotSigned as bad:
        return CosignResult(403, str(bad))


def _decide(
    role: WitnessRole,
    path: Path,
    state: Followed,
    offered: SignedCheckpoint,
    candidates: Sequence[Candidate],
    unlock: Callable[[], UnlockedKey],
    now: int,
    any_candidate: bool,
) -> CosignResult:
    name = state.identity.name
    if any_candidate:
        chosen = next((c for c in candidates if c.old == state.size), None)
        if chosen is None:
            if state.size == 0:
                chosen = Candidate(0, None, ())
            elif offered.size < state.size:
                return CosignResult(
                    409,
                    f"The checkpoint covers {offered.size:,} entries, fewer than the "
                    f"{state.size:,} this witness cosigned for \u201c{name}\u201d already.",
                    size=state.size,
                )
            else:
                return CosignResult(
                    409,
                    f"The request carries no consistency proof from {state.size:,} entries, the "
                    f"size this witness last cosigned for \u201c{name}\u201d: ask the operator "
                    f"for a request from size {state.size}.",
                    size=state.size,
                )
    else:
        [chosen] = candidates
    if chosen.old > offered.size:
        return CosignResult(
            400, f"The request's old size {chosen.old:,} is larger than the checkpoint's {offered.size:,}."
        )
    if chosen.old != state.size:
        return CosignResult(
            409,
            f"The request starts from {chosen.old:,} entries; this witness last cosigned "
            f"\u201c{name}\u201d at {state.size:,}.",
            size=state.size,
        )
    held = None
    if state.checkpoint is not None:
        held = open_checkpoint(parse_note(state.checkpoint), state.identity)
    if chosen.old == offered.size and held is not None and held.root != offered.root:
        return _forked(role, state, held, offered, None, (), now, 409)
    if 0 < chosen.old < offered.size:
        assert state.root is not None and held is not None
        if not verify_consistency(chosen.old, offered.size, state.root, offered.root, list(chosen.proof)):
            evidence = fork_evidence(held, offered, chosen.old_root, chosen.proof)
            if evidence is not None:
                return _forked(role, state, held, offered, evidence[0], evidence[1], now, 422)
            return CosignResult(
                422,
                f"The consistency proof from {chosen.old:,} to {offered.size:,} entries does "
                "not check; nothing was cosigned.",
            )
    elif chosen.old == 0 and chosen.proof:
        return CosignResult(400, "A request from size 0 carries no consistency proof.")
    key = unlock()
    if key.address.lower() != role.address.lower():
        raise DeedbookError(f"The witness {role.name} signs with {role.address}, not with {key.address}.")
    line = cosign(offered.body, role.name, key, now)
    _save(
        path,
        Followed(
            state.identity, offered.size, offered.root, offered.operator_only().serialize(), now, state.followed_at
        ),
    )
    cosigned = offered.operator_only().with_signatures((line,))
    return CosignResult(
        200, f"Cosigned the checkpoint of {offered.size:,} entries of \u201c{name}\u201d.", cosigned, line
    )


def _forked(
    role: WitnessRole,
    state: Followed,
    held: SignedCheckpoint,
    offered: SignedCheckpoint,
    root: bytes | None,
    proof: Sequence[bytes],
    now: int,
    status: int,
) -> CosignResult:
    fork = make_fork(
        held,
        offered,
        root,
        proof,
        found_by=role.name,
        found_at=now,
        note=f"Witness {role.name} held the first checkpoint when it was shown the second.",
    )
    name = f"{state.identity.ledger_id.hex()}-{held.size}-{offered.size}-{now}.json"
    kept = role.folder / "forks" / name
    write_output(kept, fork_text(fork), force=True, make_folder=True)
    return CosignResult(
        status,
        f"FORK: the operator of \u201c{state.identity.name}\u201d signed a checkpoint of "
        f"{offered.size:,} entries that cannot be true together with the one of "
        f"{held.size:,} entries this witness cosigned; nothing was cosigned, and the fork "
        f"proof is kept in {kept}.",
        size=state.size,
        fork=fork,
        fork_path=kept,
    )
