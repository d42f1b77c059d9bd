"""verify-pdf survives re-saving: real rewriters (qpdf, pikepdf, Ghostscript) and an incremental update
pass with a note; a changed fact, a covered-and-restated price, a swapped or removed attachment fail."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from core.documents import ATTACHMENT_NAME
from desktop.documents import verify_pdf
from desktop.documents.pdfa import PROOFS_NAME
from tests.documents import tampering


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is needed (Debian: qpdf, ghostscript)")
    return found


def _qpdf(pdf: Path, out: Path) -> bytes:
    subprocess.run([_tool("qpdf"), "--object-streams=generate", "--compress-streams=y", str(pdf), str(out)], check=True)
    return out.read_bytes()


def _pikepdf(pdf: Path) -> bytes:
    out = io.BytesIO()
    with pikepdf.open(pdf) as doc:
        doc.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _ghostscript(pdf: Path, out: Path) -> bytes:
    subprocess.run(
        [_tool("gs"), "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", f"-sOutputFile={out}", str(pdf)],
        check=True,
        capture_output=True,
    )
    return out.read_bytes()


@pytest.mark.parametrize("name", ["title", "transfer"])
def test_rewritten_by_qpdf_pikepdf_and_ghostscript_still_verifies(
    docs: dict[str, Path], tmp_path: Path, name: str
) -> None:
    pdf = docs[name]
    for label, rewritten in [
        ("qpdf", _qpdf(pdf, tmp_path / "q.pdf")),
        ("pikepdf", _pikepdf(pdf)),
        ("gs", _ghostscript(pdf, tmp_path / "gs.pdf")),
    ]:
        assert rewritten != pdf.read_bytes(), label
        if (
            label == "gs"
            and ATTACHMENT_NAME.encode() not in rewritten
            and ATTACHMENT_NAME not in pikepdf.open(io.BytesIO(rewritten)).attachments
        ):
            report = verify_pdf(rewritten)  # an older Ghostscript drops attachments: said, not a crash
            assert not report.ok and "record is missing" in report.reason
            continue
        report = verify_pdf(rewritten)
        assert report.ok, (label, report.reason)
        assert report.resaved and any("re-saved" in n for n in report.notes), label
        assert not verify_pdf(rewritten, strict=True).ok, label  # --strict keeps the byte-for-byte check


def test_the_genuine_file_is_not_said_to_be_resaved(docs: dict[str, Path]) -> None:
    report = verify_pdf(docs["notary"])
    assert report.ok and not report.resaved and report.as_json()["genuine"] is True


def test_an_edited_price_fails_after_any_rewrite(docs: dict[str, Path], tmp_path: Path) -> None:
    edited = tampering.edit_page_text(docs["transfer"].read_bytes(), b"(USD 215,000.00)", b"(USD 215,900.00)")
    (tmp_path / "edited.pdf").write_bytes(edited)
    for rewritten in (
        edited,
        _qpdf(tmp_path / "edited.pdf", tmp_path / "q.pdf"),
        _ghostscript(tmp_path / "edited.pdf", tmp_path / "gs.pdf"),
    ):
        report = verify_pdf(rewritten)
        assert not report.ok and report.exit_code == 1
        assert "215,900.00" in report.reason and "215,000.00" in report.reason


def _cover_and_restate(pdf: bytes, old: str, new: str) -> bytes:
    """A white box over `old` on page 1 and `new` drawn there as a picture: the text layer still reads `old`."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw, ImageFont

    from desktop.documents.fonts import FONT_DIR

    page = pdfium.PdfDocument(pdf)[0]
    text = page.get_textpage()
    found = text.search(old)
    first = found.get_next()
    assert first is not None, f"{old} is not on page 1"
    start, count = first
    boxes = [text.get_charbox(i) for i in range(start, start + count)]
    left, bottom = min(b[0] for b in boxes) - 1, min(b[1] for b in boxes) - 1
    right, top = max(b[2] for b in boxes) + 1, max(b[3] for b in boxes) + 1
    width, height = right - left, top - bottom
    image = Image.new("RGB", (int(width * 8), int(height * 8)), "white")
    ImageDraw.Draw(image).text(
        (0, 0), new, fill="black", font=ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), int(height * 7))
    )
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        target = doc.pages[0]
        raw = io.BytesIO()
        image.save(raw, "PNG")
        from pikepdf import PdfImage  # noqa: F401 - pikepdf builds the image XObject from PIL

        xobject = pikepdf.Stream(doc, image.tobytes())
        xobject.Type, xobject.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        xobject.Width, xobject.Height = image.width, image.height
        xobject.ColorSpace, xobject.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
        name = target.add_resource(xobject, pikepdf.Name.XObject)
        target.contents_add(
            doc.make_stream(
                f"q 1 g {left:.2f} {bottom:.2f} {width:.2f} {height:.2f} re f "
                f"{width:.2f} 0 0 {height:.2f} {left:.2f} {bottom:.2f} cm {name} Do Q".encode()
            )
        )
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


