"""The dark colour scheme and high-DPI screens: every styled text reads on its background (WCAG contrast),
chart colours stand out, the system's switch to dark restyles a running app, nothing blurs at 150% or 200%.

Colours are read from the real widgets after the style sheet polished them, and backgrounds from what they
rendered (the most common pixel under the widget), so a style rule that paints a box of its own is measured.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.gui import theme
from desktop.gui.widgets.basics import banner, button, card, label
from tests.gui.conftest import SCHEMES
from tests.gui.pixels import contrast as contrast_of
from tests.gui.pixels import luminance as luminance_of
from tests.gui.pixels import pixels
from tests.gui.test_app import no_training  # noqa: F401 - a fixture: the tour without training a model

ROOT = Path(__file__).resolve().parents[2]
TEXT = 4.5  # WCAG AA for text
GRAPHIC = 3.0  # WCAG 1.4.11 for the marks of a chart, a badge's ring


def luminance(color: QColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.red()) + 0.7152 * channel(color.green()) + 0.0722 * channel(color.blue())


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def background(image: QImage, rect: QRect) -> QColor:
    """The colour most pixels of `rect` have: what the text there is drawn on (of equally common ones, the first
    found going down each column from the left, as a count kept pixel by pixel would say)."""
    seen = pixels(image, *_spans(image, rect), stored=True).ravel()  # column by column, as x then y
    _values, first, counts = np.unique(seen, return_index=True, return_counts=True)
    return QColor.fromRgb(int(seen[first[counts == counts.max()].min()]))


def inked(image: QImage, rect: QRect, ground: QColor) -> QColor:
    """The pixel of `rect` that stands out most from `ground`: the text's ink where a stroke covers a pixel."""
    xs, ys = _spans(image, rect)
    if not xs or not ys:
        return ground
    values = contrast_of(luminance_of(pixels(image, xs, ys)), luminance(ground))
    x, y = np.unravel_index(int(np.argmax(values)), values.shape)  # the first of the most, as x then y
    return image.pixelColor(xs[x], ys[y])


def _spans(image: QImage, rect: QRect) -> tuple[range, range]:
    """The device pixels' columns and rows of `rect` (logical pixels)."""
    ratio = image.devicePixelRatio()
    return (
        range(int(rect.left() * ratio), int((rect.right() + 1) * ratio)),
        range(int(rect.top() * ratio), int((rect.bottom() + 1) * ratio)),
    )


def rect_in(widget: QWidget, top: QWidget) -> QRect:
    """Where `widget` is drawn in `top`'s coordinates."""
    return QRect(widget.mapTo(top, widget.rect().topLeft()), widget.size())


ROLES = [None, "title", "subtitle", "section", "muted", "strong", "big", "good", "bad", "mono"]


def _showcase(qtbot: Any) -> tuple[QMainWindow, dict[str, QWidget]]:
    """Every styled text role on the window and in a card, in a banner, on buttons, in fields, a table with a
    selected row, the sidebar, the status bar: the places the app puts them."""
    window = QMainWindow()
    qtbot.addWidget(window)
    central = QWidget()
    columns = QHBoxLayout(central)
    found: dict[str, QWidget] = {}
    plain = QVBoxLayout()
    frame, inside = card()
    for role in ROLES:
        for where, layout in (("window", plain), ("card", inside)):
            found[f"{role or 'plain'} on {where}"] = widget = label(f"Deed 18 sold for USD 238,500 ({role})", role)
            layout.addWidget(widget)
    for tone in ("good", "bad", "warn"):
        frame_b, layout_b = banner(tone)
        found[f"text in banner-{tone}"] = widget = label(f"Can this transfer happen? ({tone})")
        layout_b.addWidget(widget)
        inside.addWidget(frame_b)
    found["primary button"] = button("Sign and save response\u2026", primary=True)
    found["button"] = button("Record on ledger\u2026")
    plain.addWidget(found["primary button"])
    plain.addWidget(found["button"])
    field = QLineEdit("1407 Ridgewood Ave")
    empty = QLineEdit()
    empty.setPlaceholderText("Search parcel, address or owner address\u2026")
    found["field"], found["placeholder"] = field, empty
    inside.addWidget(field)
    inside.addWidget(empty)
    columns.addLayout(plain)
    columns.addWidget(frame)
    sidebar = QListWidget()
    sidebar.setObjectName("sidebar")
    sidebar.addItems(["Deeds", "Register deed", "Keys & contacts"])
    sidebar.setCurrentRow(0)
    found["sidebar"] = sidebar
    columns.addWidget(sidebar)
    table = QTableWidget(3, 2)
    table.setHorizontalHeaderLabels(["Deed", "Owner"])
    for row in range(3):
        for column in range(2):
            table.setItem(row, column, QTableWidgetItem(f"demo-owner-{row} {column}"))
    found["table"] = table
    columns.addWidget(table)
    window.setCentralWidget(central)
    found["status"] = status = QLabel("Ames Demo Ledger \u2022 240 entries")
    window.statusBar().addWidget(status)
    window.resize(1400, 760)
    window.show()
    qtbot.waitExposed(window)
    table.selectRow(1)
    return window, found


