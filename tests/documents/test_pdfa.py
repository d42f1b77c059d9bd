"""Every document is PDF/A-3b: checked with outside tools (qpdf, poppler's pdfdetach and pdffonts) and with
pikepdf's PDF/A validator (the veraPDF rule catalogue), property by property where we can say it ourselves."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from core.documents import ATTACHMENT_NAME
from core.documents.evidence import parse_record
from core.proofs import verify_proof
from desktop.documents.pdfa import CHECKPOINT_NAME, PROOFS_NAME
from tests.documents.pdfa_check import validate_pdfa
from tests.documents import tampering

NAMES = sorted([ATTACHMENT_NAME, PROOFS_NAME, CHECKPOINT_NAME])


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is needed (Debian: qpdf, poppler-utils)")
    return found


def test_qpdf_finds_every_document_clean(docs: dict[str, Path]) -> None:
    for name, path in docs.items():
        done = subprocess.run([_tool("qpdf"), "--check", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, (name, done.stdout, done.stderr)
        assert "No syntax or stream encoding errors" in done.stdout and "WARNING" not in done.stdout + done.stderr


def test_attachments_are_listed_by_any_pdf_tool(docs: dict[str, Path]) -> None:
    for path in docs.values():
        listed = subprocess.run([_tool("pdfdetach"), "-list", str(path)], capture_output=True, text=True, check=True)
        assert sorted(re.findall(r"^\d+: (\S+)$", listed.stdout, re.M)) == NAMES
        qpdf = subprocess.run(
            [_tool("qpdf"), "--list-attachments", str(path)], capture_output=True, text=True, check=True
        )
        assert sorted(line.split(" ->")[0] for line in qpdf.stdout.splitlines() if " -> " in line) == NAMES


def test_every_font_is_embedded(docs: dict[str, Path]) -> None:
    for name, path in docs.items():
        listed = subprocess.run([_tool("pdffonts"), str(path)], capture_output=True, text=True, check=True)
        rows = listed.stdout.splitlines()[2:]
        assert rows, name
        assert all(row.split()[-5] == "yes" for row in rows), (name, listed.stdout)


def test_pikepdf_validator_approves_pdfa_3b(docs: dict[str, Path]) -> None:
    for name, path in docs.items():
        report = validate_pdfa(path, "3b")
        assert report.passed, (name, [str(f) for f in report.findings])


def test_the_archival_structure_is_there(docs: dict[str, Path]) -> None:
    for name, path in docs.items():
        with pikepdf.open(path) as pdf:
            assert not pdf.is_encrypted
            intent = pdf.Root.OutputIntents[0]
            assert intent.S == "/GTS_PDFA1" and intent.DestOutputProfile.N == 3
            assert intent.DestOutputProfile.read_bytes()[36:40] == b"acsp"  # an ICC profile's signature
            xmp = pdf.Root.Metadata.read_bytes().decode()
            assert "<pdfaid:part>3</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
            info = pdf.trailer.Info
            assert f"<rdf:li xml:lang=\"x-default\">{info.Title}</rdf:li>" in xmp.replace("&amp;", "&"), name
            assert f"<pdf:Producer>{info.Producer}</pdf:Producer>" in xmp
            record = parse_record(tampering.record_bytes(path.read_bytes()))
            assert record.ledger.ledger_id_hex in xmp and f"deedbook {record.doc_type}" in xmp
            catalogue_af = {str(spec.F) for spec in pdf.Root.AF}
            assert catalogue_af == set(NAMES)
            specs = dict(zip(*[iter(pdf.Root.Names.EmbeddedFiles.Names)] * 2, strict=True))
            for file_name, spec in specs.items():
                assert spec.AFRelationship == ("/Source" if file_name == ATTACHMENT_NAME else "/Data")
                stream = spec.EF.F
                assert stream.Subtype == "/application/json"
                assert str(stream.Params.ModDate).startswith("D:") and stream.Params.Size == len(stream.read_bytes())


def test_the_proofs_and_checkpoint_files_check_on_their_own(docs: dict[str, Path]) -> None:
    import json

    attached = {}
    with pikepdf.open(docs["transfer"]) as pdf:
        for file_name, spec in pdf.attachments.items():
            attached[file_name] = spec.get_file().read_bytes()
    record = parse_record(attached[ATTACHMENT_NAME])
    proofs = json.loads(attached[PROOFS_NAME])
    assert [p["entry"]["index"] for p in proofs] == [e.index for e in record.entries]
    assert [verify_proof(proof).index for proof in proofs] == [e.index for e in record.entries]  # raises if not
    assert json.loads(attached[CHECKPOINT_NAME]) == record.checkpoint


def test_same_record_same_bytes_and_layout_one_unchanged(scene, docs: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    from core.documents.evidence import build_record
    from desktop.documents import build_title_pdf, render_record

    assert build_title_pdf(scene.ledger, scene.deed) == docs["title"].read_bytes()
    # Layout 1 is still drawn as it always was: reportlab's file, the record its only attachment, no XMP.
    first = render_record(
        build_record(
            scene.ledger,
            "title",
            [e.index for e in scene.ledger.history(scene.deed)],
            params={"deedId": scene.deed},
            layout=1,
        )
    )
    with pikepdf.open(__import__("io").BytesIO(first)) as pdf:
        assert list(pdf.attachments) == [ATTACHMENT_NAME] and "/Metadata" not in pdf.Root


def test_the_validator_runs_after_garbage_is_collected_with_the_collector_paused(
    docs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The validator counts any warning raised while it parses as the document's (a CI run failed a transfer
    deed on an unclosed connection's ResourceWarning, collected mid-parse): garbage that warns is collected
    before it runs, and none can be collected while it runs."""
    import gc
    import warnings

    from pikepdf import pdfa

    events: list[object] = []

    class Unclosed:
        def __init__(self) -> None:
            self.cycle = self  # only the cyclic collector frees it

        def __del__(self) -> None:
            events.append("collected")
            warnings.warn("connection deleted while still open; use '.close()'", ResourceWarning, stacklevel=1)

    real = pdfa.validate_written

    def watched(path: Path, flavour: str) -> object:
        events.append(("validating", gc.isenabled()))
        return real(path, flavour)

    monkeypatch.setattr(pdfa, "validate_written", watched)
    Unclosed()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # the garbage's own, said before the validator runs
        report = validate_pdfa(next(iter(docs.values())), "3b")
    assert events == ["collected", ("validating", False)]
    assert report.passed and gc.isenabled()
