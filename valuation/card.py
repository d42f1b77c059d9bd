"""The model card: what a trained model is, what it learnt from and how good it is.

Stored as JSON beside the model (and authenticated with it, see store.py) so it
can be read without unpickling anything.
"""

from __future__ import annotations

import platform
from datetime import datetime, UTC
from typing import Any

import numpy as np

from valuation.comparables import date_text
from valuation.dataset import SalesData
from valuation.explain import LOCATION, TIME
from valuation.schema import FEATURE_KINDS
from valuation.training import TrainedModel

INTERVAL_METHOD = (
    "split-conformal: 5th and 95th percentile ranks (finite-sample corrected) of out-of-fold "
    "log-price residuals from the inner cross-validation, added to the log estimate"
)
EQUITY_METHOD = (
    "log estimates stretched about their median by the factor nearest 1 that brings the "
    "out-of-fold PRB within +/-0.04 and PRD within 0.98-1.025 (IAAO: +/-0.05, 0.98-1.03); "
    "applied only if it costs at most 2% more out-of-fold MdAPE, else not at all"
)
FSD_METHOD = (
    "boosted trees on the log of the out-of-fold absolute log error (property numbers, time, place, "
    "estimate), scaled so that 68.3% of cross-fitted training sales fall within one FSD"
)
MODEL_KIND = (
    "blend of HistGradientBoostingRegressor, the same trees fitted on what a log-size law leaves "
    "unexplained, and Ridge (one robust refit), on log price; blend weights chosen by inner K-fold "
    "cross-validation"
)


def library_versions() -> dict[str, str]:
    import scipy
    import sklearn

    from core import __version__

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "deedbook": __version__,
    }


def _validation(trained: TrainedModel, data: SalesData) -> dict[str, Any]:
    """Which sales were left out and by which rule (the card states the rules, the counts prove them)."""
    from valuation.validation import SCREEN_RULE

    spec, model = trained.spec, trained.model
    rules = [f"sale condition: {f.describe()}" for f in spec.filters]
    if model.params.screen_sales:
        rules.append(f"price screen: {SCREEN_RULE}")
    return {
        "rules": rules or ["none: every priced sale is used"],
        "screened": model.validation.get("screened", 0),
        "screened_out": model.validation.get("screened_out", 0),
        "screened_out_sales": [data.labels[i] for i in np.setdiff1d(np.arange(len(data)), model.kept)][:50],
    }


def build_card(trained: TrainedModel, data: SalesData, source: dict[str, Any]) -> dict[str, Any]:
    """`data`: the sales the model was given (before sales validation left any out)."""
    spec = trained.spec
    schema = spec.schema
    model = trained.model
    kept = trained.comps.sales
    builder = model.regressor.builder
    features: list[dict[str, Any]] = []
    for info in spec.feature_infos():
        used = info.name in builder.numeric or info.name in builder.categories
        features.append(
            {
                "name": info.name,
                "kind": info.kind,
                "note": info.note,
                "used": used,
                "importance": trained.importance.get(info.name, 0.0),
            }
        )
    features.sort(key=lambda f: -float(f["importance"]))
    # what the model reads, as the reasons name it: the attributes used, then location and the date of sale
    inputs = [str(f["name"]) for f in features if f["used"]] + [
        label for label in (LOCATION, TIME) if label in trained.importance
    ]
    left_out = [
        {"name": c.name, "kind": c.kind, "note": c.note}
        for c in schema.columns
        if c.kind not in FEATURE_KINDS and c.kind != "role"
    ]
    t = kept.time[np.isfinite(kept.time)]
    spread = model.spread
    return {
        "format": 1,
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "data": {
            **source,
            "rows_read": data.rows_read,
            "sales_used": len(kept),
            "excluded": data.dropped,
            "filters": [f.describe() for f in spec.filters],
            "validation": _validation(trained, data),
            "price_column": schema.target,
            "price_range": [round(float(kept.price.min()), 2), round(float(kept.price.max()), 2)],
            "time_columns": schema.time,
            "time_range": [date_text(float(t.min())), date_text(float(t.max()))] if t.size else None,
            "coordinates": [schema.lat, schema.lon] if schema.lat else None,
        },
        "valuation_date": date_text(trained.valuation_time) if np.isfinite(trained.valuation_time) else None,
        "features": features,
        "inputs": inputs,
        "left_out": left_out,
        "drivers_importance": trained.importance,
        "model": {
            "kind": MODEL_KIND,
            "tree_weight": model.weight,
            "anchored_tree_weight": model.anchored_weight,
            "anchor": None
            if model.regressor.anchor is None
            else {
                "column": model.regressor.anchor.column,
                "log_slope": round(model.regressor.anchor.slope, 4),
            },
            "ridge_alpha": round(float(model.regressor.ridge.alpha), 4),
            "ridge_trimmed_sales": model.regressor.trimmed,
            "linear_columns": len(builder.linear_names),
            "tree_columns": len(builder.gbm_names),
            "params": {k: v for k, v in vars(model.params).items()},
            "interval": {
                "method": INTERVAL_METHOD,
                "coverage": model.params.coverage,
                "log_offsets": [round(model.lower, 5), round(model.upper, 5)],
                "relative": [round(float(np.exp(model.lower)) - 1, 4), round(float(np.exp(model.upper)) - 1, 4)],
            },
            "candidates_mdape": model.weights_tried,
            "equity": {
                "method": EQUITY_METHOD,
                "stretch": model.equity.stretch,
                "needed": model.equity.needed,
                "cost_if_applied": model.equity.cost,
            },
            "fsd": {"method": FSD_METHOD, **(spread.calibration if spread is not None else {})},
            # the rule for a deed that lacks attributes: how much wider its FSD and range are
            "assumed": model.assumed.describe() if model.assumed is not None else None,
        },
        "metrics": {
            "method": f"out-of-fold estimates of the {model.params.inner_folds}-fold inner "
            "cross-validation (every sale valued by a model that never saw it)",
            **model.cv_metrics,
        },
        "libraries": library_versions(),
        "seed": model.params.seed,
        "training_seconds": trained.info.get("training_seconds"),
        "limits": [
            "Values market (arm's-length) sales; sales left out by the validation rules above are outside its scope.",
            "The time trend is not extrapolated: valuations are as of the latest sale in the data."
            if np.isfinite(trained.valuation_time)
            else "The sales have no sale dates: valuations are not dated and follow no market trend.",
            "Attributes not given are assumed typical for the market, and the answer lists them; its forecast "
            "standard deviation and range are widened by what leaving such attributes out was measured to cost.",
        ],
    }
