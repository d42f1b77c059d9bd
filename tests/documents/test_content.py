"""What each document shows: parcel, parties (Unicode names), terms, paper size, the embedded record."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.documents import ATTACHMENT_NAME, FORMAT
from core.documents.evidence import parse_record
from core.proofs import verify_proof
from tests.documents.builders import Scene


def text_of(path: Path) -> str:
    """The document's text with line breaks and runs of spaces as single spaces."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def record_of(path: Path) -> dict:
    return json.loads(PdfReader(path).attachments[ATTACHMENT_NAME][0])


def test_title_shows_parcel_holders_liens_and_chain(scene: Scene, docs: dict[str, Path]) -> None:
    text = text_of(docs["title"])
    for expected in (
        "Certificate of Title",
        "0526301100",
        "1329 Ash Avenue, Łódź Street corner",
        "José Müller-Łukasiewicz",
        "王芳 (Wang Fang)",
        "Zoë Ðorđević",
        "First Ames Bank",
        "USD 215,000.00",
        "USD 120,000.00",
        "USD 180,000.00",
        "property tax",
        "Lien 2 released",
        "Notarial act: jurat",
        "Story County Recorder — Ledger Ω",
    ):
        assert expected in text, expected
    assert "No open lien is recorded against this deed." in text
    assert "0526350040" not in text  # the other deed's sale is not in this chain
    for index in (scene.registration, *scene.liens, scene.transfers[0], scene.transfers[2], *scene.releases):
        assert str(index) in text


def test_transfer_deed_has_parties_terms_and_acknowledgement(scene: Scene, docs: dict[str, Path]) -> None:
    text = text_of(docs["transfer"])
    for expected in (
        "Transfer Deed",
        "0526301100",
        "Zoë Ðorđević",
        "José Müller-Łukasiewicz",
        "USD 215,000.00",
        "all 10,000 shares (100%)",
        "2024-06-11",
        "Lot 14, Block 3, North Ames subdivision",
        "LIENS PAID OFF AT THIS TRANSFER",
        "mortgage",
        "NOTARIAL ACKNOWLEDGEMENT",
        "Åsa Notarie",
        "Ames, Iowa",
        "driver's licence",
    ):
        assert expected in text, expected
    scene_keys = scene.keys
    assert scene_keys["zoe"].address in text.replace(" ", "")


def test_notary_record_and_journal(scene: Scene, docs: dict[str, Path]) -> None:
    record = text_of(docs["notary"])
    for expected in (
        "Notarial Journal Record",
        "jurat",
        "Nevada, Iowa",
        "passport",
        "王芳 (Wang Fang)",
        "USD 120,000.00",
        "0526301100",
    ):
        assert expected in record, expected
    journal = text_of(docs["journal"])
    for expected in (
        "Notarial Journal",
        "acknowledgment",
        "jurat",
        "Ames, Iowa",
        "Nevada, Iowa",
        "2024-06-12",
        "2024-07-12",
        "Åsa Notarie",
    ):
        assert expected in journal, expected


def test_valuation_report(docs: dict[str, Path]) -> None:
    text = text_of(docs["valuation"])
    for expected in (
        "Valuation Report",
        "USD 203,109",
        "177,239",
        "230,956",
        "parcel 0527105030",
        "Gr Liv Area",
        "not recorded",
        "MDAPE",
        "4.56%",
        "0526301100",
    ):
        assert expected in text, expected


def test_paper_sizes_and_orientation(docs: dict[str, Path], scene: Scene) -> None:
    from desktop.documents import build_title_pdf

    def size(data: bytes) -> tuple[int, int]:
        box = PdfReader(io.BytesIO(data)).pages[0].mediabox
        return round(float(box.width)), round(float(box.height))

    assert size(docs["title"].read_bytes()) == (595, 842)
    assert size(docs["valuation"].read_bytes()) == (612, 792)
    assert size(build_title_pdf(scene.ledger, "0526301100", "LETTER")) == (612, 792)
    assert size(docs["journal"].read_bytes()) == (842, 595)  # the journal is a landscape register


def test_embedded_record_carries_signed_entries_and_proofs(scene: Scene, docs: dict[str, Path]) -> None:
    data = record_of(docs["title"])
    assert data["format"] == FORMAT
    assert data["document"] == {"type": "title", "layout": 8, "paper": "A4", "params": {"deedId": scene.deed}}
    history = scene.ledger.history(scene.deed)
    assert [e["index"] for e in data["entries"]] == [e.index for e in history]
    checkpoint = scene.ledger.latest_checkpoint()
    assert data["checkpoint"]["message"] == checkpoint.message
    record = parse_record(json.dumps(data).encode())
    for entry in record.entries:  # each entry is a stand-alone proof `deedbook verify-proof` accepts
        report = verify_proof(record.proof(entry))
        assert report.index == entry.index and report.tree_size == checkpoint.message["size"]
    assert data["names"][scene.keys["wang"].address.lower()] == "王芳 (Wang Fang)"


def test_transfer_record_holds_what_the_deed_needs(scene: Scene, docs: dict[str, Path]) -> None:
    data = record_of(docs["transfer"])
    kinds = {e["index"]: e["kind"] for e in data["entries"]}
    assert kinds == {
        scene.registration: "RegisterDeed",
        scene.liens[0]: "Lien",
        scene.transfers[0]: "Transfer",
        scene.attestations[0]: "Attestation",
    }


def test_documents_refuse_the_wrong_entry(scene: Scene) -> None:
    from core.errors import DeedbookError
    from desktop.documents import build_notary_record_pdf, build_transfer_pdf

    with pytest.raises(DeedbookError, match="not a transfer"):
        build_transfer_pdf(scene.ledger, scene.registration)
    with pytest.raises(DeedbookError, match="not a notarial attestation"):
        build_notary_record_pdf(scene.ledger, scene.transfers[0])
    with pytest.raises(DeedbookError, match="not a paper size"):
        build_transfer_pdf(scene.ledger, scene.transfers[0], "A3")


def test_journal_filters(scene: Scene) -> None:
    from core.errors import DeedbookError
    from desktop.documents.journal import collect_journal

    record = collect_journal(scene.ledger, scene.keys["notary"].address, "2024-07-01", "2024-07-31")
    assert [e.index for e in record.entries] == [scene.attestations[1]]
    assert record.params == {"notary": scene.keys["notary"].address, "from": "2024-07-01", "to": "2024-07-31"}
    with pytest.raises(DeedbookError, match="nothing to export"):
        collect_journal(scene.ledger, scene.keys["zoe"].address)
    with pytest.raises(DeedbookError, match="start date is after"):
        collect_journal(scene.ledger, None, "2024-08-01", "2024-07-01")


def test_the_record_expands_to_the_proof_format_of_core_proofs() -> None:
    from core.documents.evidence import PROOF_FORMAT
    from core.proofs import FORMAT

    assert PROOF_FORMAT == FORMAT
