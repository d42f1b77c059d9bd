"""Attempts at the price screen's goal (issue 15: AUC >= 0.80, precision >= 65% at a 5% review rate),
each measured nested and out of fold on the bundled Ames labels, in the same folds, over several
fold seeds.

    python benchmarks/screening_attempts.py [--folds 5] [--quick] [--seed 0,1,2]

Per seed and outer fold, the valuation model is trained on the other folds' market
sales (its out-of-fold estimates for those, its final model for the rest), exactly
as `deedbook screen evaluate --seed S` does; then every classifier below is fitted
on the other folds' sales and scores the held-out fold.  Every setting is fixed in
this file (none is tuned on a held-out fold).  Inputs never include the sale
condition or the sale type (they are not in SalesData at all), nor anything known
only after the closing: the neighbours' figures use earlier sales only.  Prints,
per attempt, the mean and spread over the seeds of the AUC and the precision at 5%
and 1%.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

Fit = Callable[[np.ndarray, np.ndarray], Callable[[np.ndarray], np.ndarray]]
QUALITY = {"Ex": 5.0, "Gd": 4.0, "TA": 3.0, "Fa": 2.0, "Po": 1.0}


def logistic(C: float) -> Fit:
    """Standardised L2 logistic regression on a given design."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def fit(x: np.ndarray, y: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=5000)).fit(x, y)
        return lambda z: model.predict_proba(z)[:, 1]

    return fit


