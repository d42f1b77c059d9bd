"""verify-pdf: genuine documents pass; every kind of change is caught and named."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest

from core.documents.evidence import Record, parse_record
from core.errors import DeedbookError
from desktop.documents import verify_pdf
from tests.documents import tampering
from tests.documents.builders import Scene
from datetime import UTC


@pytest.mark.parametrize("name", ["title", "transfer", "notary", "journal", "valuation"])
def test_every_document_is_genuine_offline(docs: dict[str, Path], name: str) -> None:
    report = verify_pdf(docs[name])
    assert report.ok, report.reason
    assert report.document == {"notary": "notary"}.get(name, name)
    assert report.entries and all(e["hash"].startswith("0x") for e in report.entries)
    assert report.local is None


def test_same_entries_same_bytes(scene: Scene, docs: dict[str, Path]) -> None:
    from desktop.documents import build_title_pdf, build_transfer_pdf

    assert build_title_pdf(scene.ledger, scene.deed) == docs["title"].read_bytes()
    assert build_transfer_pdf(scene.ledger, scene.transfers[0]) == docs["transfer"].read_bytes()
    assert build_title_pdf(scene.ledger, scene.deed, "Letter") != docs["title"].read_bytes()


def test_creation_date_comes_from_the_checkpoint(scene: Scene, docs: dict[str, Path]) -> None:
    from datetime import datetime

    from pypdf import PdfReader

    meta = PdfReader(docs["title"]).metadata
    stamp = scene.ledger.latest_checkpoint().message["timestamp"]
    expected = datetime.fromtimestamp(stamp, UTC).strftime("D:%Y%m%d%H%M%S")
    assert meta["/CreationDate"].startswith(expected)
    assert meta["/Producer"] == meta["/Creator"] == "Deedbook documents (deedbook-document/1, PDF/A-3b)"


def _forged(record: Record, **changes: object) -> Record:
    """A record drawn with other content but embedding the genuine record's bytes."""
    genuine = record.to_bytes()

    class Forged(Record):
        def to_bytes(self) -> bytes:
            return genuine

    return Forged(**{f.name: getattr(record, f.name) for f in dataclasses.fields(record)} | changes)


def test_a_changed_digit_in_the_visible_text_is_caught(docs: dict[str, Path]) -> None:
    from desktop.documents.transfer_deed import draw_transfer

    pdf = docs["transfer"].read_bytes()
    record = parse_record(tampering.record_bytes(pdf))
    entries = []
    for e in record.entries:
        if e.kind == "Transfer":
            e = dataclasses.replace(e, message={**e.message, "price": 815_000_00})
        entries.append(e)
    forged = draw_transfer(_forged(record, entries=entries))
    assert forged != pdf and tampering.record_bytes(forged) == tampering.record_bytes(pdf)  # only the drawing differs
    report = verify_pdf(forged)
    assert not report.ok
    assert "815,000.00" in report.reason and "215,000.00" in report.reason


def test_a_digit_edited_with_a_pdf_library_is_caught(docs: dict[str, Path]) -> None:
    pdf = docs["transfer"].read_bytes()
    edited = tampering.edit_page_text(pdf, b"(USD 215,000.00)", b"(USD 215,900.00)")
    report = verify_pdf(edited)
    assert not report.ok and report.exit_code == 1
    assert any("215,900.00" in d and "215,000.00" in d for d in report.differences)


def test_an_incremental_update_is_caught(docs: dict[str, Path]) -> None:
    pdf = docs["transfer"].read_bytes()
    edited = tampering.edit_page_text(pdf, b"(USD 215,000.00)", b"(USD 219,000.00)", incremental=True)
    assert edited.startswith(pdf)
    report = verify_pdf(edited)
    assert not report.ok
    assert "USD 219,000.00" in report.reason and "USD 215,000.00" in report.reason
    assert any("added after the end of the genuine document" in d for d in report.differences)
    assert "added after the end of the genuine document" in verify_pdf(edited, strict=True).reason


def test_a_digit_changed_in_the_attachment_is_caught(scene: Scene, docs: dict[str, Path]) -> None:
    def raise_price(data: dict) -> None:
        for e in data["entries"]:
            if e["kind"] == "Transfer":
                e["message"]["price"] += 1

    pdf = docs["transfer"].read_bytes()
    edited = tampering.replace_record(pdf, lambda raw: tampering.change_json(raw, raise_price))
    report = verify_pdf(edited)
    assert not report.ok
    assert f"Entry {scene.transfers[0]} does not check" in report.reason


