"""Distributions as services: the record date, the snapshot, the preview of the split, recording it, finding it.

The front ends call these through the workspace (desktop/workspace/servicing.py); the
rule that checks a recorded distribution is core/kinds/distribution.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.entries import Entry
from core.errors import DeedbookError, NotFound
from core.keys import UnlockedKey
from core.kinds.distribution import MAX_PURPOSE
from core.ledger import Ledger, RecordedEntry
from core.money import check_currency, format_amount, parse_amount
from core.one_moment import one_moment
from core.servicing.snapshot import SHARE_KINDS, fold
from core.servicing.split import RULE, RULE_TEXT, Payout, split
from core.state import DeedState, LedgerState


@dataclass(frozen=True)
class Snapshot:
    """The holders of a deed at a record date, and the entries that made the holdings."""

    deed: DeedState
    checkpoint: RecordedEntry  # the record date
    holders: dict[str, int]
    entries: list[RecordedEntry]  # the share-moving entries of the deed before the checkpoint

    def as_json(self) -> dict[str, Any]:
        return {
            "deed": self.deed.deed_id,
            "record_checkpoint": self.checkpoint.index,
            "recorded_at": self.checkpoint.recorded_at,
            "total_shares": self.deed.total_shares,
            "holders": [
                {"holder": h, "shares": s} for h, s in sorted(self.holders.items(), key=lambda i: i[0].lower())
            ],
            "entries": [e.index for e in self.entries],
        }


@dataclass(frozen=True)
class Preview:
    """A distribution before it is recorded: what each holder would be paid, and why."""

    snapshot: Snapshot
    amount: int
    currency: str
    purpose: str
    payouts: list[Payout]

    @property
    def rule(self) -> str:
        return RULE_TEXT

    def as_json(self) -> dict[str, Any]:
        return {
            "deed": self.snapshot.deed.deed_id,
            "record_checkpoint": self.snapshot.checkpoint.index,
            "amount": self.amount,
            "currency": self.currency,
            "purpose": self.purpose,
            "rounding": RULE,
            "payouts": [
                {"holder": p.holder, "shares": p.shares, "minor": p.minor, "extra_unit": p.extra} for p in self.payouts
            ],
        }


def record_checkpoint(ledger: Ledger, index: int | None = None) -> RecordedEntry:
    """The checkpoint a record date names (the latest when None); a sentence when there is none."""
    if index is None:
        latest = ledger.latest_checkpoint()
        if latest is None:
            raise NotFound("This ledger has no checkpoint yet: sign one first; it is the record date.")
        return latest
    if not 0 <= index < ledger.size():
        raise NotFound(f"There is no entry {index} in this ledger to be a record date.")
    found = ledger.entry(index)
    if found.kind != "Checkpoint":
        raise DeedbookError(f"Entry {index} is a {found.kind}, not a checkpoint: a record date is a checkpoint.")
    return found


@one_moment  # the deed, the record date's checkpoint and the history before it, at one moment
def snapshot(ledger: Ledger, deed: str | int, checkpoint: int | None = None) -> Snapshot:
    """Who held how many shares of `deed` at the record date (every entry before the checkpoint counts)."""
    state = ledger.deed(deed)
    mark = record_checkpoint(ledger, checkpoint)
    entries = [e for e in ledger.history(state.deed_id) if e.index < mark.index and e.kind in SHARE_KINDS]
    holders = fold(((e.kind, e.message) for e in entries), state.deed_id)
    if not holders:
        raise DeedbookError(
            f"Deed {state.deed_id} was registered after checkpoint {mark.index}, so it had no holders "
            "at that record date."
        )
    return Snapshot(state, mark, holders, entries)


def preview(
    ledger: Ledger,
    deed: str | int,
    amount: str | int,
    currency: str,
    *,
    checkpoint: int | None = None,
    purpose: str = "",
) -> Preview:
    """The split of `amount` over the holders at the record date, before anything is signed."""
    code = check_currency(currency)
    minor = amount if isinstance(amount, int) else parse_amount(amount, code)
    if minor <= 0:
        raise DeedbookError("A distribution pays a positive amount.")
    purpose = purpose.strip()
    if len(purpose) > MAX_PURPOSE:
        raise DeedbookError(f"The purpose is {len(purpose)} characters; at most {MAX_PURPOSE} are kept.")
    snap = snapshot(ledger, deed, checkpoint)
    return Preview(snap, minor, code, purpose, split(minor, snap.holders))


def distribution_message(state: LedgerState, plan: Preview) -> dict[str, Any]:
    deed = plan.snapshot.deed
    return {
        "distributionId": state.compliance.counter("distribution"),
        "deedId": deed.deed_id,
        "parcel": deed.parcel,
        "recordCheckpoint": plan.snapshot.checkpoint.index,
        "totalShares": deed.total_shares,
        "amount": plan.amount,
        "currency": plan.currency,
        "purpose": plan.purpose,
        "rounding": RULE,
        "payouts": [p.as_message() for p in plan.payouts],
    }


def record_distribution(ledger: Ledger, key: UnlockedKey, plan: Preview) -> int:
    """Sign and record the distribution (the next number, inside the write lock); its entry index."""

    def build(state: LedgerState) -> list[Entry]:
        return [ledger.sign("Distribution", distribution_message(state, plan), key, "registrar")]

    [index] = ledger.append_built(build)
    return index


def distributions(ledger: Ledger, deed: str | int | None = None) -> list[RecordedEntry]:
    found = ledger.entries(kind="Distribution")
    if deed is not None:
        deed_id = ledger.resolve_deed(deed)
        found = [e for e in found if e.message["deedId"] == deed_id]
    return found


def find_distribution(ledger: Ledger, distribution_id: int) -> RecordedEntry:
    for entry in ledger.entries(kind="Distribution"):
        if entry.message["distributionId"] == distribution_id:
            return entry
    raise NotFound(f"There is no distribution {distribution_id} in this ledger.")


def payout_of(entry: RecordedEntry, holder: str) -> dict[str, Any]:
    for payout in entry.message["payouts"]:
        if payout["holder"].lower() == holder.lower():
            return dict(payout)
    raise NotFound(f"{holder} is not among the holders paid by distribution {entry.message['distributionId']}.")


def summary_line(entry: RecordedEntry) -> str:
    m = entry.message
    holders = f"{len(m['payouts'])} holder{'' if len(m['payouts']) == 1 else 's'}"
    return (
        f"Distribution {m['distributionId']} (entry {entry.index}): {format_amount(m['amount'], m['currency'])} "
        f"to {holders} of deed {m['deedId']}, record date checkpoint {m['recordCheckpoint']}"
    )
