"""The registry of entry kinds: each kind owns its whole lifecycle.

One module per kind (or per family of kinds) in this package calls `register`
with an `EntryKind`: its EIP-712 type, its rule, who signs it (below), how it
reads (`present`: the plain-data `Description` the signer's summary, the chain of
title and the GUI timeline all render), and its one-time values (`once`: replay
keys kept in the `once_values` table, checked by `apply_entry` for every kind).
Adding a kind needs no database migration: entries and one-time values are
stored generically.  `KIND_MODULES` is the one list to extend; docs/kinds.md
shows a complete kind.

Every kind says who signs it, in one of two ways:
- `parties`: a party's own act (a seller's transfer, a buyer's acceptance, a
  lienholder's lien, a notary's attestation).  Only these signatures may travel
  as signing request files, to be signed on the party's own machine or wallet;
  each names its role and, where the message says who must sign, that field.
- `ledger_act`: an act of whoever keeps the ledger (checkpoints, registrars,
  genesis, registrations, recorded valuations).  It is signed only by the
  ledger's own command on the machine holding the ledger, never by request:
  an operator tricked into signing a crafted checkpoint could otherwise make
  forged documents verify offline.
"""

from __future__ import annotations

import importlib
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from core.display import clean
from core.eip712 import TypedSchema, domain_types, signing_digest
from core.entries import Entry, SignatureRecord
from core.errors import RuleViolation
from core.identity import LedgerIdentity
from core.messages import compile_message_check
from core.money import Notation
from core.presentation import Description, Signer, generic
from core.signing import BadSignature, recover_address
from core.state import ApplyContext, LedgerState, OnceKey

KIND_MODULES = [
    "core.kinds.genesis",
    "core.kinds.registration",
    "core.kinds.checkpoint",
    "core.kinds.transfer",
    "core.kinds.lien",
    "core.kinds.attestation",
    "core.kinds.valuation",
    "core.kinds.claims",
    "core.kinds.rules_version",
    "core.kinds.holds",
    "core.kinds.recovery",
    "core.kinds.distribution",
    "core.kinds.vote",
    "core.kinds.screening_review",
    "core.kinds.seal_certificate",
]

Fields = tuple[tuple[str, str], ...]
ApplyRule = Callable[[LedgerState, Entry, ApplyContext], "int | None"]
Present = Callable[[Mapping[str, Any], Sequence[Signer]], Description]


@dataclass(frozen=True)
class Party:
    """A signature a party makes for its own act; it may travel as a signing request file."""

    role: str  # the role the signature is recorded in
    phrase: str  # what the signer reads under the summary's title
    signer_field: str | None = None  # the message field naming who must sign (None: a rule decides)
    label: str = ""  # the role as documents name it ("Seller (grantor)"); default: the role, capitalised
    act: str = "signature"  # what the party gives, in "the transfer still needs the buyer's acceptance"
    required: bool = True  # False: as many as the rule asks for, maybe none (one payoff per open lien)
    title_note: str = ""  # added to the summary's title for this signed type (a lienholder's consent)


@dataclass(frozen=True)
class LedgerAct:
    """An act of whoever keeps the ledger: signed on the ledger's machine by `command`, never by request."""

    role: str  # the role its one signature is recorded in
    by: str  # "operator" (the ledger's operator key) or "registrar" (the operator or a key made registrar)
    command: str  # the command that signs it, named when a request for it is refused
    label: str = ""  # the role as documents name it; default: the role, capitalised

    def __post_init__(self) -> None:
        if self.by not in ("operator", "registrar"):
            raise ValueError(f"A ledger act is signed by the operator or a registrar, not by {self.by!r}.")

    @property
    def keeper(self) -> str:
        return "the ledger operator" if self.by == "operator" else "a registrar"


