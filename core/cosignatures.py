"""Witnesses' cosignatures on the ledger's checkpoints, kept beside the ledger (table `cosignatures`).

A cosignature is not a ledger entry: a witness signs a checkpoint after it is
recorded, on its own machine, and the operator adds what comes back
(`deedbook checkpoint add-cosignature`).  Each is checked before it is kept
(its checkpoint is one this ledger recorded, its signature recovers to the key
its line names) and `verify` checks every stored one again, so an edited row is
found.  Proofs, documents and exports carry them with their checkpoint, as the
cosignature lines of its C2SP note (core.checkpoint_note).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from sqlalchemy import delete, insert, select
from sqlmodel import Field, SQLModel, col

from core.checkpoint_note import Body, Cosigner, body_of, check_cosignature, note_of, origin, parse_body
from core.errors import DeedbookError
from core.notes import MalformedNote, Note, NoteSignature, parse_note

if TYPE_CHECKING:
    from core.ledger import Ledger, RecordedEntry

CLOCK_SKEW = 300  # seconds a witness's clock may run ahead of ours


class CosignatureRow(SQLModel, table=True):
    __tablename__ = "cosignatures"
    checkpoint_idx: int = Field(primary_key=True)  # the Checkpoint entry cosigned
    witness_name: str = Field(primary_key=True)
    witness_address: str = Field(primary_key=True)  # EIP-55, recovered from the signature
    cosigned_at: int  # the cosignature's own timestamp
    line: str  # the note signature line, as the witness wrote it
    added_at: int


@dataclass(frozen=True)
class Added:
    checkpoint: int  # the Checkpoint entry's index
    size: int
    cosigner: Cosigner

    def as_json(self) -> dict[str, Any]:
        return {"checkpoint": self.checkpoint, "size": self.size, **self.cosigner.as_json()}


def checkpoint_of_size(ledger: "Ledger", size: int) -> "RecordedEntry | None":
    """The Checkpoint entry over the first `size` entries (Deedbook records it as entry `size`)."""
    if size < 1:
        return None
    try:
        found = ledger.entry(size)
        if found.kind == "Checkpoint" and found.message["size"] == size:
            return found
    except DeedbookError:
        pass
    return next((e for e in ledger.entries(kind="Checkpoint") if e.message["size"] == size), None)


def lines_of(ledger: "Ledger", checkpoint_index: int) -> list[NoteSignature]:
    """The cosignature lines kept for one checkpoint, oldest witness first."""
    with ledger.reader() as conn:
        rows = (
            conn.execute(
                select(col(CosignatureRow.line))
                .where(col(CosignatureRow.checkpoint_idx) == checkpoint_index)
                .order_by(col(CosignatureRow.added_at), col(CosignatureRow.witness_name))
            )
            .scalars()
            .all()
        )
    found: list[NoteSignature] = []
    for line in rows:
        try:
            found.extend(parse_note("x\n\n" + line + "\n").signatures)
        except MalformedNote:
            continue  # a damaged row: verify names it; a document carries the others
    return found


def note_of_checkpoint(ledger: "Ledger", recorded: "RecordedEntry") -> Note:
    """The checkpoint's C2SP note: the operator's signature and every cosignature kept for it."""
    return note_of(ledger.identity, recorded.message, recorded.signatures, lines_of(ledger, recorded.index))


def cosigned_json(ledger: "Ledger", recorded: "RecordedEntry") -> dict[str, Any]:
    """A checkpoint entry as proofs, documents and exports carry it, with its cosignature lines if it has any."""
    from core.checkpoints import checkpoint_json

    data = checkpoint_json(recorded)
    lines = lines_of(ledger, recorded.index)
    if lines:
        data["cosignatures"] = [line.line().rstrip("\n") for line in lines]
    return data


def last_cosigned(ledger: "Ledger") -> dict[tuple[str, str], tuple[int, int]]:
    """(witness name, address) -> (the largest checkpoint size it cosigned here, when)."""
    with ledger.reader() as conn:
        rows = conn.execute(select(CosignatureRow)).all()
    sizes: dict[tuple[str, str], tuple[int, int]] = {}
    for row in rows:
        key = (row.witness_name, row.witness_address)
        if key not in sizes or row.checkpoint_idx > sizes[key][0]:
            sizes[key] = (int(row.checkpoint_idx), int(row.cosigned_at))
    return sizes


def add_cosignatures(ledger: "Ledger", notes: Sequence[tuple[str, Note]], *, now: int | None = None) -> list[Added]:
    """Keep the cosignatures the cosigned checkpoint notes carry, after checking each; all or nothing.

    `notes` are (where it came from, the note).  Every line but the operator's must be a
    cosignature that checks, on a checkpoint this ledger recorded with the same root."""
    now = int(time.time()) if now is None else now
    identity = ledger.identity
    added: list[Added] = []
    for label, note in notes:
        try:
            body = parse_body(note.text)
        except MalformedNote as bad:
            raise DeedbookError(f"{label} is not a checkpoint: {bad}") from None
        if body.origin != origin(identity):
            raise DeedbookError(f"{label} cosigns a checkpoint of another ledger ({body.origin[:90]}).")
        recorded = checkpoint_of_size(ledger, body.size)
        if recorded is None:
            raise DeedbookError(
                f"{label} cosigns a checkpoint of {body.size:,} entries, which this ledger has not recorded."
            )
        if body_of(identity, recorded.message) != body:
            raise DeedbookError(
                f"{label} cosigns a checkpoint of {body.size:,} entries with another root than the "
                f"one this ledger recorded (entry {recorded.index}); nothing was added."
            )
        operator_key = note_of(identity, recorded.message, recorded.signatures).signatures[0]
        found = 0
        for line in note.signatures:
            if line.name == operator_key.name and line.key_id == operator_key.key_id:
                continue
            cosigner = check_cosignature(body, line)
            if cosigner is None:
                raise DeedbookError(
                    f"The cosignature by {line.name[:80]} in {label} does not check (it is damaged, "
                    "or not a Deedbook witness's); nothing was added."
                )
            if cosigner.timestamp > now + CLOCK_SKEW:
                raise DeedbookError(
                    f"The cosignature by {line.name[:80]} in {label} is dated in the future; nothing was added."
                )
            added.append(Added(recorded.index, body.size, cosigner))
            found += 1
        if not found:
            raise DeedbookError(f"{label} carries no witness's cosignature, only the operator's signature.")
    ledger.refuse_write_in_snapshot()
    with ledger.engine.begin() as conn:
        for item in added:
            c = item.cosigner
            key = (
                (col(CosignatureRow.checkpoint_idx) == item.checkpoint)
                & (col(CosignatureRow.witness_name) == c.name)
                & (col(CosignatureRow.witness_address) == c.address)
            )
            conn.execute(delete(CosignatureRow).where(key))  # a newer cosignature by the same witness replaces it
            conn.execute(
                insert(CosignatureRow).values(
                    checkpoint_idx=item.checkpoint,
                    witness_name=c.name,
                    witness_address=c.address,
                    cosigned_at=c.timestamp,
                    line=c.line.line().rstrip("\n"),
                    added_at=now,
                )
            )
    return added


def check_stored(ledger: "Ledger") -> tuple[int | None, str] | None:
    """The first stored cosignature that does not check (the entry it concerns, why), for `verify`."""
    with ledger.reader() as conn:
        rows = conn.execute(select(CosignatureRow).order_by(col(CosignatureRow.checkpoint_idx))).all()
    bodies: dict[int, Body | None] = {}
    for row in rows:
        index = row.checkpoint_idx
        if index not in bodies:
            try:
                recorded = ledger.entry(int(index))
                bodies[index] = body_of(ledger.identity, recorded.message) if recorded.kind == "Checkpoint" else None
            except DeedbookError:
                bodies[index] = None
        body = bodies[index]
        who = f"witness {str(row.witness_name)[:80]}"
        if body is None:
            return (
                None,
                f"The cosignatures table holds a cosignature by {who} on entry {index}, which is not a checkpoint.",
            )
        try:
            [line] = parse_note("x\n\n" + str(row.line) + "\n").signatures
        except (MalformedNote, ValueError):
            return int(index), f"The cosignature by {who} on checkpoint {index} is damaged in the cosignatures table."
        found = check_cosignature(body, line)
        if (
            found is None
            or found.name != row.witness_name
            or found.address != row.witness_address
            or found.timestamp != row.cosigned_at
        ):
            return int(index), (
                f"The cosignature by {who} on checkpoint {index} does not check: the cosignatures table was edited."
            )
    return None
