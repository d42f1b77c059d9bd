"""The valuation report: unrecorded figures are carried, recorded ones are bound to the signed entry."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.checkpoints import make_checkpoint
from core.documents import build_valuation_pdf, verify_pdf
from core.documents.evidence import parse_record
from core.errors import DeedbookError
from tests.documents import tampering
from tests.documents.builders import make_scene
from tests.documents.conftest import sample_valuation


def _record_valuation(scene: Any, v: dict[str, Any]) -> int:
    ledger = scene.ledger
    deed = ledger.deed(scene.deed)
    message = {"deedId": deed.deed_id, "parcel": deed.parcel, "deedVersion": deed.version,
               "modelHash": "0x" + v["model_sha256"], "inputHash": "0x" + v["input_sha256"],
               "estimate": int(v["estimate"] * 100), "low": int(v["low"] * 100), "high": int(v["high"] * 100),
               "currency": "USD", "coverage": 90, "asOf": v["as_of"], "supersedes": 0}
    return ledger.append([ledger.sign("Valuation", message, scene.world.operator, "appraiser")])[0]


def test_a_recorded_valuation_is_proved_and_bound(tmp_path: Path) -> None:
    scene = make_scene(tmp_path / "home", checkpoint=False)
    v = sample_valuation()
    index = _record_valuation(scene, v)
    make_checkpoint(scene.ledger, scene.world.operator)
    pdf = build_valuation_pdf(scene.ledger, scene.deed, v)
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
    record = parse_record(tampering.record_bytes(build_valuation_pdf(scene.ledger, scene.deed, other)))
    assert record.params["recorded"] is None


def test_the_valuation_object_and_its_card_are_accepted(scene: Any) -> None:
    """The GUI passes valuation/'s result object (anything with to_json()) and the model card."""
    v = sample_valuation()
    card = v.pop("model_card")
    body = {k: v[k] for k in v if k not in ("currency", "model_sha256")}

    class Result:
        def to_json(self) -> dict[str, Any]:
            return body

    from_object = build_valuation_pdf(scene.ledger, scene.deed, Result(), "letter", model_card=card)
    from_data = build_valuation_pdf(scene.ledger, scene.deed, sample_valuation(), "letter")
    assert from_object == from_data


def test_a_valuation_needs_its_figures(scene: Any) -> None:
    with pytest.raises(DeedbookError, match="low <= estimate <= high"):
        build_valuation_pdf(scene.ledger, scene.deed, {**sample_valuation(), "low": 300_000.0})
    with pytest.raises(DeedbookError, match="needs an estimate"):
        build_valuation_pdf(scene.ledger, scene.deed, {"estimate": 1})
