"""Reading the entries table's JSON columns fast: the message and the signatures of every entry.

Shared by `verify` (core.verify) and the incremental one (core.verify_since, core.asof)."""

from __future__ import annotations

import json
from typing import Any

from core.entries import SignatureRecord

_scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # the C scanner json.loads ends in, without its three Python layers


def stored_json(text: str) -> Any:
    """json.loads for a stored column (every entry's message and signatures go through here)."""
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        value, end = None, -1
    return value if end == len(text) else json.loads(text)  # anything unusual: the ordinary path, and its error


def stored_signatures(raw: str) -> tuple[SignatureRecord, ...]:
    return tuple(
        SignatureRecord(s["role"], s["signer"], bytes.fromhex(s["signature"][2:]), s["signedType"])
        for s in stored_json(raw)
    )