def test_every_styled_text_reads_on_its_background(qtbot: Any, scheme: str) -> None:
    """Text roles, banners, buttons (the primary one is filled: white on the dark scheme's light accent read
    at 2.8:1), fields and placeholders, a selected row (4.2:1 on the dark blue), the sidebar and status bar."""
    window, found = _showcase(qtbot)
    image = window.grab().toImage()
    failures = []

    def check(name: str, ink: QColor, rect: QRect) -> None:
        ground = background(image, rect)
        ratio = contrast(ink, ground)
        drawn = contrast(inked(image, rect, ground), ground)
        if ratio < TEXT or drawn < 0.8 * ratio:  # the colour asked for is the colour drawn, near enough
            failures.append(f"{name}: {ink.name()} on {ground.name()} is {ratio:.2f}:1 (drawn {drawn:.2f}:1)")

    for name, widget in found.items():
        if isinstance(widget, (QTableWidget, QListWidget)):
            continue
        palette = widget.palette()
        ink = palette.color(widget.foregroundRole())
        if name == "placeholder":
            ink = palette.color(palette.ColorRole.PlaceholderText)
        check(name, ink, rect_in(widget, window))
    table = found["table"]
    assert isinstance(table, QTableWidget)
    for row, what in ((1, "selected row"), (0, "row")):
        rect = table.visualItemRect(table.item(row, 0))
        rect.moveTopLeft(table.viewport().mapTo(window, rect.topLeft()))
        role = table.palette().ColorRole.HighlightedText if row == 1 else table.palette().ColorRole.Text
        check(what, table.palette().color(role), rect)
    header = table.horizontalHeader()
    check("table header", theme.color("muted"), rect_in(header, window))  # the style sheet's ::section colour
    sidebar = found["sidebar"]
    assert isinstance(sidebar, QListWidget)
    for row, what in ((0, "selected sidebar item"), (1, "sidebar item")):
        rect = sidebar.visualItemRect(sidebar.item(row))
        rect.moveTopLeft(sidebar.viewport().mapTo(window, rect.topLeft()))
        ink = theme.color("highlightedText" if row == 0 else "windowText")  # the style sheet's item colours
        check(what, ink, rect)
    assert not failures, f"{scheme}: " + "; ".join(failures)


