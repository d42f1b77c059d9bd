"""Screen sales on price: a risk score, a level and reasons in plain words and money.

What the ledger calls, at prepare time, at submit time or for a recorded
transfer: the deed's attributes, the price and the closing date go in; the
valuation model values the property as of that date, and the shipped price
screen reads the gap.  Only what the ledger and the model know at that time is
used.  The results are internal (never printed on public records).

Each reason has a `code`, a `text` and a `weight`: its effect on the log-odds of
the score against a typical market sale.  The weights add up:
logit(score) = logit(base_score) + sum(weights).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from core.screening.records import Figure, count, make_reason, percent, units
from core.screening.records import Part as Said
from valuation.dataset import fill_absent, from_records
from valuation.schema import calendar_month, is_amount
from valuation.screening.classifier import NEW_HOME, NEW_HOME_YEARS
from valuation.screening.features import AGE, GAP, INPUTS, LEVEL, SEASON, MarketErrors, inputs, sale_age
from valuation.screening.shipped import PriceScreen

if TYPE_CHECKING:
    from valuation.training import TrainedModel

NEAR = 0.02  # a price within 2% of the estimate is "at the estimate"


@dataclass
class Screening:
    score: float  # 0..1: the screen's probability that the sale is not at arm's length
    level: str  # low | review | high
    reasons: list[dict[str, Any]]  # code, text, weight; strongest first
    base_score: float  # the score of a typical market sale
    estimate: float
    low: float
    high: float
    as_of: str | None
    inputs: dict[str, float | None] = field(default_factory=dict)
    # Why the price could not be screened (the deed's estimate is no amount of money), or None
    unscreened: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "level": self.level,
            "reasons": self.reasons,
            "base_score": self.base_score,
            "estimate": self.estimate,
            "low": self.low,
            "high": self.high,
            "as_of": self.as_of,
        }


def _money(currency: str, amount: float, exact: bool = False) -> Figure:
    """Whole units, as estimates are stated; `exact` keeps a price's cents if it has any."""
    return units(amount, currency, 2 if exact and abs(amount - round(amount)) >= 0.005 else 0)


def _one_in(share: float, total: int) -> tuple[Said, ...]:
    if share <= 0.0:
        return ("none of the ", count(total, grouped=True), " market sales the model learnt from was this far off")
    if share >= 0.5:
        return ("prices this far off are common among market sales",)
    return (
        "a price this far off happens in ",
        count(1),
        " of ",
        count(max(2, round(1.0 / share)), grouped=True),
        " market sales",
    )


# A part of a deed sold: (shares sold, the deed's shares, the price paid for them in currency units).
Part = tuple[int, int, float]


def _price_subject(currency: str, price: float, part: Part | None, whole: str = "Price") -> tuple[Said, ...]:
    """The subject of a sentence about the price the model judged: the price itself, or for a part of a
    deed the whole deed's price at its price per share, with what was paid beside it (so the sentence
    reads right on its own)."""
    if part is None:
        return (f"{whole} ", _money(currency, price, True))
    shares, total, paid = part
    return (
        "The price per share, ",
        _money(currency, price, True),
        " for the whole deed (",
        _money(currency, paid, True),
        " for ",
        count(shares, grouped=True),
        " of ",
        count(total, grouped=True),
        " shares),",
    )


def _gap_text(
    price: float,
    estimate: float,
    low: float,
    high: float,
    errors: MarketErrors,
    currency: str,
    part: Part | None = None,
    spread: float = 1.0,
) -> tuple[str, tuple[Said, ...]]:
    ratio = price / estimate - 1.0
    # compared with the market's errors as if this estimate were as sure as theirs (`spread` times wider)
    residual = errors.centre + (math.log(price) - math.log(estimate) - errors.centre) / spread
    subject = _price_subject(currency, price, part)
    if abs(ratio) < NEAR:
        return "price_at_estimate", (
            *subject,
            " is within ",
            percent(NEAR),
            " of the estimate ",
            _money(currency, estimate),
            ".",
        )
    below = ratio < 0
    where = "below" if price < low else "above" if price > high else "inside"
    span = (_money(currency, low), "\u2013", Figure("ratio", high, grouped=True))  # '{high:,.0f}'
    share = errors.share_at_or_below(residual) if below else errors.share_at_or_above(residual)
    text = (
        *subject,
        " is ",
        percent(abs(ratio)),
        f" {'below' if below else 'above'} the estimate ",
        _money(currency, estimate),
        f", {where} the ",
        percent(0.9),
        " range ",
        *span,
        "; ",
        *_one_in(share, errors.residuals.size),
        ".",
    )
    return ("price_below_estimate" if below else "price_above_estimate"), text


def _level_text(
    log_estimate: float, estimate: float, errors: MarketErrors, currency: str
) -> tuple[str, tuple[Said, ...]]:
    cheaper = errors.share_cheaper(log_estimate)
    at = ("Estimated at ", _money(currency, estimate))
    if cheaper < 0.25:
        return "low_price_segment", (
            *at,
            ", among the cheapest ",
            percent(max(cheaper, 0.01)),
            " of this market: family and distressed sales are more common there.",
        )
    if cheaper > 0.75:
        return "high_price_segment", (*at, ", dearer than ", percent(cheaper), " of this market's sales.")
    return "mid_market", (*at, ", mid-market (dearer than ", percent(cheaper), " of this market's sales).")


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_name(fraction: float) -> str:
    """The month of a fraction of a year (read in a common year: the season carries no year)."""
    return MONTHS[calendar_month(2001.0 + fraction)[1] - 1]


