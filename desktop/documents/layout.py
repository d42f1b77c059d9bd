"""The page template every document shares: paper, styles, header, footer, and the PDF's own bytes.

`render_pdf(record, title, subject, story)` turns a list of flowables into
deterministic PDF bytes: reportlab's invariant mode, a creation date taken from
the record's checkpoint (never the clock), a document ID derived from the
record, no application version in the file, and the record embedded as an
attachment.  The same record therefore always gives the same bytes, which is
what lets `verify-pdf` redraw a document and compare.
"""

from __future__ import annotations

import hashlib
import io
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.pdfbase.pdfdoc import DummyDoc, PDFText
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from core.documents.evidence import Record
from desktop.documents import attachment
from desktop.documents.fonts import MONO, SANS, SANS_BOLD, SERIF_BOLD, register_fonts, runs

register_fonts()  # paragraphs look their fonts up when they are made, before anything is drawn

PAGE_SIZES = {"A4": A4, "Letter": LETTER}
MARGIN_X = 18 * mm
MARGIN_TOP = 27 * mm  # below the header band
MARGIN_BOTTOM = 20 * mm  # above the footer
CREATOR = "Deedbook documents (deedbook-document/1)"
ARCHIVAL_CREATOR = "Deedbook documents (deedbook-document/1, PDF/A-3b)"
# Layouts: 1 = the first drawing (reportlab only, kept so issued documents still verify); 2 = the same pages as
# PDF/A-3b with associated files; 3 = PDF/A-3b on recording-ready pages (US Letter, the recorder's space), kept
# so issued documents verify; 4 = layout 3 with table columns that fit their words (desktop/documents/fitting.py),
# kept so issued documents verify; 5 = layout 4 where a hash too long for a line of its sentence starts a line,
# kept so issued documents verify; 6 = layout 5 where the word before such a hash goes to its line with it;
# 7 = layout 2 where a hash alone in a table cell too narrow for it is cut into equal lines, and the valuation
# report words an undated market and keeps its range's labels inside the chart (transfer deeds and valuation
# reports; the other documents did not change); 8 = layout 7 where every day or time taken from an instant says it
# is UTC's (certificates of title, transfer deeds, notary journals: the documents that drew a bare UTC day);
# 9 = layout 6 with the same dates (the recording layout of certificates of title and transfer deeds).
ARCHIVAL = 2
RECORDING_V1 = 3  # the first recording layout: its 10-point words were split where a 7-point column ended
RECORDING_FITTED = 4  # columns fit their words; a hash inside a sentence was cut where the line ended
RECORDING_HASHES = 5  # a hash inside a sentence starts a line; the word before it ("is") was left alone on its line
RECORDING_WORDS = 6  # the word before such a hash goes to its line; a day of an instant drawn without its zone
RECORDING_UTC = 9  # layout 6 where a day or time taken from an instant names UTC
RECORDING_LAYOUTS = (RECORDING_V1, RECORDING_FITTED, RECORDING_HASHES, RECORDING_WORDS, RECORDING_UTC)
FITTED_LAYOUTS = (RECORDING_FITTED, RECORDING_HASHES, RECORDING_WORDS, RECORDING_UTC)  # columns refitted (fit_story)
ARCHIVAL_EVEN = 7  # layout 2 + a hash cut by its cell in equal lines (fitting.break_story), undated words
ARCHIVAL_UTC = 8  # layout 7 + a day or time taken from an instant names UTC ("2026-12-07 (UTC)", "… 23:59 UTC")
UTC_LAYOUTS = (ARCHIVAL_UTC, RECORDING_UTC)  # the layouts whose pages say which day an instant's date is
# The layouts every document a county recorder records (RECORDABLE) is drawn in; title and transfer add 8 and 9.
LAYOUTS = (1, ARCHIVAL, RECORDING_V1, RECORDING_FITTED, RECORDING_HASHES, RECORDING_WORDS)
STANDARD_LAYOUTS = (1, ARCHIVAL)  # the others
# What a county recorder records (journals and valuations are not), and the recording layout each is drawn in now:
# a notary record draws no day of an instant (its act's date is signed), so its pages did not change after 6.
RECORDING_OF = {"transfer": RECORDING_UTC, "title": RECORDING_UTC, "notary": RECORDING_WORDS}
RECORDABLE = tuple(RECORDING_OF)
MIN_RECORDING_SIZE = 10.0  # points: California Gov. Code \u00a727361.6 asks for type no smaller than 10 point
RECORDER_BAND = 2.5 * inch  # the top of page 1 left blank for the recorder's stamp

