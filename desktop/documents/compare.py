"""Does a re-saved file still show exactly what its record draws?  (verify-pdf without comparing bytes.)

A file rewritten by qpdf, pikepdf or Ghostscript, or given an incremental update, has other
bytes than the document its record draws; what matters is what it says and what it shows:

- its attachments: every file the genuine document carries, byte for byte, and no other;
- what its pages say: the text each page reads (pdfium's extractor), compared on the characters
  every rewriter keeps (ASCII letters, digits and punctuation: Ghostscript drops the Unicode
  map of accented and CJK glyphs, so those are left to the pictures), in reading order: line by
  line from the top, left to right, by where each character is drawn (a rewriter may write a
  line's runs in another order: Ghostscript puts "(Wang Fang)" before the sentence a name in
  another script begins);
- what its pages show: each page rendered (pdfium) and compared with the genuine page as ink
  with a one-pixel tolerance, so a rewriter's other rasterisation of the same glyphs passes
  while a digit, a covered-and-restated fact (a white box and new text drawn over the price)
  or a mark added anywhere does not, whatever the text layer says.

Annotations are compared separately: those the genuine document lacks are listed as additions;
one whose rectangle covers printed text fails.
"""

from __future__ import annotations

import difflib
import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np

SCALE = 2.0  # 144 dpi: a 9-point digit is some 12 pixels high
INK = 160  # grey levels below this are ink
TOLERANCE = 1  # pixels: how far a rewriter may move an edge
BLOCK = 8  # pixels: ink found in one place must have ink near it in the other, counted per block
BLOCK_LIMIT = 5  # unmatched ink pixels a block may hold before the page is said to differ
SHIFTS_X = range(-3, 4)  # pixels a block of the page may have moved sideways (1.5 points)
SHIFTS_Y = range(-1, 2)


@dataclass
class Annotation:
    page: int
    subtype: str
    rect: tuple[float, float, float, float]
    contents: str

    def describe(self) -> str:
        said = f" \u201c{self.contents[:60]}\u201d" if self.contents else ""
        return f"a {self.subtype} annotation on page {self.page}{said}"


@dataclass
class Comparison:
    differences: list[str] = field(default_factory=list)
    added: list[Annotation] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not self.differences


def _keep(text: str) -> str:
    return "".join(ch for ch in text if ch.isascii() and ch.isprintable() and not ch.isspace())


def _lines(text: str) -> str:
    """The text as every rewriter keeps it, line by line, for saying what differs."""
    kept = ("".join(ch if ch.isascii() and (ch.isprintable() or ch == "\n") else " " for ch in text)).splitlines()
    return "\n".join(" ".join(line.split()) for line in kept if line.strip())


# Points: characters share a line when their baselines are this close.  Far under the smallest offset
# the documents draw between two baselines (0.085 pt; labels sit 0.5 or 1 pt off their rows) and far over
# what a rewriter moves them by (thousandths of a point), so no baseline falls near the limit.
LINE_TOLERANCE = 0.03


def _reading_order(textpage: Any) -> str:
    """The page's ASCII characters line by line from the top and left to right, by where each is drawn
    (its origin on the baseline, which a rewriter keeps even when it re-encodes the fonts); the order a
    rewriter writes them in does not matter.  Words are spaced where the extractor saw a space (only the
    messages show spaces: the comparison drops them)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    x, y = ctypes.c_double(), ctypes.c_double()
    chars, spaced = [], False
    for index in range(textpage.count_chars()):
        char = textpage.get_text_range(index, 1)
        if len(char) != 1 or char.isspace():
            spaced = True
        elif char.isascii() and char.isprintable():
            pdfium_c.FPDFText_GetCharOrigin(textpage.raw, index, ctypes.byref(x), ctypes.byref(y))
            chars.append((y.value, x.value, spaced, char))
            spaced = False
    chars.sort(key=lambda c: -c[0])
    lines: list[list[tuple[float, float, bool, str]]] = []
    for c in chars:
        if lines and lines[-1][0][0] - c[0] <= LINE_TOLERANCE:
            lines[-1].append(c)
        else:
            lines.append([c])
    out = []
    for line in lines:
        line.sort(key=lambda c: c[1])
        out.append("".join((" " if spaced and i else "") + char for i, (_, _, spaced, char) in enumerate(line)))
    return "\n".join(out)


def _annotations(pdf: Any) -> list[Annotation]:
    found = []
    for number, page in enumerate(pdf.pages, start=1):
        for annot in page.obj.get("/Annots", []):
            if annot.get("/FT") == "/Sig" or annot.get("/Parent", {}).get("/FT") == "/Sig":
                continue  # a signature field's widget: the seal itself, checked on its own
            rect = tuple(float(v) for v in annot.get("/Rect", [0, 0, 0, 0]))
            found.append(
                Annotation(
                    number,
                    str(annot.get("/Subtype", "/Unknown")).lstrip("/"),
                    (rect[0], rect[1], rect[2], rect[3]),
                    str(annot.get("/Contents", "")),
                )
            )
    return found


def _render(raw: bytes, annots: bool) -> list[tuple[np.ndarray, str, float]]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(raw)
    try:
        pages = []
        for i in range(len(doc)):
            page = doc[i]
            image = page.render(scale=SCALE, grayscale=True, draw_annots=annots).to_numpy()
            text = _reading_order(page.get_textpage())
            pages.append((image.reshape(image.shape[0], image.shape[1]) < INK, text, float(page.get_height())))
        return pages
    finally:
        doc.close()


def _grow(ink: np.ndarray) -> np.ndarray:
    grown = ink.copy()
    for dy in range(-TOLERANCE, TOLERANCE + 1):
        for dx in range(-TOLERANCE, TOLERANCE + 1):
            grown |= np.roll(np.roll(ink, dy, axis=0), dx, axis=1)
    return grown


def _counts(a: np.ndarray, b: np.ndarray, dy: int, dx: int) -> np.ndarray:
    h, w = a.shape
    h, w = h - h % BLOCK, w - w % BLOCK
    moved = np.roll(np.roll(b, dy, axis=0), dx, axis=1)
    lost = (a & ~_grow(moved)) | (moved & ~_grow(a))
    counts: np.ndarray = lost[:h, :w].reshape(h // BLOCK, BLOCK, w // BLOCK, BLOCK).sum(axis=(1, 3))
    return counts


def _unmatched_blocks(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per block, how many ink pixels of either image have no ink within TOLERANCE in the other, with `b`
    moved by whichever small shift fits that block best: a rewriter re-spaces justified lines by a pixel
    or two (Ghostscript does), which moves whole words but changes no glyph.  Shifts are tried only on the
    band of rows where the unshifted comparison found a difference (most pages have none)."""
    best = _counts(a, b, 0, 0)
    rows = np.argwhere((best > BLOCK_LIMIT).any(axis=1)).ravel()
    if not len(rows):
        return best
    top = max(int(rows[0]) * BLOCK - BLOCK, 0)
    bottom = min(int(rows[-1]) * BLOCK + 2 * BLOCK, a.shape[0])
    band_a, band_b = a[top:bottom], b[top:bottom]
    first = top // BLOCK
    for dy in SHIFTS_Y:
        for dx in SHIFTS_X:
            if dy == dx == 0:
                continue
            counts = _counts(band_a, band_b, dy, dx)
            rows_here = min(counts.shape[0], best.shape[0] - first)
            best[first : first + rows_here] = np.minimum(best[first : first + rows_here], counts[:rows_here])
    return best


