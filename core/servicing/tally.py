"""A proposal's tally, from its entries alone: anyone holding the ledger (or a copy) recomputes it.

The threshold is a share of **all** the deed's shares at the record date, not of the votes
cast: a proposal with a 60% threshold passes when holders of at least 60% of the shares
voted yes, so staying away never helps a proposal pass.  Abstentions count as cast, not as
yes.  Ballots are final (one per holder), so a threshold once reached stays reached, and
the outcome is "passed" as soon as it is; "failed" once the vote closed without it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.kinds.vote import CHOICES


@dataclass(frozen=True)
class Tally:
    proposal_id: int
    deed_id: int
    text: str
    threshold_bps: int
    closes: int
    total_shares: int
    record_checkpoint: int
    weights: dict[str, int]  # choice -> shares voted
    voters: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # voter -> (choice, weight, entry)

    @property
    def needed(self) -> int:
        """Shares voting yes that pass it: the threshold of all shares, rounded up."""
        return -(-self.total_shares * self.threshold_bps // 10000)

    @property
    def reached(self) -> bool:
        return self.weights["yes"] >= self.needed

    def state(self, now: int) -> str:
        return "open" if now <= self.closes else "closed"

    def outcome(self, now: int) -> str:
        if self.reached:
            return "passed"
        return "failed" if now > self.closes else "pending"

    def as_json(self, now: int) -> dict[str, Any]:
        return {
            "id": self.proposal_id,
            "deed": self.deed_id,
            "text": self.text,
            "threshold": self.threshold_bps / 10000,
            "threshold_of": "all shares at the record date",
            "needed": self.needed,
            "total_shares": self.total_shares,
            "record_checkpoint": self.record_checkpoint,
            "closes": self.closes,
            "state": self.state(now),
            "outcome": self.outcome(now),
            "yes": self.weights["yes"],
            "no": self.weights["no"],
            "abstain": self.weights["abstain"],
            "ballots": [
                {"voter": v, "choice": c, "weight": w, "entry": i} for v, (c, w, i) in sorted(self.voters.items())
            ],
        }


def tally(proposal: Mapping[str, Any], ballots: Iterable[tuple[int, Mapping[str, Any]]]) -> Tally:
    """The tally of a Proposal message from its Ballot messages ((entry, message)), as recorded (so each is
    valid: the ledger's rules checked weight, time and one ballot per holder)."""
    weights = dict.fromkeys(CHOICES, 0)
    voters: dict[str, tuple[str, int, int]] = {}
    for index, ballot in ballots:
        if ballot["proposalId"] != proposal["proposalId"]:
            continue
        weights[ballot["choice"]] += ballot["weight"]
        voters[ballot["voter"]] = (ballot["choice"], ballot["weight"], index)
    return Tally(
        proposal["proposalId"],
        proposal["deedId"],
        proposal["text"],
        proposal["thresholdBps"],
        proposal["closes"],
        proposal["totalShares"],
        proposal["recordCheckpoint"],
        weights,
        voters,
    )
