"""A ledger's rules file (format deedbook-rules/1): parsed strictly, stored in one spelling.

The operator writes the rules as JSON and records them with a signed `RulesVersion`
entry; every later transfer is judged by the version in force when it is recorded.
The parser refuses anything it does not understand (an unknown key, a misspelt
one, a number where a list belongs) instead of ignoring it: a rule silently dropped
is a rule not enforced.  Every key but `format` may be left out; what is left out
does not restrict.  See docs/rules.md for the schema and an example.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from core.display import clean
from core.entries import canonical_json
from core.errors import DeedbookError
from core.hexes import ADDRESS

FORMAT = "deedbook-rules/1"
MAX_RULES_BYTES = 64 * 1024
JURISDICTION = re.compile(r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?")  # ISO 3166-1 alpha-2, or a 3166-2 subdivision
CLAIM_TYPE = re.compile(r"[a-z][a-z0-9-]{0,31}")
ROLE = re.compile(r"[A-Za-z][A-Za-z .'-]{0,39}")
REGISTRARS = "registrars"  # "by": any registrar of the ledger
MAX_LIST = 200
MAX_STEPS = 5
MAX_DAYS = 36_500


class RulesError(DeedbookError):
    """A rules file that cannot be used: one sentence naming the key at fault."""


@dataclass(frozen=True)
class RecoveryStep:
    role: str  # what the approver is ("notary"): shown to the approver, named in the status
    by: tuple[str, ...] | None  # the addresses that may approve this step; None: any registrar


@dataclass(frozen=True)
class RuleSet:
    """One version of a ledger's rules; the defaults restrict nothing."""

    allowed_jurisdictions: tuple[str, ...] | None = None  # None: every jurisdiction not blocked
    blocked_jurisdictions: tuple[str, ...] = ()
    required_claims: tuple[str, ...] = ()  # claim types a new holder must have, valid when the transfer is recorded
    accredited_only_for_fractions: bool = False  # a holding short of the whole deed needs an "accredited" claim
    max_holders_per_deed: int | None = None
    min_holding_shares: int | None = None  # every holding a transfer leaves is zero or at least this
    max_share_bp: int | None = None  # the largest share one holder may reach, in basis points (2500 = 25%)
    lockup_after_registration_days: int = 0
    lockup_after_purchase_days: int = 0
    hold_approvers: tuple[str, ...] | None = None  # who may co-sign a hold; None: another registrar
    recovery_steps: tuple[RecoveryStep, ...] = field(default=())
    recovery_waiting_days: int = 0

    def as_json(self) -> dict[str, Any]:
        """The rules as their file says them, every restriction spelled one way (what is stored and signed)."""
        out: dict[str, Any] = {"format": FORMAT}
        if self.allowed_jurisdictions is not None or self.blocked_jurisdictions:
            places: dict[str, Any] = {}
            if self.allowed_jurisdictions is not None:
                places["allowed"] = list(self.allowed_jurisdictions)
            if self.blocked_jurisdictions:
                places["blocked"] = list(self.blocked_jurisdictions)
            out["jurisdictions"] = places
        if self.required_claims:
            out["required_claims"] = list(self.required_claims)
        if self.accredited_only_for_fractions:
            out["accredited_only_for_fractions"] = True
        if self.max_holders_per_deed is not None:
            out["max_holders_per_deed"] = self.max_holders_per_deed
        if self.min_holding_shares is not None:
            out["min_holding_shares"] = self.min_holding_shares
        if self.max_share_bp is not None:
            out["max_share_percent"] = _percent_value(self.max_share_bp)
        if self.lockup_after_registration_days or self.lockup_after_purchase_days:
            out["lockup"] = {
                "after_registration_days": self.lockup_after_registration_days,
                "after_purchase_days": self.lockup_after_purchase_days,
            }
        if self.hold_approvers is not None:
            out["holds"] = {"second_approvers": list(self.hold_approvers)}
        if self.recovery_steps:
            out["recovery"] = {
                "approvals": [
                    {"role": s.role, "by": REGISTRARS if s.by is None else list(s.by)} for s in self.recovery_steps
                ],
                "waiting_days": self.recovery_waiting_days,
            }
        return out

    def canonical(self) -> str:
        return canonical_json(self.as_json())


NO_RULES = RuleSet()


def _percent_value(bp: int) -> int | float:
    return bp // 100 if bp % 100 == 0 else bp / 100


def percent_text(bp: int) -> str:
    return f"{_percent_value(bp)}%"


# -- reading ------------------------------------------------------------------------------------------


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise RulesError(f"The rules name '{clean(key, 40)}' twice; say each rule once.")
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise RulesError(f"The rules hold {name}, which is not a JSON number.")


