"""A deed the model knows little about: its FSD and range widen by what was measured out of fold,
so nothing known is never "high confidence"; and the card's summary counts what it names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.valuation.conftest import write_csv
from tests.valuation.test_cli import cli
from valuation.assumed import BAND_EDGES, MIN_BAND, AssumedWidening, MaskedErrors, fit_widening, share_assumed

COLUMNS = {"price": "Sale_Price", "area": "Gr_Liv_Area", "quality": "Overall_Qual", "Latitude": "Latitude"}


@pytest.fixture(scope="module")
def narrow_csv(tmp_path_factory: pytest.TempPathFactory, slice_rows: list[dict[str, str]]) -> Path:
    """Two attributes and coordinates, as a user's own small table might have."""
    rows = [{**{k: r[v] for k, v in COLUMNS.items()}, "Longitude": r["Longitude"]} for r in slice_rows]
    return write_csv(tmp_path_factory.mktemp("narrow") / "narrow.csv", rows)


@pytest.fixture(scope="module")
def narrow_model(narrow_csv: Path) -> Any:
    from valuation.dataset import load_csv
    from valuation.model import ModelParams
    from valuation.training import train_model

    _, spec, data = load_csv(narrow_csv, "price")
    return train_model(data, spec, ModelParams.small(seed=0))


def test_the_card_counts_what_it_names(capsys: pytest.CaptureFixture[str], tmp_path: Path, narrow_csv: Path) -> None:
    """The audit: '2 features' was printed beside three names (Location is not a column). The card now
    lists the model's inputs, and the summary's count covers every name the importance list shows."""
    home = ["--data-dir", str(tmp_path / "home")]
    code, _, _ = cli(
        capsys, *home, "valuation", "train", "--csv", str(narrow_csv), "--target", "price", "--quick", "--no-ledger"
    )
    assert code == 0
    code, out, _ = cli(capsys, *home, "valuation", "card", "--json")
    card = json.loads(out)
    assert code == 0 and sorted(card["inputs"]) == sorted(card["drivers_importance"]) == ["Location", "area", "quality"]
    assert card["model"]["assumed"]["bands"] and "68.3%" in card["model"]["assumed"]["method"]
    code, out, _ = cli(capsys, *home, "valuation", "card")
    [line] = [line for line in out.splitlines() if "the most important" in line]
    assert line.strip().startswith("2 attributes and location; the most important: ")
    assert sorted(line.split(": ", 1)[1].split(", ")) == ["Location", "area", "quality"]


def test_nothing_known_is_not_high_confidence_and_its_range_is_wider(narrow_model: Any) -> None:
    from valuation.valuer import value_record

    complete = value_record(narrow_model, {"area": "1500", "quality": "6", "Latitude": "42.03", "Longitude": "-93.64"})
    some = value_record(narrow_model, {"area": "1500"})
    nothing = value_record(narrow_model, {})
    assert complete.assumed == [] and complete.assumed_share == 0.0
    assert sorted(nothing.assumed) == ["Location", "area", "quality"] and nothing.assumed_share == 1.0
    assert 0 < some.assumed_share < 1 and sorted(some.assumed) == ["Location", "quality"]
    assert nothing.confidence_level != "high" and nothing.fsd is not None and complete.fsd is not None
    # more assumed: a larger FSD and a wider range (relative to the estimate), never the reverse
    width = [(v.high.units - v.low.units) / v.estimate.units for v in (complete, some, nothing)]
    assert width[0] < width[1] <= width[2]
    assert nothing.fsd > complete.fsd
    assert nothing.to_json()["assumed_share"] == 1.0 and nothing.to_json()["assumed_typical"] == nothing.assumed


def test_a_complete_record_keeps_the_models_own_figures(narrow_model: Any) -> None:
    """Nothing assumed: the widening does not touch the FSD or the range."""
    from valuation.dataset import from_records
    from valuation.valuer import value_record

    record = {"area": "1200", "quality": "5", "Latitude": "42.02", "Longitude": "-93.62"}
    v = value_record(narrow_model, record)
    model = narrow_model.model
    subject = from_records([record], narrow_model.spec, times=[narrow_model.valuation_time])
    log_estimate = model.predict_log(subject)
    assert v.fsd == round(float(model.fsd(subject, log_estimate)[0]), 4)
    assert v.high.units == pytest.approx(round(float(np.exp(log_estimate[0] + model.upper))), abs=1)


