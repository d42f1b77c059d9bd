"""Recording layout 4: columns that fit their 10-point words (layout 3 split them: "ENT RY", "Acceptan ce").

Documents of layout 3 keep verifying exactly as they were drawn; layout 4's pass what layout 3's pass
(qpdf, pdffonts, the PDF/A validator, a seal checked by pdfsig and pyHanko, a Ghostscript re-save)."""

from __future__ import annotations

import dataclasses
import io
import itertools
import re
import shutil
import subprocess
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.documents.evidence import Record, parse_record
from desktop.documents import verify_pdf
from desktop.documents.fitting import refit
from desktop.documents.layout import RECORDING_FITTED, RECORDING_UTC, RECORDING_V1, as_recording
from desktop.documents.notary_record import collect_notary_record
from desktop.documents.registry import render_record
from desktop.documents.title import collect_title
from desktop.documents.transfer_deed import collect_transfer
from tests.documents import tampering
from tests.documents.builders import Scene
from tests.documents.pdfa_check import validate_pdfa

HEX = re.compile(r"^\(?(0x)?[0-9a-fA-F]+[),.]*$")
ISSUED_V1 = Path(__file__).resolve().parents[2] / "docs" / "documents" / "issued-layout-3"


def _records(scene: Scene) -> dict[str, Record]:
    return {
        "transfer": collect_transfer(scene.ledger, scene.transfers[0]),
        "title": collect_title(scene.ledger, scene.deed),
        "notary": collect_notary_record(
            scene.ledger,
            scene.attestations[1],
            commission={"profile": "california", "commission": "2456789", "commissionExpires": "2029-03-31"},
        ),
    }


@pytest.fixture(scope="module")
def drawn(scene: Scene) -> dict[int, dict[str, bytes]]:
    """Each recordable document in layouts 3, 4 and what new documents get (9, a notary record 6: hashes in sentences
    start a line, the word before them with them: tests/documents/test_recording_words.py), from the same records."""
    out: dict[int, dict[str, bytes]] = {RECORDING_V1: {}, RECORDING_FITTED: {}, RECORDING_UTC: {}}
    for name, record in _records(scene).items():
        recording = as_recording(record)
        out[RECORDING_UTC][name] = render_record(recording)
        out[RECORDING_FITTED][name] = render_record(dataclasses.replace(recording, layout=RECORDING_FITTED))
        out[RECORDING_V1][name] = render_record(dataclasses.replace(recording, layout=RECORDING_V1))
    return out


def _tokens(pdf: bytes) -> list[str]:
    """Every whitespace-separated piece of text, page after page, in the order the pages draw it (a table
    cell's lines one after the other, so a word split across two lines is two neighbouring tokens)."""
    doc = pdfium.PdfDocument(pdf)
    return [t for page in doc for t in page.get_textpage().get_text_range().split()]


# Words the audit and the layout-3 pages showed cut, whether or not a document also prints them whole.
CUT_BEFORE = {"ENTRY", "RECORDED", "CHECKPOINT", "CONSIDERATION", "Acceptance", "Attestation", "LienPayoff"}


def _split_words(pdf: bytes) -> set[str]:
    """The words printed whole somewhere in the document (not hex), or known to have been cut, that appear cut
    in two: two neighbouring tokens that join into one of them."""
    tokens = _tokens(pdf)
    whole = {t for t in tokens if len(t) > 3 and not HEX.match(t)} | CUT_BEFORE
    return {a + b for a, b in itertools.pairwise(tokens) if a + b in whole and not HEX.match(a + b)}


def test_layout_4_documents_are_layout_4_and_verify(drawn: dict[int, dict[str, bytes]]) -> None:
    for name, pdf in drawn[RECORDING_FITTED].items():
        assert parse_record(tampering.record_bytes(pdf)).layout == RECORDING_FITTED == 4, name
        report = verify_pdf(pdf)
        assert report.ok and not report.resaved, (name, report.reason)


def test_layout_4_breaks_no_word_that_layout_3_broke(drawn: dict[int, dict[str, bytes]]) -> None:
    broken_before = set().union(*(_split_words(pdf) for pdf in drawn[RECORDING_V1].values()))
    assert {"ENTRY", "CHECKPOINT"} <= broken_before  # what the audit found, so the check below can fail
    for name, pdf in drawn[RECORDING_FITTED].items():
        assert _split_words(pdf) == set(), name
        text = " ".join(_tokens(pdf))
        for word in ("ENTRY", "RECORDED", "CHECKPOINT"):
            assert word in text.split(), (name, word)


def test_layout_3_documents_still_verify_byte_for_byte(drawn: dict[int, dict[str, bytes]]) -> None:
    for name, pdf in drawn[RECORDING_V1].items():
        assert parse_record(tampering.record_bytes(pdf)).layout == RECORDING_V1
        report = verify_pdf(pdf, strict=True)
        assert report.ok and not report.resaved, (name, report.reason)
        assert pdf != drawn[RECORDING_FITTED][name]  # the two layouts are different drawings of the same record
    issued = sorted(ISSUED_V1.glob("*.pdf"))
    assert len(issued) == 3
    for path in issued:  # documents issued in layout 3 before layout 4 existed
        assert parse_record(tampering.record_bytes(path.read_bytes())).layout == RECORDING_V1
        report = verify_pdf(path, strict=True)
        assert report.ok and not report.resaved, (path.name, report.reason)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is needed (Debian: qpdf, poppler-utils, ghostscript)")
    return found


