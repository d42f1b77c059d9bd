"""Signed tree heads: make one, and record it in the ledger and the witness file.

Order, so that no failure leaves a checkpoint without a witness story:
1. check the witness can be written and that the ledger still holds the tree the
   current witness signed (a checkpoint must not paper over a rollback);
2. stage the new witness (a synced temporary file beside the old one);
3. commit the checkpoint entry (the witness is discarded if that fails);
4. sync the database, then rename the staged witness into place.
A crash before 4 leaves the previous witness, which the ledger still agrees with.
All four run under a lock on the witness file, so two processes of one machine
checkpointing at once take turns instead of each finding the other's half done.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import DeedbookError, Remedy
from core.witness import StagedWitness, witness_lock, UnusableWitness, check_witness_target, disagreement, read_witness

if TYPE_CHECKING:  # the ledger (and SQLAlchemy) only when a checkpoint is made, not to read one
    from core.entries import Entry
    from core.keys import UnlockedKey
    from core.ledger import Ledger, RecordedEntry
    from core.state import LedgerState

NEW_WITNESS_HINT = "restore it from your copy, or start a new witness"  # + Remedy.NEW_WITNESS: how, per front end


def make_checkpoint(
    ledger: Ledger, key: UnlockedKey, *, new_witness: bool = False, now: int | None = None
) -> RecordedEntry:
    """Checkpoint every entry so far (signed by the operator) and update the witness.

    `new_witness` starts the witness afresh from the ledger as it is, when the
    old one is lost or no longer agrees with the ledger (it is kept beside, renamed).
    `now` dates and records it at another time than the clock's (tests of a week's work)."""
    if key.address.lower() != ledger.identity.operator.lower():
        raise DeedbookError(
            f"Checkpoints are signed by the ledger's operator {ledger.identity.operator}, not {key.address}."
        )
    target = check_witness_target(ledger.home, ledger.identity)
    with witness_lock(target):
        return _checkpoint_and_witness(ledger, key, target, new_witness, now)


def check_checkpoint(ledger: Ledger, *, new_witness: bool = False) -> None:
    """What refuses a checkpoint whatever the key (the witness cannot be written, or no longer agrees with the
    ledger): said before the operator's password is asked.  make_checkpoint checks again, under its lock."""
    check_witness_target(ledger.home, ledger.identity)
    if not new_witness:
        _check_current_witness(ledger)


def _checkpoint_and_witness(
    ledger: Ledger, key: UnlockedKey, target: Path, new_witness: bool, now: int | None
) -> RecordedEntry:
    if not new_witness:
        _check_current_witness(ledger)
    staged: list[StagedWitness] = []  # staged inside the lock, once the checkpoint is signed

    def build(state: LedgerState) -> list[Entry]:  # in the write lock: the tree as it is when recorded
        message = {
            "ledgerId": ledger.identity.ledger_id_hex,
            "size": state.size,
            "root": "0x" + state.root_at(state.size).hex(),
            "timestamp": int(time.time()) if now is None else now,
        }
        entry = ledger.sign("Checkpoint", message, key, "operator")
        for earlier in staged:  # a repeated attempt: stage again for this one
            earlier.discard()
        staged[:] = [
            StagedWitness(
                target,
                ledger.identity,
                {
                    "index": state.size,
                    "recordedAt": message["timestamp"],
                    "message": message,
                    "signatures": [s.as_json() for s in entry.signatures],
                },
            )
        ]
        return [entry]

    try:
        [index] = ledger.append_built(build, recorded_at=now)
    except BaseException:
        for earlier in staged:
            earlier.discard()
        raise
    recorded = ledger.entry(index)
    try:
        staged[0].rewrite(checkpoint_json(recorded))  # with the time it was recorded at, in the lock
        from core.store import make_durable

        make_durable(ledger.engine)  # the entry must outlast a power cut before the witness points at it
        if new_witness and target.exists():
            target.replace(target.with_name(f"{target.name}.replaced-{recorded.recorded_at}"))
        staged[0].install()
    except (OSError, DeedbookError) as error:
        staged[0].discard()
        why = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise DeedbookError(
            f"Checkpoint {index} was recorded, but the witness file {target} could not be "
            f"replaced ({why}); the previous witness still holds, run 'deedbook checkpoint' "
            "again to update it."
        ) from None
    return recorded


def _check_current_witness(ledger: Ledger) -> None:
    """Refuse to sign over a ledger that no longer agrees with its witness, or whose witness is gone."""
    try:
        witness = read_witness(ledger.home, ledger.identity)
    except UnusableWitness as unusable:
        raise UnusableWitness(
            f"{str(unusable).rstrip('.')}; no checkpoint was recorded: {NEW_WITNESS_HINT}.", remedy=Remedy.NEW_WITNESS
        ) from None
    if witness is None:
        if ledger.latest_checkpoint() is not None:
            raise UnusableWitness(
                f"There is no witness file in {ledger.home.witness}, though this ledger has "
                f"checkpoints; no checkpoint was recorded: {NEW_WITNESS_HINT}.",
                remedy=Remedy.NEW_WITNESS,
            )
        return
    tree, size = ledger.tree(), ledger.size()
    found = disagreement(witness, size, tree.leaf, tree.root)
    if found is not None:
        raise UnusableWitness(
            f"{found[1].rstrip('.')}; no checkpoint was recorded, since one now would hide "
            "this (see 'deedbook verify')."
        )


def checkpoint_json(recorded: RecordedEntry) -> dict[str, object]:
    """A checkpoint entry as carried in proofs, documents and the witness file."""
    return {
        "index": recorded.index,
        "recordedAt": recorded.recorded_at,
        "message": recorded.message,
        "signatures": [s.as_json() for s in recorded.signatures],
    }
