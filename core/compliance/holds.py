"""Holds: freeze a deed or a holder's shares (a court order), and release them, with two signatures.

The registrar's signature is made here, at prepare time, and written as a signed
response; the second approver gets a request file to sign on their own machine.
Submitting both responses together records the hold (or its release).  Every rule
is checked before a file is written, with the approver's signature standing in
(core.compliance.acts.dry_run), so an approver is never sent something the ledger
would refuse for another reason.
"""

from __future__ import annotations

import os
import time
from typing import Any

from core.compliance.acts import (
    PreparedAct,
    by_prefix,
    dry_run,
    reading,
    refusal,
    write_files,
)
from core.compliance.fields import ZERO_ADDRESS, check_note
from core.compliance.judge import rules_in_force
from core.compliance.state import Hold
from core.dates import deadline_at
from core.entries import Entry
from core.errors import DeedbookError, Remedy, RuleViolation
from core.keys import UnlockedKey
from core.kinds.holds import ORDER_MAX, REASON_MAX
from core.ledger import Ledger
from core.requests import make_request, sign_request
from core.signing import checksum_address, parse_address
from core.state import LedgerState

# How long a second approver has to sign a hold or its release: a court order is acted on within
# days, and two weeks covers an approver away for a week without leaving a request signable for months.
HOLD_DEADLINE_DAYS = 14


def _note(text: str, what: str, limit: int) -> str:
    value = " ".join(text.split())
    try:
        check_note(value, what, limit)
    except RuleViolation as bad:
        raise refusal(bad) from None
    return value


def second_approver(state: LedgerState, registrar: str, approver: str | None) -> str:
    """The approver named, or the only one possible (the one approver the rules name, or the one other registrar)."""
    if approver is not None:
        return checksum_address(parse_address(approver))
    _, rules = rules_in_force(state.compliance)
    if rules is not None and rules.hold_approvers is not None:
        choices = [a for a in rules.hold_approvers if a.lower() != registrar.lower()]
    else:
        choices = sorted(checksum_address(bytes.fromhex(r[2:])) for r in state.registrars if r != registrar.lower())
    if len(choices) == 1:
        return choices[0]
    if not choices:
        raise DeedbookError(
            "A hold needs a second approver, and this ledger has none besides the registrar: the "
            "operator adds a registrar, or names approvers in the rules."
        )
    raise DeedbookError(
        f"Several people may co-sign this ({', '.join(choices)}): say which one.", remedy=Remedy.NAME_APPROVER
    )


def _signed_here(
    ledger: Ledger,
    kind: str,
    message: dict[str, Any],
    registrar: UnlockedKey,
    wrapper: str,
    stem: str,
    out_dir: str | os.PathLike[str],
) -> PreparedAct:
    identity = ledger.identity
    mine = sign_request(make_request(identity, kind, message, kind, registrar.address), registrar)
    theirs = make_request(identity, kind, message, wrapper, message["approver"])
    paths = write_files([(mine, f"{stem}-registrar.signed.json"), (theirs, f"{stem}-approver.json")], out_dir)
    return PreparedAct(
        kind, message, [("registrar", registrar.address, paths[0]), ("approver", message["approver"], paths[1])]
    )


def hold_message(
    ledger: Ledger,
    registrar: str,
    *,
    deed: str | int | None,
    holder: str | None,
    reason: str,
    order: str,
    approver: str | None,
    deadline: int | str | None = None,
    now: int | None = None,
) -> dict[str, Any]:
    """A hold's message, every rule checked (the two signatures to come stand in): nothing is written.
    `deadline`: when the approver's request expires (Unix seconds or ISO text; default in 14 days)."""
    if deed is None and holder is None:
        raise DeedbookError("Say what to freeze: a deed, a holder, or a holder's shares of a deed.")
    reason, order = _note(reason, "a hold's reason", REASON_MAX), _note(order, "a court order reference", ORDER_MAX)
    expires = deadline_at(deadline, int(time.time()) if now is None else now, HOLD_DEADLINE_DAYS)
    registrar = checksum_address(parse_address(registrar))
    target = None if deed is None else ledger.deed(deed)
    with reading(ledger) as state:
        message: dict[str, Any] = {
            "holdId": "0x" + os.urandom(32).hex(),
            "deedId": target.deed_id if target else 0,
            "parcel": target.parcel if target else "",
            "holder": checksum_address(parse_address(holder)) if holder else ZERO_ADDRESS,
            "reason": reason,
            "order": order,
            "registrar": registrar,
            "approver": second_approver(state, registrar, approver),
            "deadline": expires,
        }
    return _checked(ledger, "Hold", message, "HoldApproval", now)


def _checked(ledger: Ledger, kind: str, message: dict[str, Any], approval: str, now: int | None) -> dict[str, Any]:
    """`message` if the rules would record it once the registrar and the approver have signed (a refusal
    sentence otherwise): said before any request is written."""
    pending = [("registrar", message["registrar"], kind), ("approver", message["approver"], approval)]
    try:
        dry_run(ledger, Entry(kind, message), pending=pending, now=now)
    except RuleViolation as bad:
        raise refusal(bad) from None
    return message


def write_hold(
    ledger: Ledger, message: dict[str, Any], registrar: UnlockedKey, out_dir: str | os.PathLike[str]
) -> PreparedAct:
    """The registrar's signed response and the approver's request, in `out_dir`."""
    return _signed_here(ledger, "Hold", message, registrar, "HoldApproval", f"hold-{message['holdId'][2:10]}", out_dir)


def list_holds(ledger: Ledger) -> list[Hold]:
    with reading(ledger) as state:
        return sorted(state.compliance.holds(), key=lambda h: h.index)


def find_hold(ledger: Ledger, reference: str) -> Hold:
    found: Hold = by_prefix(list_holds(ledger), reference, "hold", "hold_id")
    return found


def release_message(
    ledger: Ledger,
    registrar: str,
    hold: Hold,
    reason: str,
    approver: str | None,
    deadline: int | str | None = None,
    now: int | None = None,
) -> dict[str, Any]:
    if not hold.active:
        raise DeedbookError(f"Hold {hold.hold_id[:10]}\u2026 was released already (entry {hold.released_index}).")
    registrar = checksum_address(parse_address(registrar))
    expires = deadline_at(deadline, int(time.time()) if now is None else now, HOLD_DEADLINE_DAYS)
    with reading(ledger) as state:
        parcel = state.deed(hold.deed_id).parcel if hold.deed_id else ""
        message: dict[str, Any] = {
            "holdId": hold.hold_id,
            "deedId": hold.deed_id,
            "parcel": parcel,
            "holder": hold.holder,
            "reason": _note(reason, "a release's reason", REASON_MAX),
            "order": hold.order,
            "registrar": registrar,
            "approver": second_approver(state, registrar, approver),
            "deadline": expires,
        }
    return _checked(ledger, "HoldRelease", message, "HoldReleaseApproval", now)


def write_release(
    ledger: Ledger, message: dict[str, Any], registrar: UnlockedKey, out_dir: str | os.PathLike[str]
) -> PreparedAct:
    return _signed_here(
        ledger,
        "HoldRelease",
        message,
        registrar,
        "HoldReleaseApproval",
        f"hold-{message['holdId'][2:10]}-release",
        out_dir,
    )
