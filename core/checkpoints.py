"""Signed tree heads: make one, and record it in the ledger and the witness file."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

from core.errors import DeedbookError
from core.witness import write_witness

if TYPE_CHECKING:  # the ledger (and SQLAlchemy) only when a checkpoint is made, not to read one
    from core.entries import Entry
    from core.keys import UnlockedKey
    from core.ledger import Ledger, RecordedEntry
    from core.state import LedgerState


def make_checkpoint(ledger: Ledger, key: UnlockedKey) -> RecordedEntry:
    """Checkpoint every entry so far (signed by the operator) and update the witness."""
    if key.address.lower() != ledger.identity.operator.lower():
        raise DeedbookError(f"Checkpoints are signed by the ledger's operator {ledger.identity.operator}, not {key.address}.")

    def build(state: LedgerState) -> list[Entry]:  # in the write lock: the tree as it is when recorded
        message = {"ledgerId": ledger.identity.ledger_id_hex, "size": state.size,
                   "root": "0x" + state.root_at(state.size).hex(), "timestamp": int(time.time())}
        return [ledger.sign("Checkpoint", message, key, "operator")]

    [index] = ledger.append_built(build)
    recorded = ledger.entry(index)
    write_witness(ledger.home, ledger.identity, checkpoint_json(recorded))
    return recorded


def checkpoint_json(recorded: RecordedEntry) -> dict[str, object]:
    """A checkpoint entry as carried in proofs, documents and the witness file."""
    return {"index": recorded.index, "recordedAt": recorded.recorded_at, "message": recorded.message,
            "signatures": [s.as_json() for s in recorded.signatures]}
