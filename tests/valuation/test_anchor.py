"""The trees' size anchor (valuation.anchor) and the three-way blend that decides whether to use it."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from valuation.anchor import SizeAnchor
from valuation.dataset import SalesData
from valuation.model import BlendWeights, ModelParams, choose_weights, fit_model


def market(numeric: dict[str, np.ndarray], log_price: np.ndarray) -> SalesData:
    n = len(log_price)
    nan = np.full(n, np.nan)
    return SalesData(np.exp(log_price), nan, nan.copy(), nan.copy(), numeric, {}, [f"sale {i}" for i in range(n)])


def size_law_town(n: int = 600, seed: int = 3) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Price follows area (log-linear, slope 1) and a step in a 1-9 grade that a linear model cannot draw."""
    rng = np.random.default_rng(seed)
    area = np.exp(rng.normal(7.4, 0.45, n))  # ~1,600 sq ft, a wide spread: trees flatten at the ends
    grade = rng.integers(1, 10, n).astype(np.float64)
    lot = rng.uniform(0.1, 2.0, n)  # unrelated to price
    log_price = 4.5 + np.log(area) + 0.25 * (grade >= 7) - 0.2 * (grade <= 2) + rng.normal(0, 0.03, n)
    return {"area": area, "grade": grade, "lot": lot}, log_price


def test_the_anchor_is_the_size_column_and_its_slope() -> None:
    numeric, log_price = size_law_town()
    anchor = SizeAnchor.fit(market(numeric, log_price), log_price, ["grade", "lot", "area"])
    assert anchor is not None and anchor.column == "area"
    assert 0.85 < anchor.slope < 1.15


def test_no_anchor_when_no_column_explains_price_or_the_columns_are_codes() -> None:
    rng = np.random.default_rng(5)
    n = 400
    noise_price = 12 + rng.normal(0, 0.3, n)
    data = market({"area": rng.uniform(500, 3000, n)}, noise_price)
    assert SizeAnchor.fit(data, noise_price, ["area"]) is None
    rooms = rng.integers(1, 6, n).astype(np.float64)  # correlates, but five values are a count, not a size
    priced_by_rooms = 11 + 0.3 * rooms + rng.normal(0, 0.03, n)
    assert SizeAnchor.fit(market({"rooms": rooms}, priced_by_rooms), priced_by_rooms, ["rooms"]) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=False, width=32), st.just(0.0)), min_size=1))
def test_the_law_gives_a_finite_value_for_any_input_and_never_falls_with_size(values: list[float]) -> None:
    anchor = SizeAnchor("area", floor=400.0, fill=1500.0, intercept=5.0, slope=0.9)
    x = np.array(values, dtype=np.float64)
    out = anchor.predict(market({"area": x}, np.zeros(len(x))))
    assert np.isfinite(out).all()
    order = np.argsort(np.where(np.isfinite(x), x, 1500.0), kind="stable")
    assert np.all(np.diff(out[order]) >= -1e-12)


def test_the_blend_gives_no_weight_to_anchored_trees_that_do_not_help() -> None:
    rng = np.random.default_rng(9)
    truth = rng.normal(12, 0.4, 800)
    trees = truth + rng.normal(0, 0.08, 800)
    linear = truth + rng.normal(0, 0.15, 800)
    useless = truth.mean() + rng.normal(0, 0.4, 800)
    assert choose_weights(truth, linear, trees, useless).anchored == 0.0
    chosen = choose_weights(truth, linear, useless, trees)  # the roles swapped: now the anchored part is good
    assert chosen.anchored >= 0.6 and chosen.trees == 0.0
    # anchored trees a little worse than the plain ones on their own: averaging them would help, but
    # they are not let in (on a small market that share followed noise)
    rival = truth + rng.normal(0, 0.085, 800)
    assert choose_weights(truth, linear, trees, rival).anchored == 0.0
    assert choose_weights(truth, linear, useless, rival).anchored > 0.5  # better than useless plain trees: in
    w = BlendWeights(0.3, 0.5)
    assert np.allclose(w.apply(linear, trees, useless), 0.3 * trees + 0.5 * useless + 0.2 * linear)


def test_on_a_size_law_market_the_anchored_trees_beat_the_trees_alone() -> None:
    numeric, log_price = size_law_town()
    model = fit_model(market(numeric, log_price), ModelParams.small())
    tried = model.weights_tried
    assert tried["anchored trees"] < 0.85 * tried["trees"], tried
    assert model.anchored_weight > 0 and model.regressor.anchor is not None
    assert model.regressor.anchor.column == "area"
    # and the fitted model, valuing the town's largest houses (where trees flatten), beats its own trees alone
    numeric_new, log_new = size_law_town(2000, seed=11)
    big = numeric_new["area"] > np.quantile(numeric["area"], 0.97)
    log_new = log_new[big]
    fresh = market({k: v[big] for k, v in numeric_new.items()}, log_new)
    blend = model.predict_log(fresh)
    _, trees, _ = model.regressor.predict_parts(fresh)
    if model.regressor.gbm is None:  # the blend gave the plain trees no weight: fit them to compare
        from valuation.model import Regressor

        kept = market({k: v[model.kept] for k, v in numeric.items()}, log_price[model.kept])
        trees = Regressor.fit(kept, log_price[model.kept], ModelParams.small(), anchored=False).predict_parts(fresh)[1]
    assert np.median(np.abs(blend - log_new)) < 0.6 * np.median(np.abs(trees - log_new))


def test_a_wide_table_gets_no_anchored_trees() -> None:
    numeric, log_price = size_law_town(300)
    rng = np.random.default_rng(2)
    numeric.update({f"extra {i}": rng.normal(0, 1, 300) for i in range(30)})  # 33 columns for the trees
    model = fit_model(market(numeric, log_price), ModelParams.small())
    assert model.regressor.anchor is None and model.regressor.anchored is None and model.anchored_weight == 0.0