def _where(block_row: int, page_height: float) -> str:
    points_from_top = block_row * BLOCK / SCALE
    return f"{points_from_top / 72 * 25.4:.0f} mm from the top"


def compare_pages(raw: bytes, genuine: bytes) -> Comparison:
    """How the pages of `raw` depart from those of `genuine` (both readable PDFs)."""
    import pikepdf

    result = Comparison()
    with pikepdf.open(io.BytesIO(raw)) as mine, pikepdf.open(io.BytesIO(genuine)) as theirs:
        seen, expected = _annotations(mine), _annotations(theirs)
    result.added = [
        a for a in seen if (a.page, a.subtype, a.rect) not in {(e.page, e.subtype, e.rect) for e in expected}
    ]
    shown, drawn = _render(raw, annots=False), _render(genuine, annots=False)
    if len(shown) != len(drawn):
        result.differences.append(f"The file has {len(shown)} page(s); the genuine document has {len(drawn)}.")
        return result
    for number, ((ink, text, height), (ink0, text0, _)) in enumerate(zip(shown, drawn, strict=True), start=1):
        if _keep(text) != _keep(text0):
            result.differences.extend(
                text_changes(number, _lines(text), _lines(text0))
                or [f"The text of page {number} differs from the genuine document's."]
            )
        if ink.shape != ink0.shape:
            result.differences.append(f"Page {number} is not the size of the genuine document's page {number}.")
            continue
        blocks = _unmatched_blocks(ink, ink0)
        bad = np.argwhere(blocks > BLOCK_LIMIT)
        if len(bad):
            result.differences.append(
                f"Page {number} does not show what the genuine document shows: its drawing differs "
                f"{_where(int(bad[0][0]), height)} (something was covered, redrawn or added there)."
            )
        for annot in (a for a in result.added if a.page == number):
            if _covers_ink(annot, ink0, height):
                result.differences.append(f"{annot.describe().capitalize()} was added over the printed text.")
    return result


def _covers_ink(annot: Annotation, ink: np.ndarray, height: float) -> bool:
    x0, y0, x1, y1 = annot.rect
    left, right = sorted((int(x0 * SCALE), int(x1 * SCALE)))
    top, bottom = sorted((int((height - y1) * SCALE), int((height - y0) * SCALE)))
    area = ink[max(top, 0) : max(bottom, 0), max(left, 0) : max(right, 0)]
    return bool(area.size and area.any())


def text_changes(page: int, seen: str, expected: str) -> list[str]:
    a, b = expected.splitlines(), seen.splitlines()
    changes = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        genuine_text = " / ".join(a[i1:i2]).strip()
        file_text = " / ".join(b[j1:j2]).strip()
        if tag == "replace":
            changes.append(
                f"Page {page} reads \u201c{_clip(file_text)}\u201d where the embedded record gives "
                f"\u201c{_clip(genuine_text)}\u201d."
            )
        elif tag == "delete":
            changes.append(f"Page {page} is missing \u201c{_clip(genuine_text)}\u201d.")
        else:
            changes.append(f"Page {page} has added text \u201c{_clip(file_text)}\u201d.")
        if len(changes) >= 3:
            break
    return changes


def _clip(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