@pytest.mark.parametrize("name", SCHEMES)
def test_chart_and_badge_colours_stand_out_from_what_they_are_drawn_on(qtbot: Any, name: str) -> None:
    """The painted charts (range band's edge, estimate marker, comparable dots, reason bars, tally), the
    timeline's rings and the review levels use these; they are drawn on a card, a field or the window."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply_theme(app, name)
    try:
        failures = [
            f"{mark} on {ground}: {contrast(theme.color(mark), theme.color(ground)):.2f}:1"
            for mark in ("accent", "good", "bad", "gold")
            for ground in ("card", "base", "window")
            if contrast(theme.color(mark), theme.color(ground)) < GRAPHIC
        ]
        failures += [  # text painted by the charts and the timeline: muted labels, amounts, dates
            f"{ink} text on {ground}: {contrast(theme.color(ink), theme.color(ground)):.2f}:1"
            for ink in ("muted", "text", "link")
            for ground in ("card", "base", "window", "alternateBase")
            if contrast(theme.color(ink), theme.color(ground)) < TEXT
        ]
        assert not failures, f"{name}: " + "; ".join(failures)
    finally:
        theme.apply_theme(app, "light")


def test_no_widget_brings_a_colour_of_its_own() -> None:
    """Every colour comes from the palette (theme.py, palettes.json); a colour written into a widget, its
    style sheet or its rich text ('color:gray', QColor(208, 80, 74), '#FFFFFF') is right for one scheme only.
    The one exception: a QR code is black on white in either scheme (scanners need it)."""
    literal = re.compile(
        r"#[0-9A-Fa-f]{6}\b|#[0-9A-Fa-f]{3}\b|QColor\(\s*\d|QColor\(\s*\"|color\s*:\s*(?!@)[a-z#]"
        r"|background\s*:\s*(?!@|transparent|none)[a-z#]|GlobalColor\.(?!transparent)\w+"
    )
    allowed = {
        ("desktop/gui/widgets/qr_player.py", 'self.image.setStyleSheet("background: white; border-radius: 6px;")')
    }
    found = []
    for path in [*sorted((ROOT / "desktop" / "gui").rglob("*.py")), ROOT / "resources" / "style" / "base.qss"]:
        rel = path.relative_to(ROOT).as_posix()
        if rel == "desktop/gui/theme.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if literal.search(line) and (rel, line.strip()) not in allowed:
                found.append(f"{rel}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def _ink_of(label_widget: QLabel) -> set[str]:
    """The colours of the label's text pixels (those far from its background)."""
    image = label_widget.grab().toImage()
    ground = background(image, label_widget.rect())
    seen = pixels(image, range(image.width()), range(image.height()))
    inks = seen[contrast_of(luminance_of(seen), luminance(ground)) > 2.5]
    return {f"#{int(value) & 0xFFFFFF:06x}" for value in inks}  # as QColor.name() writes them


def test_rich_text_is_coloured_by_the_scheme_and_follows_a_switch(qtbot: Any) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply_theme(app, "light")
    try:
        shown = QLabel()
        shown.setTextFormat(Qt.TextFormat.RichText)
        qtbot.addWidget(shown)
        theme.set_rich(shown, "<p class='muted'>Ames, Iowa residential sales 2006\u20132010 (De Cock)</p>")
        shown.resize(520, 40)
        shown.show()
        light_muted = theme.color("muted").name()
        assert light_muted in _ink_of(shown)
        theme.apply_theme(app, "dark")
        dark_muted = theme.color("muted").name()
        assert dark_muted != light_muted
        assert dark_muted in _ink_of(shown) and light_muted not in _ink_of(shown)
        assert "De Cock" in shown.text()
    finally:
        theme.apply_theme(app, "light")


