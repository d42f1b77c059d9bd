"""A valuation of a market without sale dates, recorded and reported: the Valuation entry does not claim a month
(its asOf is empty, read "not dated"), and the report says "not dated" and "date not known" in the valuation
pane's words (valuation/wording.py). A dated valuation is recorded and reported as before."""

# ruff: noqa: F811  (the undated_home fixture is imported from its module; pytest hands it to tests by name)

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

import pytest

from core.checkpoints import make_checkpoint
from core.demo import DEMO_PASSWORD
from core.documents.evidence import parse_record
from core.errors import RuleViolation
from core.keys import KeyStore
from core.paths import DataDir
from core.verify import verify_ledger
from desktop.documents import verify_pdf
from desktop.documents.registry import render_record
from desktop.workspace import Document, Signer, Workspace
from tests.documents import tampering
from tests.helpers import PASSWORD, make_world, valuation_message
from tests.valuation.undated import copy_of, undated_home  # noqa: F401 - a fixture
from valuation.wording import NOT_DATED, SALE_DATE_UNKNOWN, UNDATED


def pdf_text(pdf: bytes, layout: bool = True) -> str:
    """The pages' text as pdftotext reads it (side by side with -layout, else in drawing order), each run of
    spaces one space."""
    argv = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    out = subprocess.run(argv, input=pdf, capture_output=True, check=True).stdout
    return re.sub(r"[ \t]+", " ", out.decode())


def report(ws: Workspace, deed: int, valued: object, out: Path) -> bytes:
    ws.make_document(Document.valuation(deed, valued), out=out)  # type: ignore[arg-type]
    return out.read_bytes()


def test_an_undated_valuation_is_recorded_not_dated_and_reported_so(undated_home: Path, tmp_path: Path) -> None:
    home = copy_of(undated_home, tmp_path / "home")
    ws = Workspace.open(home)
    try:
        valued = ws.value_deed(3).value
        assert valued.valuation.as_of is None
        index = ws.record_valuation(valued, Signer("demo-operator", DEMO_PASSWORD)).value
        ledger = ws.ledger
        entry = ledger.entry(index)
        assert entry.message["asOf"] == ""  # not the month it was recorded in
        assert " not dated: " in entry.describe() and "as of" not in entry.describe()
        assert verify_ledger(ledger).ok
        operator = KeyStore(DataDir.resolve(home).keys).unlock("demo-operator", DEMO_PASSWORD)
        make_checkpoint(ledger, operator)
        pdf = report(ws, 3, valued, tmp_path / "report.pdf")
    finally:
        ws.close()
    record = parse_record(tampering.record_bytes(pdf))
    assert record.layout == 7 and record.params["recorded"] == index
    assert verify_pdf(pdf).ok
    text = pdf_text(pdf)
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if "AS OF" in line)  # the report's header cells
    assert f" {UNDATED} " in lines[header + 1], lines[header : header + 2]
    assert f"This valuation is {NOT_DATED}." in " ".join(pdf_text(pdf, layout=False).split())
    assert text.count("date not") == 5 and text.count("known") >= 5  # each comparable, in its narrow column
    assert f"SALES DATED {UNDATED}" in text  # the model card's sales
    assert "\u2014 " not in text.split("SUBJECT PROPERTY")[0] and "None" not in text
    older = pdf_text(render_record(dataclasses.replace(record, layout=2))).splitlines()  # what layout 2 said
    assert UNDATED not in older[header + 1] and " \u2014 " in older[header + 1], older[header : header + 2]
    assert not any(SALE_DATE_UNKNOWN in line for line in older)


def test_a_valuation_date_is_empty_or_a_month_or_a_day(undated_home: Path, tmp_path: Path) -> None:
    """The rule: an empty asOf is a valuation not dated; anything else must still be YYYY-MM or YYYY-MM-DD."""
    home = copy_of(undated_home, tmp_path / "home")
    ws = Workspace.open(home)
    try:
        ledger = ws.ledger
        operator = KeyStore(DataDir.resolve(home).keys).unlock("demo-operator", DEMO_PASSWORD)
        message = valuation_message(ledger, 2)
        size = ledger.size()
        for bad in ("2010-7", "July 2010", " ", "2010-07 "):
            with pytest.raises(RuleViolation, match="is not written YYYY-MM"):
                ledger.append([ledger.sign("Valuation", {**message, "asOf": bad}, operator, "appraiser")])
            assert ledger.size() == size
        ledger.append([ledger.sign("Valuation", {**message, "asOf": ""}, operator, "appraiser")])
        assert ledger.size() == size + 1 and verify_ledger(ledger).ok
    finally:
        ws.close()


def test_a_dated_valuation_is_recorded_and_reported_as_before(home_with_model: DataDir, tmp_path: Path) -> None:
    world = make_world(home_with_model.root, name="Dated County")
    deed = world.register(
        "0526301100", world.key("owner").address, attributes={"Gr_Liv_Area": 1656, "Year_Built": 1960}
    )
    ws = Workspace(world.home, ledger=world.ledger)
    valued = ws.value_deed(deed).value
    month = valued.valuation.as_of
    assert month and re.fullmatch(r"\d{4}-\d{2}", month)
    index = ws.record_valuation(valued, Signer("operator", PASSWORD)).value
    assert world.ledger.entry(index).message["asOf"] == month
    make_checkpoint(world.ledger, world.operator)
    pdf = report(ws, deed, valued, tmp_path / "report.pdf")
    record = parse_record(tampering.record_bytes(pdf))
    assert record.layout == 7 and verify_pdf(pdf, world.ledger).ok
    text = pdf_text(pdf)
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if "AS OF" in line)
    assert f" {month} " in lines[header + 1] and SALE_DATE_UNKNOWN not in text and "This valuation is" not in text
    assert text == pdf_text(render_record(dataclasses.replace(record, layout=2)))  # reads as layout 2 did
