"""Votes of a deed's holders: a registrar's Proposal, and each holder's Ballot, signed by request.

- `Proposal` (a registrar's act): a question put to the holders of a deed at a record date
  (a checkpoint), a threshold in basis points **of all the deed's shares at the record
  date** (6000: a proposal passes when holders of at least 60% of all shares vote yes), and
  the moment it closes.
- `Ballot` (the holder's own act, signed on their machine from a request file): the
  proposal, its text and closing time (so the signer reads what they vote on), the voter,
  their weight (the shares they held at the record date) and their choice: yes, no or
  abstain.  A holder votes once: a second ballot is refused (a ballot is final, so a
  threshold once reached stays reached).  A ballot recorded after the close is refused.

Both are checked at append and again by `verify`; the tally (core.servicing.tally) is
recomputed from the entries alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.compliance.state import RECORDS
from core.dates import format_instant
from core.entries import Entry
from core.errors import RuleViolation
from core.kinds import EntryKind, LedgerAct, Party, register, same_address
from core.money import Notation, number_text
from core.presentation import Address, Count, Deadline, Description, EntryRef, Role, Signer, Term, Text
from core.servicing.record_date import holders_at_record_date, numbered_deed_act
from core.servicing.snapshot import lower_keys
from core.state import ApplyContext, LedgerState

CHOICES = ("yes", "no", "abstain")
MAX_TEXT = 1000


@dataclass
class Proposal:
    """A proposal as the ledger keeps it: what a ballot is checked against."""

    proposal_id: int
    deed_id: int
    record_checkpoint: int
    text: str
    threshold_bps: int
    closes: int
    index: int
    ballots: dict[str, dict[str, Any]] = field(default_factory=dict)  # voter (lower case) -> choice, weight, index


RECORDS["proposal"] = Proposal  # kept in the compliance table (core.compliance.store), compared by `verify`


def _proposal_key(proposal_id: int) -> str:
    return f"{proposal_id:012d}"


def find_proposal(state: LedgerState, proposal_id: int) -> Proposal | None:
    found: Proposal | None = state.compliance.get("proposal", _proposal_key(proposal_id))
    return found


def _apply_proposal(state: LedgerState, entry: Entry, ctx: ApplyContext) -> int:
    deed = numbered_deed_act(state, entry, "proposal", "put a proposal to holders")
    m = entry.message
    if not m["text"].strip() or len(m["text"]) > MAX_TEXT:
        raise RuleViolation(f"A proposal's text is between 1 and {MAX_TEXT} characters.")
    if not 1 <= m["thresholdBps"] <= 10000:
        raise RuleViolation("A proposal's threshold is more than 0% and at most 100% of the shares.")
    if m["closes"] <= ctx.recorded_at:
        raise RuleViolation("A proposal must close after it is recorded.")
    holders_at_record_date(state, deed, m["recordCheckpoint"], ctx, "proposal")
    state.compliance.put(
        "proposal",
        _proposal_key(m["proposalId"]),
        Proposal(
            m["proposalId"], deed.deed_id, m["recordCheckpoint"], m["text"], m["thresholdBps"], m["closes"], ctx.index
        ),
    )
    state.compliance.bump("proposal")
    return int(deed.deed_id)


def _apply_ballot(state: LedgerState, entry: Entry, ctx: ApplyContext) -> int:
    m = entry.message
    [signature] = entry.signatures if len(entry.signatures) == 1 else [None]
    if signature is None or signature.role != "voter" or signature.signed_type != "Ballot":
        raise RuleViolation("A ballot is signed by its voter alone.")
    if not same_address(signature.signer, m["voter"]):
        raise RuleViolation(f"A ballot for {m['voter']} must be signed by that holder, not by {signature.signer}.")
    proposal = find_proposal(state, m["proposalId"])
    if proposal is None:
        raise RuleViolation(f"There is no proposal {m['proposalId']} in this ledger.")
    if m["deedId"] != proposal.deed_id or m["text"] != proposal.text or m["closes"] != proposal.closes:
        raise RuleViolation(
            f"The ballot does not match proposal {proposal.proposal_id} (its deed, text or closing time differ)."
        )
    if m["choice"] not in CHOICES:
        raise RuleViolation(f"A ballot's choice is yes, no or abstain, not '{m['choice'][:20]}'.")
    if ctx.recorded_at > proposal.closes:
        raise RuleViolation(
            f"Proposal {proposal.proposal_id} closed {format_instant(proposal.closes)}: the ballot came too late."
        )
    holders = lower_keys(
        holders_at_record_date(state, state.deed(proposal.deed_id), proposal.record_checkpoint, ctx, "proposal")
    )
    held = holders.get(m["voter"].lower(), 0)
    if held == 0:
        raise RuleViolation(
            f"{m['voter']} held no shares of deed {proposal.deed_id} at the record date (checkpoint "
            f"{proposal.record_checkpoint}), so it has no vote on proposal {proposal.proposal_id}."
        )
    earlier = proposal.ballots.get(m["voter"].lower())
    if earlier is not None:
        raise RuleViolation(
            f"{m['voter']} has voted on proposal {proposal.proposal_id} already (entry "
            f"{earlier['index']}): a holder votes once."
        )
    if m["weight"] != held:
        raise RuleViolation(f"{m['voter']} held {held:,} shares at the record date; the ballot states {m['weight']:,}.")
    proposal.ballots[m["voter"].lower()] = {"choice": m["choice"], "weight": held, "index": ctx.index}
    state.compliance.put("proposal", _proposal_key(proposal.proposal_id), proposal)
    return proposal.deed_id


def _threshold(bps: int) -> str:
    return f"{bps / 100:g}%"


def _present_proposal(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    return Description(
        title=(f"Proposal {m['proposalId']} to the holders of deed {m['deedId']} (parcel ", Text(m["parcel"], 60), ")"),
        terms=(
            Term("Question", (Text(m["text"], MAX_TEXT),)),
            Term(
                "Passes with",
                (f"yes from holders of {_threshold(m['thresholdBps'])} of all ", Count(m["totalShares"]), " shares"),
            ),
            Term("Record date", ("checkpoint ", EntryRef(m["recordCheckpoint"]))),
            Term("Closes", (Deadline(m["closes"]),)),
        ),
        event=("Proposal to holders",),
        parties=(Role("Put by", tuple(a for _, a in signers)),),
        brief=((Text(m["text"], 120),), (f"threshold {_threshold(m['thresholdBps'])} of all shares",)),
        headline=(f"Proposal {m['proposalId']}: ", Text(m["text"], 60)),
        detail=(f"threshold {_threshold(m['thresholdBps'])} \u2022 closes ", Deadline(m["closes"])),
        icon="ledger",
        tone="accent",
    )


def _describe_ballot(m: Mapping[str, Any], notation: Notation | None = None) -> str:
    weight = number_text(m["weight"], **(notation or {}))
    return f"Ballot '{m['choice']}' on proposal {m['proposalId']} by {m['voter']} ({weight} shares)"


def _present_ballot(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    return Description(
        title=(f"Ballot on proposal {m['proposalId']} (deed {m['deedId']})",),
        terms=(
            Term("Question", (Text(m["text"], MAX_TEXT),)),
            Term("Your vote", (Text(m["choice"], 20),)),
            Term("Voter", (Address(m["voter"]),)),
            Term("Weight", (Count(m["weight"]), " shares at the record date")),
            Term("Closes", (Deadline(m["closes"]),)),
        ),
        event=("Ballot cast",),
        parties=(Role("Voter", (m["voter"],)),),
        brief=((Text(m["choice"], 20), " on proposal ", str(m["proposalId"])), (Count(m["weight"]), " shares")),
        headline=("Ballot: ", Text(m["choice"], 20), " on proposal ", str(m["proposalId"])),
        detail=(Address(m["voter"]), " \u2022 ", Count(m["weight"]), " shares"),
        icon="ledger",
        tone="accent",
    )


def _ballot_problem(m: Mapping[str, Any]) -> str | None:
    if m["choice"] not in CHOICES:
        return "names a choice other than yes, no or abstain."
    if m["weight"] < 1:
        return "gives its voter no shares to vote with."
    return None


PROPOSAL = register(
    EntryKind(
        name="Proposal",
        fields=(
            ("proposalId", "uint256"),
            ("deedId", "uint256"),
            ("parcel", "string"),
            ("recordCheckpoint", "uint256"),
            ("totalShares", "uint256"),
            ("text", "string"),
            ("thresholdBps", "uint256"),
            ("closes", "uint256"),
        ),
        apply=_apply_proposal,
        describe=lambda m: f"Proposal {m['proposalId']} to the holders of deed {m['deedId']}: {m['text'][:80]}",
        present=_present_proposal,
        ledger_act=LedgerAct("registrar", "registrar", "deedbook vote propose", label="Registrar"),
    )
)

BALLOT = register(
    EntryKind(
        name="Ballot",
        fields=(
            ("proposalId", "uint256"),
            ("deedId", "uint256"),
            ("text", "string"),
            ("closes", "uint256"),
            ("voter", "address"),
            ("weight", "uint256"),
            ("choice", "string"),
        ),
        apply=_apply_ballot,
        describe=_describe_ballot,
        describe_in=_describe_ballot,
        parties={
            "Ballot": Party(
                "voter",
                "You vote as a holder of the deed at the record date; a ballot is final.",
                "voter",
                label="Holder (voter)",
                act="ballot",
            )
        },
        present=_present_ballot,
        check_request=_ballot_problem,
    )
)
