"""From an embedded record to PDF bytes: the one entry point `verify-pdf` redraws through."""
from __future__ import annotations

import importlib

from core.documents.evidence import Record

# document type -> "module:function" drawing it from a Record (imported on first use: reportlab is heavy)
DRAWERS = {
    "transfer": "core.documents.transfer_deed:draw_transfer",
    "title": "core.documents.title:draw_title",
    "notary": "core.documents.notary:draw_notary_record",
    "journal": "core.documents.notary:draw_journal",
    "valuation": "core.documents.valuation_report:draw_valuation",
}


def render_record(record: Record) -> bytes:
    """The document `record` describes, as deterministic PDF bytes (drawn from its canonical form)."""
    record = record.canonical()
    module_name, function_name = DRAWERS[record.doc_type].split(":")
    draw = getattr(importlib.import_module(module_name), function_name)
    data: bytes = draw(record)
    return data