@pytest.mark.parametrize("layout", [RECORDING_V1, RECORDING_FITTED, RECORDING_UTC])
def test_outside_tools_pass_every_recording_layout(
    drawn: dict[int, dict[str, bytes]], layout: int, tmp_path: Path
) -> None:
    for name, pdf in drawn[layout].items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        done = subprocess.run([_tool("qpdf"), "--check", str(path)], capture_output=True, text=True)
        assert done.returncode == 0 and "No syntax or stream encoding errors" in done.stdout, (name, done.stdout)
        fonts = subprocess.run([_tool("pdffonts"), str(path)], capture_output=True, text=True, check=True)
        assert all(row.split()[-5] == "yes" for row in fonts.stdout.splitlines()[2:]), (name, fonts.stdout)
        assert validate_pdfa(path, "3b").passed, name


def _ghostscript(pdf: bytes, folder: Path) -> bytes:
    (folder / "in.pdf").write_bytes(pdf)
    out = f"-sOutputFile={folder / 'out.pdf'}"
    subprocess.run(
        [_tool("gs"), "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", out, str(folder / "in.pdf")],
        check=True,
        capture_output=True,
    )
    return (folder / "out.pdf").read_bytes()


def test_a_ghostscript_resave_verifies_as_layout_3s_does(drawn: dict[int, dict[str, bytes]], tmp_path: Path) -> None:
    passed = {}
    for layout in (RECORDING_V1, RECORDING_FITTED, RECORDING_UTC):
        for name, pdf in drawn[layout].items():
            report = verify_pdf(_ghostscript(pdf, tmp_path))
            passed[layout, name] = report.ok and report.resaved
    # Every one, the notary record whose certificate sets a CJK name inside a sentence included: Ghostscript
    # writes that line's runs in another order, and the pages' text is compared in reading order.
    assert all(passed.values()), passed


def test_a_recording_layout_deed_takes_the_offices_seal(scene: Scene, tmp_path: Path) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from core.checkpoints import make_checkpoint
    from core.proofs import build_proof
    from core.seals import SealStore, bind_seal
    from desktop.documents.seal import seal_pdf

    store = SealStore(tmp_path / "seals")
    ledger, operator = scene.ledger, scene.world.operator
    cert = store.create(
        "desk", "seal password", office=ledger.identity.name, operator=operator.address, now=int(time.time())
    )
    index = bind_seal(ledger, operator, "desk", cert)
    make_checkpoint(ledger, operator)
    genuine = render_record(as_recording(collect_transfer(ledger, scene.transfers[0])))
    sealed = seal_pdf(genuine, cert, store.unlock("desk", "seal password"), build_proof(ledger, index), office="Office")
    report = verify_pdf(sealed)
    assert report.ok and report.sealed and not report.resaved, report.reason
    (tmp_path / "sealed.pdf").write_bytes(sealed)
    done = subprocess.run([_tool("pdfsig"), str(tmp_path / "sealed.pdf")], capture_output=True, text=True)
    assert "Signature is Valid." in done.stdout, done.stdout
    signature = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[0]
    from asn1crypto import x509

    trust = ValidationContext(trust_roots=[x509.Certificate.load(cert)], allow_fetching=False)
    status = validate_pdf_signature(signature, trust)
    assert status.intact and status.valid and status.trusted


widths = st.lists(st.floats(10, 200), min_size=2, max_size=6)


@given(widths, st.data())
def test_refit_keeps_the_total_and_gives_words_their_width_when_there_is_room(
    start: list[float], data: st.DataObject
) -> None:
    n = len(start)
    words = data.draw(st.lists(st.floats(0, 150), min_size=n, max_size=n))
    tokens = data.draw(st.lists(st.floats(0, 300), min_size=n, max_size=n))
    out = refit(start, words, tokens)
    assert abs(sum(out) - sum(start)) < 0.01 * n
    assert all(w > -0.01 for w in out)
    if sum(words) + 0.5 * n * 2 <= sum(start):  # room for every word: every column gets its widest word
        assert all(o >= w - 0.01 for o, w in zip(out, words, strict=True)), (start, words, out)
    for i, (before, after) in enumerate(
        zip(start, out, strict=True)
    ):  # a column that already fit its words stays fitting
        if before >= words[i] + 0.5:
            assert after >= words[i] - 0.01 or after >= before - 0.01, (i, start, words, out)


def test_an_address_that_cannot_fit_is_cut_into_equal_halves_with_every_character(
    scene: Scene, drawn: dict[int, dict[str, bytes]]
) -> None:
    record = as_recording(collect_title(scene.ledger, scene.deed))
    addresses = {str(s["signer"]) for e in record.entries for s in e.signatures}
    tokens = _tokens(drawn[RECORDING_FITTED]["title"])
    cut = [(a, b) for a, b in itertools.pairwise(tokens) if a + b in addresses]
    assert cut  # the chain of title's parties column is narrower than an address at 10 points
    assert all(abs(len(a) - len(b)) <= 1 for a, b in cut), cut
    whole_or_cut = {t for t in tokens if t in addresses} | {a + b for a, b in cut}
    assert addresses <= whole_or_cut  # every signer's address is on the page, cut or not, no character lost
