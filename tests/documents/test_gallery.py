"""Documents already issued must keep verifying: the committed gallery PDFs are such documents.

If this fails after a change to how documents are drawn, the change broke every document issued
before it. Keep the old drawing under its layout number and give the new one the next
(docs/documents.md, "a layout is a format"); regenerate the gallery only for a new layout.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.documents import verify_pdf

GALLERY = Path(__file__).resolve().parents[2] / "docs" / "documents"
PDFS = sorted(GALLERY.rglob("*.pdf"))  # the gallery, and documents of earlier layouts kept in issued-layout-N/


def test_the_gallery_is_committed() -> None:
    assert {p.stem for p in PDFS} >= {
        "transfer-deed",
        "title",
        "notary-record",
        "notary-journal",
        "valuation-report",
        "transfer-deed-recording",
        "title-recording",
        "notary-record-recording",
        "title-sealed",
    }
    assert len([p for p in PDFS if p.parent.name == "issued-layout-1"]) == 5  # layout 1 documents, as first issued
    assert len([p for p in PDFS if p.parent.name == "issued-layout-3"]) == 3  # the first recording layout's
    assert len([p for p in PDFS if p.parent.name == "issued-layout-4"]) == 3  # hashes cut in sentences
    assert len([p for p in PDFS if p.parent.name == "issued-layout-5"]) == 3  # "is" alone before a hash
    # layout 2: a transfer id cut unevenly, "—" for an undated market; a title's and a journal's bare UTC days
    assert len([p for p in PDFS if p.parent.name == "issued-layout-2"]) == 4
    assert len([p for p in PDFS if p.parent.name == "issued-layout-6"]) == 2  # recording layout: bare UTC days
    assert len([p for p in PDFS if p.parent.name == "issued-layout-7"]) == 1  # the transfer deed: bare UTC days


@pytest.mark.parametrize("pdf", PDFS, ids=[f"{p.parent.name}/{p.stem}" for p in PDFS])
def test_issued_documents_still_verify(pdf: Path) -> None:
    report = verify_pdf(pdf)
    assert report.ok, report.reason
