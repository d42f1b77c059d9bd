"""Screening transfers on the ledger: the price screen and the history patterns, one score.

`screen_recorded` judges recorded transfers, each on what the ledger knew when it
was recorded (one pass over the entries in order, the patterns asked before the
transfer is added) plus the loans recorded after it (core.screening.after, fed by
the same pass); `screen_message` judges a prepared transfer against the ledger
as it is now.  The price part values the property as of the closing date with the
stored model; the history part is core.screening.history; the two add up in
core.screening.combine.  Internal results: never on public records.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from core.display import Namer, short_address
from core.money import decimals, to_units
from core.screening.after import Followers, after_reason
from core.screening.combine import Assessment, Thresholds, combine, sigmoid
from core.screening.history import History, lien_value_reason
from core.screening.records import LienRecord, Sale, count, make_reason
from valuation.schema import parse_date

if TYPE_CHECKING:
    from valuation.training import TrainedModel

PriceResult = tuple[float, list[dict[str, Any]], "dict[str, Any] | None"]


@dataclass(frozen=True)
class _Pending:
    """A transfer to judge: its history reasons (asked before it was added) and its open liens."""

    sale: Sale
    record: dict[str, Any]
    reasons: list[dict[str, Any]]
    liens_total: int
    liens_open: int


def _record(message: Mapping[str, Any], trained: "TrainedModel | None") -> dict[str, Any]:
    """A deed's attributes as signed at registration, as the model reads them."""
    try:
        record = dict(json.loads(message["attributes"]))
    except (TypeError, ValueError):
        record = {}
    for source in trained.spec.streets.values() if trained is not None else ():
        record.setdefault(source, message.get("propertyAddress", ""))
    return record


def _pending(history: History, sale: Sale, record: dict[str, Any]) -> _Pending:
    deed = history.deeds.get(sale.deed_id)
    liens = [x for x in deed.liens.values() if x.open and x.currency == sale.currency] if deed else []
    return _Pending(sale, record, history.assess(sale), sum(x.amount for x in liens), len(liens))


class TransferScreen:
    """The stored model + the shipped price screen, ready to judge transfers."""

    def __init__(self, trained: "TrainedModel | None", currency: str) -> None:
        from valuation.screening import shipped

        self.trained, self.currency = trained, currency
        self.price_screen = shipped.load()
        self.thresholds = Thresholds(self.price_screen.review, self.price_screen.high)
        self.base = sigmoid(self.price_screen.model.reference_logit)

    def _price(self, pending: list[_Pending]) -> list[PriceResult]:
        """(score, reasons, figures) of the price screen per sale; a sale it cannot judge gets the typical
        market sale's score and a reason saying why (weight 0)."""
        from valuation.screening.screen import screen_sales

        out: list[PriceResult] = [(self.base, [], None) for _ in pending]
        todo = []
        for i, p in enumerate(pending):
            if self.trained is None:
                out[i] = (
                    self.base,
                    [
                        {
                            "code": "price_not_screened",
                            "weight": 0.0,
                            "text": "There is no valuation model yet, so the price was not screened "
                            "(train one to screen prices).",
                        }
                    ],
                    None,
                )
            elif p.sale.currency != self.currency:
                out[i] = (
                    self.base,
                    [
                        {
                            "code": "price_not_screened",
                            "weight": 0.0,
                            "text": f"The price is in {p.sale.currency}; the valuation model prices in "
                            f"{self.currency}, so the price was not screened.",
                        }
                    ],
                    None,
                )
            elif p.sale.price <= 0:
                out[i] = (
                    self.base,
                    [
                        {
                            "code": "price_not_screened",
                            "weight": 0.0,
                            "text": "The price is zero (a gift), so there is no price to screen.",
                        }
                    ],
                    None,
                )
            else:
                todo.append(i)
        if not todo or self.trained is None:
            return out
        prices = [to_units(round(pending[i].sale.whole_price), self.currency) for i in todo]
        times = [parse_date(pending[i].sale.closing_date) or math.nan for i in todo]
        parts = [
            None
            if pending[i].sale.shares == pending[i].sale.total
            else (pending[i].sale.shares, pending[i].sale.total, to_units(pending[i].sale.price, self.currency))
            for i in todo
        ]
        screened = screen_sales(
            self.trained, [pending[i].record for i in todo], prices, times, self.price_screen, self.currency, parts
        )
        for i, s in zip(todo, screened, strict=True):
            if s.unscreened is not None:
                out[i] = (self.base, [{"code": "price_not_screened", "weight": 0.0, "text": s.unscreened}], None)
                continue
            sale = pending[i].sale
            reasons = list(s.reasons)
            if sale.shares != sale.total:
                said = ("A sale of ", count(sale.shares, grouped=True), " of ", count(sale.total, grouped=True))
                reasons.append(
                    make_reason(
                        "share_price", (*said, " shares: its price is compared for the whole deed, per share."), 0.0
                    )
                )
            out[i] = (
                s.score,
                reasons,
                {
                    "score": s.score,
                    "level": s.level,
                    "estimate": s.estimate,
                    "low": s.low,
                    "high": s.high,
                    "as_of": s.as_of,
                    "currency": self.currency,
                },
            )
        return out

    def judge(self, pending: list[_Pending], followers: Followers | None = None) -> list[Assessment]:
        """`followers`: what was recorded after each transfer (none for a prepared one)."""
        out = []
        for p, (score, price_reasons, figures) in zip(pending, self._price(pending), strict=True):
            history = list(p.reasons)
            value = figures["estimate"] * 10 ** decimals(p.sale.currency) if figures is not None else None
            if value is not None and not any(r["code"] == "liens_beyond_value" for r in history):
                extra = lien_value_reason(p.sale, p.liens_total, p.liens_open, value)
                if extra is not None:  # the estimate is dearer than the price: liens beyond it still show
                    history.append(extra)
            later = after_reason(p.sale, followers.of(p.sale.index), value) if followers is not None else None
            if later is not None:
                history.append(later)
            total, level, reasons = combine(score, price_reasons, history, self.thresholds)
            out.append(Assessment(total, level, reasons, figures, p.sale.index, p.sale.deed_id))
        return out