def test_a_covered_and_restated_price_fails_whatever_the_text_layer_says(docs: dict[str, Path]) -> None:
    pdf = docs["transfer"].read_bytes()
    forged = _cover_and_restate(pdf, "USD 215,000.00", "USD 215,900.00")
    import pypdfium2 as pdfium

    assert "USD 215,000.00" in pdfium.PdfDocument(forged)[0].get_textpage().get_text_bounded()  # text layer: genuine
    report = verify_pdf(forged)
    assert not report.ok and report.exit_code == 1
    assert "Page 1 does not show what the genuine document shows" in report.reason


def test_a_swapped_or_removed_attachment_is_named(docs: dict[str, Path]) -> None:
    pdf = docs["title"].read_bytes()
    other_proofs = tampering.attachment_bytes(docs["transfer"].read_bytes(), PROOFS_NAME)
    swapped = tampering.replace_attachment(pdf, PROOFS_NAME, other_proofs)
    report = verify_pdf(swapped)
    assert not report.ok and f"The attachment {PROOFS_NAME} was changed" in report.reason
    removed = tampering.remove_attachment(pdf, PROOFS_NAME)
    report = verify_pdf(removed)
    assert not report.ok and f"The attachment {PROOFS_NAME} was removed" in report.reason


def test_a_rewrite_that_drops_every_attachment_is_record_missing(docs: dict[str, Path]) -> None:
    stripped = tampering.remove_attachment(docs["title"].read_bytes(), None)
    report = verify_pdf(stripped)
    assert not report.ok and report.exit_code == 1 and "record is missing" in report.reason


def test_an_annotation_added_in_the_margin_is_listed_and_one_over_text_fails(docs: dict[str, Path]) -> None:
    pdf = docs["title"].read_bytes()
    noted = tampering.add_annotation(pdf, (500, 5, 520, 25), "Received 2026-12-01")  # bottom right corner
    report = verify_pdf(noted)
    assert report.ok and report.resaved, report.reason
    assert any("Text annotation on page 1" in n and "Received 2026-12-01" in n for n in report.notes)
    over = tampering.add_annotation(pdf, (40, 600, 400, 700), "covers the title", subtype="/Square")
    report = verify_pdf(over)
    assert not report.ok and "was added over the printed text" in report.reason


GALLERY = sorted((Path(__file__).parents[2] / "docs" / "documents").glob("*.pdf"))


@pytest.mark.parametrize("pdf", [p for p in GALLERY if "sealed" not in p.name], ids=lambda p: p.name)
def test_every_gallery_document_survives_ghostscript(pdf: Path, tmp_path: Path) -> None:
    """The gallery's documents name people in other scripts (王芳, Åsa) inside sentences: Ghostscript drops
    those glyphs' Unicode and writes such a line's runs in another order; the page text is read in reading
    order, so the re-saved copy is still the document its record draws (and an edit is still found)."""
    genuine = verify_pdf(pdf.read_bytes())
    if not genuine.ok:  # the notary's journal export: no record to verify (its own sentence, tested elsewhere)
        assert "journal" in (genuine.reason or ""), genuine.reason
        return
    rewritten = _ghostscript(pdf, tmp_path / "gs.pdf")
    report = verify_pdf(rewritten)
    assert report.ok and report.resaved, report.reason
