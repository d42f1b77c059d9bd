"""Valuation: an agent records an automated valuation of a deed, reproducibly.

The entry names the model (SHA-256 of the stored model file) and the input
(SHA-256 of the attributes as canonical JSON), so anyone holding that model can
recompute the same estimate and range.  Amounts are integer minor units.

A valuation changes no ownership, so it does not bump the deed's version (a
pending transfer stays valid); it is bound to the version it valued, and it
names the valuation it supersedes (the deed's last valuation entry, 0 when
none: entry 0 is always the genesis), so an old valuation cannot be replayed
over a newer one.  Only a registrar of the ledger (the agency) signs one.

`asOf` is the month (or day) of the market the model learnt from; it is empty for a
valuation that is not dated (a market imported without sale dates): recording one
does not invent a date (the ledger's recording time says when it was recorded).
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from core.entries import Entry
from core.errors import RuleViolation
from core.kinds import EntryKind, LedgerAct, register, require_roles, signature_of
from core.kinds.transfer import deed_at_version
from core.money import Notation, format_amount, is_currency, number_text
from core.presentation import Description, Money, Role, Signer, Text, signer_of
from core.state import ApplyContext, LedgerState

_BYTES32 = re.compile(r"0x[0-9a-f]{64}")
_AS_OF = re.compile(r"\d{4}-\d{2}(-\d{2})?")
NOT_DATED = ""  # the asOf of a valuation whose market has no sale dates


def dated(m: Mapping[str, Any]) -> str:
    """'as of 2010-07', or 'not dated' for a valuation whose market has no sale dates."""
    return f"as of {m['asOf']}" if m["asOf"] != NOT_DATED else "not dated"


def _apply(state: LedgerState, entry: Entry, ctx: ApplyContext) -> int:
    require_roles(entry, "appraiser")
    record = signature_of(entry, "appraiser")
    if record.signed_type != "Valuation":
        raise RuleViolation("The appraiser must sign the Valuation itself.")
    if record.signer.lower() not in state.registrars:
        raise RuleViolation(f"{record.signer} is not a registrar of this ledger, so it cannot record valuations.")
    m = entry.message
    deed = deed_at_version(state, m, "valuation")
    for name in ("modelHash", "inputHash"):
        if not _BYTES32.fullmatch(m[name]):
            raise RuleViolation(f"The valuation's {name} must be 32 bytes in lower-case hex.")
    if not 1 <= m["low"] <= m["estimate"] <= m["high"]:
        raise RuleViolation("A valuation needs 0 < low <= estimate <= high.")
    if not is_currency(m["currency"]):
        raise RuleViolation(f"'{m['currency']}' is not an ISO 4217 currency code.")
    if not 1 <= m["coverage"] <= 99:
        raise RuleViolation("A valuation's range covers between 1 and 99 percent.")
    if m["asOf"] != NOT_DATED and not _AS_OF.fullmatch(m["asOf"]):
        raise RuleViolation(f"The valuation date '{m['asOf']}' is not written YYYY-MM or YYYY-MM-DD.")
    previous = deed.last_valuation_index or 0
    if m["supersedes"] != previous:
        raise RuleViolation(
            f"The valuation supersedes entry {m['supersedes']}, but the deed's last valuation is "
            f"entry {previous}: it is stale or a replay."
        )
    deed.last_valuation = m["estimate"]
    deed.last_valuation_index = ctx.index
    state.touch(deed, ctx.index)
    return deed.deed_id


def _describe(m: Mapping[str, Any], notation: Notation | None = None) -> str:
    shown = notation or {}
    return (
        f"Valuation of deed {m['deedId']} (parcel {m['parcel']}) {dated(m)}: "
        f"{format_amount(m['estimate'], m['currency'], **shown)} ({number_text(m['coverage'], percentage=True, **shown)} range "
        f"{format_amount(m['low'], m['currency'], **shown)} to {format_amount(m['high'], m['currency'], **shown)}), "
        f"model {m['modelHash'][:10]}\u2026"
    )


def _dated(m: Mapping[str, Any]) -> tuple[str | Text, ...]:
    return ("as of ", Text(m["asOf"])) if m["asOf"] != NOT_DATED else ("not dated",)


def _present(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    estimate, low, high = (Money(m[name], m["currency"]) for name in ("estimate", "low", "high"))
    return Description(
        title=(f"Valuation of deed {m['deedId']} (parcel ", Text(m["parcel"], 60), ")"),
        terms=(),
        event=("Valuation recorded",),
        parties=(Role("Appraiser", (signer_of(signers, "appraiser"),)),),
        brief=((estimate,), (f"{m['coverage']}% range ", low, " to ", high), _dated(m)),
        headline=("Valued at ", estimate),
        detail=(f"{m['coverage']}% range ", low, " to ", high, ", ", *_dated(m)),
        icon="valuation",
        tone="accent",
    )


VALUATION = register(
    EntryKind(
        name="Valuation",
        as_of=True,
        fields=(
            ("deedId", "uint256"),
            ("parcel", "string"),
            ("deedVersion", "uint256"),
            ("modelHash", "bytes32"),
            ("inputHash", "bytes32"),
            ("estimate", "uint256"),
            ("low", "uint256"),
            ("high", "uint256"),
            ("currency", "string"),
            ("coverage", "uint256"),
            ("asOf", "string"),
            ("supersedes", "uint256"),
        ),
        apply=_apply,
        describe=_describe,
        describe_in=_describe,
        present=_present,
        ledger_act=LedgerAct("appraiser", "registrar", "deedbook value DEED --record"),
    )
)
