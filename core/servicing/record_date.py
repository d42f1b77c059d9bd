"""The record date an entry names: a checkpoint entry, and the holders of a deed just before it."""

from __future__ import annotations

from core.errors import RuleViolation
from core.state import ApplyContext, DeedState, LedgerState


def holders_at_record_date(
    state: LedgerState, deed: DeedState, checkpoint: int, ctx: ApplyContext, what: str
) -> dict[str, int]:
    """Who held how many shares of `deed` when checkpoint entry `checkpoint` was recorded (every entry before
    it counts); a RuleViolation when `checkpoint` is not an earlier checkpoint or the deed had no holder then."""
    if not 0 <= checkpoint < ctx.index:
        raise RuleViolation(f"The {what}'s record date names entry {checkpoint}, which is not an earlier entry.")
    kind, _ = state.entry_kind_and_deed(checkpoint)
    if kind != "Checkpoint":
        raise RuleViolation(f"The {what}'s record date must be a checkpoint; entry {checkpoint} is a {kind}.")
    holders = state.holders_at_checkpoint(deed.deed_id, checkpoint)
    if not holders:
        raise RuleViolation(
            f"Deed {deed.deed_id} had no holder at checkpoint {checkpoint} (it was registered later), "
            f"so it cannot be the {what}'s record date."
        )
    return holders
