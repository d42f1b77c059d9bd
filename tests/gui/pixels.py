"""A rendered QImage's pixels as numpy arrays, and WCAG contrast over many of them at once.

The pixel checks read an image one QColor at a time, and a focus ring's few thousand pixels at 2x, each
compared by the Python formula, were most of the GUI tests' time. These give the very same numbers (the
channel's linear value is the formula's own, looked up; the sums run in the formula's order, in doubles),
read as QImage.pixelColor (or QImage.pixel) reads them, off-image coordinates included.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

FAST = {QImage.Format.Format_RGB32, QImage.Format.Format_ARGB32, QImage.Format.Format_ARGB32_Premultiplied}
OFF_IMAGE_PIXEL = 12345  # what QImage.pixel answers for a coordinate outside the image (with a warning)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


LINEAR = np.array([_channel(v) for v in range(256)], dtype=np.float64)


def pixels(image: QImage, xs: range, ys: range, *, stored: bool = False) -> np.ndarray:
    """The pixels at columns `xs` and rows `ys` as 0xAARRGGBB, indexed [x, y]: as `pixelColor` reads them
    (un-premultiplied; black off the image), or with `stored` as `pixel` does (a premultiplied image's own
    values; 12345 off it)."""
    if image.format() in FAST:
        wanted = QImage.Format.Format_ARGB32
        if stored and image.format() == QImage.Format.Format_ARGB32_Premultiplied:
            wanted = image.format()
        image = image.convertToFormat(wanted)  # no copy when it already is
        rows = np.frombuffer(image.constBits(), dtype=np.uint32, count=image.height() * image.bytesPerLine() // 4)
        whole = rows.reshape(image.height(), image.bytesPerLine() // 4)[:, : image.width()].T
        x, y = np.asarray(xs, dtype=np.int64), np.asarray(ys, dtype=np.int64)
        x_in, y_in = (x >= 0) & (x < image.width()), (y >= 0) & (y < image.height())
        out = np.full((len(x), len(y)), OFF_IMAGE_PIXEL if stored else 0, dtype=np.uint32)
        out[np.ix_(x_in, y_in)] = whole[np.ix_(x[x_in], y[y_in])]
        return out
    if stored:  # another format: Qt converts each pixel its own way
        return np.array([[image.pixel(x, y) for y in ys] for x in xs], dtype=np.uint32).reshape(len(xs), len(ys))
    return np.array(
        [[image.pixelColor(x, y).rgba() if image.valid(x, y) else 0 for y in ys] for x in xs], dtype=np.uint32
    ).reshape(len(xs), len(ys))


def luminance(argb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of each pixel (tests/gui/test_dark_scheme.luminance, element by element)."""
    red, green, blue = LINEAR[(argb >> 16) & 0xFF], LINEAR[(argb >> 8) & 0xFF], LINEAR[argb & 0xFF]
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(a: np.ndarray, b: np.ndarray | float) -> np.ndarray:
    """WCAG contrast of luminances `a` and `b`, element by element (test_dark_scheme.contrast)."""
    high, low = np.maximum(a, b), np.minimum(a, b)
    return (high + 0.05) / (low + 0.05)
