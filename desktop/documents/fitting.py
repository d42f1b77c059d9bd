"""Column widths that fit their words (the recording layout from layout 4 on).

The recording layout sets every style at 10 points or more, so the column widths
chosen for 7-point table text are too narrow for some words, and reportlab then
splits a word wherever the column ends ("ENT RY", "Acceptan ce").  `fit_story`
walks a story before it is laid out and moves width between the columns of each
table: first so that every word of ordinary text fits its column (taken from
columns with room to spare), then, where room is left for all of them, so that
the monospaced tokens (addresses, hashes) fit whole too.  A token that still
does not fit its column is broken into the fewest lines of equal length (an
address in two halves), with no character lost or added.

Only the widths and those line breaks change; the words, fonts and sizes are the
drawer's.  `break_story` (the A4/Letter layout 7) keeps the widths and only breaks
such tokens.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Sequence

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table
from reportlab.platypus.paragraph import _getFragWords

from desktop.documents.fonts import MONO

SLACK = 0.5  # points: a word exactly as wide as its column is split by reportlab's rounding
GAP = 4.0  # points: the least space between a column's text and the next column's
TOKEN_FLOOR = 8  # characters: a monospaced token's column never gets narrower than this, whatever it gives away


def fit_story(
    story: Sequence[Flowable], *, hashes_start_lines: bool = False, word_travels: bool = False
) -> list[Flowable]:
    """`story` with the columns of every table in it (nested ones included) refitted in place; with
    `hashes_start_lines` (layout 5 on), a hash too long for a line of its sentence starts a line (break_tokens),
    and with `word_travels` (layout 6 on) the word before it goes with it."""
    for flowable in story:
        _fit(flowable, lambda table: fit_table(table, hashes_start_lines=hashes_start_lines, word_travels=word_travels))
    return list(story)


def break_story(story: Sequence[Flowable]) -> list[Flowable]:
    """`story` with every table's widths kept and each monospaced token wider than its cell broken into the fewest
    lines of equal length (break_tokens) instead of where the cell ends (the A4/Letter layout 7)."""
    for flowable in story:
        _fit(flowable, lambda table: break_cells(table, [float(w) for w in table._argW]))
    return list(story)


def _fit(item: Any, fit: Callable[[Table], None]) -> None:
    if isinstance(item, (list, tuple)):
        for inner in item:
            _fit(inner, fit)
    elif isinstance(item, KeepTogether):
        _fit(item._content, fit)
    elif isinstance(item, Table):
        for row in item._cellvalues:  # inner tables first: their widths are part of this one's needs
            for cell in row:
                _fit(cell, fit)
        fit(item)


def fit_table(table: Table, *, hashes_start_lines: bool = False, word_travels: bool = False) -> None:
    """Give `table`'s columns the widths its words need, keeping its total width."""
    if getattr(table, "fixed_columns", False) or len(table._argW) < 2 or any(w is None for w in table._argW):
        return  # a table whose columns must line up with another's (the signatures), or nothing to move
    widths = [float(w) for w in table._argW]
    words, tokens = needs(table)
    fitted = refit(widths, words, tokens)
    if fitted != widths:
        table._argW = table._colWidths = fitted
    break_cells(table, fitted, hashes_start_lines=hashes_start_lines, word_travels=word_travels)


def break_cells(
    table: Table, widths: Sequence[float], *, hashes_start_lines: bool = False, word_travels: bool = False
) -> None:
    """Break the tokens too wide for their cells (break_tokens), each cell measured by its column's width."""
    if any(w is None for w in table._argW):
        return  # a column sized by its content: nothing is cut
    spanned = _spanned_cells(table)
    for r, row in enumerate(table._cellvalues):
        for c, cell in enumerate(row):
            if (r, c) not in spanned:
                style = table._cellStyles[r][c]
                room = widths[c] - float(style.leftPadding) - float(style.rightPadding)
                for item in cell if isinstance(cell, (list, tuple)) else [cell]:
                    if isinstance(item, Paragraph):
                        break_tokens(item, room, hashes_start_lines=hashes_start_lines, word_travels=word_travels)


