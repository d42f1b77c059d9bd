"""Can this transfer happen?  Allowed, or refused with a stable code and one sentence naming the rule.

One function, `judge_transfer`, decides; everything that asks calls it: `can-transfer`
(before anything is prepared), `transfer prepare` (which refuses), the transfer rule
at submit (core.kinds.transfer), and `verify` replaying the ledger, which judges each
transfer by the rules in force when it was recorded.  Codes are stable (scripts may
rely on them) and each carries the status byte of ERC-1400's ERC-1066 "0x5*" range,
in the spirit of ERC-1404's detectTransferRestriction / messageForTransferRestriction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from core.compliance.schema import RuleSet, parse_rules_text, percent_text
from core.compliance.state import Claim, Compliance
from core.dates import DAY, format_instant
from core.display import clean
from core.errors import RuleViolation
from core.state import DeedState, LedgerState

ZERO = "0x" + "00" * 20


@dataclass(frozen=True)
class Code:
    name: str
    status: str  # ERC-1066 / ERC-1400 status byte
    rule: str  # the rule it names, as docs/rules.md lists it


CODES = {
    c.name: c
    for c in (
        Code("ok", "0x51", "allowed"),
        Code("invalid-transfer", "0x50", "a transfer moves at least one share between two different addresses"),
        Code("insufficient-shares", "0x52", "the seller holds the shares it sells"),
        Code("deed-frozen", "0x54", "holds: a frozen deed"),
        Code("sender-frozen", "0x56", "holds: a frozen holder"),
        Code("receiver-frozen", "0x57", "holds: a frozen holder"),
        Code("recovery-pending", "0x56", "recovery: a holding under recovery"),
        Code("lockup", "0x55", "lock-up after registration or purchase"),
        Code("claim-missing", "0x57", "claims required to hold"),
        Code("jurisdiction-blocked", "0x57", "blocked jurisdictions"),
        Code("jurisdiction-not-allowed", "0x57", "allowed jurisdictions"),
        Code("not-accredited", "0x57", "accredited investors only, for fractional holdings"),
        Code("below-minimum-holding", "0x50", "minimum holding"),
        Code("above-maximum-share", "0x50", "largest share per holder"),
        Code("too-many-holders", "0x50", "most holders per deed"),
    )
}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    code: str
    reason: str
    rules_version: int  # the version judged by (0: the ledger has no rules yet)
    needs: tuple[str, ...] = ()  # what must still happen for it to be recorded (a lienholder's consent)

    @property
    def status(self) -> str:
        return CODES[self.code].status

    def as_json(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "code": self.code,
            "status": self.status,
            "reason": self.reason,
            "rules_version": self.rules_version,
            "needs": list(self.needs),
        }


class TransferRefused(RuleViolation):
    """A transfer the rules refuse; the sentence names the rule, `code` is its stable code."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.reason)
        self.verdict = verdict


def refused(code: str, reason: str, version: int) -> Verdict:
    return Verdict(False, code, reason, version)


@lru_cache(maxsize=64)
def rules_of(text: str) -> RuleSet:
    return parse_rules_text(text)


def rules_in_force(compliance: Compliance) -> tuple[int, RuleSet | None]:
    current = compliance.rules()
    return (0, None) if current is None else (current.version, rules_of(current.text))


def _same(a: str, b: str) -> bool:
    return a.lower() == b.lower()


def _held(deed: DeedState, address: str) -> int:
    return next((count for holder, count in deed.holders.items() if _same(holder, address)), 0)


def valid_claims(compliance: Compliance, subject: str, claim_type: str, moment: int) -> list[Claim]:
    """The subject's claims of this type that count at `moment`: not revoked, not expired, and issued by an
    issuer the operator trusts for the type now."""
    found = []
    for claim in compliance.claims_of(subject):
        if claim.claim_type != claim_type or not claim.valid_at(moment):
            continue
        issuer = compliance.issuer(claim.issuer)
        if issuer is not None and claim_type in issuer.types:
            found.append(claim)
    return found


def _why_no_claim(compliance: Compliance, subject: str, claim_type: str, moment: int) -> str:
    same = [c for c in compliance.claims_of(subject) if c.claim_type == claim_type]
    if not same:
        return f"has no '{claim_type}' claim"
    last = same[-1]
    if last.revoked_index is not None:
        return f"has no valid '{claim_type}' claim (claim {last.claim_id} was revoked at entry {last.revoked_index})"
    if last.expires and moment > last.expires:
        return f"has no valid '{claim_type}' claim (claim {last.claim_id} expired {format_instant(last.expires)})"
    return f"has no '{claim_type}' claim from an issuer trusted for that type"


def _within(value: str, place: str) -> bool:
    """US-NY is within US; US is not within US-NY."""
    return value == place or value.startswith(place + "-")


def _hold_words(hold: Any) -> str:
    return f"hold {hold.hold_id[:10]}\u2026, order {clean(hold.order, 60)}: {clean(hold.reason, 80)}"


def hold_refusal(compliance: Compliance, deed_id: int, frm: str, to: str, version: int) -> Verdict | None:
    """An active hold on the deed, on the seller's shares, or on the buyer: it applies whatever the rules say."""
    for hold in compliance.holds():
        if not hold.active or hold.deed_id not in (0, deed_id):
            continue
        if _same(hold.holder, ZERO):
            return refused(
                "deed-frozen",
                f"Deed {deed_id} is frozen ({_hold_words(hold)}): no share of it can move until the hold is released.",
                version,
            )
        if _same(hold.holder, frm):
            return refused(
                "sender-frozen",
                f"The shares of {frm} are frozen ({_hold_words(hold)}): they cannot move until the hold is released.",
                version,
            )
        if _same(hold.holder, to):
            return refused(
                "receiver-frozen",
                f"{to} is frozen ({_hold_words(hold)}): it cannot receive shares until the hold is released.",
                version,
            )
    return None


