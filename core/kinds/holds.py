"""Hold and HoldRelease: freeze a deed, or a holder's shares, under a court order; and release it.

Two signatures, on two machines: a registrar signs the hold (or its release) and a
second approver co-signs the very same message (`HoldApproval {hold}`), by request.
The second approver is another registrar, or one the rules in force name
(`holds.second_approvers`).  The approver's request expires: the message carries a
`deadline` (Unix seconds) and is refused when recorded after it.  Entries recorded
before deadlines existed are of the kinds' first version (`FIELDS_V1`) and still verify.
While a hold is active the frozen shares cannot move
(core.compliance.judge), and every attempt is refused with the hold's order and reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.compliance.fields import check_id, check_note, checksummed, is_zero
from core.compliance.judge import rules_in_force
from core.compliance.state import Hold
from core.entries import Entry
from core.errors import RuleViolation
from core.kinds import (
    EntryKind,
    OneTime,
    Party,
    register,
    require_roles,
    same_address,
    signature_of,
)
from core.kinds.expiry import DEADLINE, check_deadline, deadline_terms
from core.presentation import Address, Description, Hex, Role, Signer, Term, Text
from core.state import ApplyContext, LedgerState

REASON_MAX, ORDER_MAX = 500, 200


def _signers(state: LedgerState, entry: Entry, wrapper: str) -> None:
    """The registrar signs the message itself and a different, eligible approver signs `wrapper`."""
    m = entry.message
    require_roles(entry, "registrar", "approver")
    first, second = signature_of(entry, "registrar"), signature_of(entry, "approver")
    if first.signed_type != entry.kind or second.signed_type != wrapper:
        raise RuleViolation(f"The registrar signs the {entry.kind} and the approver its {wrapper}.")
    if not same_address(first.signer, m["registrar"]) or not same_address(second.signer, m["approver"]):
        raise RuleViolation(f"The {entry.kind} must be signed by the registrar and the approver it names.")
    if m["registrar"].lower() not in state.registrars:
        raise RuleViolation(f"{m['registrar']} is not a registrar of this ledger.")
    if same_address(m["registrar"], m["approver"]):
        raise RuleViolation("A hold needs two different people: the approver cannot be the registrar.")
    version, rules = rules_in_force(state.compliance)
    approvers = rules.hold_approvers if rules is not None else None
    if approvers is None and m["approver"].lower() not in state.registrars:
        raise RuleViolation(f"{m['approver']} is not a registrar, so it cannot co-sign a hold.")
    if approvers is not None and not any(same_address(a, m["approver"]) for a in approvers):
        raise RuleViolation(
            f"Under rules v{version}, a hold is co-signed by {', '.join(approvers)}, not by {m['approver']}."
        )


def _target(state: LedgerState, m: Mapping[str, Any]) -> int | None:
    """The deed the message names (checked against its parcel), or None for every deed of a holder."""
    if m["deedId"] == 0:
        if m["parcel"] != "" or is_zero(m["holder"]):
            raise RuleViolation("A hold names a deed, a holder, or both.")
        return None
    deed = state.deed(m["deedId"])
    if m["parcel"] != deed.parcel:
        raise RuleViolation(f"The hold names parcel {m['parcel']}, but deed {deed.deed_id} is parcel {deed.parcel}.")
    return deed.deed_id


def _apply_hold(state: LedgerState, entry: Entry, ctx: ApplyContext) -> int | None:
    m = entry.message
    check_id(m["holdId"], "hold id")
    check_note(m["reason"], "a hold's reason", REASON_MAX)
    check_note(m["order"], "a hold's court order reference", ORDER_MAX)
    check_deadline(m, ctx.recorded_at, "hold", "the approver")
    _signers(state, entry, "HoldApproval")
    deed_id = _target(state, m)
    hold = Hold(
        m["holdId"],
        m["deedId"],
        checksummed(m["holder"]),
        m["reason"],
        m["order"],
        checksummed(m["registrar"]),
        checksummed(m["approver"]),
        ctx.index,
    )
    state.compliance.put("hold", hold.hold_id, hold)
    return deed_id


def _apply_release(state: LedgerState, entry: Entry, ctx: ApplyContext) -> int | None:
    m = entry.message
    check_note(m["reason"], "a release's reason", REASON_MAX)
    check_deadline(m, ctx.recorded_at, "hold release", "the approver")
    hold = state.compliance.hold(m["holdId"])
    if hold is None:
        raise RuleViolation(f"There is no hold {m['holdId'][:10]}\u2026 to release.")
    if not hold.active:
        raise RuleViolation(f"Hold {hold.hold_id[:10]}\u2026 was released already (entry {hold.released_index}).")
    if m["deedId"] != hold.deed_id or not same_address(m["holder"], hold.holder) or m["order"] != hold.order:
        raise RuleViolation("The release does not describe the hold it releases (deed, holder or order differ).")
    _signers(state, entry, "HoldReleaseApproval")
    deed_id = _target(state, m)
    hold.released_index = ctx.index
    state.compliance.put("hold", hold.hold_id, hold)
    return deed_id


def _what(m: Mapping[str, Any]) -> tuple[Any, ...]:
    if m["deedId"] == 0:
        return ("every share held by ", Address(m["holder"]))
    if is_zero(m["holder"]):
        return (f"deed {m['deedId']} (parcel ", Text(m["parcel"], 60), ")")
    return ("the shares of deed ", f"{m['deedId']} held by ", Address(m["holder"]))


def _target_words(m: Mapping[str, Any]) -> str:
    if m["deedId"] == 0:
        return f"every share held by {m['holder']}"
    return f"deed {m['deedId']}" if is_zero(m["holder"]) else f"the shares of deed {m['deedId']} held by {m['holder']}"


def _terms(m: Mapping[str, Any]) -> tuple[Term, ...]:
    return (
        Term("Frozen", _what(m)),
        Term("Court order", (Text(m["order"], ORDER_MAX),)),
        Term("Reason", (Text(m["reason"], REASON_MAX),)),
        Term("Registrar", (Address(m["registrar"]),)),
        Term("Second approver", (Address(m["approver"]),)),
        Term("Hold id", (Hex(m["holdId"]),)),
        *deadline_terms(m),
    )


def _present_hold(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    return Description(
        title=("Hold: freeze ", *_what(m)),
        terms=_terms(m),
        event=("Frozen (hold)",),
        parties=(Role("Registrar", (m["registrar"],)), Role("Approved by", (m["approver"],))),
        brief=(("order ", Text(m["order"], 80)), (Text(m["reason"], 120),)),
        headline=("Frozen: ", Text(m["order"], 60)),
        detail=(Text(m["reason"], 120),),
        icon="warning",
        tone="bad",
        warnings=("While this hold is active the frozen shares cannot be sold, bought or recovered.",),
    )


def _present_release(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    return Description(
        title=("Release of the hold on ", *_what(m)),
        terms=(*_terms(m)[:2], Term("Why released", (Text(m["reason"], REASON_MAX),)), *_terms(m)[3:]),
        event=("Hold released",),
        parties=(Role("Registrar", (m["registrar"],)), Role("Approved by", (m["approver"],))),
        brief=(("order ", Text(m["order"], 80)), (Text(m["reason"], 120),)),
        headline=("Hold released: ", Text(m["order"], 60)),
        detail=(Text(m["reason"], 120),),
        icon="release",
        tone="good",
    )


FIELDS_V1 = (
    ("holdId", "bytes32"),
    ("deedId", "uint256"),
    ("parcel", "string"),
    ("holder", "address"),
    ("reason", "string"),
    ("order", "string"),
    ("registrar", "address"),
    ("approver", "address"),
)
FIELDS = (*FIELDS_V1, DEADLINE)  # v2: the approver's request expires

HOLD = register(
    EntryKind(
        name="Hold",
        fields=FIELDS,
        earlier=(FIELDS_V1,),
        apply=_apply_hold,
        describe=lambda m: f"Hold {m['holdId'][:10]} on {_target_words(m)} (order {m['order']}): {m['reason']}",
        wrappers={"HoldApproval": "hold"},
        parties={
            "Hold": Party(
                "registrar", "You freeze this holding as a registrar of the ledger.", "registrar", label="Registrar"
            ),
            "HoldApproval": Party(
                "approver",
                "You approve this hold as its second approver.",
                "approver",
                label="Approver",
                act="approval",
            ),
        },
        present=_present_hold,
        once=(OneTime("holdId", None, "The hold {short} was recorded before (entry {entry})."),),
    )
)

HOLD_RELEASE = register(
    EntryKind(
        name="HoldRelease",
        fields=FIELDS,
        earlier=(FIELDS_V1,),
        apply=_apply_release,
        describe=lambda m: f"Hold {m['holdId'][:10]} released: {m['reason']}",
        wrappers={"HoldReleaseApproval": "release"},
        parties={
            "HoldRelease": Party(
                "registrar", "You release this hold as a registrar of the ledger.", "registrar", label="Registrar"
            ),
            "HoldReleaseApproval": Party(
                "approver",
                "You approve releasing this hold as its second approver.",
                "approver",
                label="Approver",
                act="approval",
            ),
        },
        present=_present_release,
        once=(OneTime("holdId", None, "The hold {short} was released before (entry {entry})."),),
    )
)
