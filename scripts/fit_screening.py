"""Fit the price screen on the labelled Ames sales and write resources/screening/price_screen.json.

Run by a developer whenever the valuation model or the screen's inputs change (the
JSON records the figures of its own nested evaluation):

    python scripts/fit_screening.py            # about 3 minutes on 2 cores

The labels are Ames's sale conditions (Abnorml, AdjLand, Alloca, Family = not at
arm's length); neither that column nor the sale type is ever an input.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from valuation import dataset
from valuation.model import ModelParams
from valuation.progress import Steps
from valuation.screening import shipped
from valuation.screening.evaluate import fit_screen


def progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def main() -> None:
    path = dataset.bundled_market_path()
    raw, _, data, non_market = dataset.load_labelled(path, dataset.BUNDLED_TARGET)
    source = {"name": "bundled Ames, Iowa market (resources/market/ames.csv.gz)", "sha256": raw.sha256}
    screen = fit_screen(data, non_market, source, 5, ModelParams(seed=0), Steps(progress))
    out = shipped.save(screen)
    figures = screen.info["evaluation"]
    print(
        f"{out}: AUC {figures['auc']}, precision at 5% {figures['precision_at_5pct']}, "
        f"review >= {screen.review:.4f}, high >= {screen.high:.4f}"
    )


if __name__ == "__main__":
    main()
