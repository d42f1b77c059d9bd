"""What the command line and the GUI call: train, evaluate, read the card, value.

Every function takes plain values and returns plain values (dicts, dataclasses);
long ones take `progress(fraction, message)` and `should_cancel()` so the GUI
can run them on a worker thread with a progress bar and a Cancel button.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np

from core.display import Namer, short_address
from core.errors import DeedbookError, Remedy
from core.kinds.valuation import NOT_DATED
from core.paths import DataDir
from valuation import store
from core.finite_json import finite_figures
from valuation.progress import CancelFn, ProgressFn, Steps

# Version of the classes pickled in a stored model; bump it whenever their fields change, so
# a model trained by another version is refused (and retrained) instead of failing mid-valuation.
# 2: equity calibration, error distribution, FSD model and sales validation in ValuationModel;
# 3: trees anchored on a size law in Regressor (valuation.anchor) and their blend share;
# 4: the widening of FSD and range for attributes assumed (ValuationModel.assumed)
LAYOUT = 4
DEFAULT_CURRENCY = "USD"  # the bundled market's (dataset.BUNDLED_CURRENCY); a user's CSV is assumed to be in it too

if TYPE_CHECKING:  # never at run time: keeps scikit-learn out of application start
    from core.entries import Entry
    from core.screening.combine import Assessment
    from core.state import LedgerState
    from valuation.model import ModelParams
    from valuation.screening.screen import Screening
    from valuation.training import TrainedModel
    from valuation.valuer import Valuation


@dataclass
class Market:
    """A sales table read and typed, ready to train or evaluate on."""

    spec: Any  # valuation.dataset.TableSpec
    data: Any  # valuation.dataset.SalesData
    source: dict[str, Any]


def read_market(
    csv: str | Path | None = None,
    target: str | None = None,
    date_column: str | None = None,
    lat: str | None = None,
    lon: str | None = None,
    keep_all_sales: bool = False,
) -> Market:
    """The bundled Ames market when `csv` is None, else the user's file (then `target` is required)."""
    from valuation import dataset

    if csv is None:
        path = dataset.bundled_market_path()
        target = target or dataset.BUNDLED_TARGET
        name = "bundled Ames, Iowa market (resources/market/ames.csv.gz)"
        attribution = dataset.BUNDLED_ATTRIBUTION
    else:
        path = Path(csv)
        if not target:
            raise DeedbookError("Say which column holds the sale price.", remedy=Remedy.PRICE_COLUMN)
        name, attribution = str(path), None
    raw, spec, data = dataset.load_csv(path, target, date_column, lat, lon, keep_all_sales)
    source = {"name": name, "sha256": raw.sha256, "ragged_rows": raw.ragged_rows}
    if attribution:
        source["attribution"] = attribution
    return Market(spec, data, source)


def add_ledger_sales(market: Market, ledger: Any, currency: str = DEFAULT_CURRENCY) -> int:
    """Append the ledger's whole-deed sales to the market (absent attributes typical); returns how many."""
    from valuation.dataset import concat, fill_absent, from_records
    from valuation.ledger_sales import read_sales
    from valuation.assumed import typical_sale

    sales = read_sales(ledger, currency)
    market.source["ledger_sales"] = len(sales.records)
    if sales.skipped:
        market.source["ledger_sales_skipped"] = sales.skipped
    if not sales.records:
        return 0
    extra = from_records(sales.records, market.spec, sales.prices, sales.times)
    t = market.data.time[np.isfinite(market.data.time)]
    typical = typical_sale(market.data, float(t.max()) if t.size else float("nan"))
    fill_absent(extra, sales.records, market.spec, typical)
    extra.labels = sales.labels
    extra.rows_read = 0
    market.data = concat([market.data, extra])
    return len(sales.records)