def needs(table: Table) -> tuple[list[float], list[float]]:
    """Per column: the width its widest word of text needs, and its widest monospaced token (paddings included)."""
    columns = len(table._argW)
    words, tokens = [0.0] * columns, [0.0] * columns
    spanned, empty = _spanned_cells(table), [True] * columns
    for r, row in enumerate(table._cellvalues):
        for c, cell in enumerate(row):
            if (r, c) in spanned:
                continue
            empty[c] = empty[c] and (cell is None or cell == "")
            style = table._cellStyles[r][c]
            # Text in a column without padding (a label beside its value) keeps a gap from the next column.
            padding = max(GAP, float(style.leftPadding) + float(style.rightPadding))
            word, token = content_needs(cell)
            words[c] = max(words[c], word + padding if word else 0.0)
            tokens[c] = max(tokens[c], token + padding if token else 0.0)
    for c in range(columns):
        if empty[c]:  # a gutter between boxes keeps its width
            words[c] = float(table._argW[c])
    return words, tokens


def _spanned_cells(table: Table) -> set[tuple[int, int]]:
    """Cells inside a span wider than one column: their content is measured against the span, not a column."""
    cells: set[tuple[int, int]] = set()
    rows, columns = len(table._cellvalues), len(table._argW)
    for _, (sc, sr), (ec, er) in table._spanCmds:
        sc, ec = sc % columns, ec % columns
        sr, er = sr % rows, er % rows
        if ec > sc:
            cells |= {(r, c) for r in range(sr, er + 1) for c in range(sc, ec + 1)}
    return cells


def content_needs(cell: Any) -> tuple[float, float]:
    """The widest word of text and the widest monospaced token in a cell's content."""
    if isinstance(cell, (list, tuple)):
        found = [content_needs(item) for item in cell]
        return max((w for w, _ in found), default=0.0), max((t for _, t in found), default=0.0)
    if isinstance(cell, Paragraph):
        return paragraph_needs(cell)
    if isinstance(cell, Table):
        return float(sum(cell._argW)), 0.0
    if isinstance(cell, Flowable):
        width = getattr(cell, "width", 0) or 0
        return (float(width), 0.0) if isinstance(width, (int, float)) else (0.0, 0.0)
    return 0.0, 0.0  # a str cell (an empty filler) or nothing


def paragraph_needs(paragraph: Paragraph) -> tuple[float, float]:
    """A word in a monospaced face (or with any monospaced part: "(0x12…)") is a token, breakable if it must be;
    every other word must fit whole (its floor is TOKEN_FLOOR characters of the token's face)."""
    word_need = token_need = 0.0
    for word in _words(paragraph):
        width = float(word[0])
        pieces = [piece for piece in word[1:] if piece[1]]
        if any(piece[0].fontName == MONO for piece in pieces):
            token_need = max(token_need, width)
            mono = next(piece[0] for piece in pieces if piece[0].fontName == MONO)
            word_need = max(word_need, min(width, _char_width(mono) * TOKEN_FLOOR))
        else:
            word_need = max(word_need, width)
    indent = float(paragraph.style.leftIndent) + float(paragraph.style.rightIndent)
    return word_need + indent if word_need else 0.0, token_need + indent if token_need else 0.0


