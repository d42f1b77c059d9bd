"""The price screen states the range the valuation shows: for a deed with missing attributes the range
widened for what was assumed (valuation/assumed.py), for a complete one the model's own."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from core.paths import DataDir
from tests.valuation.conftest import ames_rows

SPARSE = {"Gr_Liv_Area": 1500, "Year_Built": 1990}  # two attributes: the rest assumed typical


@pytest.fixture(scope="module")
def trained(quick_models: Path) -> Any:
    from valuation import service

    return service.load(DataDir.resolve(quick_models.parent))[0]


def _complete() -> dict[str, Any]:
    row = dict(ames_rows()[100])
    for name in ("Sale_Price", "Year_Sold", "Mo_Sold", "Sale_Type", "Sale_Condition"):
        row.pop(name, None)
    return row


def _both(trained: Any, record: dict[str, Any]) -> tuple[Any, Any]:
    """The valuation of `record` and the price screen of a sale of it at 60% of that estimate, both as of
    the model's valuation date."""
    from valuation.screening import shipped
    from valuation.screening.screen import screen_sales
    from valuation.valuer import value_record

    valuation = value_record(trained, record)
    price = 0.6 * valuation.estimate.units
    [screened] = screen_sales(trained, [record], [price], [math.nan], shipped.load(), "USD")
    return valuation, screened


@pytest.mark.parametrize("record", [SPARSE, "complete"])
def test_the_screen_states_the_valuation_range(trained: Any, record: Any) -> None:
    record = _complete() if record == "complete" else dict(record)
    valuation, screened = _both(trained, record)
    assert screened.estimate == valuation.estimate.units
    assert (screened.low, screened.high) == (valuation.low.units, valuation.high.units)
    [gap] = [r["text"] for r in screened.reasons if r["code"] == "price_below_estimate"]
    assert f"90% range USD {valuation.low.units:,.0f}\u2013{valuation.high.units:,.0f};" in gap


def test_a_sparse_deed_range_is_wider_than_the_model_own(trained: Any) -> None:
    valuation, screened = _both(trained, dict(SPARSE))
    model = trained.model
    assert valuation.assumed_share > 0.3
    own_low = screened.estimate * math.exp(model.lower)
    own_high = screened.estimate * math.exp(model.upper)
    assert screened.low < own_low - 1 and screened.high > own_high + 1  # the unwidened range no longer


def test_a_sparse_deed_gap_is_read_in_its_own_error_units(trained: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The price gap of a deed the model knows little about is divided by how much wider its errors are
    (the band's FSD factor), so a price inside the range it shows is not scored as one far outside."""
    from valuation import valuer

    _, sparse = _both(trained, dict(SPARSE))
    valuation = valuer.value_record(trained, dict(SPARSE))
    factor = trained.model.assumed.spread_factor(valuation.assumed_share)
    assert factor > 1.05
    monkeypatch.setattr(valuer, "widened", lambda t, _a, fsd: (0.0, fsd, t.model.lower, t.model.upper))
    _, as_if_complete = _both(trained, dict(SPARSE))
    assert sparse.inputs["gap"] == pytest.approx(as_if_complete.inputs["gap"] / factor, abs=1e-3)
    assert sparse.score < as_if_complete.score
    others = {k: v for k, v in sparse.inputs.items() if k != "gap"}
    assert others == {k: v for k, v in as_if_complete.inputs.items() if k != "gap"}


def test_a_complete_record_is_read_in_the_market_error_units(trained: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing assumed, nothing changed: the screen's inputs are those it was fitted on (every Ames sale)."""
    from valuation import valuer

    _, complete = _both(trained, _complete())
    monkeypatch.setattr(valuer, "widened", lambda t, _a, fsd: (0.0, fsd, t.model.lower, t.model.upper))
    _, again = _both(trained, _complete())
    assert (complete.score, complete.inputs) == (again.score, again.inputs)
