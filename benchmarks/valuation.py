"""Valuation benchmark: training time on Ames, single-valuation latency, 5-fold AVM figures.

    python benchmarks/valuation.py            # everything (about 2 minutes on 2 cores)
    python benchmarks/valuation.py --no-eval  # training and latency only

Goals (issues 4 and 15): training <= 30 s; one valuation with range, comparables and
reasons <= 100 ms once loaded; 5-fold MdAPE <= 5.0 %, within 10 % >= 80 %,
coverage 0.88-0.92, COD <= 10, PRD 0.98-1.03, PRB -0.05-+0.05.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.money import format_figure
from core.paths import DataDir
from valuation import service
from valuation.dataset import bundled_market_path

# metric -> (lowest allowed, highest allowed)
GOALS: dict[str, tuple[float, float]] = {
    "mdape": (0.0, 5.0),
    "within_10": (0.80, 1.0),
    "coverage": (0.88, 0.92),
    "cod": (0.0, 10.0),
    "prd": (0.98, 1.03),
    "prb": (-0.05, 0.05),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=50, help="valuations timed (default 50)")
    parser.add_argument("--no-eval", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report: dict[str, object] = {}

    with tempfile.TemporaryDirectory() as tmp:
        home = DataDir.resolve(tmp)
        started = time.perf_counter()
        card = service.train(home)
        report["train_seconds"] = round(time.perf_counter() - started, 2)
        report["train_fit_seconds"] = card["training_seconds"]
        report["train_sales"] = card["data"]["sales_used"]

        started = time.perf_counter()
        trained, _ = service.load(home)
        report["load_seconds"] = round(time.perf_counter() - started, 3)
        with gzip.open(bundled_market_path(), "rb") as raw:
            rows = list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))
        from valuation.valuer import value_record

        value_record(trained, rows[0])  # first call warms caches, as in the running app
        step = max(1, len(rows) // args.repeats)
        timings = []
        for row in rows[::step][: args.repeats]:
            t0 = time.perf_counter()
            value_record(trained, row)
            timings.append(time.perf_counter() - t0)
        report["valuation_ms_median"] = round(1000 * statistics.median(timings), 1)
        report["valuation_ms_max"] = round(1000 * max(timings), 1)
        few = {"Gr_Liv_Area": 1500, "Overall_Qual": 6, "Neighborhood": "NAmes"}
        t0 = time.perf_counter()
        value_record(trained, few)
        report["valuation_ms_three_attributes"] = round(1000 * (time.perf_counter() - t0), 1)

    if not args.no_eval:
        evaluation = service.evaluate(folds=args.folds)
        report["evaluate"] = {k: v for k, v in evaluation.items() if k != "data"}
        report["goals"] = {k: lo <= float(evaluation[k]) <= hi for k, (lo, hi) in GOALS.items()}

    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(
        f"training on Ames ({report['train_sales']} sales): {report['train_seconds']} s "
        f"(fit {report['train_fit_seconds']} s; goal <= 30 s)"
    )
    print(f"loading the stored model: {report['load_seconds']} s")
    print(
        f"one valuation (estimate, range, 5 comparables, reasons), {len(timings)} Ames properties: "
        f"median {report['valuation_ms_median']} ms, max {report['valuation_ms_max']} ms (goal <= 100 ms); "
        f"a deed with 3 attributes: {report['valuation_ms_three_attributes']} ms"
    )
    if not args.no_eval:
        e = report["evaluate"]
        assert isinstance(e, dict)
        print(f"{args.folds}-fold evaluation on {e['n']} sales ({e['seconds']} s):")
        print(
            f"  MdAPE {e['mdape']:.2f}%  within 5% {e['within_5']:.3f}  within 10% {e['within_10']:.3f}  "
            f"within 20% {e['within_20']:.3f}  RMSE(log) {e['rmse_log']:.4f}"
        )
        print(
            f"  coverage {e['coverage']:.3f}  mean width {e['mean_interval_width']:.3f} of the estimate "
            f"({format_figure(e['mean_interval_width_money'], e['currency'])})"
        )
        print(f"  median ratio {e['median_ratio']:.4f}  COD {e['cod']:.2f}  PRD {e['prd']:.4f}  PRB {e['prb']:+.4f}")
        print(
            f"  FSD median {e['fsd_median']:.2f}%, {e['fsd_within_1']:.3f} of sales within one FSD (0.683 if "
            f"calibrated); equity stretch per fold {e['equity']['stretch_per_fold']}; validated out "
            f"{e['validated_out']}"
        )
        goals = report["goals"]
        assert isinstance(goals, dict)
        print("  goals: " + ", ".join(f"{k} {'met' if ok else 'MISSED'}" for k, ok in goals.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
