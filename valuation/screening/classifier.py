"""An additive logistic model: the risk that a sale is not at arm's length, as a sum of
one effect per input, so every score comes with its reasons and their weights.

Each input enters through a piecewise-linear curve (hinges at fixed knots) or, for
a few levels, one weight per level; so the model can learn that prices far below
*and* far above the estimate are both suspect, without the opacity of a tree
ensemble.  The log-odds of a sale is the log-odds of a typical market sale plus
one contribution per input; those contributions are the reasons' weights and add
up exactly.

Fitting uses scikit-learn (imported inside `fit`); scoring is numpy only, and the
fitted model is a small JSON document, so the screen shipped with Deedbook is
read without unpickling anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from valuation.screening.features import AGE, GAP, INPUTS, LEVEL, ROUND, SEASON

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

NEW_HOME_YEARS = 1.0  # sold within a year of its construction
NEW_HOME = "new home"  # the interaction of a new home with the price gap


@dataclass(frozen=True)
class Term:
    """One input's curve.  Hinges: the input clipped to [low, high], then x and max(0, x - k) per
    knot k.  Levels (knots are the levels, low/high unused): one indicator per level.  Cyclic (a
    fraction of a year): its cosine and sine, both 0 when unknown (NaN), the year's average."""

    name: str
    knots: tuple[float, ...]
    low: float = 0.0
    high: float = 0.0
    levels: bool = False
    cyclic: bool = False

    def basis(self, x: FloatArray) -> FloatArray:
        if self.levels:
            return np.column_stack([(x == k).astype(np.float64) for k in self.knots])
        if self.cyclic:
            angle = 2.0 * math.pi * np.nan_to_num(x, nan=0.0)
            known = np.isfinite(x).astype(np.float64)
            return np.column_stack([known * np.cos(angle), known * np.sin(angle)])
        c = np.clip(x, self.low, self.high)
        return np.column_stack([c] + [np.maximum(c - k, 0.0) for k in self.knots])

    @property
    def width(self) -> int:
        return 2 if self.cyclic else len(self.knots) + (0 if self.levels else 1)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "knots": list(self.knots),
            "low": self.low,
            "high": self.high,
            "levels": self.levels,
        }
        if self.cyclic:
            out["cyclic"] = True
        return out


TERMS = (
    Term(GAP, (-4.0, -3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0), -8.0, 8.0),  # error units
    Term(LEVEL, (-2.0, -1.0, 0.0, 1.0, 2.0), -4.0, 4.0),  # market spreads of log price
    Term(AGE, (math.log1p(1.0), math.log1p(5.0), math.log1p(20.0), math.log1p(50.0)), 0.0, math.log1p(200.0)),
    Term(ROUND, (0.0, 1.0, 2.0), levels=True),  # 3 (round thousands) is the reference level
    # listed homes close mostly in spring and summer; family and distressed sales all year round
    Term(SEASON, (), cyclic=True),
)
# A typical market sale: on its estimate, mid-market, 30 years old, a round price, at no particular
# time of year (the season's effect averages to 0 over a year).
REFERENCE = {GAP: 0.0, LEVEL: 0.0, AGE: 30.0, ROUND: 3.0, SEASON: math.nan}


def design(x: FloatArray) -> tuple[FloatArray, list[tuple[str, int, int]]]:
    """The basis matrix and each group's column span.  An unknown age takes the reference age,
    so a market without a year of construction simply has no age effect."""
    age = np.where(np.isfinite(x[:, 2]), x[:, 2], REFERENCE[AGE])
    values = {GAP: x[:, 0], LEVEL: x[:, 1], AGE: np.log1p(np.maximum(age, 0.0)), ROUND: x[:, 3], SEASON: x[:, 4]}
    columns = []
    spans = []
    start = 0
    for term in TERMS:
        columns.append(term.basis(values[term.name]))
        spans.append((term.name, start, start + term.width))
        start += term.width
    # a new home far off its estimate is more often a sale before completion than a suspect one
    new = (age <= NEW_HOME_YEARS).astype(np.float64)
    columns.append(np.column_stack([new * np.minimum(np.abs(values[GAP]), 8.0)]))
    spans.append((NEW_HOME, start, start + 1))
    return np.column_stack(columns), spans


def reference_row() -> FloatArray:
    return np.array([[REFERENCE[name] for name in INPUTS]], dtype=np.float64)


@dataclass
class AdditiveLogit:
    intercept: float
    coef: FloatArray
    C: float = 1.0

    @classmethod
    def fit(cls, x: FloatArray, y: BoolArray, C: float = 1.0) -> "AdditiveLogit":
        """L2-regularised logistic regression on the standardised basis."""
        from sklearn.linear_model import LogisticRegression

        b, _ = design(x)
        mean, sd = b.mean(axis=0), b.std(axis=0)
        sd = np.where(sd > 0, sd, 1.0)
        model = LogisticRegression(C=C, max_iter=5000).fit((b - mean) / sd, np.asarray(y, dtype=int))
        coef = np.asarray(model.coef_[0], dtype=np.float64) / sd
        intercept = float(model.intercept_[0]) - float((coef * mean).sum())
        return cls(intercept, coef, C)

    def logit(self, x: FloatArray) -> FloatArray:
        b, _ = design(x)
        return np.asarray(self.intercept + b @ self.coef, dtype=np.float64)

    def score(self, x: FloatArray) -> FloatArray:
        return np.asarray(1.0 / (1.0 + np.exp(-self.logit(x))), dtype=np.float64)

    @property
    def reference_logit(self) -> float:
        return float(self.logit(reference_row())[0])

    def contributions(self, x: FloatArray) -> list[dict[str, float]]:
        """Per sale, each group's effect on the log-odds against a typical market sale.

        They add up exactly: logit(sale) = reference_logit + sum(contributions).
        """
        b, spans = design(x)
        ref, _ = design(reference_row())
        return [
            {name: float((b[row, a:z] - ref[0, a:z]) @ self.coef[a:z]) for name, a, z in spans}
            for row in range(b.shape[0])
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "intercept": self.intercept,
            "coef": [float(c) for c in self.coef],
            "C": self.C,
            "terms": [t.to_json() for t in TERMS],
            "new_home_years": NEW_HOME_YEARS,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "AdditiveLogit":
        coef = np.array(data["coef"], dtype=np.float64)
        if data.get("terms") != [t.to_json() for t in TERMS] or coef.size != design(reference_row())[0].shape[1]:
            raise ValueError("the screening model was fitted with other curves than this version uses")
        return cls(float(data["intercept"]), coef, float(data.get("C", 1.0)))
