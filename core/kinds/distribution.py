"""Distribution: an amount (rent, sale proceeds) paid to a deed's holders at a record date, pro rata.

A registrar records it.  The message carries every payout (holder, shares at the record
date, minor units paid), so anyone can recompute it: the rule (at append and again in
`verify`) checks that the shares are exactly the holdings at the record date — the
holders of the deed just before the checkpoint entry named `recordCheckpoint` — and
that the payouts are the largest-remainder split of the amount (core.servicing.split),
listed in address order, so they add up to the amount with no minor unit lost.
Distributions are numbered 1, 2, … in the ledger (a replayed one is refused).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.entries import Entry
from core.errors import RuleViolation
from core.kinds import EntryKind, LedgerAct, register
from core.money import MAX_AMOUNT, Notation, format_amount, is_currency
from core.presentation import Count, Description, EntryRef, Money, Role, Signer, Term, Text
from core.servicing.record_date import holders_at_record_date, numbered_deed_act
from core.servicing.snapshot import lower_keys
from core.servicing.split import RULE, split
from core.state import ApplyContext, LedgerState

PAYOUT_FIELDS = (("holder", "address"), ("shares", "uint256"), ("minor", "uint256"))
MAX_PURPOSE = 200


def check_payouts(payouts: Any) -> list[dict[str, Any]]:
    """The payouts as a list of {holder, shares, minor} objects; a RuleViolation for anything else."""
    if not isinstance(payouts, list) or not payouts:
        raise RuleViolation("A distribution lists at least one payout.")
    names = {name for name, _ in PAYOUT_FIELDS}
    for payout in payouts:
        if (
            not isinstance(payout, dict)
            or set(payout) != names
            or any(type(payout[k]) is not int or payout[k] < 0 for k in ("shares", "minor"))
            or not isinstance(payout["holder"], str)
        ):
            raise RuleViolation("Each payout of a distribution is a holder, its shares and the minor units paid.")
    return payouts


def expected_payouts(amount: int, holders: Mapping[str, int]) -> list[dict[str, Any]]:
    return [{"holder": p.holder.lower(), "shares": p.shares, "minor": p.minor} for p in split(amount, holders)]


def _apply(state: LedgerState, entry: Entry, ctx: ApplyContext) -> int:
    deed = numbered_deed_act(state, entry, "distribution", "record a distribution")
    m = entry.message
    if not is_currency(m["currency"]):
        raise RuleViolation(f"'{m['currency']}' is not an ISO 4217 currency code.")
    if not 0 < m["amount"] < MAX_AMOUNT:
        raise RuleViolation("A distribution pays a positive amount.")
    if m["rounding"] != RULE:
        raise RuleViolation(f"A distribution is rounded by the rule '{RULE}', not '{m['rounding']}'.")
    if len(m["purpose"]) > MAX_PURPOSE:
        raise RuleViolation(f"A distribution's purpose is at most {MAX_PURPOSE} characters.")
    holders = holders_at_record_date(state, deed, m["recordCheckpoint"], ctx, "distribution")
    payouts = check_payouts(m["payouts"])
    stated = [{"holder": p["holder"].lower(), "shares": p["shares"], "minor": p["minor"]} for p in payouts]
    if sorted((p["holder"], p["shares"]) for p in stated) != sorted(lower_keys(holders).items()):
        raise RuleViolation(
            f"The distribution's holders are not those of deed {deed.deed_id} at checkpoint "
            f"{m['recordCheckpoint']} (its record date)."
        )
    if stated != expected_payouts(m["amount"], holders):
        raise RuleViolation(
            f"The payouts are not the {RULE} split of {format_amount(m['amount'], m['currency'])} "
            "over the holdings at the record date (in address order)."
        )
    state.compliance.bump("distribution")
    return int(deed.deed_id)


def _present(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    paid = Money(m["amount"], m["currency"])
    holders = len(m["payouts"]) if isinstance(m["payouts"], list) else 0
    return Description(
        title=(
            f"Distribution {m['distributionId']} to the holders of deed {m['deedId']} (parcel ",
            Text(m["parcel"], 60),
            ")",
        ),
        terms=(
            Term("Amount", (paid,)),
            Term("Record date", ("checkpoint ", EntryRef(m["recordCheckpoint"]))),
            Term("Holders paid", (Count(holders),)),
            Term("Rounding", (Text(m["rounding"], 40),)),
            Term("Purpose", (Text(m["purpose"], MAX_PURPOSE),)),
        ),
        event=("Distribution to holders",),
        parties=(Role("Recorded by", tuple(a for _, a in signers)),),
        brief=(
            (paid, " to ", Count(holders), " holders"),
            ("record date: checkpoint ", EntryRef(m["recordCheckpoint"])),
            (Text(m["purpose"], 80),),
        ),
        headline=("Distribution ", str(m["distributionId"]), ": ", paid),
        detail=(Count(holders), " holders \u2022 record date checkpoint ", EntryRef(m["recordCheckpoint"])),
        icon="ledger",
        tone="good",
    )


def _describe(m: Mapping[str, Any], notation: Notation | None = None) -> str:
    amount = format_amount(m["amount"], m["currency"], **(notation or {}))
    return (
        f"Distribution {m['distributionId']} of {amount} to the holders of deed "
        f"{m['deedId']} at checkpoint {m['recordCheckpoint']}"
    )


DISTRIBUTION = register(
    EntryKind(
        name="Distribution",
        fields=(
            ("distributionId", "uint256"),
            ("deedId", "uint256"),
            ("parcel", "string"),
            ("recordCheckpoint", "uint256"),
            ("totalShares", "uint256"),
            ("amount", "uint256"),
            ("currency", "string"),
            ("purpose", "string"),
            ("rounding", "string"),
            ("payouts", "Payout[]"),
        ),
        extra_types={"Payout": PAYOUT_FIELDS},
        apply=_apply,
        describe=_describe,
        describe_in=_describe,
        present=_present,
        ledger_act=LedgerAct("registrar", "registrar", "deedbook distribution new", label="Registrar"),
    )
)
