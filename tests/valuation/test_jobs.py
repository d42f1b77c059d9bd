"""Long jobs for the GUI: progress, cancel (nothing written), and the ledger's sales as training data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.paths import DataDir
from valuation import service, store
from valuation.progress import Cancelled


def test_training_reports_progress_and_can_be_cancelled(deedbook_home: Path, slice_csv: Path) -> None:
    home = DataDir.resolve(deedbook_home)
    seen: list[tuple[float, str]] = []

    def cancel_after_two() -> bool:
        return len(seen) >= 2

    with pytest.raises(Cancelled, match="nothing was written"):
        service.train(
            home,
            csv=slice_csv,
            target="Sale_Price",
            quick=True,
            progress=lambda f, m: seen.append((f, m)),
            should_cancel=cancel_after_two,
        )
    assert not store.exists(home.models) and not (home.models / store.MODEL_FILE).exists()

    seen.clear()
    service.train(home, csv=slice_csv, target="Sale_Price", quick=True, progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and all(m for _, m in seen)
    assert store.exists(home.models)


def test_evaluation_can_be_cancelled(slice_csv: Path) -> None:
    calls = []
    with pytest.raises(Cancelled):
        service.evaluate(
            csv=slice_csv,
            target="Sale_Price",
            folds=3,
            quick=True,
            progress=lambda f, m: calls.append(f),
            should_cancel=lambda: len(calls) > 3,
        )


def test_the_ledgers_whole_deed_sales_join_the_training_data(deedbook_home: Path, slice_csv: Path) -> None:
    """A demo ledger (Ames deeds, transfers at indexed prices) feeds its whole-deed sales to training."""
    from core.ledger import Ledger
    from desktop.cli.main import run

    assert run(["--data-dir", str(deedbook_home), "demo", "--deeds", "12", "--transfers", "8"]) == 0
    home = DataDir.resolve(deedbook_home)
    ledger = Ledger.open(home)
    transfers = ledger.entries(kind="Transfer")
    whole = [t for t in transfers if t.message["shares"] == t.message["totalShares"]]
    market = service.read_market(slice_csv, "Sale_Price")
    before = len(market.data)
    added = service.add_ledger_sales(market, ledger)
    assert added == len(whole) and len(market.data) == before + added
    assert market.source["ledger_sales"] == added
    if len(whole) < len(transfers):
        assert market.source["ledger_sales_skipped"]["part of a deed"] == len(transfers) - len(whole)
    new = market.data.take(np.arange(before, before + added))
    assert all(label.startswith("parcel ") for label in new.labels)
    assert (new.time > 2010).all() and (new.price > 10_000).all()
    # attributes the deeds do not carry were filled with the market's typical values, not left missing
    assert all(v is not None for v in new.categorical["Roof_Style"])
    ledger.close()
