"""Key recovery and court-ordered transfers: open one, write the approvers' requests, see where it
stands, write the old key's objection request, and move the holdings once it is ready.

The rules are core.kinds.recovery's (checked again at every submit and by `verify`);
this module prepares what people sign and says what is still needed.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from core.compliance.acts import by_prefix, dry_run, reading, refusal, write_files
from core.compliance.fields import check_note
from core.compliance.judge import rules_of
from core.compliance.state import Recovery
from core.dates import DAY, deadline_at, format_instant
from core.entries import Entry
from core.errors import DeedbookError, RuleViolation
from core.keys import UnlockedKey
from core.kinds.recovery import ORDER_MAX, REASON_MAX
from core.kinds.transfer import holding_of
from core.ledger import Ledger
from core.requests import SigningRequest, make_request
from core.signing import checksum_address, parse_address
from core.state import LedgerState
from core.store import HoldingRow


def _note(text: str, what: str, limit: int, required: bool = True) -> str:
    value = " ".join(text.split())
    try:
        check_note(value, what, limit, required=required)
    except RuleViolation as bad:
        raise refusal(bad) from None
    return value


def start_message(
    ledger: Ledger, registrar: str, *, lost: str, new: str, reason: str, order: str = "", deed: str | int | None = None
) -> dict[str, Any]:
    """A RecoveryStart, every rule checked (the registrar's signature to come stands in): nothing is written."""
    deed_id = 0 if deed is None else ledger.resolve_deed(deed)
    with reading(ledger) as state:
        current = state.compliance.rules()
    message: dict[str, Any] = {
        "recoveryId": "0x" + os.urandom(32).hex(),
        "lost": checksum_address(parse_address(lost)),
        "new": checksum_address(parse_address(new)),
        "deedId": deed_id,
        "order": _note(order, "a court order reference", ORDER_MAX, required=False),
        "reason": _note(reason, "a recovery's reason", REASON_MAX),
        "rulesVersion": current.version if current else 0,
    }
    if deed_id == 0 and not deeds_held(ledger, message["lost"]):
        raise DeedbookError(f"{message['lost']} holds no shares of any deed, so there is nothing to recover.")
    try:
        dry_run(
            ledger,
            Entry("RecoveryStart", message),
            pending=[("registrar", checksum_address(parse_address(registrar)), "RecoveryStart")],
        )
    except RuleViolation as bad:
        raise refusal(bad) from None
    return message


def start(ledger: Ledger, registrar: UnlockedKey, message: dict[str, Any]) -> int:
    return ledger.append([ledger.sign("RecoveryStart", message, registrar, "registrar")])[0]


def recoveries(ledger: Ledger) -> list[Recovery]:
    with reading(ledger) as state:
        return sorted(state.compliance.recoveries(), key=lambda r: r.started_index)


def find(ledger: Ledger, reference: str) -> Recovery:
    found: Recovery = by_prefix(recoveries(ledger), reference, "recovery", "recovery_id")
    return found


def _case(recovery: Recovery) -> dict[str, Any]:
    return {
        "recoveryId": recovery.recovery_id,
        "lost": recovery.lost,
        "new": recovery.new,
        "deedId": recovery.deed_id,
        "order": recovery.order,
    }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "approver"


# How long an approver has to sign a recovery approval: checking who asks (identity, a court officer's
# file) takes longer than a hold's co-signature, and a month still stops a request kept for a later day.
APPROVAL_DEADLINE_DAYS = 30


def approval_requests(
    ledger: Ledger, recovery: Recovery, deadline: int | str | None = None, *, now: int | None = None
) -> list[tuple[SigningRequest, str]]:
    """A request for every approval still missing, one per address that may give it; with their file names.
    `deadline`: when they expire (Unix seconds or ISO text; default in 30 days)."""
    if recovery.objected_index is not None or recovery.moved:
        over = "cancelled" if recovery.objected_index is not None else "done"
        raise DeedbookError(f"Recovery {recovery.recovery_id[:10]}\u2026 is {over}; it needs no more approvals.")
    moment = int(time.time()) if now is None else now
    expires = deadline_at(deadline, moment, APPROVAL_DEADLINE_DAYS)
    with reading(ledger) as state:
        version = state.compliance.rules_version(recovery.rules_version)
        registrars = sorted(checksum_address(bytes.fromhex(r[2:])) for r in state.registrars)
    assert version is not None
    steps = rules_of(version.text).recovery_steps
    if len(recovery.approvals) >= len(steps):  # else nothing would be written, and nothing said
        raise DeedbookError(
            f"Recovery {recovery.recovery_id[:10]}\u2026 has all its {len(steps)} approvals; no request is missing."
        )
    given = {a.approver.lower() for a in recovery.approvals}
    excluded = given | {recovery.lost.lower(), recovery.new.lower()}
    out = []
    for number, step in enumerate(steps, 1):
        if number <= len(recovery.approvals):
            continue
        for approver in [a for a in (step.by or registrars) if a.lower() not in excluded]:
            message = {**_case(recovery), "step": number, "role": step.role, "approver": approver, "deadline": expires}
            request = make_request(
                ledger.identity, "RecoveryApproval", message, "RecoveryApproval", approver, now=moment
            )
            name = f"recovery-{recovery.recovery_id[2:10]}-{number}-{_slug(step.role)}-{approver[2:10].lower()}.json"
            out.append((request, name))
    return out


def start_requests(
    ledger: Ledger, message: dict[str, Any], deadline: int | str | None = None
) -> list[tuple[SigningRequest, str]]:
    """The approvers' requests of the recovery a RecoveryStart `message` opens, before it is recorded: written
    first, a folder that cannot take them refuses the recovery instead of leaving it open without them."""
    opening = Recovery(
        recovery_id=message["recoveryId"],
        lost=message["lost"],
        new=message["new"],
        deed_id=message["deedId"],
        order=message["order"],
        reason=message["reason"],
        rules_version=message["rulesVersion"],
        started_index=-1,  # not recorded yet; the requests name neither
        started_at=0,
    )
    return approval_requests(ledger, opening, deadline)


def write_approval_requests(
    ledger: Ledger, recovery: Recovery, out_dir: str | os.PathLike[str], deadline: int | str | None = None
) -> list[str]:
    return [str(p) for p in write_files(approval_requests(ledger, recovery, deadline), out_dir)]


def objection_request(ledger: Ledger, recovery: Recovery) -> tuple[SigningRequest, str]:
    """The request the key called lost signs to object (a lost-key recovery only)."""
    if recovery.forced:
        raise DeedbookError(
            f"Recovery {recovery.recovery_id[:10]}\u2026 carries out a court order "
            f"({recovery.order}): the holder cannot cancel it by objecting."
        )
    if recovery.objected_index is not None or recovery.moved:
        raise DeedbookError(f"Recovery {recovery.recovery_id[:10]}\u2026 is over: nothing to object to.")
    message = {"recoveryId": recovery.recovery_id, "lost": recovery.lost, "new": recovery.new}
    return (
        make_request(ledger.identity, "RecoveryObjection", message, "RecoveryObjection", recovery.lost),
        f"recovery-{recovery.recovery_id[2:10]}-objection.json",
    )


def deeds_held(ledger: Ledger, address: str) -> list[int]:
    with ledger.reader() as conn:
        found = conn.execute(
            select(col(HoldingRow.deed_id)).where(col(HoldingRow.holder) == address).order_by(col(HoldingRow.deed_id))
        )
        return [int(d) for d in found.scalars()]


def _moves(state: LedgerState, recovery: Recovery, deed_ids: list[int]) -> list[dict[str, Any]]:
    messages = []
    for deed_id in deed_ids:
        deed = state.deed(deed_id)
        _, held = holding_of(deed, recovery.lost)
        if held and str(deed_id) not in recovery.moved:
            messages.append(
                {
                    "recoveryId": recovery.recovery_id,
                    "deedId": deed_id,
                    "parcel": deed.parcel,
                    "from": recovery.lost,
                    "to": recovery.new,
                    "shares": held,
                    "order": recovery.order,
                    "deedVersion": deed.version,
                }
            )
    return messages


def check_complete(ledger: Ledger, registrar: str, recovery: Recovery) -> list[int]:
    """The deeds a completion would move, every rule checked first; refused (one sentence) if not ready."""
    deed_ids = [recovery.deed_id] if recovery.deed_id else deeds_held(ledger, recovery.lost)
    with reading(ledger) as state:
        messages = _moves(state, recovery, deed_ids)
    if not messages:
        raise DeedbookError(
            f"{recovery.lost} holds no shares left to move under recovery {recovery.recovery_id[:10]}\u2026."
        )
    signer = checksum_address(parse_address(registrar))
    try:
        for message in messages:
            dry_run(ledger, Entry("RecoveryTransfer", message), pending=[("registrar", signer, "RecoveryTransfer")])
    except RuleViolation as bad:
        raise refusal(bad) from None
    return [m["deedId"] for m in messages]


def complete(ledger: Ledger, registrar: UnlockedKey, recovery: Recovery, deed_ids: list[int]) -> list[int]:
    """Move the lost key's shares of every deed, one RecoveryTransfer each, in one atomic append."""

    def build(state: LedgerState) -> list[Entry]:
        current = state.compliance.recovery(recovery.recovery_id)
        assert current is not None
        return [ledger.sign("RecoveryTransfer", m, registrar, "registrar") for m in _moves(state, current, deed_ids)]

    return ledger.append_built(build)


# -- where a recovery stands --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepView:
    step: int
    role: str
    by: list[str] | None  # None: any registrar
    approver: str | None
    index: int | None
    at: int | None


@dataclass(frozen=True)
class RecoveryView:
    recovery: Recovery
    steps: list[StepView]
    waiting_days: int
    ready_at: int | None  # when the holdings may move (None: approvals missing)
    state: str  # awaiting-approval, waiting, ready, completed, cancelled
    summary: str  # one sentence (two when the requests written at its opening have expired)
    # Awaiting approval past the default deadline of the requests written when it opened: when they expired.
    requests_expired_at: int | None = None

    def as_json(self) -> dict[str, Any]:
        r = self.recovery
        return {
            "id": r.recovery_id,
            "lost": r.lost,
            "new": r.new,
            "deed_id": r.deed_id or None,
            "order": r.order or None,
            "forced": r.forced,
            "reason": r.reason,
            "rules_version": r.rules_version,
            "started_index": r.started_index,
            "started_at": r.started_at,
            "state": self.state,
            "summary": self.summary,
            "waiting_days": self.waiting_days,
            "ready_at": self.ready_at,
            "requests_expired_at": self.requests_expired_at,
            "objected_index": r.objected_index,
            "moved": {int(k): v for k, v in r.moved.items()},
            "approvals": [
                {
                    "step": s.step,
                    "role": s.role,
                    "by": s.by or "registrars",
                    "approver": s.approver,
                    "index": s.index,
                    "at": s.at,
                }
                for s in self.steps
            ],
        }


def view(state: LedgerState, recovery: Recovery, now: int) -> RecoveryView:
    version = state.compliance.rules_version(recovery.rules_version)
    assert version is not None
    policy = rules_of(version.text)
    steps = []
    for number, step in enumerate(policy.recovery_steps, 1):
        given = recovery.approvals[number - 1] if number <= len(recovery.approvals) else None
        steps.append(
            StepView(
                number,
                step.role,
                list(step.by) if step.by else None,
                given.approver if given else None,
                given.index if given else None,
                given.recorded_at if given else None,
            )
        )
    ready = None
    if len(recovery.approvals) == len(steps):
        ready = recovery.approvals[-1].recorded_at + policy.recovery_waiting_days * DAY
    rid = recovery.recovery_id[:10] + "\u2026"
    expired = None
    if recovery.objected_index is not None:
        status, line = (
            "cancelled",
            f"Recovery {rid} was cancelled: the holder objected (entry {recovery.objected_index}).",
        )
    elif recovery.moved:
        status, line = (
            "completed",
            (f"Recovery {rid} is done: the holdings of {len(recovery.moved)} deed(s) moved to {recovery.new}."),
        )
    elif ready is None:
        missing = steps[len(recovery.approvals)]
        status, line = (
            "awaiting-approval",
            (f"Recovery {rid} awaits approval {missing.step} of {len(steps)} ({missing.role})."),
        )
        # The ledger keeps no record of the requests written; those written when it opened (the
        # default deadline) can be dated, and an approver holding one is told it is void.
        if now > (lapsed := recovery.started_at + APPROVAL_DEADLINE_DAYS * DAY):
            expired = lapsed
            line += (
                f" Approval requests written when it opened, with the default {APPROVAL_DEADLINE_DAYS}-day "
                f"deadline, expired on {format_instant(lapsed)}: the approvers need fresh ones."
            )
    elif now < ready:
        status, line = (
            "waiting",
            (
                f"Recovery {rid} is approved; the old key may object until {format_instant(ready)}, "
                "then the holdings can move."
            ),
        )
    else:
        status, line = "ready", f"Recovery {rid} is approved and its waiting period is over: the holdings can move."
    return RecoveryView(recovery, steps, policy.recovery_waiting_days, ready, status, line, expired)


def status(ledger: Ledger, reference: str | None = None, *, now: int | None = None) -> list[RecoveryView]:
    moment = int(time.time()) if now is None else now
    chosen = [find(ledger, reference)] if reference else recoveries(ledger)
    with reading(ledger) as state:
        return [view(state, r, moment) for r in chosen]
