"""Attempts at the price screen's goal (issue 15: AUC >= 0.80, precision >= 65% at a 5% review rate),
each measured nested and out of fold on the bundled Ames labels, in the same folds.

    python benchmarks/screening_attempts.py [--folds 5] [--quick]

Per outer fold, the valuation model is trained on the other folds' market sales (its
out-of-fold estimates for those, its final model for the rest), exactly as
`deedbook screen evaluate` does; then every classifier below is fitted on the other
folds' sales and scores the held-out fold.  Inputs never include the sale condition
or the sale type (they are not in SalesData's features at all).  Prints AUC and
precision/recall at 5% and 1% for each attempt.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _attributes(data: Any) -> tuple[np.ndarray, list[str], list[int]]:
    """Every property attribute as a column (categoricals as integer codes), and which are categorical."""
    columns, names, categorical = [], [], []
    for name, values in sorted(data.numeric.items()):
        columns.append(np.asarray(values, dtype=float))
        names.append(name)
    for name, values in sorted(data.categorical.items()):
        _, codes = np.unique(np.asarray(values).astype(str), return_inverse=True)
        categorical.append(len(names))
        columns.append(codes.astype(float))
        names.append(name)
    return np.column_stack(columns), names, categorical


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="the small valuation model")
    args = parser.parse_args()

    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold

    from valuation.dataset import bundled_market_path, load_labelled
    from valuation.model import ModelParams
    from valuation.progress import Steps
    from valuation.screening.classifier import AdditiveLogit
    from valuation.screening.evaluate import SCREEN_C, model_inputs, ranking_figures

    _, _, data, non_market = load_labelled(bundled_market_path(), "Sale_Price")
    y = np.asarray(non_market, dtype=bool)
    params = ModelParams.small() if args.quick else ModelParams()
    attrs, names, cat_idx = _attributes(data)
    n = len(data)
    started = time.perf_counter()

    def boosted(cat: list[int], **kw: Any) -> Callable[[np.ndarray, np.ndarray], Any]:
        def fit(x: np.ndarray, yy: np.ndarray) -> Any:
            mask = np.zeros(x.shape[1], dtype=bool)
            mask[cat] = True
            model = HistGradientBoostingClassifier(categorical_features=mask, random_state=0, **kw)
            return model.fit(x, yy)

        return fit

    small = dict(max_depth=3, learning_rate=0.04, max_iter=300, min_samples_leaf=40, l2_regularization=1.0)
    attempts: dict[str, tuple[Callable[[np.ndarray, np.ndarray], Any], str]] = {
        "shipped additive logit (gap, level, age, roundness)": (
            lambda x, yy: AdditiveLogit.fit(x, yy, SCREEN_C),
            "screen",
        ),
        "boosted trees on the screen's 4 inputs": (boosted([], **small), "screen"),
        "boosted trees: 4 inputs + every attribute + time": (boosted([4 + 1 + i for i in cat_idx], **small), "all"),
        "boosted trees: as above + gap x quality, gap x age": (
            boosted([4 + 1 + i for i in cat_idx], **small),
            "all+inter",
        ),
        "boosted trees, slower learning (0.02, 600 rounds, leaves 60)": (
            boosted(
                [4 + 1 + i for i in cat_idx],
                max_depth=3,
                learning_rate=0.02,
                max_iter=600,
                min_samples_leaf=60,
                l2_regularization=2.0,
            ),
            "all+inter",
        ),
    }
    scores = {name: np.zeros(n) for name in attempts}
    quality = attrs[:, names.index("Overall_Qual")] if "Overall_Qual" in names else np.zeros(n)
    splitter = StratifiedKFold(args.folds, shuffle=True, random_state=params.seed + 2)
    for k, (train, test) in enumerate(splitter.split(np.zeros(n), y)):
        fold = model_inputs(data, train, train[~y[train]], params, Steps())
        x4 = np.nan_to_num(fold.x, nan=-1.0)
        full = np.column_stack([x4, data.time, attrs])
        inter = np.column_stack([full, fold.x[:, 0] * quality, fold.x[:, 0] * np.nan_to_num(fold.x[:, 2])])
        matrices = {"screen": fold.x, "all": full, "all+inter": inter}
        for name, (fit, which) in attempts.items():
            x = matrices[which]
            model = fit(x[train], y[train])
            scores[name][test] = (
                model.score(x[test]) if hasattr(model, "contributions") else model.predict_proba(x[test])[:, 1]
            )
        print(f"fold {k + 1}/{args.folds} done ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    print(
        f"{args.folds}-fold nested, {n} sales, {int(y.sum())} non-market; valuation model "
        f"{'small' if args.quick else 'default'}; {time.perf_counter() - started:.0f} s"
    )
    for name, s in scores.items():
        f = ranking_figures(s, y)
        print(
            f"  AUC {f['auc']:.3f}  precision@5% {f['precision_at_5pct']:.1%}  recall@5% {f['recall_at_5pct']:.1%}"
            f"  precision@1% {f['precision_at_1pct']:.1%}   {name}"
        )


if __name__ == "__main__":
    main()
