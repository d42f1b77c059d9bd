"""Who held how many shares of a deed at a record date, from the entries that made the holdings.

A record date is a checkpoint entry that covers every entry before it: the holders of a
deed at that date are what its registration, transfers and recovery moves recorded
before the checkpoint add up to.  `fold` replays just those messages; it is what the
ledger uses on an append (the database-backed state), and what a holder's statement is
checked with offline, from the entries the statement embeds (each with its inclusion
proof).  `verify`'s replay keeps the same holdings as snapshots it takes at every
checkpoint (core.state), so the two ways are compared for every recorded distribution.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.errors import RuleViolation
from core.signing import checksum_address

# The kinds that move shares of a deed, and how.  A new kind that moves shares must be added here
# (tests/servicing/test_snapshot.py compares the fold with the deed projection for every deed).
SHARE_KINDS = ("RegisterDeed", "Transfer", "RecoveryTransfer")


def _address(value: Any) -> str:
    return checksum_address(bytes.fromhex(str(value)[2:]))


def fold(entries: Iterable[tuple[str, Mapping[str, Any]]], deed_id: int) -> dict[str, int]:
    """The holders of `deed_id` after `entries` ((kind, message), in ledger order); other kinds and deeds are
    skipped.  A message that could not have been recorded (moving shares its seller lacks) is a RuleViolation."""
    holders: dict[str, int] = {}
    for kind, m in entries:
        if kind not in SHARE_KINDS or m.get("deedId") != deed_id:
            continue
        if kind == "RegisterDeed":
            holders = {_address(m["owner"]): int(m["totalShares"])}
            continue
        seller, buyer, shares = _address(m["from"]), _address(m["to"]), int(m["shares"])
        held = holders.get(seller, 0)
        if shares < 1 or shares > held:
            raise RuleViolation(
                f"The entries of deed {deed_id} do not add up: {seller} sells {shares:,} shares holding {held:,}."
            )
        if held == shares:
            del holders[seller]
        else:
            holders[seller] = held - shares
        holders[buyer] = holders.get(buyer, 0) + shares
    return holders


def lower_keys(holders: Mapping[str, int]) -> dict[str, int]:
    return {holder.lower(): shares for holder, shares in holders.items()}
