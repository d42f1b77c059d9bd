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
