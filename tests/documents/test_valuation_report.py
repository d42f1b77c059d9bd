"""The valuation report: unrecorded figures are carried, recorded ones are bound to the signed entry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.checkpoints import make_checkpoint
from core.documents.evidence import parse_record
from core.errors import DeedbookError
from desktop.documents import build_valuation_pdf, verify_pdf
from desktop.documents.valuation_data import ModelCard, ReportValuation
from tests.documents import tampering
from tests.documents.builders import make_scene
from tests.documents.conftest import sample_card, sample_valuation


def _record_valuation(scene: Any, v: Any, card: ModelCard) -> int:
    ledger = scene.ledger
    deed = ledger.deed(scene.deed)
    message = {
        "deedId": deed.deed_id,
        "parcel": deed.parcel,
        "deedVersion": deed.version,
        "modelHash": "0x" + str(card.model_sha256),
        "inputHash": "0x" + v.input_sha256,
        "estimate": v.estimate.minor,
        "low": v.low.minor,
        "high": v.high.minor,
        "currency": "USD",
        "coverage": 90,
        "asOf": v.as_of,
        "supersedes": 0,
    }
    return ledger.append([ledger.sign("Valuation", message, scene.world.operator, "appraiser")])[0]


def test_a_recorded_valuation_is_proved_and_bound(tmp_path: Path) -> None:
    scene = make_scene(tmp_path / "home", checkpoint=False)
    v, card = sample_valuation(), sample_card()
    index = _record_valuation(scene, v, card)
    make_checkpoint(scene.ledger, scene.world.operator)
    pdf = build_valuation_pdf(scene.ledger, scene.deed, v, card)
    record = parse_record(tampering.record_bytes(pdf))
    assert record.params["recorded"] == index
    assert {e.kind for e in record.entries} == {"RegisterDeed", "Transfer", "Valuation"}
    report = verify_pdf(pdf, scene.ledger)
    assert report.ok, report.reason

    def inflate(data: dict) -> None:
        data["extra"]["valuation"]["estimate"] = 253_109.0

    forged = tampering.replace_record(pdf, lambda raw: tampering.change_json(raw, inflate))
    report = verify_pdf(forged)
    assert not report.ok and f"Valuation entry {index} signs" in report.reason

    other = sample_valuation(estimate=203_110.0)  # another valuation than the recorded one: carried, not proved
    record = parse_record(tampering.record_bytes(build_valuation_pdf(scene.ledger, scene.deed, other, card)))
    assert record.params["recorded"] is None


def test_the_record_carries_the_valuation_and_its_card_as_given(docs: dict[str, Path]) -> None:
    """The report takes valuation/'s result and the card; the record embeds them as plain JSON (the
    valuation's own figures, its currency and the model's hash) and the report is drawn back from it."""
    record = parse_record(tampering.record_bytes(docs["valuation"].read_bytes()))
    v, card = sample_valuation(), sample_card()
    given = v.to_json()
    carried = record.extra["valuation"]
    assert {k: carried[k] for k in ("estimate", "low", "high", "typical_sale", "as_of", "input_sha256")} == {
        k: given[k] for k in ("estimate", "low", "high", "typical_sale", "as_of", "input_sha256")
    }
    assert carried["drivers"] == json.loads(json.dumps(given["drivers"]))
    assert carried["comparables"] == json.loads(json.dumps(given["comparables"]))
    assert (carried["currency"], carried["model_sha256"]) == ("USD", "27" * 32)
    assert ReportValuation.from_json(carried).to_json() == carried  # one conversion, both ways
    assert ModelCard.from_json(record.extra["model"]) == card
    assert card.to_json() == record.extra["model"]


def test_a_valuation_needs_its_figures(scene: Any) -> None:
    with pytest.raises(DeedbookError, match="low <= estimate <= high"):
        build_valuation_pdf(scene.ledger, scene.deed, sample_valuation(low=300_000.0), sample_card())
    with pytest.raises(DeedbookError, match="0 < low"):
        build_valuation_pdf(scene.ledger, scene.deed, sample_valuation(low=0.0), sample_card())
