"""The model on real data (a slice of Ames): accuracy, calibrated range, reasons, comparables."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from valuation.evaluate import cross_validate
from valuation.intervals import conformal_bounds
from valuation.metrics import avm_metrics
from valuation.model import ModelParams, fit_model
from valuation.valuer import value_record


def test_held_out_accuracy_and_coverage_on_a_real_slice(slice_market: Any) -> None:
    """3-fold CV of the whole pipeline (inner conformal included) on 600 Ames sales."""
    _, _, data = slice_market
    result = cross_validate(data, folds=3, params=ModelParams.small())
    assert result["n"] == len(data) and result["folds"] == 3
    # a plain mean-price guess is ~25% off; the model must be far better even on 400 training sales
    assert result["mdape"] < 9.0
    assert result["within_20"] > 0.85
    # the 90% range is calibrated out of sample: binomial sd at n~560 is 0.013
    assert 0.84 <= result["coverage"] <= 0.96
    assert 0.9 < result["median_ratio"] < 1.1 and 0.95 < result["prd"] < 1.06


def test_same_data_and_seed_give_the_same_estimate(slice_market: Any, all_rows: list[dict[str, str]]) -> None:
    from valuation.training import train_model

    _, spec, data = slice_market
    part = data.take(np.arange(300))
    subject = all_rows[5]
    first = value_record(train_model(part, spec, ModelParams.small(seed=3)), subject)
    second = value_record(train_model(part, spec, ModelParams.small(seed=3)), subject)
    assert first.to_json() == second.to_json()


def test_drivers_add_up_to_the_gap_from_a_typical_sale(small_model: Any, all_rows: list[dict[str, str]]) -> None:
    for row in all_rows[100:104]:
        v = value_record(small_model, row)
        assert v.low < v.estimate < v.high
        assert {v.estimate.currency, v.typical.currency, *(d.effect.currency for d in v.drivers)} == {"USD"}
        total = sum((d.effect for d in v.drivers), v.other_effects)
        assert total.units == pytest.approx((v.estimate - v.typical).units, abs=len(v.drivers) + 2)  # whole units
        effects = [abs(d.effect) for d in v.drivers]
        assert effects == sorted(effects, reverse=True)
        assert all(d.direction == ("up" if d.effect.minor >= 0 else "down") for d in v.drivers)
        assert all(m.minor % 100 == 0 for m in (v.estimate, v.low, v.high, v.typical))  # estimates: whole dollars


def test_a_bigger_house_is_worth_more_and_says_why(small_model: Any, all_rows: list[dict[str, str]]) -> None:
    row = dict(all_rows[200])
    base = value_record(small_model, row)
    row["Gr_Liv_Area"] = str(int(float(row["Gr_Liv_Area"])) + 800)
    row["Second_Flr_SF"] = str(int(float(row["Second_Flr_SF"])) + 800)
    bigger = value_record(small_model, row)
    assert bigger.estimate.units > base.estimate.units * 1.05

    def effect(v: Any) -> float:
        return sum(d.effect.units for d in v.drivers if d.feature == "Gr_Liv_Area")

    assert effect(bigger) > 0 and effect(bigger) > effect(base)
    assert "Gr_Liv_Area" in [d.feature for d in bigger.drivers[:3]]


def test_comparables_are_nearby_similar_sales(small_model: Any, all_rows: list[dict[str, str]]) -> None:
    subject = all_rows[1000]
    v = value_record(small_model, subject, comparables_count=5)
    assert len(v.comparables) == 5
    sims = [c.similarity for c in v.comparables]
    assert sims == sorted(sims, reverse=True)
    for c in v.comparables:
        assert c.price.minor > 0 and c.distance_km is not None and c.distance_km < 10
        # adjusted to the subject by the model: within a factor of two of the estimate
        assert 0.5 < c.adjusted_price.units / v.estimate.units < 2.0
    median_adjusted = float(np.median([c.adjusted_price.units for c in v.comparables]))
    assert 0.75 < median_adjusted / v.estimate.units < 1.33


def test_few_attributes_are_filled_with_typical_values_and_said(small_model: Any) -> None:
    v = value_record(small_model, {"Gr_Liv_Area": 2400, "Overall_Qual": 8, "Neighborhood": "NoRidge"})
    assert "Overall_Qual" not in v.assumed and "Location" in v.assumed and "Year_Built" in v.assumed
    assert v.estimate > v.typical
    empty = value_record(small_model, {})
    assert empty.estimate.units == pytest.approx(empty.typical.units, rel=1e-6) and empty.drivers == []
    odd = value_record(small_model, {"Gr_Liv_Area": 25000, "Colour": "blue"})
    assert any("outside the range" in w for w in odd.warnings) and any("Colour" in w for w in odd.warnings)


def test_input_hash_is_canonical(small_model: Any) -> None:
    a = value_record(small_model, {"Gr_Liv_Area": 1500, "Overall_Qual": 6})
    b = value_record(small_model, {"Overall_Qual": "6", "Gr_Liv_Area": "1500"})
    assert a.input_sha256 == b.input_sha256 and a.estimate == b.estimate


def test_a_new_market_with_few_columns_and_no_coordinates(tmp_path: Any) -> None:
    """Not Ames: a synthetic town whose prices follow a known rule, with dates and an address column."""
    from tests.valuation.conftest import write_csv
    from valuation.dataset import load_csv

    rng = np.random.default_rng(1)
    rows = []
    for i in range(400):
        area = float(rng.uniform(50, 250))
        district = ["North", "South", "Harbour", "Old Town"][i % 4]
        year = 2018 + (i % 5)
        premium = {"North": 1.0, "South": 0.85, "Harbour": 1.3, "Old Town": 1.1}[district]
        price = 3000 * area**0.9 * premium * 1.04 ** (year - 2018) * float(rng.lognormal(0, 0.05))
        rows.append(
            {
                "Price (EUR)": f"{price:.0f}",
                "Living m2": f"{area:.1f}",
                "District": district,
                "Sale date": f"{year}-{1 + i % 12:02d}-10",
                "Street address": f"{i % 90} Rue {i % 30}",
                "Energy label": "ABCDEFG"[i % 7] if i % 9 else "",
            }
        )
    path = write_csv(tmp_path / "town.csv", rows)
    _, spec, data = load_csv(path, "Price (EUR)")
    assert spec.schema.time == ["Sale date"] and spec.schema.lat is None
    model = fit_model(data, ModelParams.small())
    assert model.cv_metrics["mdape"] < 6.0  # noise alone is ~3.4% MdAPE
    assert 0.85 <= model.cv_metrics["coverage"] <= 0.95


def test_conformal_bounds_use_the_finite_sample_rank() -> None:
    r = np.arange(-9.0, 10.0)  # 19 residuals: ranks 1 and 19 for 90% ((n+1)*0.05 = 1)
    assert conformal_bounds(r, 0.90) == (-9.0, 9.0)
    r = np.linspace(-1, 1, 199)  # n+1 = 200: ranks 10 and 190
    lo, hi = conformal_bounds(r, 0.90)
    assert lo == pytest.approx(r[9]) and hi == pytest.approx(r[189])


def test_ratio_statistics_on_known_cases() -> None:
    price = np.array([100.0, 200.0, 300.0, 400.0])
    perfect = avm_metrics(price, price.copy(), price * 0.9, price * 1.1)
    assert perfect["mdape"] == 0 and perfect["cod"] == 0 and perfect["prd"] == 1 and perfect["prb"] == 0
    assert perfect["coverage"] == 1 and perfect["mean_interval_width"] == pytest.approx(0.2)
    # regressive: cheap homes over-valued, dear ones under-valued -> PRD above 1, PRB negative
    regressive = avm_metrics(price, np.array([130.0, 215.0, 290.0, 365.0]))
    assert regressive["prd"] > 1.03 and regressive["prb"] < 0
    assert regressive["within_10"] == 0.75 and regressive["mdape"] == pytest.approx(8.125)