def _season_text(fraction: float, weight: float) -> tuple[str, str]:
    month = month_name(fraction)
    if weight > 0:
        return "off_season_sale", (
            f"The sale closes in {month}, outside the spring and summer months when most listed homes sell: "
            "family and distressed sales, which close all year round, are a larger share of sales then."
        )
    return "in_season_sale", f"The sale closes in {month}, in the months when most listed homes sell."


def _reason(
    group: str,
    weight: float,
    price: float,
    estimate: float,
    low: float,
    high: float,
    log_estimate: float,
    x: np.ndarray,
    errors: MarketErrors,
    currency: str,
    part: Part | None = None,
    spread: float = 1.0,
) -> dict[str, Any]:
    text: str | tuple[Said, ...]
    if group == GAP:
        code, text = _gap_text(price, estimate, low, high, errors, currency, part, spread)
    elif group == LEVEL:
        code, text = _level_text(log_estimate, estimate, errors, currency)
    elif group == AGE:
        age = float(x[2])
        code = "property_age"
        text = (
            ("The property was about ", Figure("ratio", age), " years old at the sale.")  # '{age:.0f}'
            if age >= NEW_HOME_YEARS
            else "The property was new at the sale."
        )
    elif group == SEASON:
        code, text = _season_text(float(x[4]), weight)
    elif group == NEW_HOME:
        code = "new_home_off_estimate"
        text = (
            "A new home sold away from its estimate: new homes are often sold before completion at "
            "contract prices, which is seldom a sign of a non-market sale."
        )
    else:  # ROUND
        zeros = int(x[3])
        code = "unround_price" if zeros < 2 else "round_price"
        subject = _price_subject(currency, price, part, "The price")
        text = (
            (
                *subject,
                " is not a round amount: negotiated prices usually are; computed ones (an allocation between "
                "deeds, a share of a property, a court-set price) often are not.",
            )
            if zeros < 2
            else (*subject, " is a round amount, as negotiated prices are.")
        )
    return make_reason(code, text, weight)


def _spread(trained: "TrainedModel", share: float) -> float:
    assumed = trained.model.assumed
    return 1.0 if assumed is None else assumed.spread_factor(share)


NO_AMOUNT = (
    "The deed's attributes lie so far outside the sales the valuation model learnt from that its estimate "
    "is no amount of money, so the price was not screened; check the attributes."
)


def screen_sales(
    trained: "TrainedModel",
    records: Sequence[Mapping[str, Any]],
    prices: Sequence[float],
    times: Sequence[float],
    screen: PriceScreen,
    currency: str = "USD",
    parts: Sequence[Part | None] | None = None,
) -> list[Screening]:
    """Screen sales of properties described by `records` at `prices` (currency units) and `times`
    (fractional years; NaN = the model's valuation date, and no season).  `parts`: for a sale of part of
    a deed (None: the whole), whose price in `prices` is the whole deed's at its price per share, what
    was sold and paid, for the reasons' text.  Vectorised: one call for many sales."""
    from valuation.comparables import date_text
    from valuation.valuer import used_assumed, widened

    model = trained.model
    if model.errors is None:
        raise ValueError("this model was trained without its error distribution")
    spec = trained.spec
    when = [trained.valuation_time if not np.isfinite(t) else float(t) for t in times]
    subject = from_records(records, spec, times=when)
    filled = fill_absent(subject, records, spec, trained.baseline)
    price = np.asarray(prices, dtype=np.float64)
    log_estimate = model.predict_log(subject)
    age = sale_age(subject.time, subject.numeric, model.years)
    # A deed known by fewer attributes than the model uses has wider errors: its range is the one the
    # valuation shows, and its price gap is read in its own error units (1 for a complete record, as
    # every Ames sale the screen was fitted on), so the score, the range and "1 in N" agree.
    assumed = [used_assumed(trained, f) for f in filled]
    ranges = [widened(trained, a, math.nan) for a in assumed]
    spread = np.array([_spread(trained, share) for share, _, _, _ in ranges])
    # the season is the closing's: a sale valued as of the model's date has no season of its own
    x = inputs(model.errors, price, log_estimate, age, np.asarray(times, dtype=np.float64), spread)
    scores = screen.model.score(x)
    contributions = screen.model.contributions(x)
    base = 1.0 / (1.0 + math.exp(-screen.model.reference_logit))
    out = []
    for i in range(len(records)):
        with np.errstate(over="ignore"):
            estimate = float(np.exp(log_estimate[i]))
        _, _, lower, upper = ranges[i]
        low, high = estimate * math.exp(lower), estimate * math.exp(upper)
        if not (is_amount(low) and is_amount(high)):  # as valuer.value_record refuses
            out.append(Screening(round(base, 4), screen.level(base), [], round(base, 4), 0, 0, 0, None, {}, NO_AMOUNT))
            continue
        reasons = [
            _reason(
                group,
                w,
                float(price[i]),
                estimate,
                low,
                high,
                float(log_estimate[i]),
                x[i],
                model.errors,
                currency,
                parts[i] if parts is not None else None,
                float(spread[i]),
            )
            for group, w in contributions[i].items()
            if abs(w) >= 0.0005
        ]
        reasons.sort(key=lambda r: -r["weight"])
        score = float(scores[i])
        out.append(
            Screening(
                round(score, 4),
                screen.level(score),
                reasons,
                round(base, 4),
                round(estimate),
                round(low),
                round(high),
                date_text(when[i]) if np.isfinite(when[i]) else None,
                {
                    name: (None if not np.isfinite(v) else round(float(v), 4))
                    for name, v in zip(INPUTS, x[i], strict=True)
                },
            )
        )
    return out
