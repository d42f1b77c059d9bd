"""Approvals that expire: a request signed on another machine carries a `deadline` (Unix seconds)
and its entry is refused when recorded after it, at submit and on every replay (`verify`).

Kinds gained the field in a second version; a message of the first version has no deadline
and is checked as before (core.kinds: `EntryKind.earlier`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.errors import RuleViolation
from core.presentation import Deadline, Term

DEADLINE = ("deadline", "uint256")


def check_deadline(m: Mapping[str, Any], recorded_at: int, what: str, who: str) -> None:
    """Refuse `m` recorded after its deadline (compared with the entry's recorded time, as a transfer's is)."""
    if "deadline" in m and m["deadline"] < recorded_at:
        raise RuleViolation(f"The {what}'s deadline has passed; {who} must sign a new request.")


def deadline_terms(m: Mapping[str, Any]) -> tuple[Term, ...]:
    """The `Deadline` term a signer reads, for a message that has one."""
    return (Term("Deadline", (Deadline(m["deadline"]),)),) if "deadline" in m else ()
