"""Pieces several documents share: parties, dates, signatures, the verification panel with its QR code."""

from __future__ import annotations

from typing import Any, Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from core.dates import format_day, format_instant
from core.documents import qr
from core.documents.evidence import EmbeddedEntry, Record
from core.kinds import role_label
from core.money import format_amount
from desktop.documents.layout import (
    INK,
    MIN_RECORDING_SIZE,
    MUTED,
    FITTED_LAYOUTS,
    RULE,
    UTC_LAYOUTS,
    Heading,
    Styles,
    boxed,
    data_table,
    esc,
    mono_wrapped,
    para,
    plain,
    section,
)
from desktop.documents.qr_code import qr_flowable


def day(seconds: int) -> str:
    return format_day(seconds)


def moment(seconds: int) -> str:
    return format_instant(seconds)


def day_of(record: Record, seconds: int) -> str:
    """The day of an instant as a page draws it: '2026-12-07 (UTC)' from layout 8 (and recording 9), which say
    whose day it is (recorded at 10:00 on 8 December in Auckland is 7 December in UTC); older layouts drew the
    bare UTC day and are redrawn so, to verify as issued."""
    return f"{day(seconds)} (UTC)" if record.layout in UTC_LAYOUTS else day(seconds)


def recorded_on(record: Record, seconds: int) -> str:
    """When an entry was recorded, as a page draws it: the full instant from layout 8 (and recording 9),
    '2026-12-07 23:59 UTC' (the time says which entry came first on a day); the bare UTC day before."""
    return moment(seconds) if record.layout in UTC_LAYOUTS else day(seconds)


def money(minor: Any, currency: Any) -> str:
    try:
        return format_amount(int(minor), str(currency))
    except (TypeError, ValueError):
        return f"{minor} {currency}"


def shares_text(shares: int, total: int) -> str:
    if shares == total:
        return f"all {total:,} shares (100%)"
    return f"{shares:,} of {total:,} shares ({percent(shares, total)})"


def percent(shares: int, total: int) -> str:
    value = 100 * shares / total if total else 0
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def party(record: Record, address: str, style_name: Any = None, mono: Any = None) -> Paragraph:
    """A name (when the issuer's address book knows one) over the address, which is what is signed."""
    name = record.name_of(address)
    mono_style = mono or Styles.cell_mono
    font = mono_style.fontName
    size = mono_style.fontSize
    address_html = f'<font name="{font}" size="{size}">{esc(address)}</font>'
    if name:
        return para(f"<b>{esc(name)}</b><br/>{address_html}", style_name or Styles.cell)
    return para(address_html, style_name or Styles.cell)


def named(record: Record, address: str) -> str:
    """Paragraph markup for a party inside a sentence: the name in bold and the address in brackets, or the address."""
    name = record.name_of(address)
    mono = f'<font name="{Styles.cell_mono.fontName}" size="{max(8, Styles.cell_mono.fontSize)}">{esc(address)}</font>'
    return f"<b>{esc(name)}</b> ({mono})" if name else mono


def heading(record: Record, document: str, subject: str) -> Heading:
    return Heading(
        document,
        subject,
        record.ledger.name,
        record.ledger.ledger_id_hex,
        f"checkpoint of {record.checkpoint_size:,} entries, {moment(record.checkpoint_time)}",
    )


def signatures_table(record: Record, entries: Sequence[EmbeddedEntry], width: float) -> Table:
    if record.layout in FITTED_LAYOUTS:  # recording layouts 4 on: each signer's bytes on the row below it
        return _signatures_below(record, entries, width)
    rows = []
    for entry in entries:
        for s in entry.signatures:
            rows.append(
                [
                    plain(str(entry.index), Styles.cell),
                    plain(role_label(s["role"]), Styles.cell),
                    party(record, s["signer"]),
                    plain(s.get("signedType", ""), Styles.cell),
                    mono_wrapped(s["signature"][2:], Styles.mono_small, 8),
                ]
            )
    widths = [36, 62, 180, 56, width - 334]
    return data_table(
        ["Entry", "Role", "Signer", "Signed", "Signature (r \u2016 s \u2016 v, 65 bytes)"], rows, widths, zebra=False
    )


def _signatures_below(record: Record, entries: Sequence[EmbeddedEntry], width: float) -> Table:
    """The recording layout's signatures (from layout 4): each signer on one row and its 65 bytes on the next,
    across the table, as r, s and v (the two 32-byte halves and the recovery byte) with a space between: at 10
    points the bytes fill two lines there and every word of the row above fits its column.  Each signature is a
    table of its own in a row of the outer one, so a page break never parts a signer from its bytes."""
    widths = [44, 88, width - 222, 90]
    head = _pinned(Table([[plain(h.upper(), Styles.cell_head) for h in ("Entry", "Role", "Signer", "Signed")]], widths))
    head.setStyle(TableStyle([*_CELL_PADDING, ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK)]))
    rows: list[list[Any]] = [[head]]
    for entry in entries:
        for s in entry.signatures:
            raw = str(s["signature"])[2:]
            one = [
                [
                    plain(str(entry.index), Styles.cell),
                    plain(role_label(s["role"]), Styles.cell),
                    party(record, s["signer"]),
                    plain(s.get("signedType", ""), Styles.cell),
                ],
                ["", plain(f"{raw[:64]} {raw[64:128]} {raw[128:]}", Styles.mono_small), "", ""],
            ]
            block = _pinned(Table(one, widths))
            block.setStyle(
                TableStyle(
                    [
                        *_CELL_PADDING,
                        ("SPAN", (1, 1), (-1, 1)),
                        ("TOPPADDING", (0, 1), (-1, 1), 0),
                        ("LINEBELOW", (0, 1), (-1, 1), 0.3, RULE),
                    ]
                )
            )
            rows.append([block])
    table = Table(rows, colWidths=[width], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


_CELL_PADDING: list[Any] = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 3.5),
    ("RIGHTPADDING", (0, 0), (-1, -1), 3.5),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]


