"""Checkpoint: a signed tree head {ledger id, size, root, time} by the operator.

It is also written to a witness file outside the database (core.witness), so a
ledger truncated or rolled back behind it is detected.
"""

from __future__ import annotations

from typing import Any, Mapping

from core.entries import Entry
from core.errors import RuleViolation
from core.kinds import EntryKind, LedgerAct, register, require_roles, same_address, signature_of
from core.state import ApplyContext, LedgerState
from core.wording import counted

CLOCK_SKEW = 300  # seconds a checkpoint's own time may run ahead of its recording


def _apply(state: LedgerState, entry: Entry, ctx: ApplyContext) -> None:
    identity = state.identity
    assert identity is not None
    require_roles(entry, "operator")
    if not same_address(signature_of(entry, "operator").signer, identity.operator):
        raise RuleViolation("Only the ledger's operator signs checkpoints.")
    m = entry.message
    if m["ledgerId"].lower() != identity.ledger_id_hex:
        raise RuleViolation("The checkpoint names another ledger.")
    if not 0 < m["size"] <= ctx.index:
        raise RuleViolation(f"A checkpoint recorded as entry {ctx.index} cannot cover {m['size']} entries.")
    if bytes.fromhex(m["root"][2:]) != state.root_at(m["size"]):
        raise RuleViolation(f"The checkpoint's root is not the Merkle root of the first {m['size']} entries.")
    if m["timestamp"] > ctx.recorded_at + CLOCK_SKEW:
        raise RuleViolation("The checkpoint is dated after it was recorded.")
    return None


def _describe(m: Mapping[str, Any]) -> str:
    return f"Checkpoint of {counted(m['size'], 'entry')}, root {m['root'][:18]}\u2026"


CHECKPOINT = register(
    EntryKind(
        name="Checkpoint",
        as_of=True,
        fields=(("ledgerId", "bytes32"), ("size", "uint256"), ("root", "bytes32"), ("timestamp", "uint256")),
        apply=_apply,
        describe=_describe,
        ledger_act=LedgerAct("operator", "operator", "deedbook checkpoint"),
    )
)
