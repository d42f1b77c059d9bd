"""The servicing tally's parts are told apart without their colours: its good green and bad red are 1.03:1
apart in the light scheme, one colour to a person who does not tell red from green.  "Yes" is solid, "no"
striped and "abstain" dotted in the card's colour, a gap in that colour parts each from the next, and the
legend's swatches carry the same patterns; measured on the rendered pixels, in both schemes, at 1x and 2x."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage

from core.servicing.tally import Tally
from desktop.gui import theme
from desktop.gui.panes.servicing import TallyBar
from tests.gui.test_boundaries import RATIOS, _on_card, shot
from tests.gui.pixels import contrast as contrast_of
from tests.gui.pixels import luminance as luminance_of
from tests.gui.pixels import pixels
from tests.gui.test_dark_scheme import GRAPHIC, contrast, luminance

TONES = dict(TallyBar.CHOICES)


def test_the_pattern_and_gap_colour_stands_out_from_each_parts_fill(scheme: str) -> None:
    """The stripes, the dots and the gap are in the card's colour: 3:1 or more from each fill they cross."""
    failures = [
        f"card on {tone}: {contrast(theme.color('card'), theme.color(tone)):.2f}:1"
        for tone in TONES.values()
        if contrast(theme.color("card"), theme.color(tone)) < GRAPHIC
    ]
    assert not failures, f"{scheme}: " + "; ".join(failures)


def _pattern_share(image: QImage, box: QRectF, fill: QColor) -> tuple[float, float]:
    """Of the pixels inside `box` (a pixel in from its edges): the share that stand out 3:1 from `fill` (the
    pattern's), and the most any pixel stands out."""
    ratio = image.devicePixelRatio()
    inside = box.adjusted(1, 1, -1, -1)
    xs = range(int(inside.left() * ratio), int(inside.right() * ratio))
    ys = range(int(inside.top() * ratio), int(inside.bottom() * ratio))
    values = contrast_of(luminance_of(pixels(image, xs, ys)), luminance(fill))
    return int(np.count_nonzero(values >= GRAPHIC)) / values.size, float(values.max())


def test_each_part_and_its_legend_swatch_has_its_own_pattern(qtbot: Any, scheme: str) -> None:
    tally = TallyBar()
    tally.show_tally(Tally(1, 1, "Sell?", 5000, 0, 10_000, 1, {"yes": 3_000, "no": 2_500, "abstain": 1_500}))
    window, _frame = _on_card(qtbot, tally)
    for ratio in RATIOS:
        image = shot(window, ratio)
        origin = tally.mapTo(window, tally.rect().topLeft())
        shares: dict[str, float] = {}
        for part, (choice, tone) in enumerate(TallyBar.CHOICES):
            box = tally.part_box(part)
            assert box is not None
            box = box.translated(origin.x(), origin.y()).adjusted(TallyBar.GAP, 0, 0, 0)  # past the gap
            share, most = _pattern_share(image, box, theme.color(tone))
            swatch = tally.legend_boxes()[choice].translated(origin.x(), origin.y())
            swatch_share, _ = _pattern_share(image, swatch, theme.color(tone))
            shares[choice] = share
            if choice == "yes":
                assert share == 0 and swatch_share == 0, (scheme, ratio, choice, share, swatch_share)
            else:  # a pattern of the card's colour, that stands out from the fill, in the part and its swatch
                assert most >= GRAPHIC and share > 0.1 and swatch_share > 0.1, (scheme, ratio, choice, share)
        # stripes cover a third of the part, dots a sixth: in grey they still differ
        assert shares["no"] - shares["abstain"] > 0.1, (scheme, ratio, shares)
        # the gap between yes and no: a column in the card's colour, 3:1 from both fills
        edge = tally.part_box(1)
        assert edge is not None
        gap = image.pixelColor(
            int((origin.x() + edge.left() + TallyBar.GAP / 2) * ratio), int((origin.y() + edge.center().y()) * ratio)
        )
        assert min(contrast(gap, theme.color("good")), contrast(gap, theme.color("bad"))) >= GRAPHIC, (scheme, ratio)
