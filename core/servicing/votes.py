"""Votes as services: put a proposal, write each holder's ballot request, find and tally proposals."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.compliance.acts import write_files
from core.entries import Entry
from core.errors import DeedbookError, NotFound
from core.keys import UnlockedKey
from core.kinds.vote import CHOICES, MAX_TEXT
from core.ledger import Ledger, RecordedEntry
from core.requests import SigningRequest, make_request
from core.servicing.distributions import Snapshot, snapshot
from core.servicing.tally import Tally, tally
from core.signing import checksum_address, parse_address
from core.state import LedgerState


def threshold_bps(text: str | float) -> int:
    """0.6, "0.6" or "60%" -> 6000 basis points; a sentence for anything else."""
    raw = str(text).strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        value = -1.0
    bps = round(value * 10000)
    if not 0 < value <= 1 or abs(value * 10000 - bps) > 1e-6:
        raise DeedbookError(
            f"'{raw[:20]}' is not a threshold: give a share of all shares above 0 and at most 1 "
            "(0.6 or 60%), to two decimals of a percent."
        )
    return bps


def closing_time(text: str, now: int) -> int:
    """YYYY-MM-DD (the end of that day, UTC) or YYYY-MM-DDTHH:MM (UTC) -> seconds; it must be in the future."""
    raw = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            moment = datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=UTC).timestamp() + 86399
        else:
            moment = datetime.strptime(raw.rstrip("Z"), "%Y-%m-%dT%H:%M").replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise DeedbookError(
            f"'{raw[:30]}' is not a closing date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)."
        ) from None
    if moment <= now:
        raise DeedbookError(f"The closing date {raw} has passed; a vote closes in the future.")
    return int(moment)


def check_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned or len(cleaned) > MAX_TEXT:
        raise DeedbookError(f"A proposal's text is between 1 and {MAX_TEXT} characters.")
    return cleaned


def proposal_message(state: LedgerState, snap: Snapshot, text: str, bps: int, closes: int) -> dict[str, Any]:
    deed = snap.deed
    return {
        "proposalId": state.compliance.counter("proposal"),
        "deedId": deed.deed_id,
        "parcel": deed.parcel,
        "recordCheckpoint": snap.checkpoint.index,
        "totalShares": deed.total_shares,
        "text": text,
        "thresholdBps": bps,
        "closes": closes,
    }


def propose(ledger: Ledger, key: UnlockedKey, snap: Snapshot, text: str, bps: int, closes: int) -> int:
    def build(state: LedgerState) -> list[Entry]:
        return [ledger.sign("Proposal", proposal_message(state, snap, text, bps, closes), key, "registrar")]

    [index] = ledger.append_built(build)
    return index


def find_proposal(ledger: Ledger, proposal_id: int) -> RecordedEntry:
    for entry in ledger.entries(kind="Proposal"):
        if entry.message["proposalId"] == proposal_id:
            return entry
    raise NotFound(f"There is no proposal {proposal_id} in this ledger.")


def proposals(ledger: Ledger) -> list[RecordedEntry]:
    return ledger.entries(kind="Proposal")


def tally_of(ledger: Ledger, proposal_id: int) -> Tally:
    proposal = find_proposal(ledger, proposal_id)
    ballots = ((e.index, e.message) for e in ledger.entries(proposal.index + 1, kind="Ballot"))
    return tally(proposal.message, ballots)


def proposal_snapshot(ledger: Ledger, proposal: RecordedEntry) -> Snapshot:
    return snapshot(ledger, proposal.message["deedId"], proposal.message["recordCheckpoint"])


def ballot_request(
    ledger: Ledger, proposal: RecordedEntry, holder: str, *, weight: int, choice: str = "yes"
) -> SigningRequest:
    """A request for `holder` to sign a ballot.  The choice is part of what is signed, so one request is written per
    choice the holder may make (`ballot_requests`); the holder signs the one they mean and hands it back."""
    m = proposal.message
    message = {
        "proposalId": m["proposalId"],
        "deedId": m["deedId"],
        "text": m["text"],
        "closes": m["closes"],
        "voter": holder,
        "weight": weight,
        "choice": choice,
    }
    return make_request(ledger.identity, "Ballot", message, "Ballot", holder)


def ballot_requests(
    ledger: Ledger, proposal_id: int, out_dir: str | Path, holder: str | None = None, now: int | None = None
) -> list[Path]:
    """For each holder at the record date (or only `holder`): three request files, one per choice
    (proposal-N-<address>-yes.json, -no, -abstain), all written or none."""
    import time

    proposal = find_proposal(ledger, proposal_id)
    if (int(time.time()) if now is None else now) > proposal.message["closes"]:
        raise DeedbookError(f"Proposal {proposal_id} has closed: no more ballots can be recorded.")
    holders = proposal_snapshot(ledger, proposal).holders
    if holder is not None:
        wanted = checksum_address(parse_address(holder))
        match = [h for h in holders if h.lower() == wanted.lower()]
        if not match:
            raise DeedbookError(
                f"{wanted} held no shares of deed {proposal.message['deedId']} at the record date, so it has no vote."
            )
        holders = {match[0]: holders[match[0]]}
    items = [
        (ballot_request(ledger, proposal, h, weight=w, choice=c), f"proposal-{proposal_id}-{h[2:10].lower()}-{c}.json")
        for h, w in sorted(holders.items(), key=lambda i: i[0].lower())
        for c in CHOICES
    ]
    return write_files(items, out_dir)