def frozen(compliance: Compliance, deed_id: int, frm: str, to: str, version: int) -> Verdict | None:
    """Holds, and open recoveries of the seller's key: they apply whatever the rules say."""
    found = hold_refusal(compliance, deed_id, frm, to, version)
    if found is not None:
        return found
    for recovery in compliance.recoveries():
        if recovery.open and _same(recovery.lost, frm) and recovery.deed_id in (0, deed_id):
            what = "a court-ordered transfer" if recovery.forced else "a key recovery"
            return refused(
                "recovery-pending",
                f"The shares of {frm} are held by {what} to {recovery.new} (recovery "
                f"{recovery.recovery_id[:10]}\u2026): they cannot move while it is "
                "open.",
                version,
            )
    return None


def judge_transfer(compliance: Compliance, deed: DeedState, frm: str, to: str, shares: int, now: int) -> Verdict:
    """The rules in force at `now` applied to moving `shares` of `deed` from `frm` to `to` (the shares and
    addresses are assumed checked: core.kinds.transfer.check_transfer_message)."""
    version, rules = rules_in_force(compliance)
    held = frozen(compliance, deed.deed_id, frm, to, version)
    if held is not None:
        return held
    if rules is None:
        return Verdict(True, "ok", "Allowed: this ledger has no transfer rules yet.", 0)
    under = f"Under rules v{version}"
    left, before = _held(deed, frm) - shares, _held(deed, to)
    after = before + shares

    acquired = compliance.acquired(deed.deed_id, frm)
    if acquired is not None:
        days = (
            rules.lockup_after_registration_days if acquired.how == "registration" else rules.lockup_after_purchase_days
        )
        until = acquired.at + days * DAY
        if days and now < until:
            return refused(
                "lockup",
                f"{under} (lock-up of {days} days after {acquired.how}), {frm} acquired its "
                f"shares of deed {deed.deed_id} on {format_instant(acquired.at)} and cannot sell "
                f"them before {format_instant(until)}.",
                version,
            )
    for claim_type in rules.required_claims:
        if not valid_claims(compliance, to, claim_type, now):
            why = _why_no_claim(compliance, to, claim_type, now)
            return refused(
                "claim-missing",
                f"{under} (claims required to hold: {', '.join(rules.required_claims)}), {to} {why}.",
                version,
            )
    if rules.allowed_jurisdictions is not None or rules.blocked_jurisdictions:
        places = valid_claims(compliance, to, "jurisdiction", now)
        if not places:
            why = _why_no_claim(compliance, to, "jurisdiction", now)
            return refused(
                "claim-missing", f"{under} (jurisdictions), {to} {why}, so its jurisdiction is not known.", version
            )
        place = places[-1].value
        blocked = [p for p in rules.blocked_jurisdictions if _within(place, p)]
        if blocked:
            return refused(
                "jurisdiction-blocked",
                f"{under} (blocked jurisdictions), {to} is in {clean(place, 12)}, which is blocked ({blocked[0]}).",
                version,
            )
        allowed = rules.allowed_jurisdictions
        if allowed is not None and not any(_within(place, p) for p in allowed):
            return refused(
                "jurisdiction-not-allowed",
                f"{under} (allowed jurisdictions: {', '.join(allowed)}), {to} "
                f"is in {clean(place, 12)}, which is not allowed.",
                version,
            )
    if (
        rules.accredited_only_for_fractions
        and after < deed.total_shares
        and not valid_claims(compliance, to, "accredited", now)
    ):
        why = _why_no_claim(compliance, to, "accredited", now)
        return refused(
            "not-accredited",
            f"{under} (accredited investors only, for fractions), {to} would hold "
            f"{after:,} of {deed.total_shares:,} shares of deed {deed.deed_id} but {why}.",
            version,
        )
    minimum = rules.min_holding_shares
    if minimum is not None and (0 < left < minimum or after < minimum):
        who, count = (frm, left) if 0 < left < minimum else (to, after)
        return refused(
            "below-minimum-holding",
            f"{under} (smallest holding {minimum:,} shares), this transfer would "
            f"leave {who} holding {count:,} shares of deed {deed.deed_id}.",
            version,
        )
    if rules.max_share_bp is not None and after * 10_000 > rules.max_share_bp * deed.total_shares:
        return refused(
            "above-maximum-share",
            f"{under} (largest share per holder {percent_text(rules.max_share_bp)}),"
            f" {to} would hold {after:,} of {deed.total_shares:,} shares of deed "
            f"{deed.deed_id}.",
            version,
        )
    if rules.max_holders_per_deed is not None:
        count = len(deed.holders) - (1 if left == 0 else 0) + (1 if before == 0 else 0)
        if count > rules.max_holders_per_deed:
            return refused(
                "too-many-holders",
                f"{under} (at most {rules.max_holders_per_deed:,} holders per deed), "
                f"deed {deed.deed_id} would have {count:,} holders.",
                version,
            )
    return Verdict(True, "ok", f"Allowed under rules v{version}.", version)


def enforce_transfer_rules(state: LedgerState, deed: DeedState, m: Mapping[str, Any], recorded_at: int) -> None:
    """The transfer rule's call: refuse (TransferRefused) what the rules in force refuse."""
    verdict = judge_transfer(state.compliance, deed, m["from"], m["to"], m["shares"], recorded_at)
    if not verdict.allowed:
        raise TransferRefused(verdict)


def note_acquired(state: LedgerState, deed_id: int, holder: str, at: int, how: str) -> None:
    """When `holder` got (more) shares of the deed: the lock-up counts from the latest."""
    state.compliance.set_acquired(deed_id, holder, at, how)
