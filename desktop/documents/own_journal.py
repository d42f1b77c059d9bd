"""The notary's own journal as a PDF: one row per journal row (acts, refusals, corrections, voids), in landscape.

Drawn from the notary's journal rows (core.notary_journal), not from a ledger:
the notary's machine has none.  The journal file stays the authority; the page
states the result of `journal verify` and the head hash, so a reader can ask
the notary for the file and check it.  Identity numbers are never printed (they
are sealed in the file); a profile that keeps only a number's tail shows that.
"""

from __future__ import annotations

import io
from typing import Any, Sequence

from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import Flowable, SimpleDocTemplate

from core.dates import format_day
from core.notary_journal import JournalCheck, JournalRow
from desktop.documents.layout import MARGIN_X, Styles, data_table, esc, para, plain, section, title_block

CREATOR = "Deedbook notary's journal"  # the PDF's /Creator

TYPE_WORDS = {"act": "Act", "refusal": "Refused", "correction": "Correction", "void": "Void"}


def _signers(fields: dict[str, Any]) -> list[Any]:
    cells: list[Any] = []
    for person in fields.get("signers", []):
        ident = person.get("id") or {}
        id_text = " \u00b7 ".join(
            x
            for x in (
                ident.get("type"),
                ident.get("issuer"),
                ident.get("numberKept"),
                "number sealed" if ident.get("numberSealed") else "",
                f"exp. {ident['expires']}" if ident.get("expires") else "",
            )
            if x
        )
        cells.append(plain(f"{person.get('name', '')}, {person.get('address', '')}", Styles.cell_bold))
        if id_text:
            cells.append(plain(id_text, Styles.cell))
    for witness in fields.get("witnesses", []):
        cells.append(plain(f"credible witness: {witness.get('name', '')}, {witness.get('address', '')}", Styles.cell))
    return cells or [plain("\u2014", Styles.cell)]


def _day(row: JournalRow) -> str:
    """An act's signed date as signed; a refusal, correction or void has only the instant it was written, whose
    day is UTC's and says so (10:00 in Auckland on the 8th is the 7th in UTC)."""
    act = row.data.get("act") or {}
    return str(act["actDate"]) if act.get("actDate") else f"{format_day(row.at)} (UTC)"


def _row(row: JournalRow) -> list[Any]:
    d = row.data
    act = d.get("act") or {}
    fields = d.get("fields") or {}
    what = [plain(act.get("act") or "\u2014", Styles.cell_bold)]
    if act.get("entryIndex") is not None:
        what.append(
            plain(
                f"entry {act.get('entryIndex')} \u00b7 {act.get('entryKind')}"
                + (f" \u00b7 deed {act['deedId']}" if act.get("deedId") else ""),
                Styles.cell,
            )
        )
        what.append(plain(f"ledger {act.get('ledgerName', '')}", Styles.cell))
    note = d.get("reason") or ""
    if d.get("ref") is not None:
        note = f"about row {d['ref']}: {note}"
    kind = TYPE_WORDS.get(str(d.get("type")), str(d.get("type")))
    return [
        str(row.seq),
        plain(_day(row), Styles.cell),
        kind,
        what,
        plain(fields.get("document") or "\u2014", Styles.cell),
        _signers(fields),
        plain(fields.get("fee") or "\u2014", Styles.cell),
        "yes" if fields.get("thumbprint") else "no",
        plain(note or "\u2014", Styles.cell),
        plain(str(d.get("profile", "")), Styles.cell),
    ]


def build_own_journal_pdf(rows: Sequence[JournalRow], check: JournalCheck, *, notary: str, period: str = "") -> bytes:
    """The PDF bytes (the same rows always give the same bytes: invariant mode, no clock)."""
    page = landscape(A4)
    width = page[0] - 2 * MARGIN_X
    story: list[Flowable] = []
    first, last = (_day(rows[0]), _day(rows[-1])) if rows else ("\u2014", "\u2014")
    story += title_block(
        "Notary's Journal",
        f"Kept by {esc(notary)} \u00b7 {esc(period or f'{first} to {last}')}",
        [("Notary", esc(notary[:12] + "\u2026")), ("Rows", str(len(rows))), ("From", esc(first)), ("To", esc(last))],
        width,
    )
    state = "intact" if check.ok else f"NOT intact: {check.reason}"
    head = rows[-1].data.get("hash", "") if rows else ""
    story.append(
        para(
            f"The notary's own journal, kept on the notary's machine: each row hash-linked to the one before and signed by "
            f"the notary's key. Checked when this page was made: <b>{esc(state)}</b> ({check.rows} rows in the file). "
            f"Last row's hash: <font name='{Styles.cell_mono.fontName}' size='7'>{esc(head)}</font>. Identity numbers are "
            "sealed to the notary's key and never printed.",
            Styles.body,
        )
    )
    story += section("Journal", width, f"{len(rows)} row{'s' if len(rows) != 1 else ''}")
    widths = [26, 56, 50, 130, 80, width - 26 - 56 - 50 - 130 - 80 - 44 - 36 - 110 - 62, 44, 36, 110, 62]
    story.append(
        data_table(
            ["No.", "Date", "Type", "Act", "Document", "Signers and evidence", "Fee", "Thumb", "Note", "Profile"],
            [_row(r) for r in rows],
            widths,
            right=(0,),
        )
    )
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=40,
        bottomMargin=40,
        title="Notary's journal",
        author=notary,
        invariant=1,
        creator=CREATOR,  # not a ledger document: verify-pdf says so (desktop/documents/verify.py)
    )
    doc.build(story)
    return out.getvalue()
