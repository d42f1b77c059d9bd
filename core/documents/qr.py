"""The QR code on every document: a compact, scannable form of what the document proves.

    DEEDBOOK:1:<LEDGER ID>:<CHAIN ID>:<ENTRY INDEX>:<ENTRY HASH>:<CHECKPOINT SIZE>:<ROOT>:<TIME>:<SIGNATURE>

Hex values are upper case without 0x and numbers are decimal, so the text uses
only QR's alphanumeric character set (denser than bytes: version 10, 57 modules,
at error-correction level M).  With the ledger's name printed on the document,
the QR alone lets anyone recover the address that signed the checkpoint (the
checkpoint message is {ledgerId, size, root, timestamp} in the ledger's EIP-712
domain) and look the entry up in the ledger; the embedded record carries the rest.
Drawing the code is the documents layer's (desktop/documents/qr_code.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core.documents.evidence import EmbeddedEntry, Record

PREFIX = "DEEDBOOK"
VERSION = "1"
_HEX32 = re.compile(r"[0-9A-F]{64}")
_HEX65 = re.compile(r"[0-9A-F]{130}")


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

        return ":".join(
            [
                PREFIX,
                VERSION,
                up(self.ledger_id),
                str(self.chain_id),
                str(self.entry_index),
                up(self.entry_hash),
                str(self.checkpoint_size),
                up(self.checkpoint_root),
                str(self.checkpoint_time),
                up(self.checkpoint_signature),
            ]
        )

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def parse(text: str) -> QrPayload:
    """The payload from a scanned QR text; ValueError if it is not a Deedbook QR code."""
    parts = text.strip().split(":")
    if len(parts) != 10 or parts[0] != PREFIX or parts[1] != VERSION:
        raise ValueError("not a Deedbook document QR code")
    _, _, ledger, chain, index, entry, size, root, moment, signature = parts
    if not (
        _HEX32.fullmatch(ledger) and _HEX32.fullmatch(entry) and _HEX32.fullmatch(root) and _HEX65.fullmatch(signature)
    ):
        raise ValueError("a hash or signature in the QR code is malformed")
    if not all(p.isdigit() for p in (chain, index, size, moment)):
        raise ValueError("a number in the QR code is malformed")
    return QrPayload(
        "0x" + ledger.lower(),
        int(chain),
        int(index),
        "0x" + entry.lower(),
        int(size),
        "0x" + root.lower(),
        int(moment),
        "0x" + signature.lower(),
    )


def payload(record: Record, entry: EmbeddedEntry) -> QrPayload:
    """What the QR code of a document drawn from `record` says, naming `entry` (the document's subject)."""
    cp = record.checkpoint
    signature = next(
        (s["signature"] for s in cp.get("signatures", []) if s.get("role") == "operator"), "0x" + "00" * 65
    )
    return QrPayload(
        record.ledger.ledger_id_hex,
        record.ledger.chain_id,
        entry.index,
        entry.leaf_hash,
        record.checkpoint_size,
        str(cp["message"]["root"]),
        record.checkpoint_time,
        signature,
    )