@dataclass(frozen=True)
class OneTime:
    """A value an entry may carry only once within its scope: a replay guard (a transfer's id, per deed).

    The ledger keeps every one used in the `once_values` table (unique on kind, field, scope and
    value), so an append checks it with one indexed lookup however long the ledger; `verify`
    replays them in memory and compares the table with the replay."""

    field: str  # the message field holding the value
    scope: str | None  # the message field naming its scope (a deed); None: once in the whole ledger
    refusal: str  # the sentence when it was used before: {value}, {short} (cut), {scope}, {entry}

    def key(self, kind: str, message: Mapping[str, Any]) -> OnceKey:
        scope = "" if self.scope is None else str(message[self.scope])
        return (kind, self.field, scope, str(message[self.field]))


@dataclass(frozen=True)
class EntryKind:
    name: str  # the EIP-712 primaryType
    fields: Fields  # the current version: every new message has exactly these fields
    apply: ApplyRule  # checks the rules, changes the state, returns the deed concerned (or None)
    describe: Callable[[Mapping[str, Any]], str]  # one plain-language line, from the message alone
    # The same line with its amounts and counts written in a desktop's notation (the GUI passes its locale's:
    # de_DE 'USD 2.450,00', '2.400 of 10.000 shares'); None: the line has no amount or count.  `describe` stays
    # canonical (command line, JSON, proofs).
    describe_in: Callable[[Mapping[str, Any], Notation], str] | None = None
    # A wrapper is another primaryType whose only field is this message, so a second
    # party signs "I accept <this transfer>" over the same content: {"Acceptance": "transfer"}.
    wrappers: Mapping[str, str] = field(default_factory=dict)
    extra_types: Mapping[str, Fields] = field(default_factory=dict)
    # Who signs it (exactly one of the two): the signed types (the kind itself, its wrappers) that
    # parties sign by request, in the order their signatures are kept; or the ledger keeper's act.
    parties: Mapping[str, Party] = field(default_factory=dict)
    ledger_act: LedgerAct | None = None
    # How it reads (None: the generic description, built from `describe`), and its replay keys.
    present: Present | None = None
    once: tuple[OneTime, ...] = ()
    # What a request for it must make sense of before it is shown to a signer (the ledger's rules
    # need the ledger; this needs only the message): the end of a sentence, or None when it is fine.
    check_request: Callable[[Mapping[str, Any]], str | None] | None = None
    # Whether `verify --since-checkpoint` may check it against the ledger rebuilt as of an earlier
    # size (core/asof.py rebuilds registrars, deeds, parcels, counters and one-time values, no more).
    # False, the safe default, for a kind whose rule reads other state: a ledger holding one is
    # verified in full, so a new kind costs speed if it forgets this, never a missed check.
    as_of: bool = False
    # Its earlier versions' field lists, oldest first: entries recorded before a field was added keep
    # verifying, each checked and hashed with the one version whose field names it has exactly.
    earlier: tuple[Fields, ...] = ()

    def __post_init__(self) -> None:
        if bool(self.parties) == (self.ledger_act is not None):
            raise ValueError(f"The kind {self.name} must say who signs it: parties or a ledger act, not both.")
        unknown = set(self.parties) - {self.name, *self.wrappers}
        if unknown:
            raise ValueError(f"The kind {self.name} has no signed type {sorted(unknown)} for a party to sign.")
        names = [frozenset(name for name, _ in version) for version in self.versions]
        if len(set(names)) != len(names):
            raise ValueError(f"The versions of the kind {self.name} must differ in their field names.")
        object.__setattr__(self, "_earlier_by_names", dict(zip(names[:-1], self.earlier, strict=True)))
        current = compile_message_check(self.name, self.fields)
        if not self.earlier:
            object.__setattr__(self, "check_message", current)
            return
        by_names = {n: compile_message_check(self.name, v) for n, v in zip(names, self.versions, strict=True)}

        def check(message: Any) -> None:  # the version with exactly these field names, else as the current one
            version = by_names.get(frozenset(message)) if type(message) is dict else None
            (version or current)(message)

        object.__setattr__(self, "check_message", check)

    @property
    def versions(self) -> tuple[Fields, ...]:
        """Every version's field list, oldest first; the last is the current one."""
        return (*self.earlier, self.fields)

    def fields_of(self, message: Mapping[str, Any]) -> Fields:
        """The version `message` is of (the one whose field names it has exactly); the current one if none."""
        if self.earlier:
            earlier: dict[frozenset[str], Fields] = self._earlier_by_names  # type: ignore[attr-defined]
            return earlier.get(frozenset(message), self.fields)
        return self.fields

    def is_current(self, message: Mapping[str, Any]) -> bool:
        return self.fields_of(message) is self.fields

    @property
    def noun(self) -> str:
        """The kind in a sentence: "transfer", "lien release"."""
        return re.sub(r"(?<!^)(?=[A-Z])", " ", self.name).lower()

    @property
    def roles(self) -> dict[str, str]:
        """role -> the signed type a party signs in it, in the order signatures are kept."""
        return {party.role: signed_type for signed_type, party in self.parties.items()}

    def once_keys(self, message: Mapping[str, Any]) -> list[tuple[OneTime, OnceKey]]:
        return [(one, one.key(self.name, message)) for one in self.once]

    def party(self, signed_type: str) -> Party | None:
        """The party that signs `signed_type` by request; None when no request may ask for it."""
        return self.parties.get(signed_type)

    def not_by_request(self, signed_type: str) -> str:
        """Why a signature over `signed_type` never travels as a request, as the end of a sentence
        ("…, the ledger operator's own act: it is signed by 'deedbook checkpoint' on …")."""
        if self.ledger_act is not None:
            return (
                f"{self.ledger_act.keeper}'s own act: it is signed by '{self.ledger_act.command}' on the "
                "ledger's machine, never by request"
            )
        return "which no party signs by request"


