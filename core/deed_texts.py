"""A digest of the deed texts that a replay only compares: address, legal description, attributes.

No rule reads them once a deed is registered (a transfer or hold checks the parcel, which is kept),
so `verify` keeps a SHA-256 digest of them per deed (32 bytes instead of about 1 KB) and compares it
with the same digest of the stored row.  The encoding is unambiguous (each text's length, then the
texts, in UTF-8), so two digests are equal only if the texts are, short of a SHA-256 collision: the same
check as comparing the texts.
"""

from __future__ import annotations

from hashlib import sha256
from typing import Any

TEXT_COLUMNS = ("address", "legal", "attributes")  # columns of the deeds table, in this order
NOT_TEXT = b""  # the digest of a stored row whose texts are not all text: never equal to a real one


def texts_digest(address: str, legal: str, attributes: str) -> bytes:
    # Each text's length (in code points) first: the one string then splits only one way.  One string,
    # encoded once, is the cheapest way found (verify digests two of these per deed: benchmarks/verify.py).
    # surrogatepass: never refuse a string (the signature check already refused a lone surrogate).
    joined = f"{len(address)},{len(legal)},{len(attributes)}:{address}{legal}{attributes}"
    return sha256(joined.encode("utf-8", "surrogatepass")).digest()


def stored_texts_digest(address: Any, legal: Any, attributes: Any) -> bytes:
    """The digest of a stored row's texts; a value that is not text (a changed table) never matches."""
    if type(address) is str and type(legal) is str and type(attributes) is str:
        return texts_digest(address, legal, attributes)
    return NOT_TEXT
