"""PDF/A-3b: what reportlab draws, made an archival file with pikepdf.

reportlab draws the pages (fonts embedded as subsets); pikepdf adds what
PDF/A-3b needs and reportlab lacks: an sRGB output intent (resources/color),
XMP metadata that repeats the document information dictionary and declares
pdfaid part 3 conformance B, and the record, its proofs and its checkpoint as
associated files (`/AF` on the catalogue and on each file specification, each
embedded file with its MIME type, size and modification date).

Every value written is derived from the record (dates from its checkpoint, the
file identifier from its bytes), so the same record still gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from dataclasses import dataclass
from functools import cache
from typing import Any, Sequence
from xml.sax.saxutils import escape

from core.documents.evidence import ATTACHMENT_NAME, Record
from core.entries import canonical_json
from core.paths import RESOURCES

ICC_PATH = RESOURCES / "color" / "sRGB.icc"
PROOFS_NAME = "deedbook-proofs.json"
CHECKPOINT_NAME = "deedbook-checkpoint.json"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"


@dataclass(frozen=True)
class Associated:
    """One associated file: its name, bytes, MIME type, relationship to the document and description."""

    name: str
    data: bytes
    mime: str
    relationship: str  # "Source" (what the document was made from) or "Data"
    description: str


def associated_files(record: Record) -> list[Associated]:
    """The files a PDF/A document carries: the signed record (its source), each entry's stand-alone proof
    and the checkpoint they lead to (data a reader can check on their own with `deedbook verify-proof`)."""
    record_bytes = record.to_bytes()
    proofs = canonical_json([record.proof(e) for e in record.entries]).encode("utf-8")
    checkpoint = canonical_json(record.checkpoint).encode("utf-8")
    return [
        Associated(
            ATTACHMENT_NAME,
            record_bytes,
            "application/json",
            "Source",
            f"Deedbook record: the signed ledger entries this {record.doc_type} document shows, their Merkle "
            "inclusion proofs and the checkpoint they were proved against",
        ),
        Associated(
            PROOFS_NAME,
            proofs,
            "application/json",
            "Data",
            "Each entry the document shows as a stand-alone deedbook-proof/2 file (deedbook verify-proof)",
        ),
        Associated(
            CHECKPOINT_NAME,
            checkpoint,
            "application/json",
            "Data",
            "The operator-signed checkpoint (signed tree head) the proofs lead to, with any cosignatures",
        ),
    ]


@cache
def _icc() -> bytes:
    return ICC_PATH.read_bytes()


def pdf_date(moment: int) -> str:
    return time.strftime("D:%Y%m%d%H%M%S+00'00'", time.gmtime(moment))


def xmp_date(moment: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(moment))


def _xmp(info: dict[str, str], moment: int, record: Record, subject_entry: int | None) -> bytes:
    """The XMP packet: Dublin Core, XMP basic, PDF and pdfaid properties only (all predefined for
    PDF/A, so no extension schema is needed); the ledger, entry and document type go in dc:identifier,
    dc:source, dc:type and dc:relation."""

    def text(value: str) -> str:
        return escape(value)

    def alt(value: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{text(value)}</rdf:li></rdf:Alt>'

    relations = [
        f"deedbook:ledger:{record.ledger.ledger_id_hex}",
        f"deedbook:checkpoint:{record.checkpoint_size}:{record.checkpoint['message']['root']}",
    ]
    if subject_entry is not None:
        relations.append(f"deedbook:entry:{subject_entry}")
    identifier = f"deedbook:{record.ledger.ledger_id_hex}:{record.doc_type}:" + (
        str(subject_entry) if subject_entry is not None else str(record.entries[-1].index)
    )
    when = xmp_date(moment)
    body = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">'
        '<pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description>\n'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:format>application/pdf</dc:format><dc:title>{alt(info["Title"])}</dc:title>'
        f'<dc:creator><rdf:Seq><rdf:li>{text(info["Author"])}</rdf:li></rdf:Seq></dc:creator>'
        f'<dc:description>{alt(info["Subject"])}</dc:description>'
        f'<dc:identifier>{text(identifier)}</dc:identifier>'
        f'<dc:source>{text(record.ledger.ledger_id_hex)}</dc:source>'
        f'<dc:type><rdf:Bag><rdf:li>deedbook {text(record.doc_type)}</rdf:li></rdf:Bag></dc:type>'
        '<dc:relation><rdf:Bag>'
        + "".join(f"<rdf:li>{text(r)}</rdf:li>" for r in relations)
        + '</rdf:Bag></dc:relation>'
        '</rdf:Description>\n'
        '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        f'<xmp:CreateDate>{when}</xmp:CreateDate><xmp:ModifyDate>{when}</xmp:ModifyDate>'
        f'<xmp:MetadataDate>{when}</xmp:MetadataDate><xmp:CreatorTool>{text(info["Creator"])}</xmp:CreatorTool>'
        '</rdf:Description>\n'
        '<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">'
        f'<pdf:Producer>{text(info["Producer"])}</pdf:Producer><pdf:Keywords>{text(info["Keywords"])}</pdf:Keywords>'
        '</rdf:Description>\n'
        '</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>'
    )
    return body.encode("utf-8")


def make_archival(
    drawn: bytes, record: Record, files: Sequence[Associated], info: dict[str, str], subject_entry: int | None
) -> bytes:
    """`drawn` (reportlab's PDF) as a PDF/A-3b file carrying `files` as associated files."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    moment = record.checkpoint_time
    with pikepdf.open(io.BytesIO(drawn)) as pdf:
        # Only the entries the XMP repeats: PDF/A wants the two to agree, and an empty key would not.
        pdf.trailer.Info = pdf.make_indirect(
            Dictionary(
                {
                    "/Title": String(info["Title"]),
                    "/Author": String(info["Author"]),
                    "/Subject": String(info["Subject"]),
                    "/Keywords": String(info["Keywords"]),
                    "/Creator": String(info["Creator"]),
                    "/Producer": String(info["Producer"]),
                    "/CreationDate": String(pdf_date(moment)),
                    "/ModDate": String(pdf_date(moment)),
                }
            )
        )
        profile = pdf.make_stream(_icc())
        profile.N = 3
        pdf.Root.OutputIntents = Array(
            [
                pdf.make_indirect(
                    Dictionary(
                        Type=Name.OutputIntent,
                        S=Name.GTS_PDFA1,
                        OutputConditionIdentifier=String(OUTPUT_CONDITION),
                        Info=String(OUTPUT_CONDITION),
                        RegistryName=String("http://www.color.org"),
                        DestOutputProfile=profile,
                    )
                )
            ]
        )
        metadata = pdf.make_stream(_xmp(info, moment, record, subject_entry))
        metadata.Type, metadata.Subtype = Name.Metadata, Name.XML
        pdf.Root.Metadata = metadata
        specs: list[Any] = []
        names: list[Any] = []
        for f in sorted(files, key=lambda f: f.name):
            stream = pdf.make_stream(f.data)
            stream.Type = Name.EmbeddedFile
            stream.Subtype = Name("/" + f.mime)
            stream.Params = Dictionary(
                Size=len(f.data), ModDate=String(pdf_date(moment)), CheckSum=String(hashlib.md5(f.data).digest())
            )  # MD5: the checksum PDF defines
            spec = pdf.make_indirect(
                Dictionary(
                    Type=Name.Filespec,
                    F=String(f.name),
                    UF=String(f.name),
                    Desc=String(f.description),
                    AFRelationship=Name("/" + f.relationship),
                    EF=Dictionary(F=stream, UF=stream),
                )
            )
            specs.append(spec)
            names += [String(f.name), spec]
        pdf.Root.Names = Dictionary(EmbeddedFiles=Dictionary(Names=Array(names)))
        pdf.Root.AF = Array(specs)
        pdf.Root.MarkInfo = Dictionary(Marked=False)
        _tidy_pages(pdf)
        _fix_widths(pdf)
        out = io.BytesIO()
        digest = hashlib.sha256(drawn).digest()[:16]
        pdf.trailer.ID = Array([String(digest), String(digest)])
        # Object streams off: the file specifications stay readable in the raw bytes, so a damaged file is still
        # recognisably a Deedbook document; static_id keeps the identifier set above.
        pdf.save(
            out,
            static_id=True,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
            compress_streams=True,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            min_version="1.7",
        )
        return out.getvalue()


def _tidy_pages(pdf: Any) -> None:
    """Drop what reportlab puts on every page but PDF/A objects to: the unembedded Helvetica it lists in
    each page's fonts whether or not the page uses it, and an empty page transition."""
    import pikepdf

    showing = {"Tj", "TJ", "'", '"'}
    drop: list[tuple[Any, set[str]]] = []
    still_used = False
    for page in pdf.pages:
        if "/Trans" in page.obj:
            del page.obj["/Trans"]
        fonts = page.obj.get("/Resources", {}).get("/Font")
        if fonts is None:
            continue
        standard = {k for k in fonts if str(fonts[k].get("/BaseFont", "")) == "/Helvetica"}
        embedded = sorted(k for k in fonts if k not in standard)
        if not standard or not embedded:
            continue
        # reportlab's tables open "BT /F3 10 Tf 12 TL ET" (Helvetica, their default) and show nothing in it: name an
        # embedded font there instead, so no unembedded font is referenced at all.
        ops: list[Any] = list(pikepdf.parse_content_stream(page))
        rewritten: list[Any] = []
        block: list[Any] = []
        for operands, op in ops:
            name = str(op)
            if name == "BT" or block:
                block.append((operands, op))
                if name == "ET":
                    shows = any(str(o) in showing for _, o in block)
                    for ops_, o in block:
                        if str(o) == "Tf" and str(ops_[0]) in standard:
                            if shows:
                                still_used = True
                            else:
                                ops_ = [pikepdf.Name(embedded[0]), ops_[1]]
                        rewritten.append((ops_, o))
                    block = []
                continue
            rewritten.append((operands, op))
        rewritten.extend(block)
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(rewritten))
        drop.append((fonts, standard))
    if not still_used:  # pages share their font dictionaries: drop Helvetica only when no page shows text in it
        for fonts, standard in drop:
            for name in standard & set(fonts.keys()):
                del fonts[name]


