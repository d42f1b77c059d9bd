"""PDF documents that anyone can verify offline: transfer deed, certificate of title,
notary journal record and journal export, valuation report.

The functions the CLI (`deedbook pdf …`, `deedbook verify-pdf`) and the GUI's
document preview call:

    build_transfer_pdf(ledger, index, paper="A4") -> bytes
    build_title_pdf(ledger, deed, paper="A4") -> bytes
    build_notary_record_pdf(ledger, index, paper="A4") -> bytes
    build_journal_pdf(ledger, notary=None, date_from=None, date_to=None, paper="A4") -> bytes
    build_valuation_pdf(ledger, deed, valuation, paper="A4") -> bytes   # valuation: plain data, see below
    valuation_input(valuation.to_json(), model_card) -> dict            # ...made from valuation/'s result
    verify_pdf(path_or_bytes, ledger=None) -> PdfReport                 # ok / reason / what differs / local ledger notes

Every builder raises `DeedbookError` with one sentence on bad input, and
`NotCheckpointed` (a DeedbookError) when the entries are newer than the latest
checkpoint.  Names are imported lazily: importing this package costs nothing,
reportlab is loaded by the first document drawn.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # never run; lets type checkers and PyInstaller's import scan see the lazy names' modules
    from core.documents import evidence, notary, render, title, transfer_deed, valuation_report, verify  # noqa: F401

_EXPORTS = {
    "build_transfer_pdf": "core.documents.transfer_deed",
    "build_title_pdf": "core.documents.title",
    "build_notary_record_pdf": "core.documents.notary",
    "build_journal_pdf": "core.documents.notary",
    "build_valuation_pdf": "core.documents.valuation_report",
    "valuation_input": "core.documents.valuation_report",
    "verify_pdf": "core.documents.verify",
    "PdfReport": "core.documents.verify",
    "render_record": "core.documents.render",
    "Record": "core.documents.evidence",
    "NotCheckpointed": "core.documents.evidence",
    "ATTACHMENT_NAME": "core.documents.evidence",
    "FORMAT": "core.documents.evidence",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'core.documents' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
