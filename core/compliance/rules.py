"""The ledger's transfer rules: set a new version, read them, and ask whether a transfer can happen.

`can_transfer` is what `deedbook can-transfer`, the transfer wizard's inline check and
`transfer prepare` ask; it judges with the same function the transfer rule runs at
submit and in `verify` (core.compliance.judge), on the ledger as it is now.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.compliance.acts import reading
from core.compliance.judge import Verdict, judge_transfer, refused, rules_of
from core.compliance.schema import RuleSet, describe_changes, parse_rules_text
from core.compliance.state import RulesVersion
from core.entries import Entry
from core.errors import DeedbookError, Remedy
from core.keys import UnlockedKey
from core.kinds.transfer import holding_of
from core.ledger import Ledger
from core.requests import SigningRequest
from core.signing import checksum_address, parse_address
from core.state import DeedState, LedgerState
from core.userfiles import read_user_text

MAX_RULES_FILE = 64 * 1024


def read_rules_file(path: str | os.PathLike[str]) -> RuleSet:
    return parse_rules_text(read_user_text(path, "a rules file", max_bytes=MAX_RULES_FILE))


@dataclass(frozen=True)
class RulesInForce:
    version: int  # 0: none set yet
    rules: RuleSet | None
    recorded: RulesVersion | None

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "rules": self.rules.as_json() if self.rules else None,
            "entry": self.recorded.index if self.recorded else None,
            "recorded_at": self.recorded.recorded_at if self.recorded else None,
        }


def rules_now(ledger: Ledger) -> RulesInForce:
    with reading(ledger) as state:
        current = state.compliance.rules()
    return (
        RulesInForce(0, None, None)
        if current is None
        else RulesInForce(current.version, rules_of(current.text), current)
    )


def rules_history(ledger: Ledger) -> list[RulesVersion]:
    with reading(ledger) as state:
        return state.compliance.with_prefix("rules")


def changes(ledger: Ledger, new: RuleSet) -> tuple[int, list[str]]:
    """(the version `new` would become, what it changes); refused when it changes nothing."""
    current = rules_now(ledger)
    lines = describe_changes(current.rules, new)
    if current.rules is not None and current.rules.canonical() == new.canonical():
        raise DeedbookError(f"These are the rules in force already (version {current.version}); nothing was recorded.")
    return current.version + 1, lines


def set_rules(ledger: Ledger, operator: UnlockedKey, rules: RuleSet) -> int:
    """Record `rules` as the next version (taken in the write lock); the entry's index."""
    text = rules.canonical()

    def build(state: LedgerState) -> list[Entry]:
        version = state.compliance.counter("rules")
        return [ledger.sign("RulesVersion", {"version": version, "rules": text}, operator, "operator")]

    return ledger.append_built(build)[0]


# -- can this transfer happen? -------------------------------------------------------------------------------


def _seller(deed: DeedState, frm: str | None) -> str:
    if frm is not None:
        return checksum_address(parse_address(frm))
    if len(deed.holders) != 1:
        raise DeedbookError(
            f"Deed {deed.deed_id} has {len(deed.holders)} holders: say which one sells.", remedy=Remedy.NAME_SELLER
        )
    return checksum_address(bytes.fromhex(next(iter(deed.holders))[2:]))


def judge_on(state: LedgerState, deed: DeedState, frm: str, to: str, shares: int, now: int) -> Verdict:
    """The basic checks a transfer's content must pass, then holds and the rules; the lienholders' consents as
    what it still needs."""
    version = state.compliance.counter("rules") - 1
    if shares < 1 or to.lower() == frm.lower() or int(to, 16) == 0:
        return refused("invalid-transfer", "A transfer moves at least one share to another, non-zero address.", version)
    held = holding_of(deed, frm)[1]
    if held < shares:
        return refused(
            "insufficient-shares",
            f"{frm} holds {held:,} shares of deed {deed.deed_id}, fewer than the {shares:,} this transfer moves.",
            version,
        )
    verdict = judge_transfer(state.compliance, deed, frm, to, shares, now)
    needs = tuple(
        f"the consent of lienholder {lien.holder} (lien {lien.lien_id}), who co-signs the transfer"
        for lien in deed.open_liens()
    )
    return Verdict(
        verdict.allowed, verdict.code, verdict.reason, verdict.rules_version, needs if verdict.allowed else ()
    )


def can_transfer(
    ledger: Ledger,
    deed: str | int,
    to: str,
    *,
    shares: int | None = None,
    frm: str | None = None,
    now: int | None = None,
) -> Verdict:
    """Would a transfer of `shares` of `deed` (default: all the seller holds) from `frm` to `to` be recorded
    now?  Bad input (an unknown deed, an address that is not one) is a DeedbookError, not a verdict."""
    moment = int(time.time()) if now is None else now
    buyer = checksum_address(parse_address(to))
    deed_id = ledger.resolve_deed(deed)
    with reading(ledger) as state:
        current = state.deed(deed_id)
        seller = _seller(current, frm)
        count = holding_of(current, seller)[1] if shares is None else shares
        return judge_on(state, current, seller, buyer, count, moment)


def verdict_for(ledger: Ledger, message: dict[str, Any], now: int) -> Verdict:
    """The verdict on a prepared transfer's message (the deed as it is now)."""
    with reading(ledger) as state:
        return judge_on(state, state.deed(message["deedId"]), message["from"], message["to"], message["shares"], now)


def note_verdict(requests: Sequence[SigningRequest], verdict: Verdict) -> list[SigningRequest]:
    """The agent's note on each request: allowed under rules vN.  Informational (a signer's Deedbook derives
    what it shows from the typed data, which is what the signature covers, and never reads this)."""
    from dataclasses import replace

    line = (
        f"Rules: allowed under rules v{verdict.rules_version}, as checked by the agent's ledger when prepared."
        if verdict.rules_version
        else "Rules: this ledger had no transfer rules when it was prepared."
    )
    noted = []
    for request in requests:
        extra = dict(request.extra)
        extra["summary"] = f"{extra.get('summary', '')}\n\n{line}".lstrip()
        extra["rules"] = {"version": verdict.rules_version, "verdict": verdict.code}
        noted.append(replace(request, extra=extra))
    return noted
