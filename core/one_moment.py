"""`@one_moment`: a reader that combines several reads of a ledger makes them all in one snapshot.

Each `Ledger` read opens its own connection, so a reader that reads a size, then entries, then
the latest checkpoint could see each at another moment while another desktop appends: an export
whose checkpoint covers entries it does not carry, a certificate as of a checkpoint that leaves out
an entry the checkpoint covers.  Inside `Ledger.snapshot()` every read of that ledger in this thread
sees the same moment (core.ledger); this decorator opens one around a function whose first argument
is the ledger.  Kept apart from core.ledger so that modules which only name `Ledger` for typing
(verifying a proof needs no database) need not import SQLAlchemy to use it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Callable, Concatenate, ParamSpec, TypeVar

if TYPE_CHECKING:
    from core.ledger import Ledger

P = ParamSpec("P")
R = TypeVar("R")


def one_moment(read: Callable[Concatenate[Ledger, P], R]) -> Callable[Concatenate[Ledger, P], R]:
    """`read(ledger, ...)` run inside `ledger.snapshot()` (joining one already open in this thread)."""

    @functools.wraps(read)
    def in_snapshot(ledger: Ledger, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with ledger.snapshot():
            return read(ledger, *args, **kwargs)

    return in_snapshot
