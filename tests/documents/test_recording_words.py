"""Recording layout 6: the word before a hash that starts its own line goes to that line with it.

Layout 5 started such a hash on a line of its own and left the word before it alone on the line above
("… whose hash" / "is" / "0x2789…"). Layout 6 moves that word to the hash's first line ("is 0x2789…"), the
hash still cut into equal pieces; a mark that is not a word ("entry 47 ·") stays where it was. Documents issued
in layout 5 still verify byte for byte (docs/documents/issued-layout-5 and the records drawn here)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.platypus import Paragraph

from core.documents.evidence import parse_record
from desktop.documents import verify_pdf
from desktop.documents.fitting import break_tokens
from desktop.documents.fonts import MONO
from desktop.documents.layout import RECORDING_HASHES, RECORDING_WORDS, Styles, as_recording
from desktop.documents.registry import render_record
from tests.documents import tampering
from tests.documents.builders import Scene
from tests.documents.test_recording_fit import _records

GALLERY = Path(__file__).resolve().parents[2] / "docs" / "documents"


@pytest.fixture(scope="module")
def drawn(scene: Scene) -> dict[int, dict[str, bytes]]:
    """Each recordable document in layout 5 and in layout 6 (what new notary records get; titles and transfer deeds
    get 9, layout 6 with dates naming UTC: test_pdf_dates.py), from the same records."""
    out: dict[int, dict[str, bytes]] = {RECORDING_HASHES: {}, RECORDING_WORDS: {}}
    for name, record in _records(scene).items():
        recording = as_recording(record)
        out[RECORDING_WORDS][name] = render_record(dataclasses.replace(recording, layout=RECORDING_WORDS))
        out[RECORDING_HASHES][name] = render_record(dataclasses.replace(recording, layout=RECORDING_HASHES))
    return out


def lines_of(pdf: bytes) -> list[str]:
    return [
        line.strip()
        for page in pdfium.PdfDocument(pdf)
        for line in page.get_textpage().get_text_range().splitlines()
        if line.strip()
    ]


def test_layout_6_documents_verify(drawn: dict[int, dict[str, bytes]]) -> None:
    """(Layout 5 documents still verifying byte for byte is test_recording_hashes's.)"""
    for name, pdf in drawn[RECORDING_WORDS].items():
        assert parse_record(tampering.record_bytes(pdf)).layout == RECORDING_WORDS == 6, name
        report = verify_pdf(pdf, strict=True)
        assert report.ok and not report.resaved, (name, report.reason)
        assert pdf != drawn[RECORDING_HASHES][name], name  # two drawings of the same record


@pytest.mark.parametrize("name", ["transfer", "notary"])
def test_is_goes_with_the_attested_hash(scene: Scene, drawn: dict[int, dict[str, bytes]], name: str) -> None:
    record = as_recording(_records(scene)[name])
    value = str(next(e for e in record.entries if e.kind == "Attestation").message["entryHash"])
    old, new = lines_of(drawn[RECORDING_HASHES][name]), lines_of(drawn[RECORDING_WORDS][name])
    assert any(line.endswith("whose hash is") for line in old), old  # layout 5: the hash alone below "is"
    first = next(i for i, line in enumerate(new) if line.startswith("is " + value[:10]))
    assert new[first - 1].endswith("whose hash"), new
    pieces = [new[first][3:], new[first + 1].rstrip(".")]
    assert "".join(pieces) == value and abs(len(pieces[0]) - len(pieces[1])) <= 1, pieces


def test_the_gallerys_notary_record_has_no_lone_is() -> None:
    """The gallery's jurat: layout 5 left "is" alone on a line between "whose hash" and the hash (as issued,
    docs/documents/issued-layout-5); layout 6, the gallery now, starts the hash's line with it."""
    issued = lines_of((GALLERY / "issued-layout-5" / "notary-record-recording.pdf").read_bytes())
    assert "is" in issued and issued[issued.index("is") - 1].endswith("whose hash"), issued
    assert issued[issued.index("is") + 1].startswith("0x"), issued
    now = (GALLERY / "notary-record-recording.pdf").read_bytes()
    # A notary record draws no day of an instant, so it is still drawn in layout 6.
    assert parse_record(tampering.record_bytes(now)).layout == RECORDING_WORDS
    lines = lines_of(now)
    assert "is" not in lines and any(line.startswith("is 0x") for line in lines), lines


def test_a_mark_that_is_not_a_word_stays_on_its_line(drawn: dict[int, dict[str, bytes]]) -> None:
    """The verification panel's "entry 47 · 0x…": the dot stays after the entry number, in both layouts."""
    for layout in (RECORDING_HASHES, RECORDING_WORDS):
        for name, pdf in drawn[layout].items():
            lines = lines_of(pdf)
            assert any(re.search(r"\bentry \d+ ·$", line) for line in lines), (layout, name)
            assert not any(line.startswith("· 0x") for line in lines), (layout, name)


HEX_TOKEN = st.text("0123456789abcdef", min_size=40, max_size=64).map(lambda t: "0x" + t)
WORD = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(WORD, min_size=1, max_size=12),
    token=HEX_TOKEN,
    room=st.floats(min_value=150, max_value=320),
    tail=st.sampled_from(["", ".", ","]),
)
def test_the_word_travels_and_no_character_is_lost(words: list[str], token: str, room: float, tail: str) -> None:
    """Whatever the sentence and the column: the same characters in the same order (only line breaks added), and
    when the token is broken, its first piece shares a line with the word before it."""
    text = " ".join(words) + f" <font name='{MONO}' size='10'>{token}</font>{tail}"
    paragraph = Paragraph(text, Styles.body)
    break_tokens(paragraph, room, hashes_start_lines=True, word_travels=True)
    changed = paragraph.text
    visible = re.sub(r"<br/>", "", changed)
    assert visible.replace(" ", "") == text.replace(" ", "")
    lines = [re.sub(r"<[^>]*>", "", line).strip() for line in changed.split("<br/>")]
    if changed != text:
        starts = [i for i, line in enumerate(lines) if token.startswith(line.split(" ")[-1]) and "0x" in line]
        assert starts, lines
        assert lines[starts[0]].split(" ")[0] == words[-1], lines  # the last word goes with the token
        pieces = [lines[starts[0]].split(" ")[-1], *lines[starts[0] + 1 :]]
        pieces[-1] = pieces[-1].removesuffix(tail) if tail else pieces[-1]
        assert "".join(pieces) == token, pieces
        assert len(set(map(len, pieces[:-1]))) <= 1 and len(pieces[-1]) <= len(pieces[0]), pieces  # even lines