def parse_rules_text(text: str) -> RuleSet:
    """A rules file's text (JSON) as a `RuleSet`; a `RulesError` sentence naming the key at fault."""
    if len(text) > MAX_RULES_BYTES:
        raise RulesError(f"A rules file is at most {MAX_RULES_BYTES // 1024} KB.")
    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constant)
    except RulesError:
        raise
    except (ValueError, RecursionError):
        raise RulesError("The rules are not valid JSON.") from None
    return parse_rules(data)


def parse_rules(data: Any) -> RuleSet:
    if not isinstance(data, dict):
        raise RulesError("The rules must be a JSON object.")
    if data.get("format") != FORMAT:
        raise RulesError(f"The rules must say \"format\": \"{FORMAT}\".")
    readers = {
        "format": None,
        "jurisdictions": _jurisdictions,
        "required_claims": _claims,
        "accredited_only_for_fractions": _accredited,
        "max_holders_per_deed": _max_holders,
        "min_holding_shares": _min_holding,
        "max_share_percent": _max_share,
        "lockup": _lockup,
        "holds": _holds,
        "recovery": _recovery,
    }
    unknown = sorted(set(data) - set(readers))
    if unknown:
        raise RulesError(
            f"The rules have a key this Deedbook does not know: '{clean(unknown[0], 40)}' "
            f"(known: {', '.join(k for k in readers if k != 'format')})."
        )
    values: dict[str, Any] = {}
    for key, reader in readers.items():
        if reader is not None and key in data:
            values.update(reader(data[key]))
    return RuleSet(**values)


