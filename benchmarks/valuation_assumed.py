"""A valuation's FSD and 90% range when the deed lacks attributes, out of fold, before and after
the widening for attributes assumed (valuation/assumed.py).

    python benchmarks/valuation_assumed.py                       # Ames, Sacramento, Saratoga; full model
    python benchmarks/valuation_assumed.py --quick --markets ames --json

Each outer fold trains the model (train_model, as `valuation train` does) on the other folds;
every held-out sale is then valued three times, imputed as `value` imputes a deed (the market's
typical values): with all its attributes, with a random subset masked (each sale its own share,
uniform), and with every attribute masked (nothing known).  Per group, and per band of the
share of importance assumed: 90% range coverage, the share within one FSD and the share called
high confidence (FSD under 15%), before (the model's own FSD and range) and after the widening,
from the same estimates.  Goal: coverage near 0.90 in every group; nothing known is never high.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from valuation.assumed import assume, attribute_groups  # noqa: E402
from valuation.dataset import SalesData, bundled_market_path, load_csv  # noqa: E402
from valuation.model import ModelParams, fold_indices  # noqa: E402
from valuation.training import train_model  # noqa: E402
from valuation.uncertainty import confidence  # noqa: E402

MARKETS = {  # name -> (file, price column)
    "ames": (str(bundled_market_path()), "Sale_Price"),
    "sacramento": (str(ROOT / "tests/data/markets/sacramento.csv.gz"), "price"),
    "saratoga": (str(ROOT / "tests/data/markets/saratoga.csv.gz"), "price"),
    "grinnell": (str(ROOT / "tests/data/markets/grinnell.csv.gz"), "SalePrice"),
}
SHARE_BANDS = ((0.0, 0.0), (1e-9, 0.25), (0.25, 0.5), (0.5, 0.999), (0.999, 1.0))


def _figures(price: np.ndarray, log_est: np.ndarray, fsd: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> dict[str, Any]:
    err = np.log(price) - log_est
    return {
        "coverage": round(float(np.mean((err >= lo) & (err <= hi))), 3),
        "within_1_fsd": round(float(np.mean(np.abs(err) <= fsd)), 3),
        "high": round(float(np.mean([confidence(float(f))[1] == "high" for f in fsd])), 3),
        "fsd_median": round(float(np.median(fsd)), 3),
        "width_median": round(float(np.median(np.exp(hi) - np.exp(lo))), 3),
    }


def evaluate(data: SalesData, spec: Any, folds: int, params: ModelParams, seed: int) -> dict[str, Any]:
    groups = attribute_groups(data)
    rng = np.random.default_rng(seed + 101)
    rows: dict[str, list[np.ndarray]] = {}

    def add(key: str, **cols: np.ndarray) -> None:
        for k, v in cols.items():
            rows.setdefault(f"{key}.{k}", []).append(v)

    for train, test in fold_indices(len(data), folds, seed + 1):
        trained = train_model(data.take(train), spec, params)
        model, held = trained.model, data.take(test)
        n = len(test)
        share_draw = rng.random((n, 1))
        masks = {
            "none": np.zeros((n, len(groups)), dtype=bool),
            "some": rng.random((n, len(groups))) < share_draw,
            "all": np.ones((n, len(groups)), dtype=bool),
        }
        for name, mask in masks.items():
            subject = assume(held, mask, groups, trained.baseline)
            log_est = model.predict_log(subject)
            base = model.fsd(subject, log_est)
            fsd, lo, hi, share = (np.zeros(n) for _ in range(4))
            for i in range(n):
                assumed = [g for j, g in enumerate(groups) if mask[i, j]]
                share[i] = model.assumed.share(assumed) if model.assumed is not None else 0.0
                if model.assumed is not None:
                    fsd[i], lo[i], hi[i] = model.assumed.widen(share[i], float(base[i]), model.lower, model.upper)
                else:
                    fsd[i], lo[i], hi[i] = base[i], model.lower, model.upper
            add(
                name,
                price=held.price,
                log_est=log_est,
                base=base,
                fsd=fsd,
                lo=lo,
                hi=hi,
                share=share,
                base_lo=np.full(n, model.lower),
                base_hi=np.full(n, model.upper),
            )
    cat = {k: np.concatenate(v) for k, v in rows.items()}
    out: dict[str, Any] = {"n": len(data), "groups": {}, "bands": {}}

    def both(prefix: str, sel: np.ndarray) -> dict[str, Any]:
        c = {k.split(".", 1)[1]: v[sel] for k, v in cat.items() if k.startswith(prefix + ".")}
        return {
            "n": int(sel.sum()),
            "before": _figures(c["price"], c["log_est"], c["base"], c["base_lo"], c["base_hi"]),
            "after": _figures(c["price"], c["log_est"], c["fsd"], c["lo"], c["hi"]),
        }

    for name in ("none", "some", "all"):
        out["groups"][name] = both(name, np.ones(cat[f"{name}.price"].size, dtype=bool))
    share = cat["some.share"]
    for low, high in SHARE_BANDS[1:4]:
        sel = (share > low) & (share <= high)
        if sel.sum() >= 20:
            out["bands"][f"some, share {low:.2f}-{high:.2f}"] = both("some", sel)
    return out


def training_cost(data: SalesData, params: ModelParams, repeats: int) -> dict[str, list[float]]:
    """CPU seconds of the inner cross-validation and final fit (fit_model) without and with the masked
    valuations, interleaved so both see the same load."""
    from valuation.model import fit_model

    out: dict[str, list[float]] = {"without": [], "with": []}
    for _ in range(repeats):
        for key, measure in (("without", False), ("with", True)):
            started = time.process_time()
            fit_model(data, params, measure_assumed=measure)
            out[key].append(round(time.process_time() - started, 2))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--markets", nargs="*", default=["ames", "sacramento", "saratoga"], choices=list(MARKETS))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="the tests' quick model (150 trees, 3 inner folds)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--training-cost", type=int, metavar="N", help="instead: CPU seconds of fit_model without/with, N times"
    )
    args = parser.parse_args()
    params = ModelParams.small(args.seed) if args.quick else ModelParams(seed=args.seed)
    if args.training_cost:
        for name in args.markets:
            path, target = MARKETS[name]
            print(name, training_cost(load_csv(path, target)[2], params, args.training_cost), flush=True)
        return 0
    results = {}
    for name in args.markets:
        path, target = MARKETS[name]
        started = time.process_time()
        _, spec, data = load_csv(path, target)
        results[name] = evaluate(data, spec, args.folds, params, args.seed)
        results[name]["cpu_seconds"] = round(time.process_time() - started, 1)
        if not args.json:
            print(f"{name} (n = {results[name]['n']}, {results[name]['cpu_seconds']} s CPU)")
            rows = list(results[name]["groups"].items()) + list(results[name]["bands"].items())
            for group, r in rows:
                b, a = r["before"], r["after"]
                print(
                    f"  {group:<24} n={r['n']:>5}  coverage {b['coverage']:.3f} -> {a['coverage']:.3f}  "
                    f"within 1 FSD {b['within_1_fsd']:.3f} -> {a['within_1_fsd']:.3f}  "
                    f"high {b['high']:.1%} -> {a['high']:.1%}  FSD median {b['fsd_median']:.1%} -> "
                    f"{a['fsd_median']:.1%}  range width {b['width_median']:.1%} -> {a['width_median']:.1%}"
                )
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
