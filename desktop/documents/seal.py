"""The issuing office's PAdES seal on a document (pyHanko): made, and checked by verify-pdf.

Sealing appends one incremental update to the genuine document: an associated file,
`deedbook-seal.json` (the operator's `SealCertificate` entry with its Merkle proof: a
deedbook-proof/2 file), and a PAdES B-B signature (an invisible signature field, SHA-256,
ECDSA P-256) made with the seal's key.  The signature covers the whole document as Deedbook
drew it plus that proof, so any PDF reader shows a signature (untrusted until the reader
trusts the office's certificate), pdfsig and pyHanko's validator check it, and verify-pdf
walks ledger -> certificate -> signature offline:

1. the signature is intact and made by the certificate it carries (pyHanko, no fetching);
2. the proof checks (core.proofs.verify_proof: the operator's checkpoint signature, the
   inclusion proof), is about the document's own ledger and is a SealCertificate entry;
3. that entry names the SHA-256 of the certificate that signed, and its validity covers the
   signing time;
4. the signed revision starts with the genuine document's bytes (else: the seal does not
   cover the record).
Anything appended after the seal (an annotation, a stamp) is listed; pyHanko's difference
analysis says whether it is only annotations.

B-T (a timestamp from a timestamping authority) needs a network service: Deedbook opens no
network connection, so seals are B-B, and the signing time is the one the office's clock says.
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from core.documents.evidence import Record
from core.entries import canonical_json
from core.errors import DeedbookError

SEAL_FILE = "deedbook-seal.json"
FIELD = "DeedbookSeal"


@dataclass
class SealCheck:
    """What verify-pdf learns from a sealed file."""

    who: dict[str, Any]
    problem: str | None = None
    resaved: bool = False
    changes_after: list[str] = field(default_factory=list)
    file_names: tuple[str, ...] = (SEAL_FILE,)
    exact: bool = False  # the file is the genuine document and the seal's revision, nothing added since


def seal_pdf(
    pdf: bytes, cert_der: bytes, key_der: bytes, binding_proof: dict[str, Any], *, office: str, place: str = ""
) -> bytes:
    """`pdf` sealed: the binding proof attached and a PAdES B-B signature over it all, as one incremental update."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils import embed, generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    cert = asn1_x509.Certificate.load(cert_der)
    signer = signers.SimpleSigner(
        signing_cert=cert,
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs([cert]),  # type: ignore[no-untyped-call]
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    data = canonical_json(binding_proof).encode("utf-8")
    stream = embed.EmbeddedFileObject.from_file_data(
        writer, data, mime_type="application/json", params=embed.EmbeddedFileParams()
    )
    spec = embed.FileSpec(
        file_spec_string=SEAL_FILE,
        file_name=SEAL_FILE,
        embedded_data=stream,
        description="The ledger entry binding the seal's certificate to the ledger, with its proof (deedbook-proof/2)",
    ).as_pdf_object()
    spec["/AFRelationship"] = generic.NameObject("/Data")
    spec_ref = writer.add_object(spec)
    root = writer.root
    names = list(root["/Names"]["/EmbeddedFiles"]["/Names"]) if "/Names" in root else []
    root["/Names"] = generic.DictionaryObject(
        {  # type: ignore[no-untyped-call]
            generic.NameObject("/EmbeddedFiles"): generic.DictionaryObject(  # type: ignore[no-untyped-call]
                {generic.NameObject("/Names"): generic.ArrayObject([*names, generic.pdf_string(SEAL_FILE), spec_ref])}
            )
        }
    )
    root["/AF"] = generic.ArrayObject([*root.get("/AF", []), spec_ref])
    writer.update_root()  # type: ignore[no-untyped-call]
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=f"Issued by {office}",
        location=place or None,
        name=office,
    )
    out = signers.sign_pdf(writer, meta, signer=signer)
    return bytes(out.getvalue())