def _params(quick: bool, seed: int, keep_all_sales: bool = False, equity: bool = True) -> "ModelParams":
    """keep_all_sales turns off both validation rules (the sale-condition filter and the price screen)."""
    from dataclasses import replace

    from valuation.model import ModelParams

    base = ModelParams.small(seed) if quick else ModelParams(seed=seed)
    return replace(base, screen_sales=not keep_all_sales, equity=equity)


def train(
    home: DataDir,
    *,
    csv: str | Path | None = None,
    target: str | None = None,
    date_column: str | None = None,
    lat: str | None = None,
    lon: str | None = None,
    keep_all_sales: bool = False,
    ledger: Any = None,
    currency: str = DEFAULT_CURRENCY,
    seed: int = 0,
    quick: bool = False,
    progress: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
) -> dict[str, Any]:
    """Train on a market (+ the ledger's sales when `ledger` is given), store it, return its card."""
    home.require_writable("training a model")  # before minutes of work, not after
    steps = Steps(progress, should_cancel)
    steps.report(0.0, "reading sales")
    market = read_market(csv, target, date_column, lat, lon, keep_all_sales)
    if ledger is not None:
        add_ledger_sales(market, ledger, currency)
    from valuation.card import build_card
    from valuation.training import train_model

    trained = train_model(market.data, market.spec, _params(quick, seed, keep_all_sales), steps.sub(0.03, 0.98))
    card = build_card(trained, market.data, market.source)
    card["currency"] = currency
    card["layout"] = LAYOUT
    steps.check()  # the last moment a cancel is honoured: nothing has been written yet
    card = store.save(home.models, trained, card)
    _forget(home)
    steps.report(1.0, "model stored")
    return card


def evaluate(
    *,
    csv: str | Path | None = None,
    target: str | None = None,
    folds: int = 5,
    date_column: str | None = None,
    lat: str | None = None,
    lon: str | None = None,
    keep_all_sales: bool = False,
    seed: int = 0,
    quick: bool = False,
    trim: bool = False,
    equity: bool = True,
    currency: str = DEFAULT_CURRENCY,
    progress: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
) -> dict[str, Any]:
    """K-fold cross-validation of the whole pipeline on a sales table; AVM and IAAO figures on
    validated sales (`trim`: also the IAAO 3 x IQR outlier trim of ratios); the money figures, such as
    `mean_interval_width_money`, in `currency` (the table's, as for `train`)."""
    steps = Steps(progress, should_cancel)
    steps.report(0.0, "reading sales")
    market = read_market(csv, target, date_column, lat, lon, keep_all_sales)
    from valuation.evaluate import cross_validate

    result = cross_validate(
        market.data, folds, _params(quick, seed, keep_all_sales, equity), steps.sub(0.02, 1.0), trim=trim
    )
    result.pop("kept")
    result["currency"] = currency
    result["data"] = {
        **market.source,
        "rows_read": market.data.rows_read,
        "sales_used": len(market.data),
        "excluded": market.data.dropped,
        "filters": [f.describe() for f in market.spec.filters],
        "dates": dates_used(market),
    }
    return finite_figures(result)  # null for a figure that could not be computed: JSON, not NaN


def dates_used(market: Market) -> dict[str, Any]:
    """Which column gave the sale dates, how it was read, and the span of dates it gave."""
    schema = market.spec.schema
    times = market.data.time[np.isfinite(market.data.time)]

    def month(t: float) -> str:
        year = int(t)
        return f"{year:04d}-{min(12, int((t - year) * 12) + 1):02d}"

    return {
        "columns": list(schema.time),
        "format": schema.time_format or None,
        "sales_with_date": int(times.size),
        "sales": len(market.data),
        "first": month(float(times.min())) if times.size else None,
        "last": month(float(times.max())) if times.size else None,
    }


