"""A value checked by a pattern is the whole value: Python's `$` also matches before a final newline, so
`re.match(r"^[A-Z]{3}$", "USD\\n")` says yes. Every pattern in core is matched whole (fullmatch)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from core.eip712 import TypedDataError, TypedSchema
from core.hexes import ADDRESS
from core.money import is_currency

ROOT = Path(__file__).resolve().parents[2]


def test_a_currency_with_a_newline_is_no_currency() -> None:
    assert is_currency("USD") and not is_currency("USD\n")


def test_an_address_with_a_newline_is_no_address() -> None:
    address = "0x" + "ab" * 20
    assert ADDRESS.fullmatch(address) and not ADDRESS.fullmatch(address + "\n")


@pytest.mark.parametrize(
    ("field_type", "value"),
    [("uint256", 1), ("int8", -1), ("bytes32", "0x" + "00" * 32), ("uint256[]", [1]), ("uint256[2]", [1, 2])],
)
def test_an_eip712_type_with_a_newline_is_unknown(field_type: str, value: object) -> None:
    # the same value under the type as written is encoded: only the newline makes it unknown
    TypedSchema({"Thing": [{"name": "value", "type": field_type}]}).digest(b"\x00" * 32, "Thing", {"value": value})
    schema = TypedSchema({"Thing": [{"name": "value", "type": field_type + "\n"}]})
    with pytest.raises(TypedDataError):
        schema.digest(b"\x00" * 32, "Thing", {"value": value})


def _anchored_patterns() -> list[str]:
    """Each re.compile(...) in core, valuation and desktop whose literal pattern ends with an unescaped `$`."""
    found = []
    for path in [*ROOT.glob("core/**/*.py"), *ROOT.glob("valuation/**/*.py"), *ROOT.glob("desktop/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "compile"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and re.search(r"(?<!\\)\$$", node.args[0].value)
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.args[0].value!r}")
    return found


def test_no_pattern_in_the_product_ends_with_a_dollar() -> None:
    # `$` admits a final newline; a pattern that must take the whole value is compiled without anchors and
    # used with fullmatch (re.search with `$` inside a larger text is what `\Z` is for)
    assert _anchored_patterns() == []


def test_a_key_name_date_or_seal_name_with_a_newline_is_refused() -> None:
    from core.dates import is_iso_date
    from core.errors import DeedbookError
    from core.keys import check_key_name
    from core.seals import check_name

    assert is_iso_date("2026-01-31") and not is_iso_date("2026-01-31\n")
    assert check_key_name("alice") == "alice"
    with pytest.raises(DeedbookError):
        check_key_name("alice\n")  # would have been the keystore file "alice\n.json"
    with pytest.raises(DeedbookError):
        check_name("county-seal\n")