def test_an_edited_name_is_unsigned_but_still_caught_when_the_drawing_is_not_redone(docs: dict[str, Path]) -> None:
    def rename(data: dict) -> None:
        for address in data["names"]:
            data["names"][address] = "Mallory"

    edited = tampering.replace_record(docs["title"].read_bytes(), lambda raw: tampering.change_json(raw, rename))
    report = verify_pdf(edited)
    assert not report.ok and "Mallory" in " ".join(report.differences)


@pytest.mark.parametrize("offset", [200, 333, 517, 800, 1201])
def test_a_flipped_byte_in_the_compressed_attachment_is_caught(docs: dict[str, Path], offset: int) -> None:
    """A flipped bit in the record's deflate stream, wherever it lands (the record's keys are new each run, so
    the same offset lands elsewhere in it): it breaks the stream or the JSON, or changes one character of the
    record that what it is part of catches (a leaf hash, an audit path, a signer's role, a name drawn on the
    page), each said in one sentence; or the record names a type or format this version does not know (a
    sentence, exit 2 on the command line); or it changes nothing the stream inflates to (a bit the decoder
    ignores), which is the re-saved verdict.  Over every offset of one run's stream, all of these were seen."""
    pdf = docs["title"].read_bytes()
    edited = tampering.flip_byte_in_record_stream(pdf, offset)
    assert len(edited) == len(pdf)
    try:
        report = verify_pdf(edited)
    except DeedbookError as unreadable:
        assert "this version of Deedbook" in str(unreadable)
        return
    if report.ok:
        assert report.resaved and tampering.record_bytes(edited) == tampering.record_bytes(pdf)
    else:
        assert report.exit_code == 1 and report.reason and "\n" not in report.reason, report.reason


def test_another_documents_record_swapped_in_is_caught(docs: dict[str, Path]) -> None:
    other = tampering.record_bytes(docs["transfer"].read_bytes())
    edited = tampering.replace_record(docs["title"].read_bytes(), lambda _raw: other)
    report = verify_pdf(edited)
    assert not report.ok
    assert report.document == "transfer"  # the entries check: what they draw is another document
    assert "Page 1" in " ".join(report.differences)


def test_a_truncated_file_is_caught(docs: dict[str, Path]) -> None:
    pdf = docs["title"].read_bytes()
    for cut in (len(pdf) - 1, len(pdf) * 2 // 3, len(pdf) // 3):
        report = verify_pdf(pdf[:cut])
        assert not report.ok and report.exit_code == 1, cut


def test_a_reencoded_record_is_caught(docs: dict[str, Path]) -> None:
    import json

    edited = tampering.replace_record(
        docs["journal"].read_bytes(), lambda raw: json.dumps(json.loads(raw), indent=1).encode()
    )
    report = verify_pdf(edited)
    assert not report.ok
    assert any("re-encoded" in d for d in report.differences)


def test_not_a_deedbook_document(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    plain = io.BytesIO()
    canvas = Canvas(plain)
    canvas.drawString(72, 720, "An ordinary PDF")
    canvas.save()
    with pytest.raises(DeedbookError, match="not a Deedbook document"):
        verify_pdf(plain.getvalue())
    with pytest.raises(DeedbookError, match="not a PDF"):
        verify_pdf(b"GIF89a not a pdf at all")
    with pytest.raises(DeedbookError, match="not a PDF"):
        verify_pdf(b"")
    with pytest.raises(DeedbookError, match="no file"):
        verify_pdf(tmp_path / "missing.pdf")
    with pytest.raises(DeedbookError, match=r"cannot be read as a PDF|not a Deedbook document"):
        verify_pdf(b"%PDF-1.4\n" + bytes(range(256)) * 4)


def test_a_newer_record_format_is_refused_plainly(docs: dict[str, Path]) -> None:
    def future(data: dict) -> None:
        data["format"] = "deedbook-document/9"

    edited = tampering.replace_record(docs["title"].read_bytes(), lambda raw: tampering.change_json(raw, future))
    with pytest.raises(DeedbookError, match="another version of Deedbook"):
        verify_pdf(edited)