_KINDS: dict[str, EntryKind] = {}
_schema: TypedSchema | None = None
_earlier_schemas: dict[tuple[str, Fields], TypedSchema] = {}
_loaded = False


def register(kind: EntryKind) -> EntryKind:
    global _schema
    _KINDS[kind.name] = kind
    _schema = None
    _earlier_schemas.clear()
    return kind


def unregister(name: str) -> None:
    """Forget a kind registered at run time (a test's throwaway kind)."""
    global _schema
    _KINDS.pop(name, None)
    _schema = None
    _earlier_schemas.clear()


_load_lock = threading.RLock()
_loading = False


def _load() -> None:
    global _loaded, _loading
    if _loaded:
        return
    with _load_lock:  # two GUI workers reading entries at once must not see a half-filled registry
        if not _loaded and not _loading:  # (a kind module asking during the load: as before, go on)
            _loading = True
            try:
                for module in KIND_MODULES:
                    importlib.import_module(module)
                _loaded = True
            finally:
                _loading = False


def kinds() -> dict[str, EntryKind]:
    _load()
    return dict(_KINDS)


def get_kind(name: str) -> EntryKind:
    _load()
    kind = _KINDS.get(name)
    if kind is None:
        raise RuleViolation(f"'{name}' is not a kind of entry this ledger knows.")
    return kind


def apply_entry(state: LedgerState, entry: Entry, ctx: ApplyContext) -> int | None:
    """Check an entry's one-time values, apply its kind's rule, remember the values: what every
    append and every replay does with each entry.  Returns the deed the entry concerns."""
    kind = _KINDS.get(entry.kind) or get_kind(entry.kind)
    keys = kind.once_keys(entry.message) if kind.once else []
    for one, key in keys:
        earlier = state.used_before(key)
        if earlier is not None:
            value = key[3]
            raise RuleViolation(
                one.refusal.format(value=clean(value), short=clean(value, 18), scope=clean(key[2]), entry=earlier)
            )
    concerned = kind.apply(state, entry, ctx)
    for _, key in keys:
        state.remember_use(key, ctx.index)
    return concerned