def _quiet() -> None:
    for name in ("pyhanko", "pyhanko_certvalidator", "pyhanko.pdf_utils"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def seal_dropped(raw: bytes) -> str | None:
    """The sentence for a file that was sealed and then rewritten by a program that dropped the seal's signature
    (Ghostscript does) but kept its binding: None when the file carries no deedbook-seal.json, or a signature."""
    from desktop.documents import pdfa

    if b"/ByteRange" in raw:  # the signature is still there: check_sealed says what it proves
        return None
    try:
        if SEAL_FILE not in pdfa.attachments(raw):
            return None
    except ValueError:
        return None
    return (
        "The seal no longer covers the document: the file was rewritten by another program after it was "
        f"sealed, which removed the seal's signature (its {SEAL_FILE} attachment is still there)."
    )


def check_sealed(raw: bytes, genuine: bytes, record: Record) -> SealCheck | None:
    """None when the file carries no seal; else what the seal proves, or the sentence saying why it does not."""
    if b"/ByteRange" not in raw:
        return None
    _quiet()
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(raw), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:  # noqa: BLE001 - pyHanko on a damaged file: said, not raised
        return SealCheck({}, f"The document's seal cannot be read ({type(error).__name__}: {error}).")
    if not signatures:
        return None
    return _check(signatures[0], raw, genuine, record)


def _check(sig: Any, raw: bytes, genuine: bytes, record: Record) -> SealCheck:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from core.errors import VerificationFailed
    from core.proofs import verify_proof
    from core.seals import fingerprint

    cert = sig.signer_cert
    who: dict[str, Any] = {
        "certificate": str(cert.subject.native.get("common_name", cert.subject.human_friendly)),
        "certSha256": fingerprint(cert.dump()),
    }
    try:  # the office's own certificate is the trust root here: the ledger entry, not a CA, vouches for it
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=[cert], allow_fetching=False))
    except Exception as error:  # noqa: BLE001 - a malformed signature: said
        return SealCheck(who, f"The document's seal cannot be checked ({type(error).__name__}: {error}).")
    byte_range = [int(v) for v in sig.sig_object.raw_get("/ByteRange")]
    signed_end = byte_range[2] + byte_range[3] if len(byte_range) == 4 else 0
    who["signedAt"] = int(status.signer_reported_dt.timestamp()) if status.signer_reported_dt else None
    if not status.intact or not status.valid:
        return SealCheck(
            who,
            "The seal no longer covers the document: its signature does not match the bytes it "
            "signed (the file was rewritten or changed after sealing).",
        )
    if not raw.startswith(genuine) or signed_end <= len(genuine):
        return SealCheck(
            who,
            "The seal does not cover this document's record: the revision it signed is not the "
            "document the signed entries produce.",
        )
    problem = _binding_problem(sig, raw[:signed_end], record, who, verify_proof, VerificationFailed)
    if problem:
        return SealCheck(who, problem)
    after = []
    if len(raw) > signed_end:
        level = getattr(status, "modification_level", None)
        after.append(
            f"{len(raw) - signed_end:,} bytes in an incremental update after sealing"
            + (f" ({_level(level)})" if level is not None else "")
        )
    who["summary"] = (
        f"sealed by \u201c{who['certificate']}\u201d, certificate {who['certSha256'][:18]}\u2026 bound to "
        f"the ledger by entry {who.get('entry')}"
    )
    return SealCheck(who, None, False, after, exact=len(raw) == signed_end)


def _level(level: Any) -> str:
    name = str(getattr(level, "name", level))
    return {
        "NONE": "no change to the document",
        "LTA_UPDATES": "validation data only",
        "FORM_FILLING": "form filling",
        "ANNOTATIONS": "annotations only",
        "OTHER": "changes beyond annotations",
    }.get(name, name.lower())


def _binding_problem(
    sig: Any, signed: bytes, record: Record, who: dict[str, Any], verify_proof: Any, failed: type[Exception]
) -> str | None:
    from desktop.documents import pdfa

    try:
        files = pdfa.attachments(signed)
    except ValueError as error:
        return f"The sealed revision cannot be read ({error})."
    data = files.get(SEAL_FILE)
    if data is None:
        return "The seal's binding to the ledger is missing: the sealed revision carries no deedbook-seal.json."
    try:
        proof = json.loads(data)
        report = verify_proof(proof, holder="seal binding")
    except (ValueError, DeedbookError, failed) as error:
        return f"The seal's binding to the ledger does not check: {error}"
    ledger = proof.get("ledger", {})
    if (
        str(ledger.get("ledgerId", "")).lower() != record.ledger.ledger_id_hex.lower()
        or str(ledger.get("operator", "")).lower() != record.ledger.operator.lower()
    ):
        return "The seal is bound to another ledger than the one the document's record is from."
    entry = proof["entry"]
    if entry.get("kind") != "SealCertificate":
        return "The seal's binding is not a SealCertificate entry."
    message = entry["message"]
    if str(message.get("certSha256", "")).lower() != who["certSha256"].lower():
        return (
            f"The seal was made with certificate {who['certSha256'][:18]}\u2026, but the ledger binds "
            f"{str(message.get('certSha256'))[:18]}\u2026 under the name \u201c{message.get('name')}\u201d."
        )
    signed_at = who.get("signedAt")
    if signed_at is not None and not message["notBefore"] <= signed_at <= message["notAfter"]:
        return "The seal was applied outside the validity its ledger entry gives the certificate."
    who.update(entry=report.index, seal=message.get("name"))
    return None
