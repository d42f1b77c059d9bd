"""The documents layer: PDF records anyone can verify offline, drawn above core and valuation.

What a record is and proves is core's (core.documents); this package draws it
(reportlab), embeds it in the PDF and reads it back (pypdf), and verifies a file
by drawing it again.  No Qt here: the workspace calls it for both front ends.

    build_transfer_pdf(ledger, index, paper="A4") -> bytes
    build_title_pdf(ledger, deed, paper="A4", complete=False) -> bytes     # deed number or parcel
    build_notary_record_pdf(ledger, index, paper="A4") -> bytes
    build_journal_pdf(ledger, notary=None, date_from=None, date_to=None, paper="A4") -> bytes
    build_valuation_pdf(ledger, deed, valuation, card, paper="A4") -> bytes  # valuation/'s Valuation, a ModelCard
    verify_pdf(path_or_bytes, ledger=None) -> PdfReport                      # ok / reason / what differs / local notes
    render_record(record) -> bytes                                           # any record, by its registered type

Each document type is one module registering itself (registry.py: its name,
parameters, drawing by layout number).  Names here are imported lazily: importing
this package costs nothing, reportlab is loaded by the first document drawn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # never run; lets type checkers see the lazy names' modules
    from desktop.documents import (  # noqa: F401
        journal,
        notary_record,
        registry,
        title,
        transfer_deed,
        valuation_data,
        valuation_report,
        verify,
    )

_EXPORTS = {
    "build_transfer_pdf": "desktop.documents.transfer_deed",
    "build_title_pdf": "desktop.documents.title",
    "build_notary_record_pdf": "desktop.documents.notary_record",
    "build_journal_pdf": "desktop.documents.journal",
    "build_valuation_pdf": "desktop.documents.valuation_report",
    "ModelCard": "desktop.documents.valuation_data",
    "ReportValuation": "desktop.documents.valuation_data",
    "verify_pdf": "desktop.documents.verify",
    "PdfReport": "desktop.documents.verify",
    "render_record": "desktop.documents.registry",
    "document_types": "desktop.documents.registry",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'desktop.documents' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
