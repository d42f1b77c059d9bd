"""The valuation report as the front ends make it: the workspace values the deed with the stored model,
hands the documents layer the `Valuation` and the model's card, and the report proves a recorded valuation."""

from __future__ import annotations

from pathlib import Path

from core.checkpoints import make_checkpoint
from core.documents.evidence import parse_record
from core.paths import DataDir
from desktop.documents import verify_pdf
from desktop.documents.valuation_data import ModelCard, ReportValuation
from desktop.workspace import Document, Signer, Workspace
from tests.documents import tampering
from tests.helpers import PASSWORD, make_world
from valuation import service


def test_a_recorded_valuation_report_from_the_stored_model(home_with_model: DataDir, tmp_path: Path) -> None:
    world = make_world(home_with_model.root, name="Report County")  # beside the stored model
    deed = world.register(
        "0526301100",
        world.key("owner").address,
        attributes={"Gr_Liv_Area": 1656, "Year_Built": 1960, "Lot_Area": 31770},
    )
    ws = Workspace(world.home, ledger=world.ledger)
    valued = ws.value_deed(deed).value
    ws.record_valuation(valued, Signer("operator", PASSWORD))
    make_checkpoint(world.ledger, world.operator)
    out = tmp_path / "report.pdf"
    done = ws.make_document(Document.valuation(deed, valued), out=out)
    assert done.value == out and done.receipt.files == (out,)

    report = verify_pdf(out, world.ledger)
    assert report.ok, report.reason
    record = parse_record(tampering.record_bytes(out.read_bytes()))
    assert isinstance(record.params["recorded"], int)  # the signed Valuation entry proves the figures
    carried = ReportValuation.from_json(record.extra["valuation"])
    assert (carried.estimate, carried.low, carried.high) == (
        valued.valuation.estimate.units,
        valued.valuation.low.units,
        valued.valuation.high.units,
    )
    assert carried.currency == valued.currency and carried.model_sha256 == service.card(world.home)["model_sha256"]
    card = ModelCard.from_json(record.extra["model"])
    assert card == ModelCard.from_card(valued.card) and card.given and card.metrics
