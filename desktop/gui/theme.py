"""Icons, palettes and the style sheet, resolved from `resources/` next to the code.

Icons are SVG (sharp at any device pixel ratio) and cached by name.  The light
and dark palettes come from resources/style/palettes.json; "system" follows the
platform's colour scheme (Qt 6.5+), also when it changes while the app runs
(`follow_system`).  Every colour a widget shows comes from here: the palette, the
style sheet's @name tokens, `color(name)` for painted widgets and `set_rich` for
rich text with coloured parts (class='muted'), so one switch restyles them all.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import re
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QLabel

from core.paths import RESOURCES
from desktop.gui.style_events import StyleEvents

ICONS = RESOURCES / "icons"
STYLE = RESOURCES / "style"

_ROLES = {
    "window": QPalette.ColorRole.Window,
    "windowText": QPalette.ColorRole.WindowText,
    "base": QPalette.ColorRole.Base,
    "alternateBase": QPalette.ColorRole.AlternateBase,
    "text": QPalette.ColorRole.Text,
    "button": QPalette.ColorRole.Button,
    "buttonText": QPalette.ColorRole.ButtonText,
    "brightText": QPalette.ColorRole.BrightText,
    "highlight": QPalette.ColorRole.Highlight,
    "highlightedText": QPalette.ColorRole.HighlightedText,
    "link": QPalette.ColorRole.Link,
    "toolTipBase": QPalette.ColorRole.ToolTipBase,
    "toolTipText": QPalette.ColorRole.ToolTipText,
    "placeholderText": QPalette.ColorRole.PlaceholderText,
    "mid": QPalette.ColorRole.Mid,
    "midlight": QPalette.ColorRole.Midlight,
    "dark": QPalette.ColorRole.Dark,
    "shadow": QPalette.ColorRole.Shadow,
}

_current: dict[str, str] = {}


_COLOUR = re.compile(rb'(stroke|fill)="#[0-9A-Fa-f]{3,8}"')


class _SelectedEngine(QIconEngine):
    """The SVG as drawn, and in a selected row (QIcon.Mode.Selected) all in the palette's highlighted-text
    colour: in their own colours the blue icons vanished on the blue selection, light or dark."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path
        self._normal = QIcon(str(path))

    def _selected_svg(self) -> bytes:
        ink = color("highlightedText").name().encode()
        return _COLOUR.sub(lambda m: m.group(1) + b'="' + ink + b'"', self._path.read_bytes())

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        if mode != QIcon.Mode.Selected:
            self._normal.paint(painter, rect, Qt.AlignmentFlag.AlignCenter, mode, state)
            return
        from PySide6.QtSvg import QSvgRenderer  # loaded with the first selected icon drawn, not at start

        QSvgRenderer(QByteArray(self._selected_svg())).render(painter, QRectF(rect))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        if mode != QIcon.Mode.Selected:
            # `size` is in device pixels already (QIcon.pixmap scaled it): a ratio of 1, or it is scaled twice
            return self._normal.pixmap(size, 1.0, mode, state)
        image = QPixmap(size)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return image

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        return self._normal.actualSize(size, QIcon.Mode.Normal, state)

    def clone(self) -> QIconEngine:
        return _SelectedEngine(self._path)


@cache
def icon(name: str) -> QIcon:
    path = ICONS / f"{name}.svg"
    return QIcon(_SelectedEngine(path)) if path.exists() else QIcon()


def app_icon() -> QIcon:
    return icon("deedbook")