def _fix_widths(pdf: Any) -> None:
    """Make each subset font program's advance widths agree with the font's /Widths (PDF/A 6.2.11.5).

    reportlab's subsetter writes a monospaced font's shared advance in 1/1000 em into a 2048-unit font; viewers
    use /Widths (which are right), PDF/A wants the program to say the same."""
    from fontTools.ttLib import TTFont

    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for font in page.obj.get("/Resources", {}).get("/Font", {}).values():
            descriptor = font.get("/FontDescriptor")
            if font.objgen in seen or descriptor is None or "/FontFile2" not in descriptor:
                continue
            seen.add(font.objgen)
            program = TTFont(io.BytesIO(descriptor.FontFile2.read_bytes()), recalcTimestamp=False)
            cmap = next((t.cmap for t in program["cmap"].tables if (t.platformID, t.platEncID) == (1, 0)), None)
            if cmap is None:
                continue
            scale = program["head"].unitsPerEm / 1000
            metrics = program["hmtx"].metrics
            first = int(font.FirstChar)
            changed = False
            for offset, width in enumerate(font.Widths):
                glyph = cmap.get(first + offset)
                if glyph is None or glyph not in metrics:
                    continue
                wanted = round(float(width) * scale)
                if abs(metrics[glyph][0] - wanted) > 1:
                    metrics[glyph] = (wanted, metrics[glyph][1])
                    changed = True
            if changed:
                program["hhea"].numberOfHMetrics = len(program.getGlyphOrder())  # every glyph its own advance
                out = io.BytesIO()
                program.save(out)
                data = out.getvalue()
                stream = pdf.make_stream(data)
                stream.Length1 = len(data)
                descriptor.FontFile2 = stream


def attachments(raw: bytes) -> dict[str, bytes]:
    """Every embedded file of a PDF by name (pypdf; the first of several with one name).  ValueError when the
    PDF cannot be read."""
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        found = PdfReader(io.BytesIO(raw), strict=False).attachments
        return {name: bytes(found[name][0]) for name in found if found[name]}
    except Exception as error:  # noqa: BLE001 - pypdf raises assorted errors on damaged files
        raise ValueError(str(error) or type(error).__name__) from None


def describe(data: bytes) -> str:
    """A short, stable fingerprint of an attachment for sentences."""
    try:
        json.loads(data)
        kind = "JSON"
    except ValueError:
        kind = "data"
    return f"{len(data):,} bytes of {kind}, SHA-256 {hashlib.sha256(data).hexdigest()[:16]}\u2026"
