"""EIP-712 typed structured data: type encoding, struct hashing, signing digests.

Written against the specification rather than through eth-account's
`encode_typed_data`, because verification hashes every ledger entry and the
generic path costs several times the signature recovery it precedes.  Each struct
type is compiled once into a list of field encoders; tests check the result
against eth-account and against ethers.js vectors.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping, Sequence

from core.errors import DeedbookError
from core.hashing import keccak

Field = Mapping[str, str]
Types = Mapping[str, Sequence[Field]]
Encoder = Callable[[Any], bytes]

# The order EIP-712 fixes for the domain's optional fields.
DOMAIN_FIELD_ORDER = (
    ("name", "string"),
    ("version", "string"),
    ("chainId", "uint256"),
    ("verifyingContract", "address"),
    ("salt", "bytes32"),
)

_ARRAY = re.compile(r"(.+)\[(\d*)\]")
_UINT = re.compile(r"uint(\d{0,3})")
_INT = re.compile(r"int(\d{0,3})")
_BYTES_N = re.compile(r"bytes(\d{1,2})")


class TypedDataError(DeedbookError):
    """Typed data that does not follow EIP-712."""


def _hex_to_bytes(value: Any, what: str) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if not isinstance(value, str) or not value.startswith(("0x", "0X")):
        raise TypedDataError(f"{what} must be a 0x-prefixed hex string.")
    try:
        return bytes.fromhex(value[2:])
    except ValueError:
        raise TypedDataError(f"{what} is not valid hex.") from None


def _to_int(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise TypedDataError(f"{what} must be an integer, not a boolean.")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text, 16) if text.lower().startswith("0x") else int(text, 10)
        except ValueError:
            pass
    raise TypedDataError(f"{what} must be an integer.")


def _uint_encoder(bits: int, name: str) -> Encoder:
    limit = 1 << bits

    def encode(value: Any) -> bytes:
        number = value if type(value) is int else _to_int(value, name)
        if not 0 <= number < limit:
            raise TypedDataError(f"{name} is out of range for uint{bits}.")
        return number.to_bytes(32, "big")

    return encode


def _int_encoder(bits: int, name: str) -> Encoder:
    bound = 1 << (bits - 1)

    def encode(value: Any) -> bytes:
        number = _to_int(value, name)
        if not -bound <= number < bound:
            raise TypedDataError(f"{name} is out of range for int{bits}.")
        return number.to_bytes(32, "big", signed=True)

    return encode


def _address_encoder(name: str) -> Encoder:
    def encode(value: Any) -> bytes:
        raw = _hex_to_bytes(value, name)
        if len(raw) != 20:
            raise TypedDataError(f"{name} must be a 20-byte address.")
        return b"\x00" * 12 + raw

    return encode


def _bytes_n_encoder(size: int, name: str) -> Encoder:
    def encode(value: Any) -> bytes:
        raw = _hex_to_bytes(value, name)
        if len(raw) != size:
            raise TypedDataError(f"{name} must be exactly {size} bytes.")
        return raw.ljust(32, b"\x00")

    return encode


def _string_encode(value: Any) -> bytes:
    if not isinstance(value, str):
        raise TypedDataError("A string field holds something that is not text.")
    return keccak(value.encode("utf-8"))


def _bool_encode(value: Any) -> bytes:
    if not isinstance(value, bool):
        raise TypedDataError("A bool field holds something that is not true or false.")
    return (1 if value else 0).to_bytes(32, "big")


class TypedSchema:
    """A set of EIP-712 struct types, compiled for repeated hashing."""

    def __init__(self, types: Types) -> None:
        self.types: dict[str, list[dict[str, str]]] = {}
        for type_name, fields in types.items():
            if type_name == "EIP712Domain":
                continue
            if not isinstance(fields, (list, tuple)):
                raise TypedDataError(f"Type {type_name} must be a list of fields.")
            checked = []
            for f in fields:
                if (
                    not isinstance(f, Mapping)
                    or not isinstance(f.get("name"), str)
                    or not isinstance(f.get("type"), str)
                ):
                    raise TypedDataError(f"Type {type_name} has a field without a name and type.")
                checked.append({"name": f["name"], "type": f["type"]})
            self.types[type_name] = checked
        self._type_hashes: dict[str, bytes] = {}
        self._encoders: dict[str, list[tuple[str, Encoder]]] = {}

    # -- type encoding -------------------------------------------------
    def _dependencies(self, primary: str, found: set[str]) -> set[str]:
        if primary in found or primary not in self.types:
            return found
        found.add(primary)
        for f in self.types[primary]:
            base = f["type"]
            while (m := _ARRAY.fullmatch(base)) is not None:
                base = m.group(1)
            self._dependencies(base, found)
        return found

    def encode_type(self, primary: str) -> str:
        if primary not in self.types:
            raise TypedDataError(f"Unknown type {primary}.")
        deps = self._dependencies(primary, set())
        deps.discard(primary)
        ordered = [primary, *sorted(deps)]
        return "".join(
            f"{name}(" + ",".join(f"{f['type']} {f['name']}" for f in self.types[name]) + ")" for name in ordered
        )

    def type_hash(self, primary: str) -> bytes:
        cached = self._type_hashes.get(primary)
        if cached is None:
            cached = self._type_hashes[primary] = keccak(self.encode_type(primary).encode())
        return cached

    # -- data encoding -------------------------------------------------
    def _encoder_for(self, type_name: str, label: str) -> Encoder:
        if (m := _ARRAY.fullmatch(type_name)) is not None:
            element = self._encoder_for(m.group(1), label)
            length = int(m.group(2)) if m.group(2) else None

            def encode_array(value: Any) -> bytes:
                if not isinstance(value, (list, tuple)) or (length is not None and len(value) != length):
                    raise TypedDataError(f"{label} must be a list" + (f" of {length} items." if length else "."))
                return keccak(b"".join(element(item) for item in value))

            return encode_array
        if type_name in self.types:
            return lambda value: self.hash_struct(type_name, value)
        if type_name == "string":
            return _string_encode
        if type_name == "bytes":
            return lambda value: keccak(_hex_to_bytes(value, label))
        if type_name == "address":
            return _address_encoder(label)
        if type_name == "bool":
            return _bool_encode
        if (m := _UINT.fullmatch(type_name)) is not None:
            bits = int(m.group(1) or 256)
            if bits % 8 or not 8 <= bits <= 256:
                raise TypedDataError(f"Invalid type {type_name}.")
            return _uint_encoder(bits, label)
        if (m := _INT.fullmatch(type_name)) is not None:
            bits = int(m.group(1) or 256)
            if bits % 8 or not 8 <= bits <= 256:
                raise TypedDataError(f"Invalid type {type_name}.")
            return _int_encoder(bits, label)
        if (m := _BYTES_N.fullmatch(type_name)) is not None and 1 <= int(m.group(1)) <= 32:
            return _bytes_n_encoder(int(m.group(1)), label)
        raise TypedDataError(f"Unknown field type {type_name}.")

    def _compiled(self, primary: str) -> list[tuple[str, Encoder]]:
        compiled = self._encoders.get(primary)
        if compiled is None:
            if primary not in self.types:
                raise TypedDataError(f"Unknown type {primary}.")
            compiled = [
                (f["name"], self._encoder_for(f["type"], f"{primary}.{f['name']}")) for f in self.types[primary]
            ]
            self._encoders[primary] = compiled
        return compiled

    def digest(self, separator: bytes, primary: str, data: Any) -> bytes:
        """What a signer signs: signing_digest(separator, hash_struct(primary, data))."""
        return signing_digest(separator, self.hash_struct(primary, data))

    def wrapper_digest(self, separator: bytes, wrapper: str, field: str, inner: str, inner_hash: bytes) -> bytes | None:
        """digest(separator, wrapper, {field: value}) from hash_struct(inner, value) known already, when `wrapper`
        is a struct of that one field, of struct type `inner` (encoded by that hash); None for any other shape."""
        fields = self.types.get(wrapper)
        if fields != [{"name": field, "type": inner}] or inner not in self.types:
            return None
        return signing_digest(separator, keccak(self.type_hash(wrapper) + inner_hash))

    def hash_struct(self, primary: str, data: Any) -> bytes:
        if type(data) is not dict and not isinstance(data, Mapping):  # the exact-type test skips a slow ABC check
            raise TypedDataError(f"{primary} must be an object.")
        parts = [self.type_hash(primary)]
        try:
            for name, encode in self._compiled(primary):
                parts.append(encode(data[name]))
        except KeyError as missing:
            raise TypedDataError(f"{primary} is missing the field {missing.args[0]}.") from None
        return keccak(b"".join(parts))


def domain_types(domain: Mapping[str, Any]) -> list[dict[str, str]]:
    """The EIP712Domain fields a domain uses, in the order EIP-712 fixes."""
    unknown = set(domain) - {name for name, _ in DOMAIN_FIELD_ORDER}
    if unknown:
        raise TypedDataError(f"Unknown domain field {sorted(unknown)[0]}.")
    return [{"name": name, "type": kind} for name, kind in DOMAIN_FIELD_ORDER if name in domain]


def domain_separator(domain: Mapping[str, Any]) -> bytes:
    # TypedSchema skips EIP712Domain in the types it is given, so add it afterwards.
    schema = TypedSchema({})
    schema.types["EIP712Domain"] = domain_types(domain)
    return schema.hash_struct("EIP712Domain", domain)


def signing_digest(separator: bytes, struct_hash: bytes) -> bytes:
    return keccak(b"\x19\x01" + separator + struct_hash)


def typed_data_digest(typed_data: Any) -> bytes:
    """The digest an `eth_signTypedData_v4` wallet signs for this object.

    Checks the object's shape on the way: anything malformed is a `TypedDataError`.
    """
    if not isinstance(typed_data, Mapping):
        raise TypedDataError("Typed data must be a JSON object.")
    for key in ("types", "primaryType", "domain", "message"):
        if key not in typed_data:
            raise TypedDataError(f"Typed data has no '{key}'.")
    types, primary, domain = typed_data["types"], typed_data["primaryType"], typed_data["domain"]
    if not isinstance(types, Mapping) or not isinstance(primary, str) or not isinstance(domain, Mapping):
        raise TypedDataError("Typed data has the wrong shape.")
    declared = types.get("EIP712Domain")
    if declared is not None and [dict(f) for f in declared] != domain_types(domain):
        raise TypedDataError("EIP712Domain does not list the domain's fields in the standard order.")
    schema = TypedSchema(types)
    return signing_digest(domain_separator(domain), schema.hash_struct(primary, typed_data["message"]))
