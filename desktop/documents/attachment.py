"""The embedded record as a PDF file attachment: written with reportlab, read with pypdf.

The record's format and checks are core's (core.documents.evidence); putting it in
a PDF and taking it out are the documents layer's, so core needs no PDF library.

The record goes in the document catalogue's /EmbeddedFiles name tree (what every
PDF viewer lists as an attachment), Flate-compressed, with its size and
/AFRelationship /Data (the data the document was made from).  Its file
specification is the second object of the file, so even a badly truncated
document is still recognisably a Deedbook document, and fails as damaged (not
genuine) rather than as foreign.
"""

from __future__ import annotations

import io
from typing import Any

from core.documents.evidence import ATTACHMENT_NAME

MARKER = ATTACHMENT_NAME.encode("ascii")


def embed(doc: Any, data: bytes, description: str) -> None:
    """Add `data` to reportlab's PDFDocument `doc` as the attachment ATTACHMENT_NAME."""
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFObjectReference, PDFStream, PDFString, PDFZCompress

    # The file specification (which names the record) is numbered before the stream it points to, so it is
    # written near the start of the file, ahead of the compressed data.
    stream_ref = PDFObjectReference("DeedbookRecordStream")
    spec = PDFDictionary(
        {
            "Type": "/Filespec",
            "F": PDFString(ATTACHMENT_NAME),
            "UF": PDFString(ATTACHMENT_NAME),
            "Desc": PDFString(description),
            "AFRelationship": "/Data",
            "EF": PDFDictionary({"F": stream_ref}),
        }
    )
    spec_ref = doc.Reference(spec)
    stream = PDFStream(
        PDFDictionary(
            {
                "Type": "/EmbeddedFile",
                "Subtype": "/application#2Fjson",
                "Params": PDFDictionary({"Size": len(data)}),
            }
        ),
        content=data,
        filters=[PDFZCompress],
    )
    doc.Reference(stream, "DeedbookRecordStream")
    names = PDFDictionary({"EmbeddedFiles": PDFDictionary({"Names": PDFArray([PDFString(ATTACHMENT_NAME), spec_ref])})})
    doc.Catalog.Names = doc.Reference(names)


def looks_like_pdf(raw: bytes) -> bool:
    return raw[:1024].lstrip(b"\x00\t\r\n ").startswith(b"%PDF-")


def is_marked(raw: bytes) -> bool:
    """Does the file name a Deedbook record?  (Checked on the raw bytes, so it works on damaged files.)"""
    return MARKER in raw


def extract(raw: bytes) -> bytes | None:
    """The embedded record's bytes, or None when the PDF has no such attachment.

    Raises ValueError when the PDF or the attachment cannot be read.
    """
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files are expected here; we report them ourselves
    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        found = reader.attachments.get(ATTACHMENT_NAME)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError) as error:
        raise ValueError(str(error) or type(error).__name__) from None
    except Exception as error:  # noqa: BLE001 - pypdf raises assorted errors on damaged streams (zlib.error among them)
        raise ValueError(str(error) or type(error).__name__) from None
    if not found:
        return None
    if len(found) != 1:
        raise ValueError(f"the document carries {len(found)} records named {ATTACHMENT_NAME}")
    return bytes(found[0])
