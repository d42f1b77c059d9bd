"""Sales validation: a sale-condition column decides when there is one; otherwise the price
screen leaves out the sales it rates high risk, in training and in the figures alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.paths import DataDir
from tests.valuation.conftest import write_csv
from valuation.dataset import concat, load_csv

INJECTED = 8


@pytest.fixture(scope="module")
def unvetted_csv(tmp_path_factory: pytest.TempPathFactory, slice_rows: list[dict[str, str]]) -> tuple[Path, set[str]]:
    """The Ames slice without its sale-condition and sale-type columns, eight prices cut to a quarter."""
    rows = [
        {k: v for k, v in r.items() if k not in ("Sale_Condition", "Sale_Type")}
        for r in slice_rows
        if r["Sale_Condition"] in ("Normal", "Partial")
    ]
    rng = np.random.default_rng(21)
    cut = set()
    for i in rng.choice(len(rows), INJECTED, replace=False):
        rows[i] = dict(rows[i], Sale_Price=str(int(int(rows[i]["Sale_Price"]) * 0.25)))
        cut.add(rows[i]["PID"])
    return write_csv(tmp_path_factory.mktemp("unvetted") / "sales.csv", rows), cut


def test_a_sale_condition_column_vouches_and_nothing_is_screened_out(slice_csv: Path) -> None:
    _, spec, data = load_csv(slice_csv, "Sale_Price")
    assert data.vetted is not None and data.vetted.all()
    assert spec.filters and "Sale_Condition" not in data.categorical


def test_ledger_sales_added_to_a_vetted_market_are_not_vetted(slice_market: Any) -> None:
    _, _, data = slice_market
    extra = data.take(np.arange(5))
    extra.vetted = None
    both = concat([data, extra])
    assert both.vetted is not None and both.vetted[: len(data)].all() and not both.vetted[len(data) :].any()


def test_training_leaves_out_the_cut_prices(unvetted_csv: tuple[Path, set[str]], tmp_path: Path) -> None:
    from valuation import service

    path, cut = unvetted_csv
    card = service.train(DataDir.resolve(tmp_path / "home"), csv=path, target="Sale_Price", quick=True)
    validation = card["data"]["validation"]
    assert any(rule.startswith("price screen:") for rule in validation["rules"])
    out = set(validation["screened_out_sales"])
    assert validation["screened"] == card["data"]["rows_read"]
    assert len(out & cut) >= INJECTED - 2  # most of the cut prices found ...
    assert validation["screened_out"] <= INJECTED + 6  # ... and few honest sales with them
    assert card["data"]["sales_used"] == card["data"]["rows_read"] - validation["screened_out"]


def test_keep_all_sales_turns_validation_off(unvetted_csv: tuple[Path, set[str]], tmp_path: Path) -> None:
    from valuation import service

    path, _ = unvetted_csv
    card = service.train(
        DataDir.resolve(tmp_path / "home"), csv=path, target="Sale_Price", quick=True, keep_all_sales=True
    )
    assert card["data"]["validation"]["screened_out"] == 0
    assert card["data"]["sales_used"] == card["data"]["rows_read"]


def test_evaluation_leaves_the_same_sales_out_of_its_figures(unvetted_csv: tuple[Path, set[str]]) -> None:
    from valuation import service

    path, _ = unvetted_csv
    result = service.evaluate(csv=path, target="Sale_Price", folds=2, quick=True, trim=True)
    v = result["validation"]
    assert v["sale_condition"] == 0 and v["screened_out"] >= INJECTED - 3
    assert result["validated_out"] == v["screened_out"] + v["trimmed"]
    assert result["n"] == result["all_sales"]["n"] - result["validated_out"]
    assert result["all_sales"]["mdape"] > result["mdape"]  # the cut prices are what made the difference
    assert any("IAAO" in rule for rule in v["rules"])
