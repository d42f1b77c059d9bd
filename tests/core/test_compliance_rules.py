"""The rules file and the transfer judge, property by property (hypothesis): the parser reads every valid
rules file back to the same rules and refuses anything else with a RulesError sentence; the judge never
fails, always gives a known code, and a transfer allowed under some rules is allowed under any looser ones."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from core.compliance.judge import CODES, judge_transfer
from core.compliance.schema import (
    FORMAT,
    RecoveryStep,
    RulesError,
    RuleSet,
    describe_changes,
    parse_rules,
    parse_rules_text,
    rule_lines,
)
from core.compliance.state import (
    Claim,
    Compliance,
    Hold,
    Issuer,
    RulesVersion,
    claim_key,
)
from core.state import DeedState

PLACES = ["US", "CA", "FR", "KP", "US-NY", "US-CA", "CA-QC", "IR"]
TYPES = ["identity", "accredited", "entity-type", "jurisdiction", "kyc-plus"]
ADDRESSES = ["0x" + f"{i:040x}" for i in range(1, 7)]
ISSUER = "0x" + "ee" * 20
NOW = 2_000_000_000
DAY = 86_400


def _sub(items: list[str], *, min_size: int = 1) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(items), min_size=min_size, max_size=len(items), unique=True).map(
        lambda xs: tuple(sorted(xs))
    )


@st.composite
def rule_sets(draw: st.DrawFn) -> RuleSet:
    allowed = draw(st.none() | _sub(PLACES))
    blocked = (
        draw(_sub([p for p in PLACES if p not in (allowed or ())], min_size=0))
        if len(allowed or ()) < len(PLACES)
        else ()
    )
    steps = draw(st.lists(st.sampled_from(["registrar", "notary", "court officer"]), max_size=3, unique=True))
    return RuleSet(
        allowed_jurisdictions=allowed,
        blocked_jurisdictions=blocked,
        required_claims=draw(st.just(()) | _sub(TYPES, min_size=0)),
        accredited_only_for_fractions=draw(st.booleans()),
        max_holders_per_deed=draw(st.none() | st.integers(1, 6)),
        min_holding_shares=draw(st.none() | st.integers(1, 5_000)),
        max_share_bp=draw(st.none() | st.integers(1, 10_000)),
        lockup_after_registration_days=draw(st.sampled_from([0, 0, 30, 180, 365])),
        lockup_after_purchase_days=draw(st.sampled_from([0, 0, 30, 180, 365])),
        hold_approvers=draw(
            st.none()
            | _sub([a.lower() for a in ADDRESSES]).map(
                lambda xs: tuple(sorted((to_checksum(a) for a in xs), key=str.lower))
            )
        ),
        recovery_steps=tuple(RecoveryStep(role, None) for role in steps),
        recovery_waiting_days=draw(st.integers(1, 30)) if steps else 0,
    )


def to_checksum(address: str) -> str:
    from core.signing import checksum_address

    return checksum_address(bytes.fromhex(address[2:]))


# -- the parser --------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(rule_sets())
def test_every_rule_set_reads_back_from_its_one_spelling(rules: RuleSet) -> None:
    text = rules.canonical()
    again = parse_rules_text(text)
    assert again == rules and again.canonical() == text
    assert parse_rules_text(json.dumps(rules.as_json(), indent=2)) == rules  # any layout of the same JSON
    assert len(rule_lines(rules)) == 10 and describe_changes(rules, rules) == []


def _json(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "format",
                        "lockup",
                        "max_holders_per_deed",
                        "jurisdictions",
                        "allowed",
                        "blocked",
                        "by",
                        "recovery",
                        "approvals",
                        "role",
                        "waiting_days",
                        "x",
                    ]
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=12,
    )


LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-3, 10**20)
    | st.floats(allow_nan=True)
    | st.sampled_from(["US", "registrars", FORMAT, "", "0x" + "11" * 20, "identity", "US-", "us"])
)


@settings(max_examples=400, deadline=None)
@given(data=st.data(), base=rule_sets())
def test_anything_else_is_refused_with_a_sentence(data: st.DataObject, base: RuleSet) -> None:
    """A valid file with one key's value replaced by arbitrary JSON (or a key added): rules, or a RulesError."""
    document = base.as_json()
    key = data.draw(st.sampled_from([*document, "jurisdictions", "lockup", "recovery", "holds", "colour"]))
    document[key] = data.draw(_json(LEAVES))
    try:
        rules = parse_rules(document)
    except RulesError as refused:
        sentence = str(refused)
        assert sentence.endswith(".") and "\n" not in sentence and len(sentence) < 400
    else:
        assert parse_rules_text(rules.canonical()) == rules