def _int(value: Any, what: str, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise RulesError(f"{what} must be a whole number from {low:,} to {high:,}.")
    return value


def _strings(value: Any, what: str, pattern: re.Pattern[str], example: str) -> list[str]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_LIST:
        raise RulesError(f"{what} must be a list of 1 to {MAX_LIST} entries (leave it out to restrict nothing).")
    for item in value:
        if not isinstance(item, str) or pattern.fullmatch(item) is None:
            raise RulesError(f"{what} holds {clean(json.dumps(item), 40)}, which is not {example}.")
    if len(set(value)) != len(value):
        raise RulesError(f"{what} names an entry twice.")
    return sorted(value)


def _object(value: Any, what: str, keys: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RulesError(f"{what} must be a JSON object.")
    unknown = sorted(set(value) - keys)
    if unknown:
        raise RulesError(
            f"{what} has a key this Deedbook does not know: '{clean(unknown[0], 40)}' "
            f"(known: {', '.join(sorted(keys))})."
        )
    return value


def _jurisdictions(value: Any) -> dict[str, Any]:
    places = _object(value, "\"jurisdictions\"", {"allowed", "blocked"})
    code = "a country code (US) or subdivision (US-NY) in capitals"
    allowed = (
        _strings(places["allowed"], "\"jurisdictions.allowed\"", JURISDICTION, code) if "allowed" in places else None
    )
    blocked = (
        _strings(places["blocked"], "\"jurisdictions.blocked\"", JURISDICTION, code) if "blocked" in places else []
    )
    both = sorted(set(allowed or ()) & set(blocked))
    if both:
        raise RulesError(f"The jurisdiction {both[0]} is both allowed and blocked.")
    return {
        "allowed_jurisdictions": None if allowed is None else tuple(allowed),
        "blocked_jurisdictions": tuple(blocked),
    }


def _claims(value: Any) -> dict[str, Any]:
    types = _strings(value, "\"required_claims\"", CLAIM_TYPE, "a claim type (lower-case letters, digits, -)")
    return {"required_claims": tuple(types)}


def _accredited(value: Any) -> dict[str, Any]:
    if type(value) is not bool:
        raise RulesError("\"accredited_only_for_fractions\" must be true or false.")
    return {"accredited_only_for_fractions": value}


def _max_holders(value: Any) -> dict[str, Any]:
    return {"max_holders_per_deed": _int(value, "\"max_holders_per_deed\"", 1, 1_000_000)}


def _min_holding(value: Any) -> dict[str, Any]:
    return {"min_holding_shares": _int(value, "\"min_holding_shares\"", 1, 10**15)}


def _max_share(value: Any) -> dict[str, Any]:
    what = "\"max_share_percent\" must be a number above 0 and at most 100, with at most two decimals"
    if type(value) not in (int, float):
        raise RulesError(f"{what}.")
    try:
        bp = Decimal(str(value)) * 100
    except InvalidOperation:
        raise RulesError(f"{what}.") from None
    if bp != bp.to_integral_value() or not 0 < bp <= 10_000:
        raise RulesError(f"{what}.")
    return {"max_share_bp": int(bp)}


def _lockup(value: Any) -> dict[str, Any]:
    lock = _object(value, "\"lockup\"", {"after_registration_days", "after_purchase_days"})
    return {
        "lockup_after_registration_days": _int(
            lock.get("after_registration_days", 0), "\"lockup.after_registration_days\"", 0, MAX_DAYS
        ),
        "lockup_after_purchase_days": _int(
            lock.get("after_purchase_days", 0), "\"lockup.after_purchase_days\"", 0, MAX_DAYS
        ),
    }


def _addresses(value: Any, what: str) -> tuple[str, ...] | None:
    if value == REGISTRARS:
        return None
    if isinstance(value, list):
        from core.signing import checksum_address, parse_address

        found = _strings(value, what, ADDRESS, "an address (0x and 40 hex digits)")
        checked = sorted({checksum_address(parse_address(a)) for a in found}, key=str.lower)
        if len(checked) != len(found):
            raise RulesError(f"{what} names an address twice.")
        return tuple(checked)
    raise RulesError(f"{what} must be \"{REGISTRARS}\" or a list of addresses.")


def _holds(value: Any) -> dict[str, Any]:
    holds = _object(value, "\"holds\"", {"second_approvers"})
    if "second_approvers" not in holds:
        raise RulesError("\"holds\" must name its \"second_approvers\".")
    return {"hold_approvers": _addresses(holds["second_approvers"], "\"holds.second_approvers\"")}


def _recovery(value: Any) -> dict[str, Any]:
    policy = _object(value, "\"recovery\"", {"approvals", "waiting_days"})
    steps = policy.get("approvals")
    if not isinstance(steps, list) or not 1 <= len(steps) <= MAX_STEPS:
        raise RulesError(f"\"recovery.approvals\" must list 1 to {MAX_STEPS} approvals, in the order they are given.")
    found: list[RecoveryStep] = []
    for number, step in enumerate(steps, 1):
        what = f"Approval {number} of \"recovery.approvals\""
        item = _object(step, what, {"role", "by"})
        role = item.get("role")
        if not isinstance(role, str) or ROLE.fullmatch(role) is None:
            raise RulesError(f"{what} needs a \"role\": 1 to 40 letters (notary, court officer).")
        if "by" not in item:
            raise RulesError(f"{what} must say who gives it (\"by\": \"{REGISTRARS}\" or a list of addresses).")
        found.append(RecoveryStep(role, _addresses(item["by"], f"{what}'s \"by\"")))
    roles = [s.role.lower() for s in found]
    if len(set(roles)) != len(roles):
        raise RulesError("\"recovery.approvals\" names a role twice; each approval is given by a different role.")
    if "waiting_days" not in policy:
        raise RulesError("\"recovery\" must say its \"waiting_days\" (how long the old key may object).")
    return {
        "recovery_steps": tuple(found),
        "recovery_waiting_days": _int(policy["waiting_days"], "\"recovery.waiting_days\"", 1, 3650),
    }


# -- saying them ----------------------------------------------------------------------------------------


def _who(by: tuple[str, ...] | None) -> str:
    return "any registrar" if by is None else ", ".join(by)


def rule_lines(rules: RuleSet) -> list[tuple[str, str]]:
    """(rule, what it says) for every rule, restricting or not: `rules show` and the GUI list."""
    r = rules
    places = "any" if r.allowed_jurisdictions is None else ", ".join(r.allowed_jurisdictions)
    lock = (
        f"{r.lockup_after_registration_days} days after registration, {r.lockup_after_purchase_days} days after "
        "purchase"
    )
    steps = " \u2192 ".join(f"{s.role} ({_who(s.by)})" for s in r.recovery_steps)
    return [
        ("Allowed jurisdictions", places),
        ("Blocked jurisdictions", ", ".join(r.blocked_jurisdictions) or "none"),
        ("Claims a new holder needs", ", ".join(r.required_claims) or "none"),
        ("Accredited investors only, for fractions", "yes" if r.accredited_only_for_fractions else "no"),
        ("Most holders per deed", "no limit" if r.max_holders_per_deed is None else f"{r.max_holders_per_deed:,}"),
        ("Smallest holding", "no minimum" if r.min_holding_shares is None else f"{r.min_holding_shares:,} shares"),
        ("Largest share per holder", "no limit" if r.max_share_bp is None else percent_text(r.max_share_bp)),
        ("Lock-up", lock if r.lockup_after_registration_days or r.lockup_after_purchase_days else "none"),
        ("Hold co-signed by", _who(r.hold_approvers) if r.hold_approvers is not None else "another registrar"),
        (
            "Key recovery approvals",
            f"{steps}; then {r.recovery_waiting_days} days for the old key to object"
            if r.recovery_steps
            else "no recovery policy (key recovery is not possible)",
        ),
    ]


def describe_changes(old: RuleSet | None, new: RuleSet) -> list[str]:
    """What setting `new` over `old` changes, one line per rule ("Lock-up: none -> 180 days ...")."""
    before = dict(rule_lines(old or NO_RULES))
    return [f"{label}: {before[label]} \u2192 {value}" for label, value in rule_lines(new) if before[label] != value]