def break_tokens(
    paragraph: Paragraph, room: float, *, hashes_start_lines: bool = False, word_travels: bool = False
) -> None:
    """Break each monospaced token wider than `room` into the fewest lines of equal length (an address into two
    halves, not 39 characters and 3), at a line break in the markup: every character stays, none is added.

    With `hashes_start_lines` (layout 5 on), such a token inside a sentence ("whose hash is 0x….") also starts a
    line of its own, punctuation after it included: reportlab would otherwise fill the sentence's line with its
    first characters and cut it unevenly there (layout 4 did, and left a token with punctuation uncut by us).
    With `word_travels` (layout 6 on), the word before it goes to the token's first line with it, so that no
    word is left alone on a line before the hash (layout 5 left "is" so); a mark that is not a word ("·")
    stays where it is."""
    text = paragraph.text
    if not isinstance(text, str):
        return
    changed = text
    words = list(_words(paragraph))
    space = stringWidth(" ", paragraph.style.fontName, paragraph.style.fontSize)
    for n, word in enumerate(words):
        pieces = [piece for piece in word[1:] if piece[1]]
        mono = [piece for piece in pieces if piece[0].fontName == MONO]
        if float(word[0]) <= room or len(mono) != 1:
            continue
        others = [piece for piece in pieces if piece is not mono[0]]
        if others and (not hashes_start_lines or any(ch.isalnum() for piece in others for ch in piece[1])):
            continue  # layout 4 broke a lone token only; a token glued to words is not a hash in a sentence
        token = mono[0][1]
        extra = sum(stringWidth(piece[1], piece[0].fontName, piece[0].fontSize) for piece in others)
        if token not in changed or "<" in token or "&" in token:
            continue
        at = changed.index(token)
        lead = _lead_word(changed[:at]) if hashes_start_lines and word_travels and n > 0 else None
        if lead is not None:  # the word's width and a space before the token's first piece
            extra += float(words[n - 1][0]) + space
        per_line = int((room - extra) // _char_width(mono[0][0]))
        if per_line < TOKEN_FLOOR and lead is not None:  # too little room beside the word: the token goes alone
            extra -= float(words[n - 1][0]) + space
            lead, per_line = None, int((room - extra) // _char_width(mono[0][0]))
        if per_line < TOKEN_FLOOR:
            continue
        lines = -(-len(token) // per_line)
        size = -(-len(token) // lines)
        broken = "<br/>".join(token[i : i + size] for i in range(0, len(token), size))
        end = at + len(token)
        if lead is not None:  # the line starts at the word: "is 0x2789…" rather than "is" alone above the hash
            broken, at = changed[lead:at] + broken, lead
        if hashes_start_lines and not _starts_line(changed[:at]):
            broken = "<br/>" + broken
        changed = changed[:at] + broken + changed[end:]
    if changed != text:
        paragraph.__init__(changed, paragraph.style)


def _lead_word(before: str) -> int | None:
    """Where the last word of markup `before` starts (its tags included), when it is a word (letters or digits);
    None when the token is glued to it or it is a mark ("·")."""
    tail = re.search(r"(\s|<(?!br)[^>]*>)*$", before)  # the space and the token's own opening tags
    end = tail.start() if tail else len(before)
    if not re.search(r"\s", re.sub(r"<[^>]*>", "", before[end:])):
        return None  # the token is glued to what comes before it
    start, inside = end, False
    while start > 0:
        ch = before[start - 1]
        if ch == ">":
            inside = True
        elif ch == "<":
            br = re.match(r"<br\s*/?>", before[start - 1 :])
            if br:  # a line break: the word starts its line (below)
                start += br.end() - 1
                break
            inside = False
        elif ch.isspace() and not inside:
            break
        start -= 1
    word = re.sub(r"<[^>]*>", "", before[start:end])
    return start if any(ch.isalnum() for ch in word) else None


def _starts_line(before: str) -> bool:
    """Whether markup ending in `before` leaves the next character at the start of a line (tags aside)."""
    rest = re.sub(r"(\s|<(?!br)[^>]*>)+$", "", before)
    return rest == "" or re.search(r"<br\s*/?>$", rest) is not None


def _words(paragraph: Paragraph) -> Iterable[list[Any]]:
    frags = paragraph.frags
    if not frags:
        return []
    return [w for w in _getFragWords(frags) if isinstance(w, list) and len(w) > 1]


def _char_width(frag: Any) -> float:
    return float(stringWidth("0", frag.fontName, frag.fontSize))


def refit(widths: Sequence[float], words: Sequence[float], tokens: Sequence[float]) -> list[float]:
    """Widths with the same total where every column is at least as wide as its widest word, taken from the other
    columns in proportion to their room above their own widest word; then, if the room left lets every column's
    widest token fit whole, each is widened to it (if not, none is: two parties' addresses side by side are cut
    alike, and text gives up nothing for a token that breaks anyway).  A column that cannot get enough keeps what
    it could get."""
    out = list(widths)
    for i in range(len(out)):
        _widen(out, i, words[i] + SLACK, words)
    short = [i for i in range(len(out)) if tokens[i] + SLACK > out[i]]
    lack = sum(tokens[i] + SLACK - out[i] for i in short)
    room = sum(max(0.0, out[j] - words[j] - SLACK) for j in range(len(out)) if j not in short)
    if short and lack <= room:  # every token fits whole, or the columns stay as the words left them
        floors = [tokens[j] + SLACK if j in short else words[j] for j in range(len(out))]
        for i in short:
            _widen(out, i, tokens[i] + SLACK, floors)
    return [round(w, 3) for w in out]


def _widen(out: list[float], i: int, need: float, floors: Sequence[float]) -> None:
    """Widen column `i` towards `need`, narrowing the others in proportion to their room above `floors`."""
    lack = need - out[i]
    room = [0.0 if j == i else max(0.0, out[j] - floors[j] - SLACK) for j in range(len(out))]
    spare = sum(room)
    if lack <= 0 or spare <= 0:
        return
    take = min(lack, spare)
    for j, r in enumerate(room):
        out[j] -= take * r / spare
    out[i] += take