INK = colors.HexColor("#1B2B40")
ACCENT = colors.HexColor("#8C6D3F")
MUTED = colors.HexColor("#5B6675")
RULE = colors.HexColor("#C9D1DB")
SHADE = colors.HexColor("#F2F4F7")
PANEL = colors.HexColor("#F7F5F0")
ALERT = colors.HexColor("#9B2C2C")
GOOD = colors.HexColor("#2F6B3A")


def _style(
    name: str, font: str = SANS, size: float = 9, leading: float | None = None, color: Any = INK, **more: Any
) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.32, textColor=color, **more)


class Styles:
    title = _style("title", SERIF_BOLD, 21, 25)
    subtitle = _style("subtitle", SANS, 10, 13.5, MUTED)
    section = _style("section", SANS_BOLD, 9, 11, INK)
    body = _style("body", SANS, 9, 12.6)
    fine = _style("fine", SANS, 7.2, 9.4, MUTED)
    label = _style("label", SANS, 6.6, 8.4, MUTED)
    value = _style("value", SANS, 9, 11.6)
    value_bold = _style("value_bold", SANS_BOLD, 9, 11.6)
    mono = _style("mono", MONO, 7.2, 9.2)
    mono_small = _style("mono_small", MONO, 6.3, 8)
    cell = _style("cell", SANS, 7.6, 9.6)
    cell_bold = _style("cell_bold", SANS_BOLD, 7.6, 9.6)
    cell_right = _style("cell_right", SANS, 7.6, 9.6, alignment=TA_RIGHT)
    cell_head = _style("cell_head", SANS_BOLD, 6.8, 8.6, MUTED)
    cell_head_right = _style("cell_head_right", SANS_BOLD, 6.8, 8.6, MUTED, alignment=TA_RIGHT)
    cell_mono = _style("cell_mono", MONO, 6.6, 8.6)
    big = _style("big", SANS_BOLD, 15, 18)


def as_recording(record: Record) -> Record:
    """The same record drawn on recording-ready pages (US Letter; the newest recording layout of its type)."""
    import dataclasses

    if record.doc_type not in RECORDABLE:
        from core.errors import DeedbookError

        raise DeedbookError(
            f"The recording layout is for documents a county recorder records (transfer deeds, "
            f"certificates of title, notary records), not a {record.doc_type} document."
        )
    return dataclasses.replace(record, layout=RECORDING_OF[record.doc_type], paper="Letter")


@contextmanager
def styles_for(record: Record) -> Iterator[None]:
    """Draw `record` with its layout's type sizes: the recording layout sets nothing smaller than 10 points
    (every style scaled up to it, leading with it); the others keep the styles as they are."""
    if record.layout not in RECORDING_LAYOUTS:
        yield
        return
    saved = {
        name: (style.fontSize, style.leading)
        for name, style in vars(Styles).items()
        if isinstance(style, ParagraphStyle)
    }
    try:
        for name, (size, leading) in saved.items():
            style = getattr(Styles, name)
            if size < MIN_RECORDING_SIZE:
                style.fontSize, style.leading = MIN_RECORDING_SIZE, leading * MIN_RECORDING_SIZE / size
        yield
    finally:
        for name, (size, leading) in saved.items():
            style = getattr(Styles, name)
            style.fontSize, style.leading = size, leading


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def esc(text: object) -> str:
    """Text safe inside a reportlab Paragraph (which reads a little XML), in fonts that have its characters."""
    return "".join(
        _xml(run) if font is None else f'<font name="{font}">{_xml(run)}</font>' for font, run in runs(str(text))
    )


def draw_text(c: Canvas, x: float, y: float, text: str, font: str, size: float, right: bool = False) -> None:
    """canvas.drawString with the fallback font for characters `font` lacks."""
    parts = [(f or font, run) for f, run in runs(text)]
    width = sum(c.stringWidth(run, f, size) for f, run in parts)
    x = x - width if right else x
    for f, run in parts:
        c.setFont(f, size)
        c.drawString(x, y, run)
        x += c.stringWidth(run, f, size)


def para(text: str, style: ParagraphStyle = Styles.body) -> Paragraph:
    return Paragraph(text, style)


