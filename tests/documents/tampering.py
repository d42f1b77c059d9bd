"""Ways to change a document after it was made, as someone with a PDF library would."""

from __future__ import annotations

import io
import json
from typing import Any, Callable

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from core.documents import ATTACHMENT_NAME


def _write(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def edit_page_text(pdf: bytes, old: bytes, new: bytes, page: int = 0, incremental: bool = False) -> bytes:
    """Replace `old` by `new` in a page's (decoded) content stream and save: rewriting the whole file,
    or as an incremental update appended to the original bytes."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(reader, incremental=True) if incremental else PdfWriter(clone_from=reader)
    target = writer.pages[page]
    contents = target.get_contents()
    assert contents is not None
    data = contents.get_data()
    assert old in data, f"{old!r} is not drawn on page {page + 1}"
    stream = DecodedStreamObject()
    stream.set_data(data.replace(old, new, 1))
    target[NameObject("/Contents")] = writer._add_object(stream)
    return _write(writer)


def _record_stream(writer: PdfWriter) -> Any:
    names = writer._root_object["/Names"]["/EmbeddedFiles"]["/Names"]
    at = list(names).index(ATTACHMENT_NAME)  # layout 1 carries only the record; the archival layouts three files
    return names[at + 1].get_object()["/EF"]["/F"].get_object()


def replace_record(pdf: bytes, change: Callable[[bytes], bytes]) -> bytes:
    """Rewrite the embedded record's bytes with `change`, then save."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    stream = _record_stream(writer)
    stream.set_data(change(stream.get_data()))
    return _write(writer)


def record_bytes(pdf: bytes) -> bytes:
    return bytes(PdfReader(io.BytesIO(pdf)).attachments[ATTACHMENT_NAME][0])


def change_json(record: bytes, edit: Callable[[dict[str, Any]], None]) -> bytes:
    data = json.loads(record)
    edit(data)
    from core.entries import canonical_json

    return canonical_json(data).encode()


def flip_byte_in_record_stream(pdf: bytes, offset: int = 200) -> bytes:
    """Change one byte inside the compressed attachment, leaving every other byte of the file as it was."""
    at = _record_stream_offset(pdf)
    start = pdf.index(b"stream\n", at) + len(b"stream\n")
    raw = bytearray(pdf)
    raw[start + offset] ^= 0x01
    return bytes(raw)


def _record_stream_offset(pdf: bytes) -> int:
    """Where the record's own stream object starts in the file (the archival layouts carry three attachments)."""
    reader = PdfReader(io.BytesIO(pdf))
    names = reader.trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
    number = names[list(names).index(ATTACHMENT_NAME) + 1].get_object()["/EF"].raw_get("/F").idnum
    return pdf.index(b"\n%d 0 obj" % number) + 1


def attachment_bytes(pdf: bytes, name: str) -> bytes:
    return bytes(PdfReader(io.BytesIO(pdf)).attachments[name][0])


def replace_attachment(pdf: bytes, name: str, data: bytes) -> bytes:
    """Another file's bytes in place of the attachment `name` (the rest rewritten by pikepdf)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for spec in doc.Root.AF:
            if str(spec.F) == name:
                stream = spec.EF.F
                stream.write(data)
                stream.Params.Size = len(data)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


def remove_attachment(pdf: bytes, name: str | None) -> bytes:
    """Drop the attachment `name` (None: all of them, as a rewriter that does not keep attachments would)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        keep = [spec for spec in doc.Root.AF if name is not None and str(spec.F) != name]
        doc.Root.AF = pikepdf.Array(keep)
        doc.Root.Names.EmbeddedFiles.Names = pikepdf.Array([x for spec in keep for x in (spec.F, spec)])
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


def add_annotation(pdf: bytes, rect: tuple[float, float, float, float], text: str, subtype: str = "/Text") -> bytes:
    """An annotation on page 1 appended as an incremental update (pyHanko's incremental writer), as a PDF
    reader saves a note or a stamp."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    annot = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject(subtype),
            generic.NameObject("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in rect]),
            generic.NameObject("/Contents"): generic.TextStringObject(text),
            generic.NameObject("/F"): generic.NumberObject(4),
            generic.NameObject("/C"): generic.ArrayObject(
                [generic.FloatObject(1), generic.FloatObject(1), generic.FloatObject(1)]
            ),
        }
    )
    if subtype == "/Square":
        annot[generic.NameObject("/IC")] = generic.ArrayObject([generic.FloatObject(1)] * 3)
    ref = writer.add_object(annot)
    annots = page.get("/Annots")
    annots = generic.ArrayObject(list(annots) if annots is not None else [])
    annots.append(ref)
    page[generic.NameObject("/Annots")] = annots
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
