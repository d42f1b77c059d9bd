"""ScreeningReview: a registrar's decision on a transfer the screen flagged (clear or escalate), with a note.

The audit trail of screening is on the ledger: who reviewed (the signature), which
transfer (its entry), the decision and a note.  A ledger act of the agency, never
signed by request.  It concerns no deed's title: it changes no holding, bumps no
version and is not part of any deed's history, so it never appears on a
certificate of title or a transfer deed (screening is internal).  A transfer may
be reviewed again; the latest review stands.  The review id is used once.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from core.entries import Entry
from core.errors import RuleViolation
from core.kinds import EntryKind, LedgerAct, OneTime, register, require_roles, signature_of
from core.presentation import Description, EntryRef, Role, Signer, Term, Text, signer_of
from core.state import ApplyContext, LedgerState

DECISIONS = ("clear", "escalate")
NOTE_LIMIT = 2000
_ID = re.compile(r"0x[0-9a-f]{64}")


def _apply(state: LedgerState, entry: Entry, ctx: ApplyContext) -> None:
    require_roles(entry, "reviewer")
    record = signature_of(entry, "reviewer")
    if record.signed_type != "ScreeningReview":
        raise RuleViolation("The reviewer must sign the ScreeningReview itself.")
    if record.signer.lower() not in state.registrars:
        raise RuleViolation(f"{record.signer} is not a registrar of this ledger, so it cannot review transfers.")
    m = entry.message
    if not 0 <= m["entry"] < ctx.index:
        raise RuleViolation(
            f"A review recorded as entry {ctx.index} can only concern an earlier entry, not {m['entry']}."
        )
    kind, _ = state.entry_kind_and_deed(m["entry"])
    if kind != "Transfer":
        raise RuleViolation(f"Entry {m['entry']} is a {kind}, not a transfer: only transfers are screened.")
    if m["decision"] not in DECISIONS:
        raise RuleViolation(f"A review's decision is 'clear' or 'escalate', not '{m['decision']}'.")
    note = m["note"]
    if not note.strip() or note != note.strip() or len(note) > NOTE_LIMIT:
        raise RuleViolation(f"A review needs a note of 1 to {NOTE_LIMIT} characters, without spaces around it.")
    if not _ID.fullmatch(m["reviewId"]):
        raise RuleViolation("A review id is 32 random bytes, written in lower-case hex.")
    return None


def _describe(m: Mapping[str, Any]) -> str:
    return f"Screening review of entry {m['entry']}: {m['decision']} ({m['note']})"


def _present(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    decision = "cleared" if m["decision"] == "clear" else "escalated"
    return Description(
        title=("Screening review of entry ", EntryRef(m["entry"])),
        terms=(
            Term("Transfer", (EntryRef(m["entry"]),)),
            Term("Decision", (Text(m["decision"], 20),)),
            Term("Note", (Text(m["note"], NOTE_LIMIT),)),
        ),
        event=(f"Screening review: {decision}",),
        parties=(Role("Reviewer", (signer_of(signers, "reviewer"),)),),
        brief=((Text(m["decision"], 20),), (Text(m["note"]),)),
        headline=(f"Transfer {decision} after review",),
        detail=("entry ", EntryRef(m["entry"]), ": ", Text(m["note"])),
        icon="ledger",
        tone="accent" if m["decision"] == "clear" else "bad",
    )


SCREENING_REVIEW = register(
    EntryKind(
        name="ScreeningReview",
        as_of=True,
        fields=(("entry", "uint256"), ("decision", "string"), ("note", "string"), ("reviewId", "bytes32")),
        apply=_apply,
        describe=_describe,
        present=_present,
        ledger_act=LedgerAct("reviewer", "registrar", "deedbook screen review ENTRY"),
        once=(OneTime("reviewId", None, "The review {short} was recorded before (entry {entry}): it is a replay."),),
    )
)
