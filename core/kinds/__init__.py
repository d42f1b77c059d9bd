"""The registry of entry kinds: each kind's EIP-712 type and its rule.

One module per kind (or per family of kinds) in this package calls `register`.
Adding a kind needs no database migration: entries are stored generically.
`KIND_MODULES` is the one list to extend.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from core.eip712 import TypedSchema, domain_types, signing_digest
from core.entries import Entry, SignatureRecord
from core.errors import RuleViolation
from core.identity import LedgerIdentity
from core.messages import compile_message_check
from core.signing import BadSignature, recover_address
from core.state import ApplyContext, LedgerState

KIND_MODULES = [
    "core.kinds.genesis",
    "core.kinds.registration",
    "core.kinds.checkpoint",
    "core.kinds.transfer",
    "core.kinds.lien",
    "core.kinds.attestation",
    "core.kinds.valuation",
]

Fields = tuple[tuple[str, str], ...]
ApplyRule = Callable[[LedgerState, Entry, ApplyContext], "int | None"]


@dataclass(frozen=True)
class EntryKind:
    name: str  # the EIP-712 primaryType
    fields: Fields
    apply: ApplyRule  # checks the rules, changes the state, returns the deed concerned (or None)
    describe: Callable[[Mapping[str, Any]], str]  # one plain-language line, from the message alone
    # A wrapper is another primaryType whose only field is this message, so a second
    # party signs "I accept <this transfer>" over the same content: {"Acceptance": "transfer"}.
    wrappers: Mapping[str, str] = field(default_factory=dict)
    extra_types: Mapping[str, Fields] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "check_message", compile_message_check(self.name, self.fields))


_KINDS: dict[str, EntryKind] = {}
_schema: TypedSchema | None = None
_loaded = False


def register(kind: EntryKind) -> EntryKind:
    global _schema
    _KINDS[kind.name] = kind
    _schema = None
    return kind


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for module in KIND_MODULES:
            importlib.import_module(module)


def kinds() -> dict[str, EntryKind]:
    _load()
    return dict(_KINDS)


def get_kind(name: str) -> EntryKind:
    _load()
    kind = _KINDS.get(name)
    if kind is None:
        raise RuleViolation(f"'{name}' is not a kind of entry this ledger knows.")
    return kind


def _as_types(fields: Fields) -> list[dict[str, str]]:
    return [{"name": name, "type": kind} for name, kind in fields]


def schema() -> TypedSchema:
    """All struct types of all kinds and their wrappers, compiled once."""
    global _schema
    _load()
    if _schema is None:
        types: dict[str, list[dict[str, str]]] = {}
        for kind in _KINDS.values():
            types[kind.name] = _as_types(kind.fields)
            for extra, fields in kind.extra_types.items():
                types[extra] = _as_types(fields)
            for wrapper, field_name in kind.wrappers.items():
                types[wrapper] = [{"name": field_name, "type": kind.name}]
        _schema = TypedSchema(types)
    return _schema


def signed_struct(kind: EntryKind, message: Mapping[str, Any], signed_type: str) -> tuple[str, Mapping[str, Any]]:
    """The (primaryType, message) a signature of `signed_type` is made over."""
    if signed_type == kind.name:
        return kind.name, message
    field_name = kind.wrappers.get(signed_type)
    if field_name is None:
        raise RuleViolation(f"A {kind.name} entry cannot carry a signature over {signed_type}.")
    return signed_type, {field_name: message}


def digest_for(identity: LedgerIdentity, kind: EntryKind, message: Mapping[str, Any], signed_type: str) -> bytes:
    primary, data = signed_struct(kind, message, signed_type)
    return signing_digest(identity.separator, schema().hash_struct(primary, data))


def typed_data(identity: LedgerIdentity, kind_name: str, message: Mapping[str, Any],
               signed_type: str | None = None) -> dict[str, Any]:
    """The complete `eth_signTypedData_v4` object for one signature, as wallets take it."""
    kind = get_kind(kind_name)
    primary, data = signed_struct(kind, message, signed_type or kind.name)
    full = schema()
    needed = [primary, *sorted(full._dependencies(primary, set()) - {primary})]
    domain = identity.domain()
    types: dict[str, Any] = {"EIP712Domain": domain_types(domain)}
    types.update({name: full.types[name] for name in needed})
    return {"types": types, "primaryType": primary, "domain": domain, "message": dict(data)}


def check_signatures(identity: LedgerIdentity, entry: Entry) -> bytes:
    """Every signature must recover to the signer it names; returns the entry's digest."""
    kind = _KINDS.get(entry.kind) or get_kind(entry.kind)
    kind.check_message(entry.message)  # type: ignore[attr-defined]
    primary_digest = signing_digest(identity.separator, schema().hash_struct(kind.name, entry.message))
    for record in entry.signatures:
        digest = primary_digest if record.signed_type == kind.name else digest_for(
            identity, kind, entry.message, record.signed_type)
        try:
            recovered = recover_address(digest, record.signature)
        except BadSignature as bad:
            raise RuleViolation(f"The {record.role} signature is invalid: {bad}") from None
        if recovered.hex() != record.signer[2:].lower():
            raise RuleViolation(
                f"The {record.role} signature was not made by {record.signer} for this ledger "
                "(wrong key, altered content, or a signature for another ledger)."
            )
    return primary_digest


def signature_of(entry: Entry, role: str) -> SignatureRecord:
    found = [s for s in entry.signatures if s.role == role]
    if len(found) != 1:
        raise RuleViolation(f"A {entry.kind} needs exactly one {role} signature.")
    return found[0]


def require_roles(entry: Entry, *roles: str) -> None:
    present = sorted(s.role for s in entry.signatures)
    if present != sorted(roles):
        wanted = ", ".join(roles)
        raise RuleViolation(f"A {entry.kind} must be signed by: {wanted}.")


def same_address(a: str, b: str) -> bool:
    return a.lower() == b.lower()
