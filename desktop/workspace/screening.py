"""Screening transfers: a recorded one, all of them, a prepared request; and the reviewer's decision.

The work is valuation.service's (price screen + ledger history, one score); here are
the choices both front ends make: a model is trained first when there is none
(`ensure_model`), a request must be a transfer for this ledger, a review is signed
by a registrar's key.  Screening results are internal: nothing here writes them
anywhere but the screen itself, except the review entry (decision and note).
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from core.display import Namer, party_namer
from core.errors import DeedbookError, NotFound
from desktop.workspace.model import Cancel, Fraction, ModelOps
from desktop.workspace.receipt import Done
from desktop.workspace.signers import Signer

if TYPE_CHECKING:
    from core.requests import SigningRequest
    from core.screening.combine import Assessment

LEVEL_ORDER = {"low": 0, "review": 1, "high": 2}


@dataclass(frozen=True)
class Review:
    """The latest review of a transfer, as recorded."""

    index: int  # the ScreeningReview entry
    entry: int  # the transfer
    decision: str
    note: str
    reviewer: str
    recorded_at: int

    def to_json(self) -> dict[str, Any]:
        return {
            "review_entry": self.index,
            "decision": self.decision,
            "note": self.note,
            "reviewer": self.reviewer,
            "recorded_at": self.recorded_at,
        }


class ScreeningOps(ModelOps):
    def _screen_ready(
        self, progress: Fraction | None, should_cancel: Cancel | None, before_training: Callable[[str], None] | None
    ) -> None:
        self.ensure_model(progress, should_cancel, before_training=before_training)

    def screen_entry(
        self,
        index: int,
        progress: Fraction | None = None,
        should_cancel: Cancel | None = None,
        *,
        train: bool = True,
        before_training: Callable[[str], None] | None = None,
    ) -> "Assessment":
        """One recorded transfer, screened as of its recording plus what followed it (`train=False`: without
        a usable model, the history only, rather than training one first)."""
        from valuation import service

        ledger = self.ledger
        entry = ledger.entry(index)  # an unknown entry is a sentence before any training
        if entry.kind != "Transfer":
            raise DeedbookError(f"Entry {index} is a {entry.kind}, not a transfer: only transfers are screened.")
        with_model = train or self.prices_screened()
        if with_model:
            self._screen_ready(progress, should_cancel, before_training)
        [assessment] = service.screen_transfers(
            self.home, ledger, wanted={index}, with_model=with_model, name=self.party_names()
        )
        return self._with_review(assessment)

    def party_names(self) -> Namer:
        """How screening reasons name parties, in the CLI and the GUI alike: as the desktop does, by the key or
        contact name this data folder knows (core.display.party_namer), else by the short address."""
        return party_namer(self.names())

    def prices_screened(self) -> bool:
        """Whether screening without training would weigh prices: a current valuation model is stored."""
        return not self.model_state().needs_training

    def screen_all(
        self,
        *,
        level: str = "low",
        progress: Fraction | None = None,
        should_cancel: Cancel | None = None,
        before_training: Callable[[str], None] | None = None,
        train: bool = True,
    ) -> list["Assessment"]:
        """Every recorded transfer at `level` or above (low: all), each as of its recording plus what followed
        it, ledger order (`train=False`: without a current model, the history only, rather than training one
        first; `prices_screened` says which it will be)."""
        from valuation import service

        if level not in LEVEL_ORDER:
            raise DeedbookError(f"A level is low, review or high, not '{level}'.")
        ledger = self.ledger
        with_model = train or self.prices_screened()
        if with_model:
            self._screen_ready(progress, should_cancel, before_training)
        found = service.screen_transfers(self.home, ledger, with_model=with_model, name=self.party_names())
        return [
            self._with_review(a, reviews)
            for reviews in [self.reviews()]
            for a in found
            if LEVEL_ORDER[a.level] >= LEVEL_ORDER[level]
        ]

    def screen_request(
        self,
        path: str | os.PathLike[str],
        progress: Fraction | None = None,
        should_cancel: Cancel | None = None,
        *,
        before_training: Callable[[str], None] | None = None,
    ) -> "Assessment":
        """A transfer's signing request (or response) file, screened against the ledger as it is now."""
        from core.requests import load_request

        return self.screen_prepared(load_request(path), progress, should_cancel, before_training=before_training)

    def screen_prepared(
        self,
        request: "SigningRequest",
        progress: Fraction | None = None,
        should_cancel: Cancel | None = None,
        *,
        train: bool = True,
        before_training: Callable[[str], None] | None = None,
    ) -> "Assessment":
        """A prepared transfer (one of its requests), before anything is recorded.  `train=False` (the
        transfer wizard): without a usable model the price is not screened rather than a model trained."""
        from valuation import service

        if request.kind != "Transfer":
            raise DeedbookError(f"This request is for a {request.kind}, not a transfer: only transfers are screened.")
        ledger = self.ledger
        if not request.for_ledger(ledger.identity):
            raise DeedbookError(f"This request is for the ledger '{request.ledger_name}', not this one.")
        ledger.deed(int(request.message["deedId"]))  # an unknown deed is a sentence
        with_model = train or self.prices_screened()
        if with_model:
            self._screen_ready(progress, should_cancel, before_training)
        return service.screen_transfer_message(
            self.home, ledger, request.message, int(time.time()), with_model=with_model, name=self.party_names()
        )

    def reviews(self) -> dict[int, Review]:
        """The latest review of each reviewed transfer."""
        out: dict[int, Review] = {}
        for entry in self.ledger.entries(kind="ScreeningReview"):
            m = entry.message
            out[int(m["entry"])] = Review(
                entry.index, int(m["entry"]), m["decision"], m["note"], entry.signatures[0].signer, entry.recorded_at
            )
        return out

    def _with_review(self, assessment: "Assessment", reviews: dict[int, Review] | None = None) -> "Assessment":
        reviews = self.reviews() if reviews is None else reviews
        review = reviews.get(assessment.entry) if assessment.entry is not None else None
        if review is not None:
            assessment.extra["review"] = review.to_json()
        return assessment

    def review_transfer(self, index: int, decision: str, note: str, reviewer: Signer) -> Done[int]:
        """Record the reviewer's decision on a transfer (clear or escalate, with a note), signed by a registrar."""
        from core.kinds.screening_review import DECISIONS, NOTE_LIMIT

        ledger = self.ledger
        entry = ledger.entry(index)
        if entry.kind != "Transfer":
            raise DeedbookError(f"Entry {index} is a {entry.kind}, not a transfer: only transfers are reviewed.")
        if decision not in DECISIONS:
            raise DeedbookError(f"A review's decision is 'clear' or 'escalate', not '{decision}'.")
        note = note.strip()
        if not note or len(note) > NOTE_LIMIT:
            raise DeedbookError(f"A review needs a note of 1 to {NOTE_LIMIT} characters.")
        registrars = {a.lower() for a in ledger.registrars()}
        info = self.resolve_key(reviewer.key)
        if info.address.lower() not in registrars:
            raise DeedbookError(
                f"The key '{info.name}' is not a registrar of this ledger, so it cannot record reviews."
            )
        key = self.unlock(reviewer)
        message = {"entry": index, "decision": decision, "note": note, "reviewId": "0x" + secrets.token_hex(32)}
        [recorded] = ledger.append([ledger.sign("ScreeningReview", message, key, "reviewer")])
        return Done(recorded, self.recorded([recorded]))


__all__ = ["NotFound", "Review", "ScreeningOps"]
