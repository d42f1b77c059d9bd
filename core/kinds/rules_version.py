"""RulesVersion: the operator sets the ledger's transfer rules; each version replaces the last.

A transfer is judged by the version in force when it is recorded (core.compliance.judge),
so a transfer allowed and recorded under v1 stays valid after v2 tightens the rules,
and `verify`, replaying in order, judges every transfer by its own version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.compliance.schema import RulesError, parse_rules_text
from core.compliance.state import RulesVersion
from core.entries import Entry
from core.errors import RuleViolation
from core.kinds import (
    EntryKind,
    LedgerAct,
    register,
    require_roles,
    same_address,
    signature_of,
)
from core.presentation import Count, Description, Role, Signer, Term, Text
from core.state import ApplyContext, LedgerState


def _apply(state: LedgerState, entry: Entry, ctx: ApplyContext) -> None:
    identity = state.identity
    assert identity is not None
    require_roles(entry, "operator")
    if not same_address(signature_of(entry, "operator").signer, identity.operator):
        raise RuleViolation("Only the ledger's operator can set its rules.")
    m = entry.message
    expected = state.compliance.counter("rules")
    if m["version"] != expected:
        raise RuleViolation(
            f"The next version of the rules is {expected}, not {m['version']} (a replayed or stale change)."
        )
    try:
        rules = parse_rules_text(m["rules"])
    except RulesError as bad:
        raise RuleViolation(str(bad)) from None
    if rules.canonical() != m["rules"]:
        raise RuleViolation("The rules are not written in their one stored spelling.")
    state.compliance.put(
        "rules", f"{m['version']:08d}", RulesVersion(m["version"], m["rules"], ctx.index, ctx.recorded_at)
    )
    state.compliance.bump("rules")


def _present(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    return Description(
        title=(f"Transfer rules, version {m['version']}",),
        terms=(Term("Version", (Count(m["version"]),)), Term("Rules", (Text(m["rules"], 2000),))),
        event=(f"Rules v{m['version']} in force",),
        parties=(Role("Operator", tuple(a for _, a in signers)),),
        brief=((f"version {m['version']}",),),
        headline=(f"Rules v{m['version']} in force",),
        detail=("set by the operator",),
        icon="settings",
    )


RULES_VERSION = register(
    EntryKind(
        name="RulesVersion",
        fields=(("version", "uint256"), ("rules", "string")),
        apply=_apply,
        describe=lambda m: f"Transfer rules version {m['version']} set by the operator",
        present=_present,
        ledger_act=LedgerAct("operator", "operator", "deedbook rules set"),
    )
)