def plain(text: object, style: ParagraphStyle = Styles.body) -> Paragraph:
    return Paragraph(esc(text), style)


def mono_wrapped(text: str, style: ParagraphStyle = Styles.mono, every: int = 0) -> Paragraph:
    """Hex in a monospaced face; a value wider than its column is split where it reaches the edge
    (reportlab's splitLongWords), so no invisible break characters enter the text."""
    return Paragraph(esc(text), style)


@dataclass(frozen=True)
class Page:
    width: float
    height: float

    @property
    def frame_width(self) -> float:
        return float(self.width - 2 * MARGIN_X)


def page_of(record: Record, landscape: bool = False) -> Page:
    width, height = LETTER if record.layout in RECORDING_LAYOUTS else PAGE_SIZES[record.paper]
    return Page(height, width) if landscape else Page(width, height)


# -- building blocks ----------------------------------------------------------------


def title_block(title: str, subtitle: str, facts: Sequence[tuple[str, str]], width: float) -> list[Flowable]:
    """The document's name, one line saying what it is, and a band of key facts."""
    items: list[Flowable] = [plain(title, Styles.title), Spacer(1, 3), para(subtitle, Styles.subtitle), Spacer(1, 8)]
    if facts:
        cells = [
            [plain(label.upper(), Styles.label) for label, _ in facts],
            [para(value, Styles.value_bold) for _, value in facts],
        ]
        band = Table(cells, colWidths=[width / len(facts)] * len(facts))
        band.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                    ("LINEABOVE", (0, 0), (-1, 0), 1.2, INK),
                    ("LINEBELOW", (0, -1), (-1, -1), 0.4, RULE),
                    ("LEFTPADDING", (0, 0), (-1, -1), 7),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 7),
                    ("TOPPADDING", (0, 0), (-1, 0), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, 0), 0),
                    ("TOPPADDING", (0, 1), (-1, 1), 1),
                    ("BOTTOMPADDING", (0, 1), (-1, 1), 6),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        items.append(band)
    items.append(Spacer(1, 10))
    return items


class SectionHeading(Flowable):  # type: ignore[misc]
    """An upper-case heading over a hairline, with the space around it; kept with what follows."""

    SPACE_BELOW = 5

    def __init__(self, text: str, width: float, note: str = "") -> None:
        super().__init__()
        self.text, self.note, self.width, self.height = text.upper(), note, width, 21 + self.SPACE_BELOW

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.translate(0, self.SPACE_BELOW)
        c.setFillColor(INK)
        draw_text(c, 0, 5, self.text, SANS_BOLD, 8.6)
        if self.note:
            c.setFillColor(MUTED)
            c.setFont(SANS, 7)
            c.drawRightString(self.width, 5, self.note)
        c.setStrokeColor(ACCENT)
        c.setLineWidth(0.8)
        c.line(0, 1.5, 34, 1.5)
        c.setStrokeColor(RULE)
        c.setLineWidth(0.4)
        c.line(34, 1.5, self.width, 1.5)


def section(text: str, width: float, note: str = "", room: float = 90) -> list[Flowable]:
    """A section heading (as a list, to splice into a story), on a new page when less than `room` points
    are left below it: a heading is never left alone at the foot of a page, and a long table after it
    still starts on the same page and runs on (grouping the two with keepWithNext would push the whole
    table to the next page)."""
    scale = max(1.0, Styles.body.fontSize / 9)  # the recording layout's larger type needs more room below
    return [CondPageBreak(room * scale * scale), SectionHeading(text, width, note)]


def fields(
    pairs: Sequence[tuple[str, Flowable | str]], width: float, columns: int = 2, label_width: float = 0.0
) -> Table:
    """Label / value pairs laid out in `columns` column pairs; a str value becomes a plain paragraph."""
    label_w = label_width or (30 * mm if columns == 2 else 36 * mm)
    value_w = width / columns - label_w
    rows: list[list[Any]] = []
    row: list[Any] = []
    for label, value in pairs:
        row.extend(
            [plain(label.upper(), Styles.label), plain(value, Styles.value) if isinstance(value, str) else value]
        )
        if len(row) == 2 * columns:
            rows.append(row)
            row = []
    if row:
        rows.append(row + [""] * (2 * columns - len(row)))
    table = Table(rows, colWidths=[label_w, value_w] * columns)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 2.2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
                *[("TOPPADDING", (i, 0), (i, -1), 3.4) for i in range(0, 2 * columns, 2)],
            ]
        )
    )
    return table


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    right: Sequence[int] = (),
    zebra: bool = True,
) -> Table:
    """A table with a repeated header row; str cells become paragraphs (right-aligned in `right` columns)."""
    head = [plain(h.upper(), Styles.cell_head_right if i in right else Styles.cell_head) for i, h in enumerate(header)]
    body = [
        [
            plain(c, Styles.cell_right if i in right else Styles.cell) if isinstance(c, str) else c
            for i, c in enumerate(r)
        ]
        for r in rows
    ]
    table = Table([head, *body], colWidths=list(widths), repeatRows=1)
    commands: list[Any] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 3.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3.5),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if zebra:
        commands.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, SHADE]))
    table.setStyle(TableStyle(commands))
    return table