def _pinned(table: Table) -> Table:
    """A table whose columns line up with its neighbours': the recording layout's fitting leaves it as drawn."""
    table.fixed_columns = True
    return table


def verification_panel(record: Record, subject: EmbeddedEntry, width: float) -> list[Flowable]:
    """The QR code and what anyone needs to check the document, kept together on one page."""
    cp = record.checkpoint
    payload = qr.payload(record, subject)
    qr_size = 31 * mm
    count = len(record.entries)
    names_note = (
        " Names beside addresses come from the issuer\u2019s address book and are not signed; the addresses are."
        if record.names
        else ""
    )
    lines = [
        para(
            f"Drawn only from the {count} signed ledger {'entry' if count == 1 else 'entries'} embedded in this "
            "file (<b>deedbook-record.json</b>), each with its Merkle inclusion proof and the operator-signed "
            "checkpoint below. Anyone can check it offline, without the ledger: <b>deedbook verify-pdf FILE</b> "
            "checks every signature and proof, then redraws the document from the embedded entries and compares "
            + (
                "it byte for byte."
                if record.layout == 1
                else "what its pages say and show (a copy re-saved by "
                "another program still checks; an edited fact does not)."
            )
            + names_note,
            Styles.fine,
        ),
        Spacer(1, 3),
    ]
    info = [
        ("Ledger", para(f"{esc(record.ledger.name)} \u00b7 chain id {record.ledger.chain_id}", Styles.cell)),
        ("Ledger id", mono_wrapped(record.ledger.ledger_id_hex, Styles.cell_mono, 66)),
        ("Operator", mono_wrapped(record.ledger.operator, Styles.cell_mono, 66)),
        (
            "Checkpoint",
            para(
                f"{record.checkpoint_size:,} entries, signed {esc(moment(record.checkpoint_time))} "
                f"(entry {cp.get('index', '?')})",
                Styles.cell,
            ),
        ),
        *_witnesses(record),
        ("Merkle root", mono_wrapped(str(cp["message"]["root"]), Styles.cell_mono, 66)),
        (
            "QR entry",
            para(
                f"entry {subject.index} \u00b7 <font name='{Styles.cell_mono.fontName}' "
                f"size='{Styles.cell_mono.fontSize}'>"
                f"{esc(subject.leaf_hash)}</font>",
                Styles.cell,
            ),
        ),
    ]
    grid = Table(
        [[plain(k.upper(), Styles.label), v] for k, v in info], colWidths=[22 * mm, width - qr_size - 22 * mm - 26]
    )
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0.9),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.9),
                *[("TOPPADDING", (0, i), (0, i), 2.4) for i in range(len(info))],
            ]
        )
    )
    qr_cell = [qr_flowable(payload.text(), qr_size), plain("Scan: ledger, entry, checkpoint", _caption())]
    panel = boxed([[qr_cell, [*lines, grid]]], [qr_size + 10, width - qr_size - 10])
    return [KeepTogether([*section("Verification", width), panel])]


def _witnesses(record: Record) -> list[tuple[str, Flowable]]:
    """A row naming the witnesses whose cosignatures on the checkpoint check (none: no row, as before witnesses)."""
    from core.checkpoint_note import Body, carried_lines, check_cosignature, origin

    body = Body(
        origin(record.ledger), record.checkpoint_size, bytes.fromhex(str(record.checkpoint["message"]["root"])[2:])
    )
    from core.display import short_address

    found = (check_cosignature(body, line) for line in carried_lines(record.checkpoint))
    names = sorted({f"{c.name} ({short_address(c.address)})" for c in found if c is not None})
    if not names:
        return []
    return [("Witnesses", para(f"cosigned by {esc(', '.join(names))}", Styles.cell))]


def _caption() -> Any:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    small = Styles.fine.fontSize < MIN_RECORDING_SIZE  # the recording layout's type is never under 10 points
    return ParagraphStyle(
        "caption",
        parent=Styles.fine,
        fontSize=5.8 if small else Styles.fine.fontSize,
        leading=7 if small else Styles.fine.leading,
        alignment=TA_CENTER,
        textColor=MUTED,
    )


__all__ = [
    "day",
    "day_of",
    "moment",
    "recorded_on",
    "money",
    "party",
    "named",
    "heading",
    "signatures_table",
    "verification_panel",
    "shares_text",
    "percent",
    "role_label",
    "RULE",
]
