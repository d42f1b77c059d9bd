"""From an embedded record to PDF bytes: the one entry point `verify-pdf` redraws through."""
from __future__ import annotations

from typing import Callable

from core.documents.evidence import Record


def _drawers() -> dict[str, Callable[[Record], bytes]]:
    # Imported here, not at the top: the drawers import this module (and reportlab is heavy).
    from core.documents import notary, title, transfer_deed, valuation_report

    return {
        "transfer": transfer_deed.draw_transfer,
        "title": title.draw_title,
        "notary": notary.draw_notary_record,
        "journal": notary.draw_journal,
        "valuation": valuation_report.draw_valuation,
    }


def render_record(record: Record) -> bytes:
    """The document `record` describes, as deterministic PDF bytes (drawn from its canonical form)."""
    record = record.canonical()
    return _drawers()[record.doc_type](record)
