"""Recording layout 5: a hash inside a sentence is never cut where the sentence's line ends.

At 10 points a 66-character entry hash is wider than the notarial act's text column, and layout 4 let reportlab
fill the rest of a line of "… whose hash is 0x…" with the hash's first characters ("entry 47 · 0x…" in the
verification panel likewise): the hash could not be read or copied as one. Layout 5 starts such a hash on a line
of its own and breaks it into equal lines, as layout 4 already broke a hash alone in its cell; documents issued in
layout 4 still verify byte for byte."""

from __future__ import annotations

import dataclasses
import re

import pypdfium2 as pdfium
import pytest

from core.documents.evidence import parse_record
from desktop.documents import verify_pdf
from desktop.documents.layout import RECORDING_FITTED, RECORDING_HASHES, as_recording
from desktop.documents.registry import render_record
from tests.documents import tampering
from tests.documents.builders import Scene
from tests.documents.test_recording_fit import _records

HEX_RUN = re.compile(r"0x[0-9a-fA-F]+(?![0-9a-fA-F…])")  # a hash shortened on purpose ends in "…"
WHOLE = (40, 64)  # hex digits of an address, of a hash


@pytest.fixture(scope="module")
def drawn(scene: Scene) -> dict[int, dict[str, bytes]]:
    """Each recordable document in layout 4 and in layout 5 (what documents got until layout 6), from the same
    records."""
    out: dict[int, dict[str, bytes]] = {RECORDING_FITTED: {}, RECORDING_HASHES: {}}
    for name, record in _records(scene).items():
        recording = as_recording(record)
        out[RECORDING_HASHES][name] = render_record(dataclasses.replace(recording, layout=RECORDING_HASHES))
        out[RECORDING_FITTED][name] = render_record(dataclasses.replace(recording, layout=RECORDING_FITTED))
    return out


def cut_in_sentences(pdf: bytes) -> list[str]:
    """The lines of text where part of a hash or address follows words on the same line (a sentence's words, not
    the capitalised label of a table cell beside its value)."""
    found = []
    for page in pdfium.PdfDocument(pdf):
        for line in page.get_textpage().get_text_range().splitlines():
            for run in HEX_RUN.finditer(line):
                before = line[: run.start()].strip(" (").split()
                if len(run.group()) - 2 not in WHOLE and before and not before[-1].isupper():
                    found.append(line)
    return found


def hash_lines(pdf: bytes, value: str) -> list[list[str]]:
    """Each place `value` is printed as consecutive lines holding nothing else (trailing punctuation aside)."""
    places = []
    for page in pdfium.PdfDocument(pdf):
        lines = [line.strip().rstrip(".,)") for line in page.get_textpage().get_text_range().splitlines()]
        for i, line in enumerate(lines):
            if line and value.startswith(line) and line.startswith("0x"):
                pieces, joined = [line], line
                while (
                    joined != value
                    and i + len(pieces) < len(lines)
                    and value.startswith(joined + lines[i + len(pieces)])
                ):
                    pieces.append(lines[i + len(pieces)])
                    joined += pieces[-1]
                if joined == value:
                    places.append(pieces)
    return places


def test_layout_5_documents_verify(drawn: dict[int, dict[str, bytes]]) -> None:
    for name, pdf in drawn[RECORDING_HASHES].items():
        assert parse_record(tampering.record_bytes(pdf)).layout == RECORDING_HASHES == 5, name
        report = verify_pdf(pdf, strict=True)
        assert report.ok and not report.resaved, (name, report.reason)


def test_layout_4_cut_hashes_in_sentences_and_layout_5_does_not(drawn: dict[int, dict[str, bytes]]) -> None:
    before = {name: cut_in_sentences(pdf) for name, pdf in drawn[RECORDING_FITTED].items()}
    assert any(" is 0x" in line for lines in before.values() for line in lines), before  # the notarial act
    assert all(any(" · 0x" in line for line in lines) for lines in before.values()), before  # the QR entry
    for name, pdf in drawn[RECORDING_HASHES].items():
        assert cut_in_sentences(pdf) == [], name


@pytest.mark.parametrize("name", ["transfer", "notary"])
def test_the_attested_entrys_hash_starts_a_line_in_equal_pieces(
    scene: Scene, drawn: dict[int, dict[str, bytes]], name: str
) -> None:
    record = as_recording(_records(scene)[name])
    attestation = next(e for e in record.entries if e.kind == "Attestation")
    value = str(attestation.message["entryHash"])
    for layout in (RECORDING_FITTED, RECORDING_HASHES):
        cut = [p for p in hash_lines(drawn[layout][name], value) if len(p) > 1]
        equal = [p for p in cut if max(map(len, p)) - min(map(len, p)) <= 1]
        if layout == RECORDING_FITTED:  # after "is" on the sentence's line, or on lines of its own cut unevenly
            assert equal == [], (name, cut)
        else:  # the sentence's own lines (and the transfer deed's QR entry, the same entry), in equal pieces
            assert cut and equal == cut, (name, cut)
            assert len(cut) == (2 if name == "transfer" else 1), (name, cut)


def test_layout_4_documents_still_verify_byte_for_byte(drawn: dict[int, dict[str, bytes]]) -> None:
    for name, pdf in drawn[RECORDING_FITTED].items():
        assert parse_record(tampering.record_bytes(pdf)).layout == RECORDING_FITTED
        report = verify_pdf(pdf, strict=True)
        assert report.ok and not report.resaved, (name, report.reason)
        assert pdf != drawn[RECORDING_HASHES][name], name  # two drawings of the same record
