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


def test_the_gap_input_and_score_do_not_depend_on_the_widening(trained: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The widening changes what the reason says, not what the screen weighs."""
    from valuation import valuer

    _, widened = _both(trained, dict(SPARSE))
    monkeypatch.setattr(valuer, "widened", lambda t, _a, fsd: (0.0, fsd, t.model.lower, t.model.upper))
    _, unwidened = _both(trained, dict(SPARSE))
    assert (widened.score, widened.inputs) == (unwidened.score, unwidened.inputs)
    assert [(r["code"], r["weight"]) for r in widened.reasons] == [(r["code"], r["weight"]) for r in unwidened.reasons]
    assert widened.low < unwidened.low and widened.high > unwidened.high