BOX_PADDING = 8.0  # points inside a box's border, left and right (boxed)


def boxed(
    content: Sequence[Sequence[Any]], widths: Sequence[float], background: Any = PANEL, border: Any = RULE
) -> Table:
    table = Table([list(r) for r in content], colWidths=list(widths))
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), background),
                ("BOX", (0, 0), (-1, -1), 0.6, border),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), BOX_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), BOX_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    return table


# -- the page and the file ------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    """What the running header and footer say."""

    document: str  # "Certificate of Title"
    subject: str  # "Deed 12 · Parcel 0526301100"
    ledger_name: str
    ledger_id: str
    checkpoint: str  # "checkpoint of 1,234 entries, 2024-06-30 12:00 UTC"


def _fixed_timestamp(moment: int) -> Any:
    from reportlab.lib.utils import TimeStamp

    stamp = TimeStamp(invariant=True)
    stamp.t = moment
    stamp.lt = time.gmtime(moment)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    stamp.tzname = "UTC"
    return stamp


def _canvas_class(
    record_bytes: bytes,
    moment: int,
    heading: Heading,
    description: str,
    embed: bool = True,
    recording: "Recording | None" = None,
) -> type[Canvas]:
    class DocumentCanvas(Canvas):  # type: ignore[misc]
        """Defers each page to the end so the footer can say "page 2 of 3"."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._page_states: list[dict[str, Any]] = []
            doc = self._doc
            doc._timeStamp = _fixed_timestamp(moment)
            # The file identifier is derived from the record, not from the clock or the environment.
            digest = hashlib.sha256(record_bytes).digest()[:16]
            ident = PDFText(digest, enc="raw").format(DummyDoc())
            doc._ID = b"\n[" + ident + ident + b"]\n"
            if embed:  # layout 1 only: the archival layouts attach their files with pikepdf (desktop/documents/pdfa.py)
                attachment.embed(doc, record_bytes, description)

        def setFont(self, psfontname: str, size: float, leading: float | None = None) -> None:
            if recording is not None:  # text drawn straight on the page is never under 10 points either
                size = max(size, MIN_RECORDING_SIZE)
            super().setFont(psfontname, size, leading)

        def showPage(self) -> None:
            self._page_states.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._page_states)
            for number, state in enumerate(self._page_states, start=1):
                self.__dict__.update(state)
                if recording is None:
                    _draw_furniture(self, heading, number, total)
                else:
                    _draw_recording_furniture(self, heading, number, total, recording)
                super().showPage()
            super().save()

    return DocumentCanvas


def _draw_furniture(c: Canvas, h: Heading, number: int, total: int) -> None:
    width, height = c._pagesize
    left, right = MARGIN_X, width - MARGIN_X
    top = height - 12 * mm
    c.saveState()
    c.setFillColor(INK)
    draw_text(c, left, top, h.ledger_name, SANS_BOLD, 9.5)
    c.setFont(SANS, 6.4)
    c.setFillColor(MUTED)
    c.drawString(left, top - 9, f"DEEDBOOK LEDGER  {h.ledger_id}")
    c.setFillColor(ACCENT)
    c.setFont(SANS_BOLD, 8)
    c.drawRightString(right, top, h.document.upper())
    c.setFillColor(MUTED)
    draw_text(c, right, top - 9, h.subject, SANS, 7, right=True)
    c.setStrokeColor(INK)
    c.setLineWidth(1.1)
    c.line(left, top - 14, right, top - 14)
    c.setStrokeColor(ACCENT)
    c.setLineWidth(0.4)
    c.line(left, top - 16.2, right, top - 16.2)

    _draw_footer(c, h, number, total, own_state=False)


def _draw_footer(c: Canvas, h: Heading, number: int, total: int, *, own_state: bool = True) -> None:
    width, _ = c._pagesize
    left, right = MARGIN_X, width - MARGIN_X
    if own_state:
        c.saveState()
    bottom = 11 * mm
    c.setStrokeColor(RULE)
    c.setLineWidth(0.4)
    c.line(left, bottom + 10, right, bottom + 10)
    c.setFont(SANS, 6.4)
    c.setFillColor(MUTED)
    if c._fontsize >= MIN_RECORDING_SIZE:  # the recording layout: the same, said in fewer words at 10 points
        c.drawString(left, bottom + 2.5, f"Proved against the {h.checkpoint}.")
        c.drawString(left, bottom - 8, "Signed entries embedded: check offline with  deedbook verify-pdf FILE")
    else:
        c.drawString(left, bottom + 2.5, f"Proved against the operator-signed {h.checkpoint}.")
        c.drawString(
            left,
            bottom - 5,
            "The signed entries and their proofs are embedded (deedbook-record.json): "
            "check this file offline with  deedbook verify-pdf FILE",
        )
    c.setFont(SANS_BOLD, 7)
    c.setFillColor(INK)
    c.drawRightString(right, bottom + 2.5, f"Page {number} of {total}")
    if own_state:
        c.restoreState()


@dataclass(frozen=True)
class Recording:
    """What the recording layout prints in the top-left box of page 1 (the rest of the band stays blank)."""

    requested_by: str
    mail_to: tuple[str, ...]
    references: str  # the earlier recordings this document changes, by entry number ("" if none)


def recording_of(record: Record) -> Recording:
    """Who asks for the recording (the ledger's office) and where the recorded document goes: the party who
    receives it (a transfer's grantee, a title's first holder), named as the record names them."""
    mail_to: list[str] = []
    if record.doc_type == "transfer" and isinstance(record.params.get("index"), int):
        transfer = record.entry(record.params["index"])
        to = str(transfer.message.get("to", ""))
        mail_to = [record.name_of(to) or "Grantee of record", to]
        cites = [f"deed registered as entry {e.index}" for e in record.of_kind("RegisterDeed")]
        cites += [f"lien recorded as entry {e.index}" for e in record.of_kind("Lien")]
        references = "This conveyance changes the " + "; the ".join(cites) + "." if cites else ""
    elif record.doc_type == "notary" and isinstance(record.params.get("index"), int):
        attested = record.entry(record.params["index"]).message.get("entryIndex")
        references = (
            f"This record concerns the instrument recorded as entry {attested}." if attested is not None else ""
        )
        mail_to = [record.ledger.name]
    else:
        references = ""
        mail_to = [record.ledger.name]
    return Recording(record.ledger.name, tuple(mail_to), references)


def _draw_recording_furniture(c: Canvas, h: Heading, number: int, total: int, rec: Recording) -> None:
    width, height = c._pagesize
    left, right = MARGIN_X, width - MARGIN_X
    if number > 1:  # a running header in two lines at 10 points: the ledger and the document, then the subject
        top = height - 12 * mm
        c.saveState()
        c.setFillColor(INK)
        draw_text(c, left, top, _fit(c, h.ledger_name, (right - left) / 2 - 8), SANS_BOLD, MIN_RECORDING_SIZE)
        c.setFillColor(ACCENT)
        draw_text(c, right, top, h.document.upper(), SANS_BOLD, MIN_RECORDING_SIZE, right=True)
        c.setFillColor(MUTED)
        draw_text(c, right, top - 12, h.subject, SANS, MIN_RECORDING_SIZE, right=True)
        c.setStrokeColor(INK)
        c.setLineWidth(1.1)
        c.line(left, top - 17, right, top - 17)
        _draw_footer(c, h, number, total, own_state=False)
        c.restoreState()
        return
    c.saveState()
    # The recorder's band: the top 2.5 inches.  Top left: who asks for the recording and where it is mailed;
    # the right 3.5 inches stay blank for the recorder's stamp.
    box_w, box_top, box_h = 3.9 * inch, height - 0.45 * inch, 1.75 * inch
    c.setStrokeColor(INK)
    c.setLineWidth(0.6)
    c.rect(left, box_top - box_h, box_w, box_h)
    c.setFillColor(INK)
    y = box_top - 14
    draw_text(c, left + 6, y, "RECORDING REQUESTED BY:", SANS_BOLD, MIN_RECORDING_SIZE)
    y -= 13
    draw_text(c, left + 6, y, _fit(c, rec.requested_by, box_w - 12), SANS, MIN_RECORDING_SIZE)
    y -= 20
    draw_text(c, left + 6, y, "WHEN RECORDED MAIL TO:", SANS_BOLD, MIN_RECORDING_SIZE)
    for line in rec.mail_to[:3]:
        y -= 13
        draw_text(
            c, left + 6, y, _fit(c, line, box_w - 12), SANS if not line.startswith("0x") else MONO, MIN_RECORDING_SIZE
        )
    band = height - RECORDER_BAND
    c.setStrokeColor(RULE)
    c.setLineWidth(0.5)
    c.line(left, band, right, band)
    c.setFillColor(MUTED)
    draw_text(c, right, band + 3, "SPACE ABOVE THIS LINE FOR RECORDER\u2019S USE", SANS, MIN_RECORDING_SIZE, right=True)
    c.restoreState()
    _draw_footer(c, h, number, total)


def _fit(c: Canvas, text: str, width: float) -> str:
    """`text` cut with an ellipsis to fit `width` at the recording size (names can be long)."""
    while text and c.stringWidth(text, SANS, MIN_RECORDING_SIZE) > width:
        text = text[:-2] + "\u2026"
    return text


def render_pdf(
    record: Record,
    heading: Heading,
    story: list[Flowable],
    *,
    title: str,
    subject: str,
    keywords: str = "",
    landscape: bool = False,
) -> bytes:
    """The document's bytes: `story` on the shared page template, with `record` embedded."""
    register_fonts()
    page = page_of(record, landscape)
    width, height = page.width, page.height
    record_bytes = record.to_bytes()
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=(width, height),
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        invariant=1,
        pageCompression=1,
        title=title,
        author=record.ledger.name,
        subject=subject,
        creator=CREATOR,
        producer=CREATOR,
        keywords=keywords,
        initialFontName=SANS,
        initialFontSize=9,
        lang="en",
    )
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        width - 2 * MARGIN_X,
        height - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    recording = recording_of(record) if record.layout in RECORDING_LAYOUTS else None
    if recording is None:
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    else:  # page 1 starts below the recorder's band; the title is the first thing under it
        top = height - RECORDER_BAND - 14
        first = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            width - 2 * MARGIN_X,
            top - MARGIN_BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="first",
        )
        doc.addPageTemplates(
            [
                PageTemplate(id="first", frames=[first], autoNextPageTemplate="page"),
                PageTemplate(id="page", frames=[frame]),
            ]
        )
        if recording.references:
            story = [story[0], Spacer(1, 3), Paragraph(esc(recording.references), Styles.value_bold), *story[1:]]
    if record.layout in FITTED_LAYOUTS:  # from layout 4: columns widened to fit their 10-point words
        from desktop.documents.fitting import fit_story

        story = fit_story(
            story,
            hashes_start_lines=record.layout in (RECORDING_HASHES, RECORDING_WORDS, RECORDING_UTC),
            word_travels=record.layout in (RECORDING_WORDS, RECORDING_UTC),
        )
    elif record.layout in (ARCHIVAL_EVEN, ARCHIVAL_UTC):  # the widths stay; a hash its cell cuts is cut in equal lines
        from desktop.documents.fitting import break_story

        story = break_story(story)
    archival = record.layout >= ARCHIVAL
    canvas_class = _canvas_class(
        record_bytes,
        record.checkpoint_time,
        heading,
        f"Deedbook record: the signed ledger entries this {record.doc_type} document "
        "shows, their Merkle inclusion proofs and the checkpoint they were proved against",
        embed=not archival,
        recording=recording,
    )
    doc.build(story, canvasmaker=canvas_class)
    if not archival:
        return out.getvalue()
    from desktop.documents import pdfa

    info = {
        "Title": title,
        "Author": record.ledger.name,
        "Subject": subject,
        "Keywords": keywords,
        "Creator": ARCHIVAL_CREATOR,
        "Producer": ARCHIVAL_CREATOR,
    }
    subject_entry = record.params.get("index")
    return pdfa.make_archival(
        out.getvalue(),
        record,
        pdfa.associated_files(record),
        info,
        subject_entry if isinstance(subject_entry, int) else None,
    )
