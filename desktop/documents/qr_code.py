"""The QR code drawn on every document: its modules from `qrcode`, drawn as vector squares.

What the code says is core's (core.documents.qr: `payload`, `parse`); this draws it.
"""

from __future__ import annotations

from typing import Any


def matrix(text: str) -> list[list[bool]]:
    """The QR modules (no quiet zone), error correction M."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def qr_flowable(text: str, size: float) -> Any:
    """A reportlab Flowable drawing the QR code as vector squares, `size` points wide, quiet zone included."""
    from reportlab.platypus import Flowable

    modules = matrix(text)

    class _Qr(Flowable):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.width = self.height = size

        def draw(self) -> None:
            n = len(modules)
            quiet = 4
            unit = size / (n + 2 * quiet)
            canvas = self.canv
            canvas.saveState()
            canvas.setFillColorRGB(1, 1, 1)
            canvas.rect(0, 0, size, size, stroke=0, fill=1)
            canvas.setFillColorRGB(0, 0, 0)
            path = canvas.beginPath()
            for r, row in enumerate(modules):
                y = size - (quiet + r + 1) * unit
                c = 0
                while c < n:  # one rectangle per horizontal run keeps the drawing small
                    if row[c]:
                        start = c
                        while c < n and row[c]:
                            c += 1
                        path.rect((quiet + start) * unit, y, (c - start) * unit, unit)
                    else:
                        c += 1
            canvas.drawPath(path, stroke=0, fill=1)
            canvas.restoreState()

    return _Qr()