@cache
def _palettes() -> dict[str, dict[str, str]]:
    data = json.loads((STYLE / "palettes.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def resolve_scheme(theme: str, system: Qt.ColorScheme | None = None) -> str:
    """'light' or 'dark' for a theme setting ("system" asks the platform, unless told its `system` scheme)."""
    if theme in ("light", "dark"):
        return theme
    if system is None:
        hints = QGuiApplication.styleHints()
        system = hints.colorScheme() if hasattr(hints, "colorScheme") else Qt.ColorScheme.Unknown
    return "dark" if system == Qt.ColorScheme.Dark else "light"


def follow_system(app: QApplication, setting: Callable[[], str]) -> None:
    """Apply the theme again when the platform's colour scheme changes (the user switched the system to dark)
    and the `setting` is "system": Qt keeps an application palette that was set, so it would stay as it was."""
    hints = QGuiApplication.styleHints()
    if not hasattr(hints, "colorSchemeChanged"):
        return

    def changed(scheme: Qt.ColorScheme) -> None:
        if setting() == "system":
            apply_theme(app, "system", system=scheme)

    while _following:  # one follower: a second run in the process (the tests) replaces the first
        hints.colorSchemeChanged.disconnect(_following.pop())
    hints.colorSchemeChanged.connect(changed)
    _following.append(changed)


_following: list[Callable[[Qt.ColorScheme], None]] = []


def color(name: str) -> QColor:
    """A named colour of the current palette (accent, good, bad, gold, muted, border...)."""
    if not _current:
        _current.update(_palettes()["light"])
    return QColor(_current.get(name, "#808080"))


def is_dark() -> bool:
    return _current.get("_scheme") == "dark"


_FUSION_SET = "deedbookFusionSet"


def _ask_platform(theme: str) -> None:
    """Tell the platform the scheme chosen (Qt 6.8+): Windows 11 and macOS draw the title bar and their own
    dialogs in it, else a dark window sits under a light title bar.  "system" asks for none (the desktop's)."""
    hints = QGuiApplication.styleHints()
    if theme in ("light", "dark") and hasattr(hints, "setColorScheme"):
        hints.setColorScheme(Qt.ColorScheme.Dark if theme == "dark" else Qt.ColorScheme.Light)
    elif theme == "system" and hasattr(hints, "unsetColorScheme"):
        hints.unsetColorScheme()


def apply_theme(app: QApplication, theme: str, *, system: Qt.ColorScheme | None = None) -> str:
    if system is None:  # (a change the platform reported needs no asking)
        _ask_platform(theme)
    scheme = resolve_scheme(theme, system)
    colors = _palettes()[scheme]
    _current.clear()
    _current.update(colors)
    _current["_scheme"] = scheme
    if not app.property(_FUSION_SET):
        # once: setting a style again replaces the QStyle every widget is drawn with, a switch of
        # palette (light to dark) needs only the palette and the style sheet (with a style sheet,
        # app.style() is Qt's style-sheet wrapper, so its name cannot tell)
        app.setStyle("Fusion")
        app.setProperty(_FUSION_SET, True)
        # what the style sheet cannot say: where a spin box's text starts, whether the keyboard brought the focus
        app.installEventFilter(StyleEvents(app))
    palette = QPalette()
    for key, role in _ROLES.items():
        palette.setColor(role, QColor(colors[key]))
    disabled = QColor(colors["disabledText"])
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    palette.setColor(QPalette.ColorRole.Accent, QColor(colors["accent"]))
    app.setPalette(palette)
    app.setStyleSheet(style_sheet(colors))
    for widget in app.allWidgets():  # rich text keeps the colours it was set with: set it again
        body = widget.property(_RICH_BODY)
        if isinstance(body, str) and isinstance(widget, QLabel):
            widget.setText(_rich_style() + body)
    return scheme


_RICH_BODY = "deedbookRichBody"
RICH_TONES = ("muted", "good", "bad", "gold", "accent")  # the colour classes rich text may use


def _rich_style() -> str:
    return "<style>" + "".join(f".{name} {{ color: {color(name).name()}; }}" for name in RICH_TONES) + "</style>"


def set_rich(label: QLabel, body: str) -> None:
    """Show rich text whose coloured parts name a palette colour as their class (`<td class='muted'>`), never
    a colour of their own: the colours are the current scheme's, and follow it when it switches."""
    label.setProperty(_RICH_BODY, body)
    label.setText(_rich_style() + body)


def _coloured(text: str, colors: dict[str, str]) -> str:
    # longest names first, so @midlight is not read as @mid + "light"
    for key in sorted(colors, key=len, reverse=True):
        text = text.replace(f"@{key}", colors[key])
    return text


@cache
def _drawn() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="deedbook-style-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def _indicator(name: str, colors: dict[str, str]) -> str:
    """resources/style/indicators/NAME.svg in these colours, as a file: a style sheet's image is read from a
    path, and a check mark drawn by the style sheet must be in the scheme's colours (one file per colouring)."""
    svg = _coloured((STYLE / "indicators" / f"{name}.svg").read_text(encoding="utf-8"), colors)
    path = _drawn() / f"{name}-{hashlib.sha1(svg.encode()).hexdigest()[:12]}.svg"
    if not path.exists():
        path.write_text(svg, encoding="utf-8")
    return path.as_posix()


def style_sheet(colors: dict[str, str]) -> str:
    text = (STYLE / "base.qss").read_text(encoding="utf-8")
    # each image's path quoted: a temporary folder's may hold a space (a Windows user's name)
    text = re.sub(r"@svg:([a-z-]+)", lambda m: f'"{_indicator(m.group(1), colors)}"', text)
    return _coloured(text, colors)
