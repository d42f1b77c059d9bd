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

import difflib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.documents.evidence import Record, RecordInvalid, check_record, parse_record
from core.errors import DeedbookError, VerificationFailed
from core.userfiles import read_user_file
from desktop.documents import attachment
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

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    @property
    def document_name(self) -> str:
        return label(self.document)

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "reason": self.reason, "document": self.document, "paper": self.paper,
                "ledger": self.ledger, "checkpoint": self.checkpoint, "entries": self.entries,
                "differences": self.differences, "unsigned": self.unsigned,
                "local_ledger": self.local.as_json() if self.local else None}


MAX_PDF_BYTES = 64 * 2**20  # our largest documents (long journals, long titles) are a few MB


def _read(source: str | os.PathLike[str] | bytes) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source), "The document"
    path = Path(source)
    return read_user_file(path, "a Deedbook PDF", max_bytes=MAX_PDF_BYTES), str(path)


def verify_pdf(source: str | os.PathLike[str] | bytes, ledger: "Ledger | None" = None) -> PdfReport:
    """Check a Deedbook PDF (a path or its bytes); with `ledger`, compare it with that ledger too.

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
        if not marked:
            raise DeedbookError(f"{label} is not a Deedbook document: it carries no embedded Deedbook record.")
        return _damaged(raw, "The document is damaged: it names a Deedbook record but the record cannot be found.")
    return verify_record(embedded, raw, ledger)


def verify_record(embedded: bytes, raw: bytes, ledger: "Ledger | None" = None) -> PdfReport:
    """Steps 2 and 3 (and the ledger comparison) for a record already taken out of the PDF `raw`."""
    try:
        record = parse_record(embedded)  # core: the record's format
        check_document(record)  # this layer: a type, layout and parameters it draws (a sentence if not)
        proofs = check_record(record)  # core: every signature and proof
    except VerificationFailed as failure:
        return PdfReport(False, failure.reason, differences=[failure.reason])
    report = PdfReport(False, None, record.doc_type, record.paper, record.ledger.as_json(), _checkpoint(record),
                       [{"index": p.index, "kind": p.kind, "summary": p.summary, "hash": p.leaf_hash} for p in proofs],
                       unsigned=_unsigned(record))
    try:
        genuine = render_record(record)
    except VerificationFailed as failure:
        report.reason = failure.reason
        return report
    except Exception as error:  # noqa: BLE001 - unsigned parts (names, figures) can be anything; a genuine record draws
        report.reason = (f"The embedded record cannot be drawn as a {report.document_name} "
                         f"({type(error).__name__}: {error}).")
        return report
    if genuine != raw:
        report.differences = differences(raw, genuine, embedded, record)
        report.reason = (f"This is not the genuine {report.document_name}: the file differs from the document its "
                         f"signed entries produce. {report.differences[0]}")
        return report
    report.ok = True
    if ledger is not None:
        from core.documents.local import compare_with_ledger

        report.local = compare_with_ledger(record, ledger)
        if report.local.problems:
            report.ok = False
            report.reason = "The local ledger contradicts this document: " + report.local.problems[0]
    return report


def _damaged(raw: bytes, reason: str) -> PdfReport:
    return PdfReport(False, reason, differences=[reason])


def _checkpoint(record: Record) -> dict[str, Any]:
    m = record.checkpoint["message"]
    return {"index": record.checkpoint.get("index"), "size": m["size"], "root": m["root"], "timestamp": m["timestamp"],
            "operator": record.ledger.operator}


def _unsigned(record: Record) -> list[str]:
    notes = []
    if record.names:
        notes.append(f"{len(record.names)} name(s) shown beside addresses come from the issuer's address book; "
                     "they are not signed (the addresses are).")
    if record.extra:
        notes.append("The valuation figures, comparables and reasons are the model's output carried in the record; "
                     "only what a recorded Valuation entry states is signed.")
    if record.doc_type == "journal":
        notes.append("That the journal lists every act of the period is the issuer's statement; with the ledger, "
                     "verify-pdf checks it.")
    if record.doc_type == "title":
        notes.append("That the chain of title is complete up to the checkpoint is the issuer's statement; with the "
                     "ledger, verify-pdf checks it.")
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
        return [f"{len(raw) - len(genuine):,} bytes were added after the end of the genuine document (an "
                "incremental update: an edit, annotation or stamp made afterwards)."]
    if genuine.startswith(raw):
        return [f"The file is truncated: it has {len(raw):,} of the genuine document's {len(genuine):,} bytes."]
    found: list[str] = []
    if embedded != record.to_bytes():
        found.append("The embedded record was edited or re-encoded: its entries still check, but its bytes are not "
                     "the ones the document was made with.")
    mine, theirs = _page_texts(raw), _page_texts(genuine)
    if mine is not None and theirs is not None:
        if len(mine) != len(theirs):
            found.append(f"The file has {len(mine)} page(s); the genuine document has {len(theirs)}.")
        for number, (seen, expected) in enumerate(zip(mine, theirs, strict=False), start=1):
            if seen != expected:
                found.extend(_text_changes(number, seen, expected))
            if len(found) >= 6:
                break
    if not found:
        at = next((i for i, (a, b) in enumerate(zip(raw, genuine, strict=False)) if a != b), min(len(raw), len(genuine)))
        found.append(f"The text is the same, but the file's bytes differ from the genuine document from byte {at:,} "
                     "on (drawing, fonts, attachments or metadata were changed).")
    return found


def _text_changes(page: int, seen: str, expected: str) -> list[str]:
    a, b = expected.splitlines(), seen.splitlines()
    changes = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        genuine_text = " / ".join(a[i1:i2]).strip()
        file_text = " / ".join(b[j1:j2]).strip()
        if tag == "replace":
            changes.append(f"Page {page} reads \u201c{_clip(file_text)}\u201d where the embedded record gives "
                           f"\u201c{_clip(genuine_text)}\u201d.")
        elif tag == "delete":
            changes.append(f"Page {page} is missing \u201c{_clip(genuine_text)}\u201d.")
        else:
            changes.append(f"Page {page} has added text \u201c{_clip(file_text)}\u201d.")
        if len(changes) >= 3:
            break
    return changes


def _clip(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


__all__ = ["PdfReport", "verify_pdf", "verify_record", "differences", "RecordInvalid"]
