"""The valuation report's typed inputs and their one conversion to and from the record's JSON."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from core.documents.evidence import RecordInvalid, parse_record
from core.entries import canonical_json
from core.errors import DeedbookError
from desktop.documents import build_valuation_pdf, verify_pdf
from desktop.documents.valuation_data import (
    CardData,
    ComparableSale,
    Difference,
    Driver,
    Feature,
    Interval,
    ModelCard,
    ReportValuation,
)
from tests.documents import tampering
from tests.documents.builders import Scene
from tests.documents.conftest import sample_card, sample_valuation

NUMBER = st.integers(-(10**12), 10**12) | st.floats(allow_nan=False, allow_infinity=False, width=64)
TEXT = st.text(max_size=12)
SCALAR = st.none() | st.booleans() | NUMBER | TEXT
METRICS = (
    "n",
    "mdape",
    "within_5",
    "within_10",
    "within_20",
    "coverage",
    "mean_interval_width",
    "median_ratio",
    "cod",
    "prd",
    "prb",
)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def tuples(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(strategy, max_size=3).map(tuple)


VALUATIONS = st.builds(
    ReportValuation,
    TEXT.filter(bool),
    NUMBER,
    NUMBER,
    NUMBER,
    TEXT,
    TEXT,
    maybe(NUMBER),
    maybe(TEXT),
    maybe(NUMBER),
    maybe(NUMBER),
    tuples(st.builds(Driver, TEXT, NUMBER, maybe(TEXT), SCALAR, SCALAR)),
    tuples(
        st.builds(
            ComparableSale,
            maybe(TEXT),
            NUMBER,
            maybe(TEXT),
            maybe(NUMBER),
            NUMBER,
            maybe(NUMBER),
            tuples(st.builds(Difference, SCALAR, SCALAR, SCALAR)),
        )
    ),
    tuples(TEXT),
    tuples(TEXT),
)
CARDS = st.builds(
    ModelCard,
    maybe(TEXT),
    maybe(TEXT),
    maybe(TEXT),
    maybe(TEXT),
    st.builds(
        CardData,
        maybe(TEXT),
        maybe(TEXT),
        maybe(TEXT),
        maybe(st.integers(0, 10**9)),
        maybe(st.integers(0, 10**9)),
        maybe(st.integers(0, 10**9)),
        maybe(tuples(TEXT)),
        maybe(tuples(NUMBER)),
    ),
    maybe(TEXT),
    maybe(st.builds(Interval, maybe(TEXT), maybe(NUMBER), maybe(tuples(NUMBER)), maybe(tuples(NUMBER)))),
    st.dictionaries(st.sampled_from(METRICS), NUMBER),
    tuples(st.builds(Feature, maybe(TEXT), maybe(TEXT), maybe(NUMBER))),
    maybe(st.dictionaries(TEXT, TEXT, max_size=3)),
    maybe(tuples(TEXT)),
    maybe(st.integers(0, 2**31)),
)


def _embedded(data: dict[str, Any]) -> Any:
    """As a reader of the PDF gets it back: canonical JSON, parsed."""
    return json.loads(canonical_json(data))


@settings(max_examples=150, deadline=None)
@given(VALUATIONS)
def test_a_valuation_survives_the_record(v: ReportValuation) -> None:
    assert ReportValuation.from_json(v.to_json()) == v
    embedded = _embedded(v.to_json())
    assert ReportValuation.from_json(embedded).to_json() == embedded


@settings(max_examples=150, deadline=None)
@given(CARDS)
def test_a_model_card_survives_the_record(card: ModelCard) -> None:
    assert ModelCard.from_json(card.to_json()) == card
    embedded = _embedded(card.to_json())
    assert ModelCard.from_json(embedded).to_json() == embedded


JSON = st.recursive(
    st.none() | st.booleans() | NUMBER | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "currency",
                "estimate",
                "low",
                "high",
                "drivers",
                "comparables",
                "as_of",
                "typical_sale",
                "warnings",
                "assumed_typical",
                "model_sha256",
            ]
        ),
        JSON,
    )
)
def test_whatever_a_record_carries_is_a_valuation_or_malformed(data: dict[str, Any]) -> None:
    try:
        ReportValuation.from_json(data)
    except RecordInvalid as refused:
        assert "malformed" in str(refused)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["data", "model", "metrics", "features", "libraries", "limits", "seed", "created"]), JSON
    )
)
def test_whatever_a_record_carries_is_a_card_or_malformed(data: dict[str, Any]) -> None:
    try:
        ModelCard.from_json(data)
    except RecordInvalid as refused:
        assert "malformed" in str(refused)


def test_the_card_keeps_what_a_reader_needs() -> None:
    features = [
        {"name": f"f{i}", "kind": "numeric", "importance": float(i), "used": i != 19, "note": "n"} for i in range(20)
    ]
    card = ModelCard.from_card(
        {
            "model_sha256": "ab" * 32,
            "currency": "USD",
            "features": features,
            "data": {"name": "market", "rows_read": 10, "filters": ["x"], "time_range": None},
            "metrics": {"mdape": float("nan"), "cod": 6.5, "method": "out of fold"},
            "model": {"kind": "blend", "params": {"a": 1}},
        }
    )
    assert [f.name for f in card.features] == [f"f{i}" for i in range(18, 6, -1)]  # the 12 most influential used
    assert card.data == CardData(name="market", rows_read=10)  # unknown facts and absent ones left out
    assert card.metrics == {"cod": 6.5}  # a figure that could not be measured is not shown
    assert card.kind == "blend" and card.given
    assert not ModelCard.from_card({"model_sha256": "ab" * 32}).given
    with pytest.raises(DeedbookError, match="model card given to the valuation report is malformed"):
        ModelCard.from_card({"data": {"rows_read": "many"}})


@pytest.mark.parametrize("currency, shown", [("JPY", "JPY 203,109"), ("KWD", "KWD 203,109"), ("USD", "USD 203,109")])
def test_the_report_is_drawn_from_the_valuations_own_figures(scene: Scene, currency: str, shown: str) -> None:
    v = sample_valuation(currency=currency)
    pdf = build_valuation_pdf(scene.ledger, scene.deed, v, sample_card(currency))
    assert verify_pdf(pdf).ok
    carried = parse_record(tampering.record_bytes(pdf)).extra["valuation"]
    assert carried["currency"] == currency
    assert (carried["estimate"], carried["low"], carried["high"]) == (v.estimate.units, v.low.units, v.high.units)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert shown in text and "$" not in text


def test_a_malformed_valuation_in_a_record_is_said_not_drawn(docs: dict[str, Path]) -> None:
    def strings(data: dict[str, Any]) -> None:
        data["extra"]["valuation"]["comparables"][0]["price"] = "257600"

    pdf = tampering.replace_record(docs["valuation"].read_bytes(), lambda raw: tampering.change_json(raw, strings))
    report = verify_pdf(pdf)
    assert not report.ok and report.reason == "The valuation carried in the embedded record is malformed."