def evaluate_screen(
    *,
    csv: str | Path | None = None,
    target: str | None = None,
    folds: int = 5,
    date_column: str | None = None,
    lat: str | None = None,
    lon: str | None = None,
    seed: int = 0,
    quick: bool = False,
    progress: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
) -> dict[str, Any]:
    """Nested out-of-fold evaluation of the price screen on a table whose sale-condition column labels
    the non-market sales (the bundled Ames market by default): AUC, precision at a 5% review rate."""
    from valuation import dataset
    from valuation.screening.evaluate import cross_validate_screen

    steps = Steps(progress, should_cancel)
    steps.report(0.0, "reading sales")
    if csv is None:
        path, target = dataset.bundled_market_path(), target or dataset.BUNDLED_TARGET
    elif not target:
        raise DeedbookError("Say which column holds the sale price.", remedy=Remedy.PRICE_COLUMN)
    else:
        path = Path(csv)
    raw, spec, data, non_market = dataset.load_labelled(path, target, date_column, lat, lon)
    result = cross_validate_screen(data, non_market, folds, _params(quick, seed), steps.sub(0.02, 1.0))
    result.pop("scores")
    result["data"] = {
        "name": str(path),
        "sha256": raw.sha256,
        "labels": [f"non-market: {f.describe()}" for f in spec.filters],
        "not_inputs": [c.name for c in spec.schema.columns if c.kind == "sale terms"],
    }
    return finite_figures(result)


def screen_sales(
    home: DataDir,
    records: list[Mapping[str, Any]],
    prices: list[float],
    times: list[float],
    currency: str = DEFAULT_CURRENCY,
) -> list["Screening"]:
    """Price screening of sales (deed attributes, price in currency units, closing time as a fractional
    year; NaN: the model's valuation date) with the stored model: score, level, reasons."""
    from valuation.screening import shipped
    from valuation.screening.screen import screen_sales as screen

    trained, model_card = load(home)
    if currency != model_card.get("currency", DEFAULT_CURRENCY):
        raise DeedbookError(
            f"The valuation model prices in {model_card.get('currency', DEFAULT_CURRENCY)}, "
            f"not {currency}: a sale in {currency} cannot be screened against it."
        )
    return screen(trained, records, prices, times, shipped.load(), currency)


def screen_transfers(
    home: DataDir,
    ledger: Any,
    *,
    wanted: set[int] | None = None,
    stop: int | None = None,
    with_model: bool = True,
    name: Namer = short_address,
) -> list["Assessment"]:
    """Recorded transfers (all, or the entries in `wanted`), each screened on price and on the ledger's
    history as of its recording (valuation.screening.transfers); `with_model=False`: history only.  `name`:
    how reasons name a party (core.display.party_namer)."""
    from valuation.screening.transfers import screen_recorded

    trained, currency = None, DEFAULT_CURRENCY
    if with_model:
        trained, model_card = load(home)
        currency = market_currency(model_card)
    with ledger.snapshot():  # the history read in batches, at one moment while other desktops append
        return screen_recorded(trained, currency, ledger.iter_entries(), wanted=wanted, stop=stop, name=name)


def screen_transfer_message(
    home: DataDir,
    ledger: Any,
    message: Mapping[str, Any],
    recorded_at: int,
    *,
    with_model: bool = True,
    name: Namer = short_address,
) -> "Assessment":
    """A prepared transfer's message, screened against the ledger as it is now (`with_model=False`: the
    ledger's history only, the price not screened); `name`: how reasons name a party."""
    from valuation.screening.transfers import screen_message

    trained, currency = None, DEFAULT_CURRENCY
    if with_model:
        trained, model_card = load(home)
        currency = market_currency(model_card)
    # the transfer is screened as the next entry: the history and its size read at one moment (an entry
    # appended between them would have been history beyond the transfer's own place)
    with ledger.snapshot():
        return screen_message(trained, currency, ledger.iter_entries(), message, recorded_at, ledger.size(), name)


def has_model(home: DataDir) -> bool:
    return store.exists(home.models)


def has_current_model(home: DataDir) -> bool:
    """A stored model this version can load (its card authenticates and its layout matches)."""
    try:
        return store.exists(home.models) and store.load_card(home.models).get("layout") == LAYOUT
    except DeedbookError:
        return False