def test_held_out_sales_with_nothing_known_are_covered(narrow_csv: Path) -> None:
    """Out of fold: a model trained on 400 sales values the other 200 knowing nothing about them; its
    widened range covers about 90% of them (before: the typical sale's narrow range covered far fewer)."""
    from valuation.dataset import load_csv
    from valuation.model import ModelParams
    from valuation.training import train_model
    from valuation.valuer import value_record

    _, spec, data = load_csv(narrow_csv, "price")
    order = np.random.default_rng(5).permutation(len(data))
    trained = train_model(data.take(order[:400]), spec, ModelParams.small(seed=1))
    held = data.take(order[400:])
    v = value_record(trained, {})
    log_price = np.log(held.price)
    inside = (log_price >= np.log(v.low.units)) & (log_price <= np.log(v.high.units))
    narrow = np.abs(log_price - np.log(v.estimate.units)) <= max(-trained.model.lower, trained.model.upper)
    assert 0.82 <= inside.mean() <= 0.97 and narrow.mean() < 0.75
    assert v.confidence_level == "low"


def _errors(rng: np.random.Generator, n: int, groups: int) -> MaskedErrors:
    """Masked sales whose error spread grows with the share masked: sd = 0.1 x (1 + 3 x share)."""
    masks = rng.random((n, groups)) < rng.random((n, 1))
    share = masks.mean(axis=1)
    residual = 0.1 * (1 + 3 * share) * rng.standard_normal(n)
    return MaskedErrors([f"a{i}" for i in range(groups)], masks, residual, np.full(n, 0.1))


def test_the_widening_is_measured_per_band() -> None:
    rng = np.random.default_rng(0)
    importance = {f"a{i}": 1.0 for i in range(8)}
    widening = fit_widening(_errors(rng, 6000, 8), importance, -0.16, 0.16, 0.90)
    assert widening.fsd_factor == sorted(widening.fsd_factor) and widening.fsd_factor[-1] > 3.0
    assert all(c >= MIN_BAND for c in widening.counts)
    # on fresh draws from the same law, each band covers about 90% and about 68% within one FSD
    fresh = _errors(rng, 20000, 8)
    share = fresh.masks.mean(axis=1)
    for b, edge in enumerate(widening.upper_edges):
        start = widening.upper_edges[b - 1] if b else 0.0
        sel = (share > start) & (share <= edge + 1e-9)
        if sel.sum() < 500:
            continue
        r = fresh.residual[sel]
        assert 0.86 <= np.mean((r >= widening.lower[b]) & (r <= widening.upper[b])) <= 0.95
        assert 0.62 <= np.mean(np.abs(r) <= 0.1 * widening.fsd_factor[b]) <= 0.76


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0.0, 1e6), min_size=1, max_size=6),
    st.lists(st.booleans(), min_size=6, max_size=6),
    st.lists(st.booleans(), min_size=6, max_size=6),
    st.floats(0.01, 0.5),
)
def test_more_assumed_is_never_narrower(weights: list[float], first: list[bool], extra: list[bool], fsd: float) -> None:
    """Assuming one more attribute never lowers the share, the FSD or the range (hypothesis)."""
    groups = [f"a{i}" for i in range(len(weights))]
    importance = dict(zip(groups, weights, strict=True))
    widening = AssumedWidening(
        groups,
        importance,
        [*BAND_EDGES, 1.0],
        [1.2, 1.5, 1.9, 2.4, 2.9, 3.3],
        [-0.2, -0.25, -0.3, -0.35, -0.4, -0.5],
        [0.2, 0.3, 0.4, 0.5, 0.6, 0.8],
        [100] * 6,
    )
    small = [g for g, f in zip(groups, first, strict=False) if f]
    large = sorted(set(small) | {g for g, e in zip(groups, extra, strict=False) if e})
    s_small, s_large = share_assumed(small, importance, groups), share_assumed(large, importance, groups)
    assert 0.0 <= s_small <= s_large + 1e-12 <= 1.0 + 1e-9
    a = widening.widen(s_small, fsd, -0.15, 0.15)
    b = widening.widen(s_large, fsd, -0.15, 0.15)
    assert a[0] <= b[0] and a[1] >= b[1] and a[2] <= b[2]
    assert a[0] >= fsd and a[1] <= -0.15 and a[2] >= 0.15
    if s_small == 0:
        assert a == (fsd, -0.15, 0.15)
