"""The shape a stored message must have: exactly its kind's fields, in JSON types.

EIP-712 encoders accept a uint as a number or a decimal string; the ledger keeps
one spelling (numbers for uints, 0x-hex for addresses and bytes, text for
strings) so rules can compare values directly and a re-spelled message is refused.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from core.errors import RuleViolation

_HEX = re.compile(r"^0x[0-9a-f]*$")


def _check_value(kind_name: str, name: str, type_name: str, value: Any) -> None:
    if type_name.startswith(("uint", "int")):
        ok = type(value) is int
    elif type_name == "address":
        ok = isinstance(value, str) and len(value) == 42 and _HEX.match(value.lower()) is not None
    elif type_name.startswith("bytes"):
        ok = isinstance(value, str) and _HEX.match(value) is not None
    elif type_name == "string":
        ok = isinstance(value, str)
    elif type_name == "bool":
        ok = isinstance(value, bool)
    else:  # nested structs and arrays are checked by the EIP-712 encoder
        ok = True
    if not ok:
        raise RuleViolation(f"{kind_name}.{name} is not a valid {type_name}.")


def check_message(kind_name: str, fields: tuple[tuple[str, str], ...], message: Any) -> None:
    if not isinstance(message, Mapping):
        raise RuleViolation(f"A {kind_name} message must be an object.")
    if len(message) != len(fields) or any(name not in message for name, _ in fields):
        raise RuleViolation(f"A {kind_name} message must have exactly the fields {', '.join(n for n, _ in fields)}.")
    for name, type_name in fields:
        _check_value(kind_name, name, type_name, message[name])