class _Seen(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.types: list[QEvent.Type] = []

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        self.types.append(event.type())
        return False


def test_the_platform_is_told_the_scheme_chosen(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows 11 and macOS draw the title bar and their own dialogs in the scheme the app asks for (the
    offscreen platform ignores the request, so the request itself is what is checked)."""
    from types import SimpleNamespace

    class Hints:
        def __init__(self) -> None:
            self.asked: list[Qt.ColorScheme | None] = []

        def setColorScheme(self, scheme: Qt.ColorScheme) -> None:
            self.asked.append(scheme)

        def unsetColorScheme(self) -> None:
            self.asked.append(None)

        def colorScheme(self) -> Qt.ColorScheme:
            return Qt.ColorScheme.Dark  # the desktop is dark

    hints = Hints()
    monkeypatch.setattr(theme, "QGuiApplication", SimpleNamespace(styleHints=lambda: hints))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        assert theme.apply_theme(app, "light") == "light"
        assert theme.apply_theme(app, "dark") == "dark"
        assert theme.apply_theme(app, "system") == "dark"  # the desktop's
        assert hints.asked == [Qt.ColorScheme.Light, Qt.ColorScheme.Dark, None]
    finally:
        monkeypatch.undo()
        theme.apply_theme(app, "light")


@pytest.mark.parametrize("setting", ["system", "light"])
def test_the_system_turning_dark_restyles_a_running_app_set_to_follow_it(qtbot: Any, setting: str) -> None:
    """Qt keeps an application palette that was set: without following the platform's signal the app stayed
    light on a system turned dark (and dark on one turned light).  A setting of light (or dark) stays put."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply_theme(app, setting)
    hints = QGuiApplication.styleHints()
    chosen = {"theme": setting}
    widget = label("Deeds", "muted")
    qtbot.addWidget(widget)
    widget.show()
    seen = _Seen()
    widget.installEventFilter(seen)
    before = app.palette().window().color().name()
    theme.follow_system(app, lambda: chosen["theme"])
    try:
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        if setting == "system":
            assert theme.is_dark()
            assert app.palette().window().color().name() == theme.color("window").name() != before
            assert QEvent.Type.PaletteChange in seen.types or QEvent.Type.StyleChange in seen.types
            assert widget.palette().color(widget.foregroundRole()).name() == theme.color("muted").name()
            hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
            assert not theme.is_dark() and app.palette().window().color().name() == before
        else:
            assert not theme.is_dark() and app.palette().window().color().name() == before
    finally:
        theme.follow_system(app, lambda: "light")  # the follower stays connected: let it follow nothing
        theme.apply_theme(app, "light")


ICON_SIZES = """
from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication
app = QApplication([])
from desktop.gui import theme
for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected):
    for shown in (theme.icon("signer").pixmap(QSize(28, 28), mode), theme.app_icon().pixmap(72, 72)):
        print(app.devicePixelRatio(), shown.width(), shown.devicePixelRatio())
"""


@pytest.mark.parametrize("scale", ["1", "1.5", "2"])
def test_icons_are_drawn_at_the_screens_own_pixels(scale: str) -> None:
    """On a 200% screen a 28 px icon is 56 device pixels at a ratio of 2 (it was 112 at a ratio of 4: the
    SVG drawn at twice the size asked, then shrunk), in a selected row too.  The scale is the process's
    (QT_SCALE_FACTOR), so the check runs in a process of its own."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": scale, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", ICON_SIZES], env=env, capture_output=True, text=True, check=True, timeout=120
    ).stdout
    rows = [line.split() for line in out.splitlines() if line.strip()]
    assert len(rows) == 4
    for (ratio, width, drawn), logical in zip(rows, (28, 72, 28, 72), strict=True):
        assert float(drawn) == float(ratio) == float(scale)
        assert int(width) == round(logical * float(scale))


@pytest.mark.parametrize("ratio", [1.0, 1.25, 1.5, 2.0])
def test_a_qr_code_has_whole_device_pixels_per_module_at_any_scale(qtbot: Any, ratio: float) -> None:
    """At 150% a QR image made for 1x is drawn 1.5 times as big: its modules are 1 or 2 pixels wide, a blur a
    camera misreads.  Made for the screen's ratio, every module is the same whole number of device pixels."""
    from desktop.gui.widgets.qr_player import qr_pixmap
    from desktop.qr.render import frame_image

    text = "ur:bytes/" + "hdcxlkahssqzwfvslofzoxwkrewngotktbmwjkwdcmnefsaaehrlolkskncnktlbaypkvoonhknt"
    modules = frame_image(text, module_px=1).width
    pixmap = qr_pixmap(text, 420, ratio)
    assert pixmap.devicePixelRatio() == ratio
    assert pixmap.width() % modules == 0 and pixmap.width() // modules >= 1  # whole device pixels per module
    assert 420 * 0.8 <= pixmap.width() / ratio <= 420  # as big as asked on screen, near enough


@pytest.mark.usefixtures("no_training", "left_windows_deleted")
def test_the_screenshot_tour_in_the_dark(world: Any, qtbot: Any, tmp_path: Path) -> None:
    """`gui --screenshots DIR --dark`: every screen in the dark palette (a window is mostly its background),
    the saved theme untouched; `--dark` without a tour is refused in a sentence."""
    from core.settings import Settings
    from desktop.cli.main import run as cli
    from desktop.gui import app as gui_app
    from tests.gui.conftest import populate

    populate(world, 3)
    shots = tmp_path / "shots"
    try:
        assert gui_app.run(str(world.home.root), screenshots=str(shots), dark=True) == 0
    finally:
        theme.apply_theme(QApplication.instance(), "light")  # type: ignore[arg-type]  # as the other tests expect
    names = sorted(p.name for p in shots.glob("*.png"))
    assert len(names) >= 8 and not any("-dark" in n for n in names), names
    grounds = ("window", "base", "card", "sidebar", "dark")  # the dark palette's (a PDF preview sits on "dark")
    dark = {QColor(theme._palettes()["dark"][name]).name() for name in grounds}
    for name in names:
        image = QImage(str(shots / name))
        assert background(image, image.rect()).name() in dark, name
    assert Settings.load().theme == "system"  # the saved theme is untouched
    assert cli(["--data-dir", str(world.home.root), "gui", "--dark"]) == 2
