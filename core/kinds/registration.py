"""RegisterDeed: a registrar records a property deed as a token held by an owner."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from typing import Annotated, Any, Mapping, Sequence

import msgspec

from core.compliance.judge import note_acquired
from core.display import clean
from core.entries import Entry
from core.errors import RuleViolation
from core.kinds import EntryKind, LedgerAct, register, require_roles, signature_of
from core.presentation import Address, Count, Description, Role, Signer, signer_of
from core.signing import checksum_address
from core.state import ApplyContext, DeedState, LedgerState
from core.stored_json import decode_or

DEFAULT_SHARES = 10_000  # every deed is divisible; a whole-deed transfer moves them all
MAX_SHARES = 2**63 - 1  # what a 64-bit integer column (SQLite, PostgreSQL BIGINT) holds

# A parcel number is a plain identifier: ASCII letters, digits, and space . / _ - inside, at most
# 64 characters.  Input is NFKC-normalised first (a full-width "０５２６" is "0526"); what is left  # noqa: RUF003 - the example
# outside the set (a zero-width space, a Hangul filler, a Cyrillic "О") is refused, so two parcel  # noqa: RUF003 - the example
# numbers that look the same are the same.
PARCEL_MAX = 64
_PARCEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 ./_-]*[A-Za-z0-9./_-])?")

# A deed's attributes: a JSON object of at most this many names, each name at most
# MAX_ATTRIBUTE_NAME characters, each value a string (at most MAX_ATTRIBUTE_VALUE characters),
# a finite number, true, false or null; the whole at most MAX_ATTRIBUTES_BYTES of UTF-8.
MAX_ATTRIBUTES = 200
MAX_ATTRIBUTE_NAME = 64
MAX_ATTRIBUTE_VALUE = 1000
MAX_ATTRIBUTES_BYTES = 64 * 1024


def normalize_parcel(text: str) -> str:
    """The parcel number as it is stored: NFKC, no spaces around; RuleViolation if outside the plain set."""
    parcel = unicodedata.normalize("NFKC", text).strip()
    check_parcel(parcel)
    return parcel


def check_parcel(parcel: str) -> str:
    if not parcel:
        raise RuleViolation("A deed needs a parcel number.")
    if len(parcel) > PARCEL_MAX:
        raise RuleViolation(f"A parcel number has at most {PARCEL_MAX} characters.")
    if _PARCEL.fullmatch(parcel) is None:
        odd = next((ch for ch in parcel if not (ch.isascii() and (ch.isalnum() or ch in " ./_-"))), None)
        name = unicodedata.name(odd, "") if odd else ""
        found = f" ({clean(parcel, 80)} has {clean(odd)}{', ' + name if name else ''})" if odd else ""
        raise RuleViolation(
            "A parcel number is written with the letters A-Z, digits, and space . / _ - after the "
            f"first letter or digit{found}."
        )
    return parcel


def _no_constant(name: str) -> Any:
    raise ValueError(name)  # NaN, Infinity, -Infinity: not JSON numbers


def _finite_float(literal: str) -> float:
    number = float(literal)
    if not math.isfinite(number):  # 1e999: a number JSON writes, but not a finite one
        raise ValueError(literal)
    return number


# Made once: building a decoder per call cost as much as a third of the decoding.  Floats are checked
# as they are read; _PAIRS gives objects as lists of pairs (a name given twice stays visible).
_OBJECT = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite_float)
_PAIRS = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite_float, object_pairs_hook=list)
_PLAIN = frozenset({str, float, int, bool, type(None)})
# The common case, decoded and type-checked in one C pass: names of 1 to MAX_ATTRIBUTE_NAME characters,
# values plain (msgspec refuses NaN and 1e400 as JSON numbers, and nested values by this type).
_NAME = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ATTRIBUTE_NAME)]
_COMMON = msgspec.json.Decoder(dict[_NAME, str | int | float | bool | None])
_NOT_COMMON = (msgspec.DecodeError, UnicodeEncodeError, RecursionError)  # ValidationError is a DecodeError


def _common_case(text: str) -> bool:
    """Attributes plainly valid, decided in a few C-level passes (every deed's registration is replayed by
    `verify`): short enough that no value can be too long, plain values, names of a valid length, no name
    given twice (as many colons as names: each pair has one outside strings, any other would be one
    more), none blank.  False says nothing: check_attributes then decides the text as it always did."""
    if len(text) > MAX_ATTRIBUTE_VALUE:
        return False
    try:
        attributes = _COMMON.decode(text)
    except _NOT_COMMON:
        return False
    return text.count(":") == len(attributes) <= MAX_ATTRIBUTES and not any(map(str.isspace, attributes))


def check_attribute(name: Any, value: Any) -> None:
    """One attribute: a short name, and a short string, a finite number, a boolean or null."""
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_ATTRIBUTE_NAME:
        raise RuleViolation(f"An attribute name is 1 to {MAX_ATTRIBUTE_NAME} characters ({clean(name, 40)!r} is not).")
    if isinstance(value, float) and not math.isfinite(value):
        raise RuleViolation(f"The attribute {clean(name, 40)} is not a finite number.")
    if isinstance(value, str):
        if len(value) > MAX_ATTRIBUTE_VALUE:
            raise RuleViolation(f"The attribute {clean(name, 40)} is longer than {MAX_ATTRIBUTE_VALUE:,} characters.")
    elif value is not None and not isinstance(value, (bool, int, float)):
        raise RuleViolation(f"The attribute {clean(name, 40)} is not text, a number, true, false or null.")
    elif isinstance(value, int) and len(str(abs(value))) > MAX_ATTRIBUTE_VALUE:
        raise RuleViolation(f"The attribute {clean(name, 40)} is a number of more than {MAX_ATTRIBUTE_VALUE:,} digits.")


_TOO_LARGE = 10**MAX_ATTRIBUTE_VALUE  # an integer of more than MAX_ATTRIBUTE_VALUE digits is at least this


def check_attributes(text: str) -> str:
    """A JSON object of bounded size whose values are short text, finite numbers, booleans or null."""
    if not text.startswith("{") or not text.endswith("}"):
        raise RuleViolation("A deed's attributes must be a JSON object.")
    if len(text) > MAX_ATTRIBUTES_BYTES or len(text.encode("utf-8")) > MAX_ATTRIBUTES_BYTES:
        raise RuleViolation(f"A deed's attributes take at most {MAX_ATTRIBUTES_BYTES // 1024} KB.")
    if _common_case(text):
        return text
    finite = "A deed's attributes must be a JSON object of finite values."
    try:
        attributes = decode_or(text, _OBJECT.decode)  # msgspec first: the same value, ~3x faster
    except (ValueError, RecursionError):
        raise RuleViolation(finite) from None
    # What _common_case left (a big integer, a lone surrogate, a repeated name...): the same test on a
    # plain decode (as many colons as names: no name given twice, nothing nested; plain value types;
    # names of a valid length, not blank; a text too short to hold a value longer than
    # MAX_ATTRIBUTE_VALUE, as a decoded string or integer is never longer than its JSON).  Anything
    # else is read again as pairs below, to find the attribute to name.
    if (
        text.count(":") == len(attributes) <= MAX_ATTRIBUTES
        and len(text) <= MAX_ATTRIBUTE_VALUE
        and _PLAIN.issuperset(map(type, attributes.values()))
        and (not attributes or (min(map(len, attributes)) > 0 and max(map(len, attributes)) <= MAX_ATTRIBUTE_NAME))
        and not any(map(str.isspace, attributes))
    ):
        return text
    pairs = _PAIRS.decode(text)  # accepted above by the same decoder; now as pairs, a repeated name kept
    if len(pairs) > MAX_ATTRIBUTES:
        raise RuleViolation(f"A deed has at most {MAX_ATTRIBUTES} attributes; this one has {len(pairs):,}.")
    if len({name for name, _ in pairs}) != len(pairs):
        raise RuleViolation("A deed's attributes name an attribute twice.")
    for name, value in pairs:
        kind = type(value)
        if kind is float and not math.isfinite(value):  # 1e999: a number JSON writes, but not a finite one
            raise RuleViolation(finite)
        if (
            0 < len(name) <= MAX_ATTRIBUTE_NAME
            and not name.isspace()
            and (
                (kind is str and len(value) <= MAX_ATTRIBUTE_VALUE)
                or kind is float
                or value is None
                or kind is bool
                or (kind is int and -_TOO_LARGE < value < _TOO_LARGE)
            )
        ):
            continue
        if isinstance(value, list):  # a nested object (object_pairs_hook) or array
            raise RuleViolation(f"The attribute {clean(name, 40)} is not text, a number, true, false or null.")
        check_attribute(name, value)
    return text


def registered_texts(m: Mapping[str, Any]) -> tuple[str, str, str]:
    """A registration's address, legal description and attributes, as the deed keeps them: what verify
    reads again to name the text a changed deeds row differs in (a replay keeps only their digest)."""
    return m["propertyAddress"], m["legalDescription"], check_attributes(m["attributes"])


def _apply(state: LedgerState, entry: Entry, ctx: ApplyContext) -> int:
    require_roles(entry, "registrar")
    m = entry.message
    signer = signature_of(entry, "registrar").signer
    if signer.lower() not in state.registrars:
        raise RuleViolation(f"{signer} is not a registrar of this ledger, so it cannot register deeds.")
    if m["nonce"] != 0:
        raise RuleViolation("A new deed starts at version 0; this registration names another.")
    if m["deedId"] != state.next_deed_id:
        raise RuleViolation(
            f"The next deed number is {state.next_deed_id}, not {m['deedId']} (replayed or stale registration)."
        )
    parcel = check_parcel(m["parcel"])
    if state.parcel_taken(parcel):
        raise RuleViolation(f"Parcel {parcel} is registered already.")
    if not m["propertyAddress"].strip():
        raise RuleViolation("A deed needs a property address.")
    if m["totalShares"] < 1:
        raise RuleViolation("A deed has at least one share.")
    if m["totalShares"] > MAX_SHARES:  # a 64-bit column holds it (no ledger could store more)
        raise RuleViolation(f"A deed has at most {MAX_SHARES:,} shares.")
    owner = checksum_address(bytes.fromhex(m["owner"][2:]))
    if int(owner, 16) == 0:
        raise RuleViolation("A deed cannot be registered to the zero address.")
    address, legal, attributes = registered_texts(m)
    state.add_deed(
        DeedState(
            deed_id=m["deedId"],
            parcel=parcel,
            address=address,
            legal=legal,
            attributes_json=attributes,
            total_shares=m["totalShares"],
            holders={owner: m["totalShares"]},
            version=1,
            registered_index=ctx.index,
            updated_index=ctx.index,
        )
    )
    note_acquired(state, m["deedId"], owner, ctx.recorded_at, "registration")  # a lock-up counts from here
    state.next_deed_id += 1
    return int(m["deedId"])


def _describe(m: Mapping[str, Any]) -> str:
    return f"Deed {m['deedId']}: parcel {m['parcel']}, {m['propertyAddress']}, registered to {m['owner']}"


def _present(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    shares = Count(m["totalShares"])
    return Description(
        title=(f"Registration of deed {m['deedId']}",),
        terms=(),
        event=("Registration",),
        parties=(Role("Registered to", (m["owner"],)), Role("Registrar", (signer_of(signers, "registrar"),))),
        brief=((shares, " shares created"),),
        headline=("Registered to ", Address(m["owner"])),
        detail=(shares, " shares"),
        icon="registration",
        tone="accent",
    )


REGISTER_DEED = register(
    EntryKind(
        name="RegisterDeed",
        as_of=True,
        fields=(
            ("deedId", "uint256"),
            ("parcel", "string"),
            ("propertyAddress", "string"),
            ("legalDescription", "string"),
            ("owner", "address"),
            ("totalShares", "uint256"),
            ("attributes", "string"),
            ("nonce", "uint256"),
        ),
        apply=_apply,
        describe=_describe,
        present=_present,
        ledger_act=LedgerAct("registrar", "registrar", "deedbook deed register"),
    )
)
