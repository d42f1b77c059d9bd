"""The office's PAdES seal: poppler's pdfsig and pyHanko's validator check it; verify-pdf walks
ledger -> certificate -> signature, lists an annotation added after sealing, and fails a seal that
no longer covers the record."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.checkpoints import make_checkpoint
from core.proofs import build_proof
from core.seals import SealStore, bind_seal, fingerprint
from desktop.documents import build_transfer_pdf, verify_pdf
from desktop.documents.seal import SEAL_FILE, seal_pdf
from tests.documents import tampering
from tests.documents.builders import Scene


@dataclass
class Sealed:
    pdf: bytes
    cert: bytes
    genuine: bytes
    binding: int


def _seal(scene: Scene, store: SealStore, name: str) -> tuple[bytes, bytes, int]:
    ledger, operator = scene.ledger, scene.world.operator
    cert = store.create(
        name, "seal password", office=ledger.identity.name, operator=operator.address, now=int(time.time())
    )
    index = bind_seal(ledger, operator, name, cert)
    make_checkpoint(ledger, operator)
    return cert, store.unlock(name, "seal password"), index


@pytest.fixture(scope="module")
def sealed(scene: Scene, tmp_path_factory: pytest.TempPathFactory) -> Sealed:
    store = SealStore(tmp_path_factory.mktemp("seals"))
    cert, key, index = _seal(scene, store, "office")
    genuine = build_transfer_pdf(scene.ledger, scene.transfers[0])
    proof = build_proof(scene.ledger, index)
    return Sealed(seal_pdf(genuine, cert, key, proof, office=scene.ledger.identity.name), cert, genuine, index)


def test_the_key_is_stored_encrypted_and_a_wrong_password_is_one_sentence(tmp_path: Path) -> None:
    from core.errors import DeedbookError

    store = SealStore(tmp_path / "seals")
    store.create("desk", "correct horse", office="Office", operator="0x" + "11" * 20, now=1_800_000_000)
    key_file = (tmp_path / "seals" / "desk.key.pem").read_bytes()
    assert (
        b"ENCRYPTED PRIVATE KEY" in key_file and oct(os.stat(tmp_path / "seals" / "desk.key.pem").st_mode)[-3:] == "600"
    )
    with pytest.raises(DeedbookError, match="Wrong password for seal 'desk'"):
        store.unlock("desk", "wrong horse!")
    with pytest.raises(DeedbookError, match="already exists"):
        store.create("desk", "correct horse", office="Office", operator="0x" + "11" * 20, now=1_800_000_000)
    with pytest.raises(DeedbookError, match="not a seal name"):
        store.create("../x", "correct horse", office="Office", operator="0x" + "11" * 20, now=1_800_000_000)


def test_verify_pdf_walks_ledger_certificate_signature(sealed: Sealed) -> None:
    assert sealed.pdf.startswith(sealed.genuine)  # the seal is one incremental update on the genuine document
    report = verify_pdf(sealed.pdf)
    assert report.ok and report.sealed and not report.resaved and report.changes_after_seal == []
    assert report.seal is not None and report.seal["entry"] == sealed.binding
    assert report.seal["certSha256"] == fingerprint(sealed.cert)
    data = report.as_json()
    assert {"genuine", "resaved", "sealed", "changes_after_seal", "reason"} <= set(data)


def test_pdfsig_reports_the_seal_valid(sealed: Sealed, tmp_path: Path) -> None:
    tool = shutil.which("pdfsig")
    if tool is None:
        pytest.fail("pdfsig is needed (Debian: poppler-utils)")
    (tmp_path / "sealed.pdf").write_bytes(sealed.pdf)
    done = subprocess.run([tool, str(tmp_path / "sealed.pdf")], capture_output=True, text=True)
    assert "Signature Validation: Signature is Valid." in done.stdout, done.stdout + done.stderr
    assert "Signature Type: ETSI.CAdES.detached" in done.stdout and "Total document signed" in done.stdout
    # pdfsig checks the certificate against its NSS store, where the office's own certificate is not: it says
    # so ("Unknown issue with Certificate" / untrusted); the ledger entry, not a CA, is what vouches for it.


def test_pyhanko_validates_it_with_the_certificate_as_trust_root(sealed: Sealed) -> None:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    [signature] = PdfFileReader(io.BytesIO(sealed.pdf)).embedded_signatures
    trust = ValidationContext(trust_roots=[asn1_x509.Certificate.load(sealed.cert)], allow_fetching=False)
    status = validate_pdf_signature(signature, trust)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage.name == "ENTIRE_FILE"
    untrusted = validate_pdf_signature(signature, ValidationContext(trust_roots=[], allow_fetching=False))
    assert untrusted.intact and not untrusted.trusted  # without the office's certificate: intact, not trusted


def test_an_annotation_after_sealing_keeps_the_seal_and_is_listed(sealed: Sealed, tmp_path: Path) -> None:
    noted = tampering.add_annotation(sealed.pdf, (520, 8, 540, 28), "Received by the county recorder")
    report = verify_pdf(noted)
    assert report.ok and report.sealed, report.reason
    assert any("incremental update after sealing" in c for c in report.changes_after_seal)
    assert any("Text annotation on page 1" in c for c in report.changes_after_seal)
    (tmp_path / "noted.pdf").write_bytes(noted)
    done = subprocess.run(["pdfsig", str(tmp_path / "noted.pdf")], capture_output=True, text=True)
    assert "Signature is Valid." in done.stdout and "Not total document signed" in done.stdout


def test_an_edited_price_after_sealing_fails(sealed: Sealed) -> None:
    edited = tampering.edit_page_text(sealed.pdf, b"(USD 215,000.00)", b"(USD 215,900.00)", incremental=True)
    report = verify_pdf(edited)
    assert not report.ok and report.sealed
    assert "215,900.00" in report.reason


def test_a_rewritten_sealed_file_is_a_seal_that_no_longer_covers_it(sealed: Sealed) -> None:
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(sealed.pdf)) as pdf:
        pdf.save(out)
    report = verify_pdf(out.getvalue())
    assert not report.ok and report.sealed and "seal" in report.reason.lower()


def test_a_sealed_file_rewritten_by_ghostscript_says_so(sealed: Sealed, tmp_path: Path) -> None:
    gs = shutil.which("gs")
    if gs is None:
        pytest.fail("gs is needed (Debian: ghostscript)")
    (tmp_path / "sealed.pdf").write_bytes(sealed.pdf)
    out = f"-sOutputFile={tmp_path / 'gs.pdf'}"
    subprocess.run(
        [gs, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", out, str(tmp_path / "sealed.pdf")],
        check=True,
        capture_output=True,
    )
    rewritten = (tmp_path / "gs.pdf").read_bytes()
    if SEAL_FILE.encode() not in rewritten and b"/EmbeddedFiles" not in rewritten:
        pytest.fail("this Ghostscript drops attachments: the case this test is about cannot be made")
    report = verify_pdf(rewritten)
    assert not report.ok and report.sealed
    assert report.reason.startswith("The seal no longer covers the document: the file was rewritten by another program")
    assert "was added" not in report.reason and report.differences == [report.reason]
    from desktop.cli.main import run

    assert run(["verify-pdf", str(tmp_path / "gs.pdf")]) == 1  # not genuine (1), not bad input (2)


def test_a_seal_by_a_certificate_the_ledger_does_not_bind_fails(scene: Scene, sealed: Sealed, tmp_path: Path) -> None:
    store = SealStore(tmp_path / "other")
    cert = store.create("rogue", "seal password", office="Rogue", operator="0x" + "22" * 20, now=int(time.time()))
    key = store.unlock("rogue", "seal password")
    forged = seal_pdf(sealed.genuine, cert, key, build_proof(scene.ledger, sealed.binding), office="Rogue")
    report = verify_pdf(forged)
    assert not report.ok and "the ledger binds" in report.reason


def test_the_binding_is_an_associated_file_of_the_sealed_revision(sealed: Sealed) -> None:
    listed = tampering.attachment_bytes(sealed.pdf, SEAL_FILE)
    assert b'"SealCertificate"' in listed