def card(home: DataDir) -> dict[str, Any]:
    """The stored model's card, authenticated, without loading the model."""
    return store.load_card(home.models)


_cache: dict[Path, tuple[bytes, "TrainedModel", dict[str, Any]]] = {}
_cache_lock = threading.Lock()


def _forget(home: DataDir) -> None:
    with _cache_lock:
        _cache.pop(home.models, None)


def load(home: DataDir) -> tuple["TrainedModel", dict[str, Any]]:
    """The stored model (verified, then kept in memory until the file changes) and its card."""
    folder = home.models
    try:
        stamp = (folder / store.MANIFEST_FILE).read_bytes()
    except OSError:
        stamp = b""
    with _cache_lock:
        hit = _cache.get(folder)
        if hit is not None and hit[0] == stamp:
            return hit[1], hit[2]
        trained, model_card = store.load(folder, LAYOUT)
        if hasattr(trained, "model"):
            builder = trained.model.regressor.builder
            if builder.location is not None:
                builder.location.tree()  # build the k-d tree now, not during the first valuation
        _cache[folder] = (stamp, trained, model_card)
        return trained, model_card


def value(home: DataDir, attributes: Mapping[str, Any], *, as_of: float | None = None) -> "Valuation":
    """Estimate, 90% range, comparables and reasons for a property described by `attributes`."""
    from valuation.valuer import value_record

    trained, model_card = load(home)
    return value_record(trained, attributes, as_of, currency=market_currency(model_card))


def deed_record(deed: Any, trained: "TrainedModel") -> dict[str, Any]:
    """A deed's attributes as the model reads them (its address fills an address column, if the model has one)."""
    record = dict(deed.attributes)
    for source in trained.spec.streets.values():
        record.setdefault(source, deed.address)
    return record


def value_deed(home: DataDir, ledger: Any, reference: str | int) -> tuple[Any, "Valuation", dict[str, Any]]:
    """(deed, valuation, model card) for a deed number or parcel in the ledger."""
    from valuation.valuer import value_record

    deed = ledger.deed(reference)
    trained, model_card = load(home)
    valuation = value_record(
        trained, deed_record(deed, trained), subject_parcel=deed.parcel, currency=market_currency(model_card)
    )
    return deed, valuation, model_card


def market_currency(model_card: Mapping[str, Any]) -> str:
    """The currency the model's prices are in (its card says; models from before it did were USD)."""
    return str(model_card.get("currency") or DEFAULT_CURRENCY)


def record_valuation(ledger: Any, deed: Any, valuation: "Valuation", model_card: Mapping[str, Any], key: Any) -> int:
    """Append a signed Valuation entry (key: the agent's unlocked registrar key); returns its index.

    The deed's version and the valuation it supersedes are read when it is
    recorded (inside the ledger's write lock): a deed's attributes, which the
    estimate rests on, never change, so another writer's entry in between
    does not make it stale."""
    # A market without sale dates gives a valuation that is not dated: its entry says so (an empty
    # asOf) rather than claiming the month it was recorded; the ledger's recording time says when.
    as_of = valuation.as_of or NOT_DATED
    figures = {
        "modelHash": "0x" + str(model_card["model_sha256"]),
        "inputHash": "0x" + valuation.input_sha256,
        "estimate": valuation.estimate.minor,
        "low": valuation.low.minor,
        "high": valuation.high.minor,
        "currency": valuation.currency,
        "coverage": 90,
        "asOf": as_of,
    }

    def build(state: LedgerState) -> list[Entry]:
        now = state.deed(deed.deed_id)
        message = {
            "deedId": now.deed_id,
            "parcel": now.parcel,
            "deedVersion": now.version,
            **figures,
            "supersedes": now.last_valuation_index or 0,
        }
        return [ledger.sign("Valuation", message, key, "appraiser")]

    return int(ledger.append_built(build)[0])