@pytest.mark.parametrize(
    "text, says",
    [
        ("[]", "must be a JSON object"),
        ('{"format": "deedbook-rules/2"}', '"format": "deedbook-rules/1"'),
        ('{"format": "deedbook-rules/1", "max_holder_per_deed": 5}', "'max_holder_per_deed'"),
        ('{"format": "deedbook-rules/1", "max_holders_per_deed": 5, "max_holders_per_deed": 6}', "twice"),
        ('{"format": "deedbook-rules/1", "max_holders_per_deed": true}', "whole number"),
        ('{"format": "deedbook-rules/1", "max_share_percent": 33.333}', "two decimals"),
        ('{"format": "deedbook-rules/1", "jurisdictions": {"allowed": ["US"], "blocked": ["US"]}}', "both allowed"),
        ('{"format": "deedbook-rules/1", "jurisdictions": {"allowed": []}}', "leave it out"),
        ('{"format": "deedbook-rules/1", "jurisdictions": {"allowed": ["usa"]}}', "not a country code"),
        (
            '{"format": "deedbook-rules/1", "recovery": {"approvals": [{"role": "notary", "by": "registrars"}]}}',
            "waiting_days",
        ),
        (
            (
                '{"format": "deedbook-rules/1", "recovery": {"approvals": [{"role": "notary", "by": "anyone"}], '
                '"waiting_days": 3}}'
            ),
            "a list of addresses",
        ),
        (
            (
                '{"format": "deedbook-rules/1", "recovery": {"approvals": [{"role": "notary", "by": "registrars"}], '
                '"waiting_days": 0}}'
            ),
            "from 1",
        ),
        ('{"format": "deedbook-rules/1", "lockup": {"after_sale_days": 3}}', "'after_sale_days'"),
        ('{"format": "deedbook-rules/1", "min_holding_shares": NaN}', "not a JSON number"),
        ("{", "not valid JSON"),
    ],
)
def test_a_rules_file_that_cannot_be_used_names_the_key_at_fault(text: str, says: str) -> None:
    with pytest.raises(RulesError) as refused:
        parse_rules_text(text)
    assert says in str(refused.value)


# -- the judge -------------------------------------------------------------------------------------------


def compliance_with(
    rules: RuleSet | None, claims: list[tuple[str, str, str]], acquired_days_ago: int, how: str, holds: list[Hold] = ()
) -> Compliance:  # type: ignore[assignment]
    c = Compliance()
    c.put("issuer", ISSUER, Issuer(to_checksum(ISSUER), tuple(sorted(TYPES)), 1))
    for number, (subject, claim_type, value) in enumerate(claims, 1):
        c.put(
            "claim",
            claim_key(subject, number),
            Claim(number, subject, claim_type, value, to_checksum(ISSUER), 0, "0x" + "11" * 32, 2),
        )
    if rules is not None:
        c.put("rules", "00000001", RulesVersion(1, rules.canonical(), 3, 0))
        c.put("counter", "rules", {"next": 2})
    for hold in holds:
        c.put("hold", hold.hold_id, hold)
    for holder in ADDRESSES:
        c.set_acquired(1, holder, NOW - acquired_days_ago * DAY, how)
    return c


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    total = draw(st.integers(1, 10_000))
    holders = draw(st.lists(st.sampled_from(ADDRESSES), min_size=1, max_size=4, unique=True))
    counts = [draw(st.integers(1, 5_000)) for _ in holders]
    seller = holders[0]
    buyer = draw(st.sampled_from([a for a in ADDRESSES if a != seller]))
    # the buyer has most kinds of claim (so that many transfers are allowed), others a few
    claims = [
        (buyer, t, draw(st.sampled_from(PLACES)) if t == "jurisdiction" else "")
        for t in TYPES
        if draw(st.integers(0, 4)) > 0
    ]
    claims += [
        (a, t, "US" if t == "jurisdiction" else "")
        for a, t in draw(st.lists(st.tuples(st.sampled_from(ADDRESSES), st.sampled_from(TYPES)), max_size=4))
    ]
    return {
        "holders": dict(zip(holders, counts, strict=True)),
        "total": max(total, sum(counts)),
        "seller": seller,
        "buyer": buyer,
        "shares": draw(st.integers(1, counts[0])),
        "claims": claims,
        "days": draw(st.integers(0, 500)),
        "how": draw(st.sampled_from(["registration", "purchase"])),
    }


