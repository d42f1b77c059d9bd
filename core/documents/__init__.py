"""What a document's embedded record is and what it proves; no drawing here.

Every Deedbook PDF carries a record (`deedbook-record.json`): the signed ledger
entries it shows, each with its Merkle inclusion proof, and the operator-signed
checkpoint they lead to.  This package holds

    evidence.py  the record: `build_record` from a ledger, `parse_record` from an
                 attachment's bytes, `check_record` (every signature and proof)
    chain.py     a deed's holders and liens replayed from the embedded entries alone
    local.py     a genuine record compared with the ledger on this machine
    qr.py        the QR code's text: what the document proves, in one scannable line

Drawing a document from its record, reading it out of a PDF and `verify-pdf` are
the documents layer's, above core and valuation: desktop/documents.
"""

from __future__ import annotations

from core.documents.evidence import (
    ATTACHMENT_NAME,
    FORMAT,
    EmbeddedEntry,
    NotCheckpointed,
    Record,
    RecordInvalid,
    build_record,
    check_record,
    parse_record,
)

__all__ = [
    "ATTACHMENT_NAME",
    "FORMAT",
    "EmbeddedEntry",
    "NotCheckpointed",
    "Record",
    "RecordInvalid",
    "build_record",
    "check_record",
    "parse_record",
]
