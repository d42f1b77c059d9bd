"""32-byte hashes and ids, and addresses, as JSON writes them: "0x" and exactly 64 (or 40) hex digits.

One reader for every place that takes such a value from a file or a server's answer:
str() and bytes.fromhex alone would take a number's digits, "0X", white space among
the digits, and a hash of any length.
"""

from __future__ import annotations

import re
from typing import Any

HEX32 = re.compile(r"0x[0-9a-fA-F]{64}")
ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")  # an Ethereum address, checksummed or not: use fullmatch


def hex32(value: Any) -> bytes | None:
    """The 32 bytes of `value` if it is such a string as written, else None (each caller says it its way)."""
    if not isinstance(value, str) or HEX32.fullmatch(value) is None:
        return None
    return bytes.fromhex(value[2:])
