"""Key recovery and court-ordered transfer: RecoveryStart, RecoveryApproval, RecoveryObjection, RecoveryTransfer.

A registrar opens a recovery (the lost key, the new one, a court order's reference
for a forced transfer) under the recovery policy of the rules in force: an ordered
list of approvals, each by a role (a registrar, a notary who checked identity, a
court officer) and a waiting period.  From then on the lost key's shares are held.
Each approver signs a `RecoveryApproval` by request on their own machine, in the
policy's order.  Until the holdings move, the lost key itself may object (a signed
`RecoveryObjection`), which cancels a lost-key recovery; a court order is not
cancelled by the holder.  Once every approval is in and the waiting period has
passed, a registrar records one `RecoveryTransfer` per deed, moving all the lost
key's shares of it to the new key (filed under the deed, so its chain of title
shows it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.compliance.fields import check_id, check_note, checksummed, is_zero
from core.compliance.judge import hold_refusal, rules_of
from core.compliance.schema import RuleSet
from core.compliance.state import Approval, Recovery
from core.dates import DAY, format_instant
from core.entries import Entry
from core.errors import RuleViolation
from core.kinds import (
    EntryKind,
    LedgerAct,
    OneTime,
    Party,
    register,
    require_roles,
    same_address,
    signature_of,
)
from core.kinds.expiry import DEADLINE, check_deadline, deadline_terms
from core.kinds.transfer import deed_at_version, holding_of
from core.money import Notation, number_text
from core.presentation import Address, Count, Description, Hex, Role, Signer, Term, Text
from core.state import ApplyContext, LedgerState

REASON_MAX, ORDER_MAX = 500, 200


def policy_of(state: LedgerState, recovery: Recovery) -> RuleSet:
    found = state.compliance.rules_version(recovery.rules_version)
    assert found is not None  # RecoveryStart checked it was in force
    return rules_of(found.text)


def _registrar(state: LedgerState, entry: Entry) -> str:
    require_roles(entry, "registrar")
    signer = signature_of(entry, "registrar").signer
    if signer.lower() not in state.registrars:
        raise RuleViolation(f"{signer} is not a registrar of this ledger.")
    return signer


def _recovery(state: LedgerState, m: Mapping[str, Any]) -> Recovery:
    found = state.compliance.recovery(m["recoveryId"])
    if found is None:
        raise RuleViolation(f"There is no recovery {m['recoveryId'][:10]}\u2026 in this ledger.")
    return found


def _matches(recovery: Recovery, m: Mapping[str, Any], what: str) -> None:
    if (
        not same_address(m["lost"], recovery.lost)
        or not same_address(m["new"], recovery.new)
        or m.get("deedId", recovery.deed_id) != recovery.deed_id
        or m.get("order", recovery.order) != recovery.order
    ):
        raise RuleViolation(
            f"The {what} does not describe recovery {recovery.recovery_id[:10]}\u2026 as it was started "
            "(the keys, the deed or the order differ)."
        )


def _apply_start(state: LedgerState, entry: Entry, ctx: ApplyContext) -> int | None:
    _registrar(state, entry)
    m = entry.message
    check_id(m["recoveryId"], "recovery id")
    check_note(m["reason"], "a recovery's reason", REASON_MAX)
    check_note(m["order"], "a court order's reference", ORDER_MAX, required=False)
    if is_zero(m["lost"]) or is_zero(m["new"]) or same_address(m["lost"], m["new"]):
        raise RuleViolation("A recovery moves shares from one address to another, neither of them the zero address.")
    current = state.compliance.rules()
    if current is None and m["rulesVersion"] == 0:  # "follows version 0, not version 0" said nothing
        raise RuleViolation(
            "No rules are in force, so no key can be recovered: the operator sets rules with a recovery policy first."
        )
    if current is None or m["rulesVersion"] != current.version:
        raise RuleViolation(
            f"A recovery follows the rules in force (version {current.version if current else 0}), "
            f"not version {m['rulesVersion']}."
        )
    if not rules_of(current.text).recovery_steps:
        raise RuleViolation(
            f"The rules in force (v{current.version}) name no recovery policy, so no key can be "
            "recovered: the operator sets one first."
        )
    deed_id = None
    if m["deedId"]:
        deed = state.deed(m["deedId"])
        if holding_of(deed, m["lost"])[1] == 0:
            raise RuleViolation(f"{m['lost']} holds no shares of deed {deed.deed_id}.")
        deed_id = deed.deed_id
    for other in state.compliance.recoveries():
        if (
            other.open
            and same_address(other.lost, m["lost"])
            and (0 in (other.deed_id, m["deedId"]) or other.deed_id == m["deedId"])
        ):
            raise RuleViolation(f"Recovery {other.recovery_id[:10]}\u2026 of {other.lost} is open already.")
    recovery = Recovery(
        m["recoveryId"],
        checksummed(m["lost"]),
        checksummed(m["new"]),
        m["deedId"],
        m["order"],
        m["reason"],
        current.version,
        ctx.index,
        ctx.recorded_at,
    )
    state.compliance.put("recovery", recovery.recovery_id, recovery)
    return deed_id


def _apply_approval(state: LedgerState, entry: Entry, ctx: ApplyContext) -> int | None:
    m = entry.message
    check_deadline(m, ctx.recorded_at, "recovery approval", "the approver")
    require_roles(entry, "approver")
    if not same_address(signature_of(entry, "approver").signer, m["approver"]):
        raise RuleViolation("A recovery approval must be signed by the approver it names.")
    recovery = _recovery(state, m)
    _matches(recovery, m, "approval")
    if recovery.objected_index is not None:
        raise RuleViolation(
            f"Recovery {recovery.recovery_id[:10]}\u2026 was cancelled by the holder's objection "
            f"(entry {recovery.objected_index})."
        )
    steps = policy_of(state, recovery).recovery_steps
    done = len(recovery.approvals)
    if done == len(steps):
        raise RuleViolation(f"Recovery {recovery.recovery_id[:10]}\u2026 has all its {len(steps)} approvals already.")
    if m["step"] != done + 1:
        waiting = steps[done]
        raise RuleViolation(
            f"Approvals are given in order: this is approval {m['step']}, but approval {done + 1} "
            f"({waiting.role}) is not recorded yet."
        )
    step = steps[done]
    if m["role"] != step.role:
        raise RuleViolation(f"Approval {m['step']} is given by the {step.role}, not by a {m['role']}.")
    approver = m["approver"]
    if step.by is None and approver.lower() not in state.registrars:
        raise RuleViolation(f"Approval {m['step']} ({step.role}) is given by a registrar; {approver} is not one.")
    if step.by is not None and not any(same_address(a, approver) for a in step.by):
        raise RuleViolation(f"Approval {m['step']} ({step.role}) is given by {', '.join(step.by)}, not by {approver}.")
    if any(same_address(a.approver, approver) for a in recovery.approvals) or any(
        same_address(approver, k) for k in (recovery.lost, recovery.new)
    ):
        raise RuleViolation(
            f"{approver} cannot give two approvals of one recovery, nor approve a recovery of its own keys."
        )
    recovery.approvals.append(Approval(m["step"], m["role"], checksummed(approver), ctx.index, ctx.recorded_at))
    state.compliance.put("recovery", recovery.recovery_id, recovery)
    return recovery.deed_id or None


def _apply_objection(state: LedgerState, entry: Entry, ctx: ApplyContext) -> int | None:
    m = entry.message
    require_roles(entry, "holder")
    if not same_address(signature_of(entry, "holder").signer, m["lost"]):
        raise RuleViolation("An objection must be signed by the key the recovery calls lost.")
    recovery = _recovery(state, m)
    _matches(recovery, m, "objection")
    if recovery.forced:
        raise RuleViolation(
            f"A court-ordered transfer (order {recovery.order}) is not stopped by the holder's "
            "objection; it is contested in court."
        )
    if recovery.objected_index is not None:
        raise RuleViolation(f"The holder objected to this recovery already (entry {recovery.objected_index}).")
    if recovery.moved:
        raise RuleViolation(f"Recovery {recovery.recovery_id[:10]}\u2026 has moved the holdings already.")
    recovery.objected_index = ctx.index
    state.compliance.put("recovery", recovery.recovery_id, recovery)
    return recovery.deed_id or None


def ready_at(state: LedgerState, recovery: Recovery) -> int | None:
    """When the holdings may move (the last approval plus the waiting period), or None while approvals are missing."""
    policy = policy_of(state, recovery)
    if len(recovery.approvals) < len(policy.recovery_steps):
        return None
    return recovery.approvals[-1].recorded_at + policy.recovery_waiting_days * DAY


def _apply_move(state: LedgerState, entry: Entry, ctx: ApplyContext) -> int:
    _registrar(state, entry)
    m = entry.message
    recovery = _recovery(state, m)
    if (
        not same_address(m["from"], recovery.lost)
        or not same_address(m["to"], recovery.new)
        or m["order"] != recovery.order
        or recovery.deed_id not in (0, m["deedId"])
    ):
        raise RuleViolation(
            f"The move does not follow recovery {recovery.recovery_id[:10]}\u2026 (keys, deed or order differ)."
        )
    if recovery.objected_index is not None:
        raise RuleViolation(
            f"Recovery {recovery.recovery_id[:10]}\u2026 was cancelled by the holder's objection "
            f"(entry {recovery.objected_index})."
        )
    ready = ready_at(state, recovery)
    if ready is None:
        raise RuleViolation(
            f"Recovery {recovery.recovery_id[:10]}\u2026 has {len(recovery.approvals)} of "
            f"{len(policy_of(state, recovery).recovery_steps)} approvals; the holdings move after the "
            "last one and the waiting period."
        )
    if ctx.recorded_at < ready:
        raise RuleViolation(
            f"The waiting period of recovery {recovery.recovery_id[:10]}\u2026 ends "
            f"{format_instant(ready)}: until then the old key may object."
        )
    deed = deed_at_version(state, m, "recovery move")
    lost_key, held = holding_of(deed, m["from"])
    if lost_key is None or m["shares"] != held:
        raise RuleViolation(f"{m['from']} holds {held:,} shares of deed {deed.deed_id}; a recovery moves all of them.")
    blocked = hold_refusal(state.compliance, deed.deed_id, m["from"], m["to"], 0)
    if blocked is not None:
        raise RuleViolation(blocked.reason)
    del deed.holders[lost_key]
    new_key, had = holding_of(deed, m["to"])
    deed.holders[new_key or checksummed(m["to"])] = had + held
    since = state.compliance.acquired(deed.deed_id, m["from"])
    if since is not None:  # the same owner's shares: a lock-up keeps counting from when they were acquired
        state.compliance.set_acquired(deed.deed_id, m["to"], since.at, since.how)
    deed.version += 1
    state.touch(deed, ctx.index)
    recovery.moved[str(deed.deed_id)] = ctx.index
    state.compliance.put("recovery", recovery.recovery_id, recovery)
    return deed.deed_id


# -- how they read ---------------------------------------------------------------------------------------------


def _kind_words(m: Mapping[str, Any]) -> str:
    return "court-ordered transfer" if m["order"] else "key recovery"


def _scope(m: Mapping[str, Any]) -> tuple[Any, ...]:
    return (f"deed {m['deedId']}",) if m["deedId"] else ("every deed it holds shares of",)


def _case_terms(m: Mapping[str, Any]) -> tuple[Term, ...]:
    lost = "Holder (court order)" if m["order"] else "Lost key"
    terms = [Term(lost, (Address(m["lost"]),)), Term("Moves to", (Address(m["new"]),)), Term("Holdings", _scope(m))]
    if m["order"]:
        terms.append(Term("Court order", (Text(m["order"], ORDER_MAX),)))
    terms.append(Term("Recovery id", (Hex(m["recoveryId"]),)))
    return tuple(terms)


def _present_start(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    words = _kind_words(m)
    return Description(
        title=(f"{words.capitalize()} opened for ", Address(m["lost"])),
        terms=(
            *_case_terms(m),
            Term("Reason", (Text(m["reason"], REASON_MAX),)),
            Term("Rules version", (Count(m["rulesVersion"]),)),
        ),
        event=(f"{words.capitalize()} opened",),
        parties=(Role("From", (m["lost"],)), Role("To", (m["new"],))),
        brief=((Text(m["reason"], 120),),),
        headline=(f"{words.capitalize()} opened: ", Address(m["lost"]), " \u2192 ", Address(m["new"])),
        detail=(Text(m["reason"], 120),),
        icon="keys",
        tone="gold",
    )


def _present_approval(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    words = _kind_words(m)
    return Description(
        title=(f"Approval {m['step']} of a {words}: ", Text(m["role"], 40)),
        terms=(
            *_case_terms(m),
            Term("Approval", (f"{m['step']}, as ", Text(m["role"], 40))),
            Term("Approver", (Address(m["approver"]),)),
            *deadline_terms(m),
        ),
        event=(f"{words.capitalize()} approved (", Text(m["role"], 40), ")"),
        parties=(Role("Approver", (m["approver"],)),),
        brief=((f"approval {m['step']}",),),
        headline=(f"Recovery approval {m['step']} (", Text(m["role"], 40), ")"),
        detail=("by ", Address(m["approver"])),
        icon="ok",
        tone="accent",
        warnings=("Approve only after checking who asks: this moves every share of the first address to the second.",),
    )


def _present_objection(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    return Description(
        title=("Objection to the recovery of ", Address(m["lost"])),
        terms=(
            Term("Your key", (Address(m["lost"]),)),
            Term("Would move to", (Address(m["new"]),)),
            Term("Recovery id", (Hex(m["recoveryId"]),)),
        ),
        event=("Recovery cancelled by the holder",),
        parties=(Role("Holder", (m["lost"],)),),
        brief=(("the key is not lost",),),
        headline=("Recovery cancelled: the holder objected",),
        detail=("by ", Address(m["lost"])),
        icon="cancel",
        tone="bad",
    )


def _describe_move(m: Mapping[str, Any], notation: Notation | None = None) -> str:
    return (
        f"Deed {m['deedId']}: {number_text(m['shares'], **(notation or {}))} shares moved from {m['from']} to "
        f"{m['to']} by {'court order ' + m['order'] if m['order'] else 'key recovery'}"
    )


def _present_move(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    words = "Court-ordered transfer" if m["order"] else "Key recovery"
    return Description(
        title=(f"{words}: deed {m['deedId']} (parcel ", Text(m["parcel"], 60), ")"),
        terms=(
            Term("From", (Address(m["from"]),)),
            Term("To", (Address(m["to"]),)),
            Term("Shares", (Count(m["shares"]),)),
            Term("Recovery id", (Hex(m["recoveryId"]),)),
        ),
        event=(words,),
        parties=(Role("From", (m["from"],)), Role("To", (m["to"],))),
        brief=((Count(m["shares"]), " shares"), *((("order ", Text(m["order"], 80)),) if m["order"] else ())),
        headline=(f"{words} to ", Address(m["to"])),
        detail=("from ", Address(m["from"]), " \u2022 ", Count(m["shares"]), " shares"),
        icon="transfer",
        tone="gold",
    )


CASE = (("recoveryId", "bytes32"), ("lost", "address"), ("new", "address"), ("deedId", "uint256"), ("order", "string"))
APPROVAL_V1 = (*CASE, ("step", "uint256"), ("role", "string"), ("approver", "address"))

RECOVERY_START = register(
    EntryKind(
        name="RecoveryStart",
        fields=(*CASE, ("reason", "string"), ("rulesVersion", "uint256")),
        apply=_apply_start,
        describe=lambda m: f"{_kind_words(m).capitalize()} opened: {m['lost']} to {m['new']} ({m['reason']})",
        present=_present_start,
        ledger_act=LedgerAct("registrar", "registrar", "deedbook recovery start"),
        once=(OneTime("recoveryId", None, "The recovery {short} was opened before (entry {entry})."),),
    )
)

RECOVERY_APPROVAL = register(
    EntryKind(
        name="RecoveryApproval",
        fields=(*APPROVAL_V1, DEADLINE),  # v2: the approver's request expires
        earlier=(APPROVAL_V1,),
        apply=_apply_approval,
        describe=lambda m: f"Recovery {m['recoveryId'][:10]} approval {m['step']} ({m['role']}) by {m['approver']}",
        present=_present_approval,
        parties={
            "RecoveryApproval": Party(
                "approver",
                "You give this approval in the role named above, having checked who asks.",
                "approver",
                label="Approver",
                act="approval",
            )
        },
        once=(
            OneTime("step", "recoveryId", "Approval {value} of recovery {scope} was recorded before (entry {entry})."),
        ),
    )
)

RECOVERY_OBJECTION = register(
    EntryKind(
        name="RecoveryObjection",
        fields=(("recoveryId", "bytes32"), ("lost", "address"), ("new", "address")),
        apply=_apply_objection,
        describe=lambda m: f"The holder {m['lost']} objected to recovery {m['recoveryId'][:10]}: it is cancelled",
        present=_present_objection,
        parties={
            "RecoveryObjection": Party(
                "holder",
                "You object as the holder of this key: it is not lost, and the recovery is cancelled.",
                "lost",
                label="Holder",
                act="objection",
            )
        },
        once=(OneTime("recoveryId", None, "The holder objected to recovery {short} before (entry {entry})."),),
    )
)

RECOVERY_TRANSFER = register(
    EntryKind(
        name="RecoveryTransfer",
        fields=(
            ("recoveryId", "bytes32"),
            ("deedId", "uint256"),
            ("parcel", "string"),
            ("from", "address"),
            ("to", "address"),
            ("shares", "uint256"),
            ("order", "string"),
            ("deedVersion", "uint256"),
        ),
        apply=_apply_move,
        describe=_describe_move,
        describe_in=_describe_move,
        present=_present_move,
        ledger_act=LedgerAct("registrar", "registrar", "deedbook recovery complete"),
        once=(OneTime("deedId", "recoveryId", "Recovery {scope} moved deed {value} already (entry {entry})."),),
    )
)