def screen_recorded(
    trained: "TrainedModel | None",
    currency: str,
    entries: Iterable[Any],
    *,
    wanted: set[int] | None = None,
    stop: int | None = None,
    name: Namer = short_address,
) -> list[Assessment]:
    """The recorded transfers in `entries` (ledger order, RecordedEntry-like), or those in `wanted`, each
    judged on the history as of its recording plus what followed it (core.screening.after).  `stop`: read
    no further than this entry (what followed it is then unknown).  `name`: how reasons name a party
    (core.display.party_namer)."""
    history = History(name)
    followers = Followers()
    records: dict[int, dict[str, Any]] = {}
    pending = []
    for entry in entries:
        if stop is not None and entry.index > stop:
            break
        m = entry.message
        if entry.kind == "RegisterDeed":
            records[int(m["deedId"])] = _record(m, trained)
        elif entry.kind == "Transfer":
            sale = Sale.from_message(entry.index, m, entry.recorded_at)
            if wanted is None or entry.index in wanted:
                pending.append(_pending(history, sale, records.get(sale.deed_id, {})))
            followers.sale(sale)
        history.add(entry.index, entry.kind, m, entry.recorded_at, tuple(s.signer for s in entry.signatures))
        if entry.kind == "Lien":
            lien = _lien(history, m)
            if lien is not None:
                followers.lien(int(m["deedId"]), lien)
    return TransferScreen(trained, currency).judge(pending, followers)


def _lien(history: History, m: Mapping[str, Any]) -> LienRecord | None:
    deed = history.deeds.get(int(m["deedId"]))
    return deed.liens.get(int(m["lienId"])) if deed is not None else None


def screen_message(
    trained: "TrainedModel | None",
    currency: str,
    entries: Iterable[Any],
    message: Mapping[str, Any],
    recorded_at: int,
    index: int,
    name: Namer = short_address,
) -> Assessment:
    """A prepared transfer (its message) against the ledger as it is now; `index` is the entry it would be;
    `name`: how reasons name a party."""
    history = History(name)
    record: dict[str, Any] = {}
    for entry in entries:
        history.add(
            entry.index, entry.kind, entry.message, entry.recorded_at, tuple(s.signer for s in entry.signatures)
        )
        if entry.kind == "RegisterDeed" and int(entry.message["deedId"]) == int(message["deedId"]):
            record = _record(entry.message, trained)
    sale = Sale.from_message(index, message, recorded_at)
    assessment = TransferScreen(trained, currency).judge([_pending(history, sale, record)])[0]
    assessment.entry = None
    return assessment