def _deed(s: dict[str, Any]) -> DeedState:
    return DeedState(
        deed_id=1,
        parcel="P-1",
        address="1 Main St",
        legal="",
        attributes_json="{}",
        total_shares=s["total"],
        holders=dict(s["holders"]),
        version=3,
        registered_index=1,
        updated_index=1,
    )


def _judge(rules: RuleSet | None, s: dict[str, Any]) -> Any:
    return judge_transfer(
        compliance_with(rules, s["claims"], s["days"], s["how"]), _deed(s), s["seller"], s["buyer"], s["shares"], NOW
    )


@st.composite
def looser(draw: st.DrawFn, rules: RuleSet) -> RuleSet:
    """Rules that restrict no more than `rules` (each limit the same or wider)."""

    def widen(value: int | None, top: int) -> int | None:
        return draw(st.none() | st.integers(value, top)) if value is not None else None

    allowed = rules.allowed_jurisdictions
    if allowed is not None:
        extra = draw(_sub(PLACES, min_size=0))
        allowed = None if draw(st.booleans()) else tuple(sorted(set(allowed) | set(extra)))
    blocked = tuple(b for b in rules.blocked_jurisdictions if draw(st.booleans()))
    if allowed is not None:
        blocked = tuple(b for b in blocked if b not in allowed)
    return replace(
        rules,
        allowed_jurisdictions=allowed,
        blocked_jurisdictions=blocked,
        required_claims=tuple(c for c in rules.required_claims if draw(st.booleans())),
        accredited_only_for_fractions=rules.accredited_only_for_fractions and draw(st.booleans()),
        max_holders_per_deed=widen(rules.max_holders_per_deed, 10),
        min_holding_shares=None
        if rules.min_holding_shares is None
        else draw(st.none() | st.integers(1, rules.min_holding_shares)),
        max_share_bp=widen(rules.max_share_bp, 10_000),
        lockup_after_registration_days=draw(st.integers(0, rules.lockup_after_registration_days)),
        lockup_after_purchase_days=draw(st.integers(0, rules.lockup_after_purchase_days)),
    )


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), rules=rule_sets(), s=scenarios())
def test_a_transfer_allowed_by_rules_is_allowed_by_any_looser_rules(
    data: st.DataObject, rules: RuleSet, s: dict[str, Any]
) -> None:
    strict = _judge(rules, s)
    event(strict.code)
    assert strict.code in CODES and strict.reason and "\n" not in strict.reason
    assert strict.allowed == (strict.code == "ok") and strict.rules_version == 1
    if not strict.allowed:
        assert strict.reason.startswith("Under rules v1 (")  # it names its rule
    loose = data.draw(looser(rules))
    if strict.allowed:
        assert _judge(loose, s).allowed, (rules, loose, s)
    assert _judge(None, s).allowed  # no rules: only holds could refuse


@settings(max_examples=200, deadline=None)
@given(s=scenarios(), on_deed=st.booleans(), of=st.sampled_from(["seller", "buyer", "deed"]))
def test_a_hold_refuses_whatever_the_rules(s: dict[str, Any], on_deed: bool, of: str) -> None:
    holder = {"seller": s["seller"], "buyer": s["buyer"], "deed": "0x" + "00" * 20}[of]
    hold = Hold(
        "0x" + "ab" * 32, 1 if on_deed or of == "deed" else 0, holder, "fraud", "CV-1", ADDRESSES[0], ADDRESSES[1], 4
    )
    verdict = judge_transfer(
        compliance_with(None, s["claims"], 0, "purchase", [hold]), _deed(s), s["seller"], s["buyer"], s["shares"], NOW
    )
    assert not verdict.allowed
    assert verdict.code == {"seller": "sender-frozen", "buyer": "receiver-frozen", "deed": "deed-frozen"}[of]
    assert "CV-1" in verdict.reason and "fraud" in verdict.reason
    hold.released_index = 9
    assert judge_transfer(
        compliance_with(None, s["claims"], 0, "purchase", [hold]), _deed(s), s["seller"], s["buyer"], s["shares"], NOW
    ).allowed
