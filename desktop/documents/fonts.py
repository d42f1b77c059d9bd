"""The typefaces documents use, shipped in resources/fonts (licences beside them).

The PDF standard fonts cover Latin-1 only.  DejaVu covers Latin, Greek,
Cyrillic and more, so "Zoë Ðorđević" or an address in "Łódź" prints as written;
characters DejaVu lacks (Chinese, Japanese, Korean) are set in Droid Sans
Fallback, loaded only when a document needs it.  Fonts are embedded as subsets,
so a document carries only its glyphs.  The same files must be used to redraw a
document for verification: they are part of the application, never taken from
the system.  (Right-to-left scripts are not shaped: reportlab draws them in
logical order.)
"""

from __future__ import annotations

from typing import Any

from core.paths import RESOURCES

FONT_DIR = RESOURCES / "fonts"
SANS = "DBSans"
SANS_BOLD = "DBSans-Bold"
MONO = "DBMono"
SERIF_BOLD = "DBSerif-Bold"
FALLBACK = "DBFallback"
_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    MONO: "DejaVuSansMono.ttf",
    SERIF_BOLD: "DejaVuSerif-Bold.ttf",
}
_FALLBACK_FILE = "DroidSansFallback.ttf"
_registered = False
_fallback: Any = None
_primary_glyphs: dict[int, int] = {}


def _load(name: str, file_name: str) -> Any:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = FONT_DIR / file_name
    if not path.exists():
        from core.errors import DeedbookError

        raise DeedbookError(f"The document font {path} is missing: reinstall Deedbook.")
    font = TTFont(name, str(path))
    pdfmetrics.registerFont(font)
    return font


def _map_single(name: str) -> None:
    from reportlab.lib.fonts import addMapping

    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(name, bold, italic, name)


def register_fonts() -> None:
    """Register the fonts with reportlab once per process (about 25 ms)."""
    global _registered, _primary_glyphs
    if _registered:
        return
    from reportlab.lib.fonts import addMapping

    fonts = {name: _load(name, file_name) for name, file_name in _FILES.items()}
    _primary_glyphs = fonts[SANS].face.charToGlyph
    # <b> inside a paragraph picks the bold face; there is no italic face, so italics stay upright
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)
    addMapping(SANS, 0, 1, SANS)
    addMapping(SANS, 1, 1, SANS_BOLD)
    for single in (MONO, SERIF_BOLD):
        _map_single(single)
    _registered = True


def _fallback_glyphs() -> dict[int, int]:
    global _fallback
    if _fallback is None:
        _fallback = _load(FALLBACK, _FALLBACK_FILE)
        _map_single(FALLBACK)
    glyphs: dict[int, int] = _fallback.face.charToGlyph
    return glyphs


def runs(text: str) -> list[tuple[str | None, str]]:
    """`text` cut into runs: (None, run) for DejaVu, (FALLBACK, run) for what only the fallback has."""
    register_fonts()
    if all(ord(ch) in _primary_glyphs or ch in "\n\t\u200b" for ch in text):
        return [(None, text)]
    fallback = _fallback_glyphs()
    out: list[tuple[str | None, str]] = []
    for ch in text:
        code = ord(ch)
        font = FALLBACK if code not in _primary_glyphs and code in fallback else None
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + ch)
        else:
            out.append((font, ch))
    return out
