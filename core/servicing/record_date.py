"""The record date an entry names: a checkpoint entry, and the holders of a deed just before it."""

from __future__ import annotations

from core.entries import Entry
from core.errors import RuleViolation
from core.kinds import require_roles, signature_of
from core.state import ApplyContext, DeedState, LedgerState


def numbered_deed_act(state: LedgerState, entry: Entry, what: str, may: str) -> DeedState:
    """What a distribution and a proposal check alike before their own fields: a registrar signed it (`may`
    says what a registrar may do), it is the next of its numbered series (`what`, counted in the compliance
    state), and it names its deed's parcel and share count as they are now.  The deed, for the rest."""
    require_roles(entry, "registrar")
    signer = signature_of(entry, "registrar").signer
    if signer.lower() not in state.registrars:
        raise RuleViolation(f"{signer} is not a registrar of this ledger, so it cannot {may}.")
    m = entry.message
    expected = state.compliance.counter(what)
    if m[f"{what}Id"] != expected:
        raise RuleViolation(f"The next {what} is number {expected}, not {m[f'{what}Id']} (a replayed or stale {what}).")
    deed = state.deed(m["deedId"])
    if m["parcel"] != deed.parcel:
        raise RuleViolation(f"The {what} names parcel {m['parcel']}, but deed {deed.deed_id} is parcel {deed.parcel}.")
    if m["totalShares"] != deed.total_shares:
        raise RuleViolation(
            f"The {what} says deed {deed.deed_id} has {m['totalShares']} shares; it has {deed.total_shares}."
        )
    return deed


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
