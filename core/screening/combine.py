"""One score for a transfer: the price screen's log-odds plus the history patterns' weights.

The price screen (valuation/screening) gives a probability that a sale is not at
arm's length and reasons whose weights add up to its log-odds; the history
patterns (core/screening/history.py) add their own weights on the same scale, so
logit(score) = logit(price score) + sum(history weights), and every reason keeps
its weight.  Levels use the price screen's thresholds (the top 5% and 1% of
labelled sales), and a transfer where any history pattern fires is at least
`review`: a pattern is a rule, as the scenario rules banks run beside a model's
score, and a dear house at a round price does not excuse a flip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

LEVELS = ("low", "review", "high")


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


@dataclass(frozen=True)
class Thresholds:
    review: float
    high: float

    def level(self, score: float) -> str:
        return "high" if score >= self.high else "review" if score >= self.review else "low"


@dataclass
class Assessment:
    """A transfer's screen: what `deedbook screen --json` prints."""

    score: float
    level: str
    reasons: list[dict[str, Any]]
    price: dict[str, Any] | None = None  # the price screen's own figures (estimate, range, its score), if run
    entry: int | None = None  # the transfer's entry (None for a request)
    deed_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def flagged(self) -> bool:
        return self.level != "low"

    @property
    def patterns(self) -> list[str]:
        return [r["code"] for r in self.reasons if r.get("source") == "history"]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "score": self.score,
            "level": self.level,
            "reasons": [{k: r[k] for k in ("code", "text", "weight")} for r in self.reasons],
        }
        if self.entry is not None:
            out["entry"] = self.entry
        if self.deed_id is not None:
            out["deed_id"] = self.deed_id
        if self.price is not None:
            out["price_screen"] = self.price
        return {**out, **self.extra}


def combine(
    price_score: float, price_reasons: list[dict[str, Any]], history: list[dict[str, Any]], thresholds: Thresholds
) -> tuple[float, str, list[dict[str, Any]]]:
    """The combined score (rounded to 4 places), its level and every reason, strongest first."""
    total = logit(price_score) + sum(r["weight"] for r in history)
    score = round(sigmoid(total), 4)
    reasons = [{**r, "source": "price"} for r in price_reasons] + [{**r, "source": "history"} for r in history]
    reasons.sort(key=lambda r: -r["weight"])
    level = thresholds.level(score)
    if history and level == "low":
        level = "review"
    return score, level, reasons