def describe_entry(kind_name: str, message: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    """How an entry reads, in its kind's words; a generic description for a kind without its own
    (or one this build does not know, or a message its presentation cannot read)."""
    _load()
    kind = _KINDS.get(kind_name)
    if kind is not None and kind.present is not None:
        try:
            return kind.present(message, signers)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # a damaged message: said generically below, and by `verify`
    try:
        line = kind.describe(message) if kind is not None else kind_name
    except (KeyError, TypeError, ValueError, AttributeError):
        line = kind_name
    return generic(kind_name, message, signers, line)


def role_label(role: str) -> str:
    """A role as documents name it ("Seller (grantor)"), from the kinds' declarations."""
    for kind in kinds().values():
        for party in kind.parties.values():
            if party.role == role and party.label:
                return party.label
        if kind.ledger_act is not None and kind.ledger_act.role == role and kind.ledger_act.label:
            return kind.ledger_act.label
    return role.capitalize()


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


def schema_for(kind: EntryKind, message: Mapping[str, Any]) -> TypedSchema:
    """The schema `message` is hashed with: the current one, with `kind`'s own type as of the message's
    version (its wrappers and any type holding it follow, as their type strings name it)."""
    fields = kind.fields_of(message)
    if fields is kind.fields:
        return schema()
    key = (kind.name, fields)
    found = _earlier_schemas.get(key)
    if found is None:
        found = _earlier_schemas[key] = TypedSchema({**schema().types, kind.name: _as_types(fields)})
    return found


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
    return schema_for(kind, message).digest(identity.separator, primary, data)


def typed_data(
    identity: LedgerIdentity, kind_name: str, message: Mapping[str, Any], signed_type: str | None = None
) -> dict[str, Any]:
    """The complete `eth_signTypedData_v4` object for one signature, as wallets take it."""
    kind = get_kind(kind_name)
    primary, data = signed_struct(kind, message, signed_type or kind.name)
    full = schema_for(kind, message)  # the types of the message's own version
    needed = [primary, *sorted(full._dependencies(primary, set()) - {primary})]
    domain = identity.domain()
    types: dict[str, Any] = {"EIP712Domain": domain_types(domain)}
    types.update({name: full.types[name] for name in needed})
    return {"types": types, "primaryType": primary, "domain": domain, "message": dict(data)}


def check_signatures(identity: LedgerIdentity, entry: Entry) -> bytes:
    """Every signature must recover to the signer it names; returns the entry's digest."""
    kind = _KINDS.get(entry.kind) or get_kind(entry.kind)
    kind.check_message(entry.message)  # type: ignore[attr-defined]
    full = schema_for(kind, entry.message)  # the message's own version of its kind's type
    struct_hash = full.hash_struct(kind.name, entry.message)
    primary_digest = signing_digest(identity.separator, struct_hash)
    for record in entry.signatures:
        if record.signed_type == kind.name:
            digest = primary_digest
        else:  # a wrapper ({"transfer": message}) encodes the message by its hash: not hashed again
            field_name = kind.wrappers.get(record.signed_type)
            wrapped = (
                None
                if field_name is None
                else full.wrapper_digest(identity.separator, record.signed_type, field_name, kind.name, struct_hash)
            )
            digest = wrapped or digest_for(identity, kind, entry.message, record.signed_type)
        try:
            recovered = recover_address(digest, record.signature)
        except BadSignature as bad:
            raise RuleViolation(f"The {record.role} signature is invalid: {bad}") from None
        if recovered.hex() != record.signer[2:].lower():
            raise RuleViolation(
                f"The {clean(record.role, 40)} signature was not made by {clean(record.signer, 60)} for this ledger "
                "(wrong key, altered content, or a signature for another ledger)."
            )
    return primary_digest


def article(name: str) -> str:
    """ "a Checkpoint", "an AddRegistrar" """
    return f"{'an' if name[:1] in 'AEIOU' else 'a'} {name}"


def registrar_to_prove(identity: LedgerIdentity, kind: EntryKind, entry: Entry) -> str | None:
    """The signer whose being a registrar an entry rests on, when the entry alone cannot show it.

    A registrar's act (a registration, a recorded valuation) signed by the operator
    needs nothing more; signed by another key, it is genuine only if that key was made
    registrar by an AddRegistrar the operator signed earlier.
    """
    act = kind.ledger_act
    if act is None or act.by != "registrar":
        return None
    signers = [s.signer for s in entry.signatures if s.role == act.role]
    if len(signers) != 1 or same_address(signers[0], identity.operator):
        return None
    return signers[0]


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
