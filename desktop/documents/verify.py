"""`verify-pdf`: is this PDF a genuine, unchanged Deedbook document?

Offline, with nothing but the file:
1. take the embedded record out of the PDF (pypdf, here) and read it (core's
   `parse_record`); this version must know its document type and layout
   (`registry.check_document`);
2. check every entry's signatures and Merkle inclusion proof, and the operator's
   signature on the checkpoint (core's `check_record`: `core.proofs.verify_proof`,
   once per entry);
3. redraw the document from the record (`registry.render_record`) and compare it
   with the file, byte for byte.  Generation is deterministic, so a genuine document is reproduced
   exactly, and any change — a digit in the visible text, a byte in the record,
   another document's record swapped in, a truncated file — makes a difference.
   When there is one, the texts of the two are compared to say what differs.

With the ledger at hand (same ledger id), it also checks (core's
`compare_with_ledger`) that the entries are the ledger's own and reports what has
happened since (the deed changed hands, more notarial acts...): that part is
informational unless the ledger contradicts the document.

Results: a `PdfReport` with ok=True (genuine) or ok=False and a reason (not
genuine, exit 1); `DeedbookError` for a file that is not a PDF, not a Deedbook
document, or cannot be read (exit 2).
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.documents.evidence import ATTACHMENT_NAME, Record, RecordInvalid, check_record, parse_record
from core.errors import DeedbookError, VerificationFailed
from core.userfiles import read_user_file
from desktop.documents import attachment
from desktop.documents.compare import text_changes
from desktop.documents.own_journal import CREATOR as JOURNAL_CREATOR
from desktop.documents.registry import check_document, label, render_record

if TYPE_CHECKING:
    from core.documents.local import LocalCheck
    from core.ledger import Ledger


@dataclass
class PdfReport:
    ok: bool
    reason: str | None = None
    document: str | None = None  # "title", "transfer", ...
    paper: str | None = None
    ledger: dict[str, Any] | None = None
    checkpoint: dict[str, Any] | None = None
    entries: list[dict[str, Any]] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    unsigned: list[str] = field(default_factory=list)
    local: LocalCheck | None = None
    resaved: bool = False  # the bytes are not the genuine document's, but what it says and shows is
    sealed: bool = False  # a PAdES seal covers the genuine document (desktop/documents/seal.py)
    seal: dict[str, Any] | None = None  # who sealed it and the ledger entry binding the certificate
    changes_after_seal: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what changed that does not change what the document says

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    @property
    def document_name(self) -> str:
        return label(self.document)

    def as_json(self) -> dict[str, Any]:
        return {
            "genuine": self.ok,
            "resaved": self.resaved,
            "sealed": self.sealed,
            "changes_after_seal": self.changes_after_seal,
            "seal": self.seal,
            "notes": self.notes,
            "ok": self.ok,
            "reason": self.reason,
            "document": self.document,
            "paper": self.paper,
            "ledger": self.ledger,
            "checkpoint": self.checkpoint,
            "entries": self.entries,
            "differences": self.differences,
            "unsigned": self.unsigned,
            "local_ledger": self.local.as_json() if self.local else None,
        }


MAX_PDF_BYTES = 64 * 2**20  # our largest documents (long journals, long titles) are a few MB


def _read(source: str | os.PathLike[str] | bytes) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source), "The document"
    path = Path(source)
    return read_user_file(path, "a Deedbook PDF", max_bytes=MAX_PDF_BYTES), str(path)


def verify_pdf(
    source: str | os.PathLike[str] | bytes, ledger: "Ledger | None" = None, *, strict: bool = False
) -> PdfReport:
    """Check a Deedbook PDF (a path or its bytes); with `ledger`, compare it with that ledger too.
    `strict`: the file must be the genuine document byte for byte (else a re-saved file that says and
    shows the same passes, with a note).

    Returns a report (ok or not genuine); raises DeedbookError when the file is
    not a PDF, not a Deedbook document, or unreadable.
    """
    raw, label = _read(source)
    if not attachment.looks_like_pdf(raw):
        raise DeedbookError(f"{label} is not a PDF file.")
    marked = attachment.is_marked(raw)
    try:
        embedded = attachment.extract(raw)
    except ValueError as error:
        if not marked:
            raise DeedbookError(f"{label} cannot be read as a PDF ({error}).") from None
        return _damaged(raw, f"The document is damaged or truncated: its embedded record cannot be read ({error}).")
    if embedded is None:
        creator = "" if marked else _creator(raw)
        if creator.startswith(JOURNAL_CREATOR):  # an export with no ledger record: nothing for verify-pdf
            raise DeedbookError(
                f"{label} is a notary's own journal export, which carries no ledger record to verify: the notary "
                "checks the journal itself with 'deedbook journal verify'."
            )
        if creator.startswith("Deedbook documents"):
            return _damaged(
                raw,
                "The embedded record is missing: this file was made from a Deedbook document but "
                "carries none of its attachments (a program that rewrote it dropped them), so "
                "nothing it shows can be checked.",
            )
        if not marked:
            raise DeedbookError(f"{label} is not a Deedbook document: it carries no embedded Deedbook record.")
        return _damaged(raw, "The document is damaged: it names a Deedbook record but the record cannot be found.")
    return verify_record(embedded, raw, ledger, strict=strict)


def _creator(raw: bytes) -> str:
    """Who the file's metadata says made it: a Deedbook document keeps it through a rewrite that drops
    its attachments."""
    try:
        import pikepdf

        with pikepdf.open(io.BytesIO(raw)) as pdf:
            return str(pdf.docinfo.get("/Creator", ""))
    except Exception:  # noqa: BLE001 - an unreadable file is said by the caller
        return ""


def verify_record(embedded: bytes, raw: bytes, ledger: "Ledger | None" = None, *, strict: bool = False) -> PdfReport:
    """Steps 2 and 3 (and the ledger comparison) for a record already taken out of the PDF `raw`."""
    try:
        record = parse_record(embedded)  # core: the record's format
        check_document(record)  # this layer: a type, layout and parameters it draws (a sentence if not)
        proofs = check_record(record)  # core: every signature and proof
    except VerificationFailed as failure:
        return PdfReport(False, failure.reason, differences=[failure.reason])
    report = PdfReport(
        False,
        None,
        record.doc_type,
        record.paper,
        record.ledger.as_json(),
        _checkpoint(record),
        [{"index": p.index, "kind": p.kind, "summary": p.summary, "hash": p.leaf_hash} for p in proofs],
        unsigned=_unsigned(record),
    )
    try:
        genuine = render_record(record)
    except VerificationFailed as failure:
        report.reason = failure.reason
        return report
    except Exception as error:  # noqa: BLE001 - unsigned parts (names, figures) can be anything; a genuine record draws
        report.reason = (
            f"The embedded record cannot be drawn as a {report.document_name} ({type(error).__name__}: {error})."
        )
        return report
    if genuine != raw:
        from desktop.documents import seal

        sealed = seal.check_sealed(raw, genuine, record)
        if sealed is not None:
            report.sealed, report.seal, report.changes_after_seal = True, sealed.who, sealed.changes_after
            if sealed.problem:
                report.reason, report.differences = sealed.problem, [sealed.problem]
                return report
        elif (dropped := seal.seal_dropped(raw)) is not None:  # sealed once, its signature since rewritten away
            report.sealed, report.reason, report.differences = True, dropped, [dropped]
            return report
        added: list[str] = []
        if sealed is not None and sealed.exact:  # the genuine bytes, then the seal's own revision and nothing else
            report.ok = True
            return _with_ledger(report, record, ledger)
        if genuine.startswith(raw):  # a prefix of the genuine bytes is a cut file, whatever a reader recovers of it
            strict = True
        if strict:
            found = differences(raw, genuine, embedded, record)
        else:
            found, added = resaved_differences(raw, genuine, sealed.file_names if sealed else ())
        if found:
            if raw.startswith(genuine) and not strict and sealed is None:
                found.insert(
                    1,
                    f"{len(raw) - len(genuine):,} bytes were added after the end of the genuine document "
                    "(an incremental update: an edit, annotation or stamp made afterwards).",
                )
            report.differences = found
            report.reason = (
                f"This is not the genuine {report.document_name}: the file differs from the document "
                f"its signed entries produce{' byte for byte' if strict else ''}. {found[0]}"
            )
            return report
        report.resaved = sealed is None or sealed.resaved
        if report.resaved:
            report.notes.append(
                "The file was re-saved (its bytes are not the ones Deedbook wrote), but it carries the "
                "same attachments and its pages say and show exactly what the signed record draws."
            )
        if sealed is not None:
            report.changes_after_seal = sorted(set(report.changes_after_seal) | set(added))
        report.notes += [
            f"Added after it was {'sealed' if sealed else 'made'}: {a}."
            for a in (report.changes_after_seal if sealed else added)
        ]
    report.ok = True
    return _with_ledger(report, record, ledger)


def _with_ledger(report: PdfReport, record: Record, ledger: "Ledger | None") -> PdfReport:
    """A genuine document compared with the local ledger, when there is one."""
    if ledger is not None:
        from core.documents.local import compare_with_ledger

        report.local = compare_with_ledger(record, ledger)
        if report.local.problems:
            report.ok = False
            report.reason = "The local ledger contradicts this document: " + report.local.problems[0]
    return report


def resaved_differences(raw: bytes, genuine: bytes, sealing_files: Any = ()) -> tuple[list[str], list[str]]:
    """How a file that is not byte for byte the genuine document departs from what it says and shows: its
    attachments (each, byte for byte; `sealing_files` are the ones a seal adds) and its pages (text and drawing);
    and, second, the annotations it has that the genuine document has not (which change nothing it says)."""
    from desktop.documents import pdfa
    from desktop.documents.compare import compare_pages

    try:
        mine = pdfa.attachments(raw)
    except ValueError as error:
        return [f"The file cannot be read as a PDF ({error})."], []
    theirs = pdfa.attachments(genuine)
    found = []
    for name, data in theirs.items():
        if name not in mine:
            found.append(f"The attachment {name} was removed.")
        elif mine[name] != data and name == ATTACHMENT_NAME and _same_json(mine[name], data):
            found.append(
                "The embedded record was edited or re-encoded: its entries still check, but its bytes are "
                "not the ones the document was made with."
            )
        elif mine[name] != data:
            found.append(
                f"The attachment {name} was changed: it is {pdfa.describe(mine[name])} where the genuine "
                f"document carries {pdfa.describe(data)}."
            )
    found += [f"An attachment {name} was added." for name in mine if name not in theirs and name not in sealing_files]
    try:
        pages = compare_pages(raw, genuine)
    except Exception as error:  # noqa: BLE001 - pdfium or qpdf on a damaged file: said, not raised
        return [*found, f"The file's pages cannot be read ({type(error).__name__}: {error})."], []
    return pages.differences + found, [a.describe() for a in pages.added]  # what a reader sees first


def _same_json(a: bytes, b: bytes) -> bool:
    import json

    try:
        return bool(json.loads(a) == json.loads(b))
    except ValueError:
        return False


def _damaged(raw: bytes, reason: str) -> PdfReport:
    return PdfReport(False, reason, differences=[reason])


def _checkpoint(record: Record) -> dict[str, Any]:
    m = record.checkpoint["message"]
    return {
        "index": record.checkpoint.get("index"),
        "size": m["size"],
        "root": m["root"],
        "timestamp": m["timestamp"],
        "operator": record.ledger.operator,
    }


def _unsigned(record: Record) -> list[str]:
    notes = []
    if record.names:
        notes.append(
            f"{len(record.names)} name(s) shown beside addresses come from the issuer's address book; "
            "they are not signed (the addresses are)."
        )
    if isinstance(record.extra.get("notary"), dict):
        notes.append(
            "The jurisdiction profile and the notary's commission number and expiry are the issuer's "
            "statement; they are not signed (the notarial act is)."
        )
    if record.extra and set(record.extra) != {"notary"}:
        notes.append(
            "The valuation figures, comparables and reasons are the model's output carried in the record; "
            "only what a recorded Valuation entry states is signed."
        )
    if record.doc_type == "journal":
        notes.append(
            "That the journal lists every act of the period is the issuer's statement; with the ledger, "
            "verify-pdf checks it."
        )
    if record.doc_type == "title":
        notes.append(
            "That the chain of title is complete up to the checkpoint is the issuer's statement; with the "
            "ledger, verify-pdf checks it."
        )
    return notes


# -- saying what differs -------------------------------------------------------------


def _page_texts(raw: bytes) -> list[str] | None:
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        return [page.extract_text() or "" for page in PdfReader(io.BytesIO(raw), strict=False).pages]
    except Exception:  # noqa: BLE001 - pypdf on a damaged file: the byte comparison has already said it is not genuine
        return None


def differences(raw: bytes, genuine: bytes, embedded: bytes, record: Record) -> list[str]:
    """Plain sentences saying how `raw` departs from the genuine document `genuine` (most telling first)."""
    if raw.startswith(genuine):
        return [
            f"{len(raw) - len(genuine):,} bytes were added after the end of the genuine document (an "
            "incremental update: an edit, annotation or stamp made afterwards)."
        ]
    if genuine.startswith(raw):
        return [f"The file is truncated: it has {len(raw):,} of the genuine document's {len(genuine):,} bytes."]
    found: list[str] = []
    if embedded != record.to_bytes():
        found.append(
            "The embedded record was edited or re-encoded: its entries still check, but its bytes are not "
            "the ones the document was made with."
        )
    mine, theirs = _page_texts(raw), _page_texts(genuine)
    if mine is not None and theirs is not None:
        if len(mine) != len(theirs):
            found.append(f"The file has {len(mine)} page(s); the genuine document has {len(theirs)}.")
        for number, (seen, expected) in enumerate(zip(mine, theirs, strict=False), start=1):
            if seen != expected:
                found.extend(text_changes(number, seen, expected))
            if len(found) >= 6:
                break
    if not found:
        at = next(
            (i for i, (a, b) in enumerate(zip(raw, genuine, strict=False)) if a != b), min(len(raw), len(genuine))
        )
        found.append(
            f"The text is the same, but the file's bytes differ from the genuine document from byte {at:,} "
            "on (drawing, fonts, attachments or metadata were changed)."
        )
    return found


__all__ = ["PdfReport", "verify_pdf", "verify_record", "differences", "resaved_differences", "RecordInvalid"]
