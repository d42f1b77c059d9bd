"""The typefaces documents use: DejaVu, shipped in resources/fonts (licence beside it).

The PDF standard fonts cover Latin-1 only; DejaVu covers Latin, Greek, Cyrillic
and more, so a grantee named "Zoë Ðorđević" or an address in "Łódź" prints as
written.  Fonts are embedded as subsets, so a document carries only its glyphs.
The same font files must be used to redraw a document for verification: they
are part of the application, never taken from the system.
"""
from __future__ import annotations

from core.paths import RESOURCES

FONT_DIR = RESOURCES / "fonts"
SANS = "DBSans"
SANS_BOLD = "DBSans-Bold"
MONO = "DBMono"
SERIF_BOLD = "DBSerif-Bold"
_FILES = {SANS: "DejaVuSans.ttf", SANS_BOLD: "DejaVuSans-Bold.ttf", MONO: "DejaVuSansMono.ttf",
          SERIF_BOLD: "DejaVuSerif-Bold.ttf"}
_registered = False


def register_fonts() -> None:
    """Register the fonts with reportlab once per process (about 25 ms)."""
    global _registered
    if _registered:
        return
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, file_name in _FILES.items():
        path = FONT_DIR / file_name
        if not path.exists():
            from core.errors import DeedbookError

            raise DeedbookError(f"The document font {path} is missing: reinstall Deedbook.")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    # <b> inside a paragraph picks the bold face; there is no italic face, so italics stay upright
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)
    addMapping(SANS, 0, 1, SANS)
    addMapping(SANS, 1, 1, SANS_BOLD)
    _registered = True