def boosted(**settings: Any) -> Fit:
    from sklearn.ensemble import HistGradientBoostingClassifier

    def fit(x: np.ndarray, y: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        model = HistGradientBoostingClassifier(random_state=0, **settings).fit(x, y)
        return lambda z: model.predict_proba(z)[:, 1]

    return fit


def additive_boosting(rounds: int, pairs: tuple[tuple[int, int], ...] = (), pair_rounds: int = 0) -> Fit:
    """EBM-like: shallow one-feature trees on quantile bins, cycled over the features with a small
    step (each feature's shape is a table), then two-feature trees for the given pairs."""
    from sklearn.tree import DecisionTreeRegressor

    def edges(v: np.ndarray, bins: int) -> np.ndarray:
        return np.unique(np.quantile(v, np.linspace(0, 1, bins + 1)[1:-1]))

    def fit(x: np.ndarray, y: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        yy = y.astype(float)
        cuts = [edges(x[:, j], 32) for j in range(x.shape[1])]
        bins = np.column_stack([np.searchsorted(c, x[:, j], side="right") for j, c in enumerate(cuts)])
        shapes = [np.zeros(c.size + 1) for c in cuts]
        start = math.log(yy.mean() / (1 - yy.mean()))
        f = np.full(len(yy), start)

        def step(columns: np.ndarray, leaves: int) -> Any:
            p = 1 / (1 + np.exp(-f))
            h = np.maximum(p * (1 - p), 1e-6)
            tree = DecisionTreeRegressor(max_leaf_nodes=leaves, min_samples_leaf=30)
            return tree.fit(columns, (yy - p) / h, sample_weight=h)

        for _ in range(rounds):
            for j, shape in enumerate(shapes):
                tree = step(bins[:, [j]].astype(float), 3)
                update = 0.05 * tree.predict(np.arange(shape.size, dtype=float)[:, None])
                shape += update
                f += update[bins[:, j]]
        pair_cuts = {pair: (edges(x[:, pair[0]], 8), edges(x[:, pair[1]], 8)) for pair in pairs}
        tables = {pair: np.zeros((a.size + 1, b.size + 1)) for pair, (a, b) in pair_cuts.items()}

        def pair_bins(z: np.ndarray, pair: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
            a, b = pair_cuts[pair]
            return np.searchsorted(a, z[:, pair[0]], side="right"), np.searchsorted(b, z[:, pair[1]], side="right")

        for _ in range(pair_rounds):
            for pair, table in tables.items():
                ba, bb = pair_bins(x, pair)
                tree = step(np.column_stack([ba, bb]).astype(float), 4)
                ga, gb = np.meshgrid(np.arange(table.shape[0]), np.arange(table.shape[1]), indexing="ij")
                grid = np.column_stack([ga.ravel(), gb.ravel()]).astype(float)
                update = 0.05 * tree.predict(grid).reshape(table.shape)
                table += update
                f += update[ba, bb]

        def score(z: np.ndarray) -> np.ndarray:
            out = np.full(z.shape[0], start)
            for j, (c, shape) in enumerate(zip(cuts, shapes, strict=True)):
                out += shape[np.searchsorted(c, z[:, j], side="right")]
            for pair, table in tables.items():
                out += table[pair_bins(z, pair)]
            return out

        return score

    return fit


def rank_average(first: Fit, second: Fit, split: int) -> Fit:
    """Fits `first` on columns [:split] and `second` on [split:]; the mean of their ranks."""
    from scipy.stats import rankdata

    def fit(x: np.ndarray, y: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        a, b = first(x[:, :split], y), second(x[:, split:], y)
        return lambda z: np.asarray(rankdata(a(z[:, :split])) + rankdata(b(z[:, split:])), dtype=float)

    return fit


class Market:
    """What the attempts read from the bundled market besides the screen's own inputs."""

    def __init__(self, data: Any) -> None:
        from sklearn.neighbors import NearestNeighbors

        from valuation.location import project

        self.data = data
        n = len(data)
        self.time = data.time
        self.year = np.column_stack([(np.floor(data.time) == y).astype(float) for y in range(2006, 2011)])
        xy = project(data.lat, data.lon, float(np.nanmean(data.lat)))
        known = np.asarray(np.isfinite(xy).all(axis=1))
        xy = np.where(known[:, None], xy, np.nanmean(xy, axis=0))
        self.near = NearestNeighbors(n_neighbors=80).fit(xy).kneighbors(xy)[1][:, 1:]
        lot = np.log(np.nan_to_num(data.numeric["Lot_Area"], nan=np.nanmedian(data.numeric["Lot_Area"])))
        area = np.log(data.numeric["Gr_Liv_Area"])
        self.atypical = np.column_stack([self._local_z(lot), self._local_z(area)])
        self.atypical = np.column_stack([self.atypical, np.abs(self.atypical)])

        def quality(name: str) -> np.ndarray:
            return np.array([QUALITY.get(str(v), 0.0) for v in data.categorical[name]])

        num, cat = data.numeric, data.categorical
        attrs = np.column_stack(
            [
                quality("Heating_QC"),
                quality("Kitchen_Qual"),
                num["Overall_Qual"],
                num["Overall_Cond"],
                np.log1p(np.maximum(data.time - num["Year_Remod_Add"], 0.0)),
                num["Fireplaces"],
                np.isin(np.asarray(cat["Garage_Type"]).astype(str), ["", "None", "nan"]).astype(float),
                (np.asarray(cat["Central_Air"]).astype(str) == "N").astype(float),
            ]
        )
        self.attributes = np.nan_to_num(attrs, nan=0.0)
        self.n = n

    def _local_z(self, v: np.ndarray, k: int = 20) -> np.ndarray:
        around = v[self.near[:, :k]]
        return np.asarray(np.clip((v - np.median(around, axis=1)) / (np.std(around, axis=1) + 1e-3), -5, 5))

    def neighbours(self, gap: np.ndarray, k: int = 15) -> np.ndarray:
        """Median gap, share of gaps below -2 and share beyond 2 of the k nearest earlier sales."""
        out = np.zeros((self.n, 3))
        for i in range(self.n):
            earlier = self.near[i][self.time[self.near[i]] < self.time[i]][:k]
            if earlier.size:
                g = gap[earlier]
                out[i] = [np.median(g), np.mean(g < -2), np.mean(np.abs(g) > 2)]
        return out


def designs(market: Market, x: np.ndarray, log_estimate: np.ndarray, fsd: np.ndarray) -> dict[str, np.ndarray]:
    from valuation.screening.classifier import design

    basis = design(x)[0]
    gap, level = np.clip(x[:, 0], -8, 8), np.clip(x[:, 1], -4, 4)
    z = np.clip((np.log(market.data.price) - log_estimate) / np.maximum(fsd, 0.02), -8, 8)
    own = [gap, level, np.nan_to_num(x[:, 2], nan=30.0), x[:, 3], market.time]
    # + lot and living area against the neighbours, overall quality and condition
    raw = np.column_stack([*own, market.atypical[:, :2], market.attributes[:, 2:4]])
    year = np.column_stack([basis, market.year])
    return {
        "screen": x,
        "screen, season unknown": np.column_stack([x[:, :4], np.full(len(x), np.nan)]),
        "+year": year,
        "+year+atypical": np.column_stack([year, market.atypical]),
        "+year+attributes": np.column_stack([year, market.attributes]),
        "+year+neighbours": np.column_stack([year, market.neighbours(x[:, 0])]),
        "+year+gap x level": np.column_stack([year, np.minimum(gap, 0) * level, np.maximum(gap, 0) * level]),
        "+year+z": np.column_stack([year, z, np.abs(z)]),
        "raw": raw,
        "raw, |gap|": np.column_stack([np.abs(gap), raw[:, 1:]]),
        "rank": np.column_stack([year, market.atypical, raw]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="the small valuation model")
    parser.add_argument("--seed", default="0", help="fold seeds, comma-separated (as screen evaluate --seed)")
    args = parser.parse_args()

    from sklearn.model_selection import StratifiedKFold

    from valuation.dataset import bundled_market_path, load_labelled
    from valuation.model import ModelParams
    from valuation.progress import Steps
    from valuation.screening.classifier import AdditiveLogit, design, reference_row
    from valuation.screening.evaluate import SCREEN_C, model_inputs, ranking_figures

    _, _, data, non_market = load_labelled(bundled_market_path(), "Sale_Price")
    y = np.asarray(non_market, dtype=bool)
    market = Market(data)
    n = len(data)
    seeds = [int(s) for s in args.seed.split(",")]
    started = time.perf_counter()

    def additive(x: np.ndarray, yy: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        return AdditiveLogit.fit(x, yy, SCREEN_C).score

    slow = dict(max_depth=2, learning_rate=0.03, max_iter=400, min_samples_leaf=50, l2_regularization=3.0)
    # the rank average's logit reads the screen's basis, the 5 years and the 4 atypical columns
    split = design(reference_row())[0].shape[1] + 5 + 4
    attempts: dict[str, tuple[str, Fit]] = {
        "before: additive logit (gap, level, age, roundness)": ("screen, season unknown", additive),
        "shipped: additive logit + time of year (cos, sin of the closing month)": ("screen", additive),
        "+ year of sale (one indicator per year)": ("+year", logistic(0.3)),
        "+ year + lot and living area against the 20 nearest sales (z, |z|)": ("+year+atypical", logistic(0.3)),
        "+ year + 8 condition/quality attributes": ("+year+attributes", logistic(0.3)),
        "+ year + the 15 nearest earlier sales' gaps (median, share < -2, share > 2)": (
            "+year+neighbours",
            logistic(0.3),
        ),
        "+ year + gap x price level": ("+year+gap x level", logistic(0.3)),
        "+ year + gap against the model's own FSD (z, |z|)": ("+year+z", logistic(0.3)),
        "boosted trees depth 2, slow (gap, level, age, roundness, time, atypical, quality, condition)": (
            "raw",
            boosted(**slow),
        ),
        "boosted trees as above, |gap| monotone increasing": (
            "raw, |gap|",
            boosted(monotonic_cst=[1, 0, 0, 0, 0, 0, 0, 0, 0], **slow),
        ),
        "EBM-like additive boosting (same inputs, 200 cycles)": ("raw", additive_boosting(200)),
        "EBM-like + pairs gap x level, gap x age (100 cycles)": (
            "raw",
            additive_boosting(200, ((0, 1), (0, 2)), 100),
        ),
        "rank average: logit (+ year + atypical) and the boosted trees above": (
            "rank",
            rank_average(logistic(0.3), boosted(**slow), split),
        ),
    }
    figures: dict[str, list[dict[str, Any]]] = {name: [] for name in attempts}
    for seed in seeds:
        params = ModelParams.small(seed) if args.quick else ModelParams(seed=seed)
        scores = {name: np.zeros(n) for name in attempts}
        splitter = StratifiedKFold(args.folds, shuffle=True, random_state=params.seed + 2)
        for k, (train, test) in enumerate(splitter.split(np.zeros(n), y)):
            market_rows = train[~y[train]]
            fold = model_inputs(data, train, market_rows, params, Steps())
            log_estimate = fold.model.predict_log(data)
            log_estimate[market_rows] = fold.model.oof_log
            matrices = designs(market, fold.x, log_estimate, fold.model.fsd(data, log_estimate))
            for name, (which, fit) in attempts.items():
                x = matrices[which]
                scores[name][test] = fit(x[train], y[train])(x[test])
            print(
                f"seed {seed} fold {k + 1}/{args.folds} done ({time.perf_counter() - started:.0f} s)", file=sys.stderr
            )
        for name in attempts:
            figures[name].append(ranking_figures(scores[name], y))
    print(
        f"{args.folds}-fold nested, {n} sales, {int(y.sum())} non-market; valuation model "
        f"{'small' if args.quick else 'default'}; seeds {args.seed}; {time.perf_counter() - started:.0f} s"
    )
    print("  AUC mean (sd)   precision@5% mean (sd)   precision@1%   attempt")
    for name, per_seed in figures.items():
        auc = np.array([f["auc"] for f in per_seed])
        p5 = np.array([f["precision_at_5pct"] for f in per_seed])
        p1 = np.array([f["precision_at_1pct"] for f in per_seed])
        print(
            f"  {auc.mean():.3f} ({auc.std():.3f})   {p5.mean():.1%} ({p5.std():.1%})"
            f"           {p1.mean():.1%}        {name}"
        )


if __name__ == "__main__":
    main()
