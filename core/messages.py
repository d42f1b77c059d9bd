"""The shape a stored message must have: exactly its kind's fields, in JSON types.

EIP-712 encoders accept a uint as a number or a decimal string; the ledger keeps
one spelling (numbers for uints, 0x-hex for addresses and bytes, text for
strings) so rules can compare values directly and a re-spelled message is refused.
Checkers are compiled once per kind: verification runs them on every entry.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Callable

from core.errors import RuleViolation
from core.hexes import ADDRESS

_HEX = re.compile(r"0x[0-9a-fA-F]*")


def _is_int(value: Any) -> bool:
    return type(value) is int


def _is_address(value: Any) -> bool:
    return type(value) is str and ADDRESS.fullmatch(value) is not None


def _is_hex(value: Any) -> bool:
    return type(value) is str and _HEX.fullmatch(value) is not None


def _is_text(value: Any) -> bool:
    return type(value) is str


def _is_bool(value: Any) -> bool:
    return type(value) is bool


def _anything(value: Any) -> bool:  # nested structs and arrays: the EIP-712 encoder checks them
    return True


def _predicate(type_name: str) -> Callable[[Any], bool]:
    if type_name.endswith("]"):
        return _anything
    if type_name.startswith(("uint", "int")):
        return _is_int
    if type_name == "address":
        return _is_address
    if type_name.startswith("bytes"):
        return _is_hex
    if type_name == "string":
        return _is_text
    if type_name == "bool":
        return _is_bool
    return _anything


@cache
def compile_message_check(kind_name: str, fields: tuple[tuple[str, str], ...]) -> Callable[[Any], None]:
    names = frozenset(name for name, _ in fields)
    checks = [(name, type_name, _predicate(type_name)) for name, type_name in fields]
    listed = ", ".join(name for name, _ in fields)

    def check(message: Any) -> None:
        if type(message) is not dict:
            raise RuleViolation(f"A {kind_name} message must be an object.")
        if message.keys() != names:
            raise RuleViolation(f"A {kind_name} message must have exactly the fields {listed}.")
        for name, type_name, ok in checks:
            if not ok(message[name]):
                raise RuleViolation(f"{kind_name}.{name} is not a valid {type_name}.")

    return check


def check_message(kind_name: str, fields: tuple[tuple[str, str], ...], message: Any) -> None:
    compile_message_check(kind_name, tuple(fields))(message)
