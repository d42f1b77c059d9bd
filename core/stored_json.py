"""Reading the entries table's JSON columns fast: the message and the signatures of every entry.

Shared by `verify` (core.verify) and the incremental one (core.verify_since, core.asof)."""

from __future__ import annotations

import json
from typing import Any, Callable

import msgspec

from core.entries import SignatureRecord

_scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # the C scanner json.loads ends in, without its three Python layers
_fast = msgspec.json.Decoder().decode  # compiled; ~3x faster than the standard library's on a stored message
# What msgspec refuses that the standard library may still read (NaN, 1e400, a lone surrogate, deep
# nesting) goes to the standard library, which gives today's answer or today's error.
_REFUSED = (msgspec.DecodeError, UnicodeEncodeError, RecursionError)


def decode_or(text: str, fallback: Callable[[str], Any]) -> Any:
    """`fallback(text)`, faster: msgspec's value where it reads the text, else `fallback`'s own answer.

    Wherever msgspec reads a text its value is the standard library's (a repeated name keeps the last,
    big integers stay integers, floats are correctly rounded: tests/core/test_stored_json.py); it refuses
    everything JSON itself does not allow, so `fallback` decides those exactly as before."""
    if type(text) is str:  # msgspec would also read bytes, which the standard library's scanner refuses
        try:
            return _fast(text)
        except _REFUSED:
            pass
    return fallback(text)


def _standard(text: str) -> Any:
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        value, end = None, -1
    return value if end == len(text) else json.loads(text)  # anything unusual: the ordinary path, and its error


def stored_json(text: str) -> Any:
    """json.loads for a stored column (every entry's message and signatures go through here)."""
    return decode_or(text, _standard)


def stored_signatures(raw: str) -> tuple[SignatureRecord, ...]:
    return tuple(
        SignatureRecord(s["role"], s["signer"], bytes.fromhex(s["signature"][2:]), s["signedType"])
        for s in stored_json(raw)
    )
