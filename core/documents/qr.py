"""The QR code on every document: a compact, scannable form of what the document proves.

    DEEDBOOK:1:<LEDGER ID>:<CHAIN ID>:<ENTRY INDEX>:<ENTRY HASH>:<CHECKPOINT SIZE>:<ROOT>:<TIME>:<SIGNATURE>

Hex values are upper case without 0x and numbers are decimal, so the text uses
only QR's alphanumeric character set (denser than bytes: version 10, 57 modules,
at error-correction level M).  With the ledger's name printed on the document,
the QR alone lets anyone recover the address that signed the checkpoint (the
checkpoint message is {ledgerId, size, root, timestamp} in the ledger's EIP-712
domain) and look the entry up in the ledger; the embedded record carries the rest.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

PREFIX = "DEEDBOOK"
VERSION = "1"
_HEX32 = re.compile(r"^[0-9A-F]{64}$")
_HEX65 = re.compile(r"^[0-9A-F]{130}$")


@dataclass(frozen=True)
class QrPayload:
    ledger_id: str  # 0x-prefixed, lower case, as elsewhere in Deedbook
    chain_id: int
    entry_index: int
    entry_hash: str
    checkpoint_size: int
    checkpoint_root: str
    checkpoint_time: int
    checkpoint_signature: str

    def text(self) -> str:
        def up(h: str) -> str:
            return h[2:].upper()

        return ":".join([PREFIX, VERSION, up(self.ledger_id), str(self.chain_id), str(self.entry_index),
                         up(self.entry_hash), str(self.checkpoint_size), up(self.checkpoint_root),
                         str(self.checkpoint_time), up(self.checkpoint_signature)])

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def parse(text: str) -> QrPayload:
    """The payload from a scanned QR text; ValueError if it is not a Deedbook QR code."""
    parts = text.strip().split(":")
    if len(parts) != 10 or parts[0] != PREFIX or parts[1] != VERSION:
        raise ValueError("not a Deedbook document QR code")
    _, _, ledger, chain, index, entry, size, root, moment, signature = parts
    if not (_HEX32.match(ledger) and _HEX32.match(entry) and _HEX32.match(root) and _HEX65.match(signature)):
        raise ValueError("a hash or signature in the QR code is malformed")
    if not all(p.isdigit() for p in (chain, index, size, moment)):
        raise ValueError("a number in the QR code is malformed")
    return QrPayload("0x" + ledger.lower(), int(chain), int(index), "0x" + entry.lower(), int(size),
                     "0x" + root.lower(), int(moment), "0x" + signature.lower())


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
