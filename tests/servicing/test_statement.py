"""A holder's statement PDF verifies offline and fails when its holding or amount is edited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.documents import RecordInvalid
from core.documents.evidence import parse_record
from core.servicing import distributions as dist
from desktop.cli.main import run
from desktop.documents.registry import render_record
from desktop.documents.verify import verify_pdf
from tests.documents import tampering
from tests.servicing.conftest import Thirds


@pytest.fixture
def paid(thirds: Thirds) -> Thirds:
    ledger = thirds.world.ledger
    dist.record_distribution(
        ledger, thirds.world.operator, dist.preview(ledger, thirds.deed, "1000", "USD", purpose="Rent for March")
    )
    return thirds


def _cli(o: Thirds, *args: str) -> int:
    return run(["--data-dir", str(o.world.home.root), *args])


def test_a_statement_needs_a_checkpoint_covering_the_distribution_then_verifies_offline(
    paid: Thirds, tmp_path: Path, password_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bob.pdf"
    assert _cli(paid, "distribution", "statement", "1", "--holder", paid.bob.address, "--out", str(out)) == 2
    assert "not covered by a checkpoint" in capsys.readouterr().err and not out.exists()
    assert (
        _cli(
            paid,
            "distribution",
            "statement",
            "1",
            "--holder",
            paid.bob.address,
            "--out",
            str(out),
            "--checkpoint-key",
            "operator",
            "--password-file",
            str(password_file),
        )
        == 0
    )
    capsys.readouterr()
    assert run(["verify-pdf", str(out)]) == 0  # no data folder: the file alone
    said = capsys.readouterr().out
    assert "GENUINE" in said and "distribution statement" in said
    report = verify_pdf(out.read_bytes())
    assert report.ok and report.document == "statement"
    assert {e["kind"] for e in report.entries} == {"Distribution", "Checkpoint", "RegisterDeed", "Transfer"}


def test_every_holders_statement_is_written_and_a_holder_not_paid_has_none(
    paid: Thirds, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paid.checkpoint_now()
    assert _cli(paid, "distribution", "statements", "1", "--out-dir", str(tmp_path / "st")) == 0
    written = sorted((tmp_path / "st").glob("*.pdf"))
    assert len(written) == 3 and all(verify_pdf(p.read_bytes()).ok for p in written)
    assert (
        _cli(
            paid,
            "distribution",
            "statement",
            "1",
            "--holder",
            paid.world.operator.address,
            "--out",
            str(tmp_path / "x.pdf"),
        )
        == 2
    )
    assert "is not among the holders paid" in capsys.readouterr().err


def _statement(o: Thirds) -> bytes:
    o.checkpoint_now()
    from desktop.documents.statement import build_statement_pdf

    return build_statement_pdf(o.world.ledger, 1, o.bob.address)


def test_an_edited_amount_on_the_page_does_not_verify(paid: Thirds) -> None:
    pdf = _statement(paid)
    assert verify_pdf(pdf).ok
    edited = tampering.edit_page_text(pdf, b"(USD 333.33)", b"(USD 933.33)")
    report = verify_pdf(edited)
    assert not report.ok


def _edit_record(pdf: bytes, edit: Any) -> bytes:
    return tampering.replace_record(pdf, lambda raw: tampering.change_json(raw, edit))


def test_an_edited_holding_or_payout_in_the_embedded_record_does_not_verify(paid: Thirds) -> None:
    pdf = _statement(paid)

    def more_shares(data: dict[str, Any]) -> None:
        d = next(e for e in data["entries"] if e["kind"] == "Distribution")
        d["message"]["payouts"][0]["shares"] += 1

    def more_money(data: dict[str, Any]) -> None:
        d = next(e for e in data["entries"] if e["kind"] == "Distribution")
        d["message"]["payouts"][0]["minor"] += 60000
        d["message"]["amount"] += 60000

    def drop_a_sale(data: dict[str, Any]) -> None:  # the holding as if alice had never sold to carol
        data["entries"] = [e for e in data["entries"] if not (e["kind"] == "Transfer" and e["index"] == 3)]

    for edit in (more_shares, more_money, drop_a_sale):
        report = verify_pdf(_edit_record(pdf, edit))
        assert not report.ok, edit.__name__


def test_the_drawing_itself_refuses_entries_that_do_not_add_up(paid: Thirds) -> None:
    """Even with proofs set aside, a record whose entries do not make the stated holdings is not drawn."""
    record = parse_record(tampering.record_bytes(_statement(paid)))
    short = type(record)(
        record.doc_type,
        record.paper,
        record.params,
        record.ledger,
        record.checkpoint,
        [e for e in record.entries if not (e.kind == "Transfer" and e.index == 3)],
        record.names,
        record.extra,
        record.layout,
    )
    with pytest.raises(RecordInvalid, match="do not add up to the holdings"):
        render_record(short)
    stranger = type(record)(
        record.doc_type,
        record.paper,
        {**record.params, "holder": "0x" + "12" * 20},
        record.ledger,
        record.checkpoint,
        record.entries,
        record.names,
        record.extra,
        record.layout,
    )
    with pytest.raises(RecordInvalid, match="not among the holders"):
        render_record(stranger)
