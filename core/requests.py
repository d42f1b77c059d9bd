"""Signing request and response files: how a signature travels to an offline signer and back.

A request is standard `eth_signTypedData_v4` JSON wrapped in a small envelope:

    {"format": "deedbook-signing-request/1",
     "typedData": {"types": {"EIP712Domain": [...], ...}, "primaryType": "Transfer",
                   "domain": {...}, "message": {...}},
     "signer": "0x…", "role": "seller", "summary": "…", "createdAt": 1718000000}

A response is the same object plus `"signature": "0x" + 65 bytes (r || s || v)`.
Any EIP-712 wallet can make the signature from `typedData` alone.

What a person reads before signing is `summarize(...)`: it is derived from the
typed data itself (the `summary` field of a file is never trusted), after the
parser has checked that the types are exactly Deedbook's, so what is shown is
what the signature covers.  The parser turns any malformed file into one
`DeedbookError` sentence.

Requests are for parties' own acts only: the signed types an entry kind lists
in its `parties` (core.kinds).  A request or response for anything else — a
checkpoint, a registrar, a registration — is refused wherever it enters
(`make_request`, `parse_request`, `sign_request`, `entry_from_responses`),
because those are signed on the ledger's machine by its own commands.
"""

from __future__ import annotations

import json
import os
import re
import time
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from core.dates import describe_interval, format_instant
from core.display import clean, script_note
from core.eip712 import domain_separator, signing_digest
from core.entries import Entry, SignatureRecord, canonical_json
from core.errors import DeedbookError
from core.identity import DOMAIN_VERSION, LedgerIdentity
from core.keys import UnlockedKey
from core.kinds import EntryKind, Party, article, describe_entry, get_kind, kinds, schema_for, typed_data
from core.money import Notation, format_amount, is_currency, number_text, renotated
from core.outfiles import write_output
from core.presentation import Address, Count, Date, Deadline, EntryRef, Fact, Money, Phrase, Shares, Text, facts
from core.signing import checksum_address, parse_address, parse_signature, recover_address
from core.userfiles import json_nests_deeper_than, read_user_file
from core.hexes import ADDRESS

FORMAT = "deedbook-signing-request/1"
FORMAT_FAMILY = "deedbook-signing-request/"
MAX_FILE_BYTES = 1_000_000
DOMAIN_PREFIX = "Deedbook: "


class RequestError(DeedbookError):
    """A signing request or response file that cannot be used."""


def party_for(
    kind: EntryKind, signed_type: str, what: str = "This request", verb: str = "asks for a signature over"
) -> Party:
    """The party that signs `signed_type` of `kind` by request; a `RequestError` saying why when none may."""
    party = kind.party(signed_type)
    if party is None:
        raise RequestError(f"{what} {verb} {article(signed_type)}, {kind.not_by_request(signed_type)}.")
    return party


@dataclass(frozen=True)
class SigningRequest:
    """One parsed request (or, with `signature`, response). Build with `parse_request` or `make_request`."""

    typed_data: dict[str, Any]
    signer: str  # EIP-55
    role: str
    kind: str  # the ledger entry kind the signature belongs to
    signed_type: str  # typedData.primaryType: the kind itself or one of its wrappers
    message: dict[str, Any]  # the entry's message (unwrapped)
    digest: bytes  # what the signer signs
    signature: bytes | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # other envelope fields, kept as they are

    @property
    def domain(self) -> dict[str, Any]:
        return dict(self.typed_data["domain"])

    @property
    def ledger_id(self) -> str:
        return str(self.typed_data["domain"]["salt"])

    @property
    def ledger_name(self) -> str:
        return str(self.typed_data["domain"]["name"])[len(DOMAIN_PREFIX) :]

    @property
    def is_response(self) -> bool:
        return self.signature is not None

    def for_ledger(self, identity: LedgerIdentity) -> bool:
        return self.domain == identity.domain()

    def record(self) -> SignatureRecord:
        if self.signature is None:
            raise RequestError("This request is not signed yet.")
        return SignatureRecord(self.role, self.signer, self.signature, self.signed_type)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.extra)
        data.update({"format": FORMAT, "typedData": self.typed_data, "signer": self.signer, "role": self.role})
        if self.signature is not None:
            data["signature"] = "0x" + self.signature.hex()
        return data


# -- building ----------------------------------------------------------------


def make_request(
    identity: LedgerIdentity,
    kind: str,
    message: Mapping[str, Any],
    signed_type: str,
    signer: str,
    *,
    now: int | None = None,
) -> SigningRequest:
    """A request for `signer` to sign `message` (of entry `kind`) as `signed_type` in this ledger's domain.

    Only a party's own act can be requested (see `party_for`)."""
    party = party_for(get_kind(kind), signed_type, "A request", "cannot ask for a signature over")
    data = {
        "format": FORMAT,
        "typedData": typed_data(identity, kind, message, signed_type),
        "signer": checksum_address(parse_address(signer)),
        "role": party.role,
        "createdAt": int(time.time()) if now is None else now,
    }
    request = parse_request(data)
    summary = summarize(request, identity, now=now, warn_ledger=False).text()
    return replace(request, extra={**request.extra, "summary": summary})


def sign_request(request: SigningRequest, key: UnlockedKey, *, now: int | None = None) -> SigningRequest:
    """The response: `request` signed by `key` (which must be the request's signer)."""
    party_for(get_kind(request.kind), request.signed_type)  # a request built by hand is held to the same rule
    if key.address.lower() != request.signer.lower():
        raise RequestError(f"This request is for {request.signer}, but the key '{key.name}' is {key.address}.")
    current = int(time.time()) if now is None else now
    described = describe_entry(request.kind, request.message, [(request.role, request.signer)])
    for deadline in (f.seconds for term in described.terms for f in facts(term.value) if isinstance(f, Deadline)):
        if deadline < current:
            raise RequestError(f"The deadline of this request passed on {format_instant(deadline)}; ask for a new one.")
    signature = key.sign(request.digest)
    extra = dict(request.extra)
    extra["signedAt"] = current
    return SigningRequest(
        request.typed_data,
        request.signer,
        request.role,
        request.kind,
        request.signed_type,
        request.message,
        request.digest,
        signature,
        extra,
    )


# -- parsing -----------------------------------------------------------------


def _kind_for(primary: str) -> tuple[EntryKind, str | None]:
    """The entry kind a primaryType belongs to, and the wrapper's field (None when it is the kind)."""
    for kind in kinds().values():
        if kind.name == primary:
            return kind, None
        if primary in kind.wrappers:
            return kind, kind.wrappers[primary]
    raise RequestError(f"This file asks for a signature over a '{_clean(primary, 40)}', which is not a Deedbook entry.")


def _identity_of(domain: Any) -> LedgerIdentity:
    if not isinstance(domain, dict) or set(domain) != {"name", "version", "chainId", "salt"}:
        raise RequestError("The request's domain is not a Deedbook ledger domain (name, version, chainId, salt).")
    name, version, chain, salt = domain["name"], domain["version"], domain["chainId"], domain["salt"]
    if not isinstance(name, str) or not name.startswith(DOMAIN_PREFIX):
        raise RequestError("The request's domain does not name a Deedbook ledger.")
    if version != DOMAIN_VERSION:
        raise RequestError(
            f"The request's domain has version {_clean(str(version), 20)}; this Deedbook signs "
            f"version {DOMAIN_VERSION} only."
        )
    if type(chain) is not int or not 0 <= chain < 2**256:
        raise RequestError("The request's domain chainId must be a whole number.")
    if not isinstance(salt, str) or re.fullmatch(r"0x[0-9a-f]{64}", salt) is None:
        raise RequestError("The request's domain salt (the ledger id) must be 32 bytes of lower-case hex.")
    return LedgerIdentity(bytes.fromhex(salt[2:]), name[len(DOMAIN_PREFIX) :], "", chain)


def parse_request(data: Any, *, require_signature: bool = False, what: str = "The file") -> SigningRequest:
    """Check a request or response object completely; any problem is a `RequestError` sentence."""
    try:
        return _parse(data, require_signature, what)
    except DeedbookError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError, RecursionError):
        raise RequestError(f"{what} is not a well-formed Deedbook signing request.") from None


def _parse(data: Any, require_signature: bool, what: str) -> SigningRequest:
    if not isinstance(data, dict):
        raise RequestError(f"{what} is not a Deedbook signing request (it is not a JSON object).")
    fmt = data.get("format")
    if fmt != FORMAT:
        if isinstance(fmt, str) and fmt.startswith(FORMAT_FAMILY):
            raise RequestError(
                f"{what} uses the format {_clean(fmt, 60)}, which this Deedbook does not know; update Deedbook."
            )
        raise RequestError(f"{what} is not a Deedbook signing request (its format is not {FORMAT}).")
    td = data.get("typedData")
    if not isinstance(td, dict) or set(td) != {"types", "primaryType", "domain", "message"}:
        raise RequestError(f"{what} has no complete typedData (types, primaryType, domain, message).")
    primary = td["primaryType"]
    if not isinstance(primary, str):
        raise RequestError(f"{what} has a primaryType that is not text.")
    kind, wrapper_field = _kind_for(primary)
    # Before anything else in it is read: a party's own act, or refused with the reason.
    party = party_for(
        kind, primary, what, "carries a signature over" if "signature" in data else "asks for a signature over"
    )
    wrapped = td["message"]
    if not isinstance(wrapped, dict):
        raise RequestError(f"{what}: the typed data's message is not an object.")
    if wrapper_field is None:
        message = wrapped
    else:
        if set(wrapped) != {wrapper_field}:
            raise RequestError(f"{what}: a {primary} message holds exactly one field, '{wrapper_field}'.")
        message = wrapped[wrapper_field]
    kind.check_message(message)  # type: ignore[attr-defined]  # compiled per kind by core.kinds
    if not kind.is_current(message):  # recorded entries of an earlier version verify; no new one is made
        missing = ", ".join(name for name, _ in kind.fields if name not in message)
        raise RequestError(
            f"{what} is a {kind.name} of an earlier Deedbook{f' (without {missing})' if missing else ''}; "
            "it can no longer be signed or recorded: ask for a new request."
        )
    if kind.check_request is not None and (problem := kind.check_request(message)) is not None:
        raise RequestError(f"{what} {problem}")
    identity = _identity_of(td["domain"])
    expected = typed_data(identity, kind.name, message, primary)
    if td["types"] != expected["types"]:
        raise RequestError(
            f"{what}: its types are not Deedbook's {primary} types, so what it shows may not be what "
            "it signs; refusing it."
        )
    if td != expected:
        raise RequestError(f"{what}: its typed data is not in Deedbook's form.")
    digest = signing_digest(domain_separator(td["domain"]), schema_for(kind, message).hash_struct(primary, wrapped))

    role = data.get("role")
    expected_role = party.role
    if role != expected_role:
        raise RequestError(
            f"{what} names the role '{_clean(str(role), 30)}', but a {primary} is signed by the {expected_role}."
        )
    signer_text = data.get("signer")
    if not isinstance(signer_text, str) or ADDRESS.fullmatch(signer_text) is None:
        raise RequestError(f"{what} does not say who must sign (signer: a 0x address).")
    signer = checksum_address(parse_address(signer_text))
    named = party.signer_field
    if named is not None and message[named].lower() != signer.lower():
        raise RequestError(
            f"{what} asks {signer} to sign, but the {expected_role} in its content is "
            f"{checksum_address(bytes.fromhex(message[named][2:]))}."
        )

    signature: bytes | None = None
    if "signature" in data:
        signature = parse_signature(data["signature"])
        if recover_address(digest, signature) != bytes.fromhex(signer[2:]):
            raise RequestError(
                f"{what}: its signature was not made by {signer} over this content (wrong key, or the "
                "content was changed after signing)."
            )
    elif require_signature:
        raise RequestError(f"{what} is a request, not a signed response: it has no signature yet.")
    extra = {k: v for k, v in data.items() if k not in {"format", "typedData", "signer", "role", "signature"}}
    return SigningRequest(td, signer, expected_role, kind.name, primary, dict(message), digest, signature, extra)


def read_json_file(path: str | os.PathLike[str], what: str = "file") -> Any:
    """A JSON file as a value; missing, huge, binary or broken files are one sentence."""
    raw = read_user_file(path, f"a signing {what} file", max_bytes=MAX_FILE_BYTES, error=RequestError)
    return parse_json_bytes(raw, f"{Path(path)}")


MAX_DEPTH = 32  # a request nests 5 deep; much deeper JSON can exhaust the C stack of the decoder


def parse_json_bytes(raw: bytes, label: str) -> Any:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RequestError(f"{label} is not a signing request: it is not text.") from None
    if json_nests_deeper_than(text, MAX_DEPTH):
        raise RequestError(f"{label} is not a signing request: its JSON is nested far too deep.")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise RequestError(f"{label} is not a signing request: it is not valid JSON (line {error.lineno}).") from None
    except (ValueError, RecursionError):
        raise RequestError(f"{label} is not a signing request: its JSON cannot be read.") from None


def load_request(path: str | os.PathLike[str]) -> SigningRequest:
    return parse_request(read_json_file(path, "request"), what=str(path))


def load_response(path: str | os.PathLike[str]) -> SigningRequest:
    return parse_request(read_json_file(path, "response"), require_signature=True, what=str(path))


def write_json(path: str | os.PathLike[str], data: Any, *, overwrite: bool = False) -> Path:
    """Write atomically (a half-written request never exists); refuse to replace a file unless asked."""
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return write_output(path, text, force=overwrite)


def entry_from_responses(responses: list[SigningRequest]) -> Entry:
    """The ledger entry the responses of one transaction make together (signatures in a fixed order)."""
    if not responses:
        raise RequestError("No signed responses were given.")
    first = responses[0]
    message_json = canonical_json(first.message)
    kind = get_kind(first.kind)
    chosen: dict[tuple[str, str], SigningRequest] = {}
    for response in responses:
        party_for(get_kind(response.kind), response.signed_type, "A response", "carries a signature over")
        if response.signature is None:
            raise RequestError("A request without a signature cannot be submitted; have it signed first.")
        if response.domain != first.domain:
            raise RequestError("These responses were signed for different ledgers; they cannot be submitted together.")
        if response.kind != first.kind or canonical_json(response.message) != message_json:
            raise RequestError(
                "These responses belong to different transactions; submit each transaction's "
                "responses together and on their own."
            )
        slot = (response.role, response.signer.lower())
        if slot in chosen and chosen[slot].signature != response.signature:
            raise RequestError(f"Two different {response.role} signatures by {response.signer} were given; keep one.")
        chosen[slot] = response
    order = list(kind.parties)  # signatures are kept in the order the kind lists its parties
    ordered = sorted(chosen.values(), key=lambda r: (order.index(r.signed_type), r.signer.lower()))
    return Entry(first.kind, dict(first.message), tuple(r.record() for r in ordered))


# -- the summary people read -------------------------------------------------


def _clean(value: Any, limit: int = 200) -> str:
    """Text from a file, made safe to show: control and direction-changing characters escaped, length capped."""
    return clean(value, limit)


@dataclass(frozen=True)
class Summary:
    """What a signer reads: a title, labelled lines and warnings, all from the typed data."""

    title: str
    lines: list[tuple[str, str]]
    warnings: list[str]

    def text(self) -> str:
        width = max((len(label) for label, _ in self.lines), default=0)
        out = [self.title, ""]
        out += [f"  {label.ljust(width)}  {value}" for label, value in self.lines]
        if self.warnings:
            out.append("")
            out += [f"  WARNING: {w}" for w in self.warnings]
        return "\n".join(out)


def _shares(shares: int, total: int, notation: Notation | None = None) -> str:
    shown = notation or {}
    # between two numbers in Arabic-Indic digits a space and a bracket are laid out right to left ('(25%) 10,000'):
    # a left-to-right mark after the first keeps them in reading order
    apart = "\u200e" if unicodedata.bidirectional(shown.get("zero", "0")) == "AN" else ""
    counts = f"{number_text(shares, **shown)} of {number_text(total, **shown)}{apart}"
    if shares == total:
        return f"{counts} (the whole deed)"
    share = f"{100 * shares / total if total else 0:.4g}"  # four significant digits, in the desktop's digits
    return f"{counts} ({renotated(share, **shown)}{shown.get('percent', '%')})"


def _amount(amount: int, currency: str, notation: Notation | None = None) -> str:
    return (
        format_amount(amount, currency, **(notation or {}))
        if is_currency(currency)
        else f"{amount:,} minor units of {_clean(currency, 20)}"
    )


def _fact(fact: Fact, now: int, warnings: list[str], notation: Notation | None = None) -> str:
    """One fact as the signer reads it: addresses whole and checksummed, stored text escaped."""
    if isinstance(fact, Text):
        return _clean(fact.value, fact.limit or 200)
    if isinstance(fact, Money):
        return _amount(fact.minor, fact.currency, notation)
    if isinstance(fact, Shares):
        return _shares(fact.count, fact.total, notation)
    if isinstance(fact, Count):
        return number_text(fact.value, **(notation or {}))
    if isinstance(fact, Date):
        return _clean(fact.iso, 40)
    if isinstance(fact, Deadline):
        if fact.seconds < now:
            warnings.append(
                f"The deadline passed on {format_instant(fact.seconds)}: the ledger will refuse this "
                "signature. Ask for a new request."
            )
            return f"{format_instant(fact.seconds)} (PASSED)"
        return f"{format_instant(fact.seconds)} (in {describe_interval(fact.seconds - now)})"
    if isinstance(fact, EntryRef):
        return str(fact.index)
    if isinstance(fact, Address):
        return checksum_address(parse_address(fact.address))
    return _clean(fact.value, 70)  # Hex


def _phrase(phrase: Phrase, now: int, warnings: list[str], notation: Notation | None = None) -> str:
    return "".join(part if isinstance(part, str) else _fact(part, now, warnings, notation) for part in phrase)


def summarize(
    request: SigningRequest,
    local: LedgerIdentity | None,
    *,
    now: int | None = None,
    warn_ledger: bool = True,
    notation: Notation | None = None,
) -> Summary:
    """The plain-language summary of what `request` signs, from its typed data alone.

    Its amounts are written canonically ('USD 2,450.00', as the command line and the request file's own
    summary write them) unless a desktop passes its `notation` (the GUI's offline signer: de_DE 'USD
    2.450,00'): the words are for the person signing; the typed data keeps the exact minor units.

    `local` is the ledger of the machine showing it (None: no ledger here); a
    request for another ledger, or any ledger when there is none, is a warning.
    """
    current = int(time.time()) if now is None else now
    warnings: list[str] = []
    described = describe_entry(request.kind, request.message, [(request.role, request.signer)])
    party = get_kind(request.kind).party(request.signed_type)
    title = _phrase(described.title, current, warnings, notation) + (party.title_note if party is not None else "")
    lines = [(term.label, _phrase(term.value, current, warnings, notation)) for term in described.terms]
    warnings += described.warnings
    role_phrase = party.phrase if party is not None else f"You sign as {request.role}."
    ledger_line = (
        f"{_clean(request.ledger_name, 80)} (id {request.ledger_id[:10]}\u2026{request.ledger_id[-8:]}, "
        f"chain {request.domain['chainId']})"
    )
    head = [("Ledger", ledger_line), ("Signer", f"{request.signer} ({request.role})")]
    tail = [("Digest", "0x" + request.digest.hex()), ("Domain hash", "0x" + domain_separator(request.domain).hex())]
    if warn_ledger:
        if local is None:
            warnings.append(
                f"This machine has no Deedbook ledger, so it cannot confirm the ledger: check with the "
                f"agent that the ledger id is {request.ledger_id}."
            )
        elif local.domain() != request.domain and (request.ledger_id, request.ledger_name) == (
            local.ledger_id_hex,
            local.name,
        ):
            warnings.append(
                f"This request is for chain id {request.domain['chainId']}, but this machine's ledger "
                f"uses chain id {local.chain_id}: the ledger will refuse the signature."
            )
        elif local.domain() != request.domain:
            warnings.append(
                f"This request is for the ledger \u201c{_clean(request.ledger_name, 80)}\u201d "
                f"({request.ledger_id[:10]}\u2026), not this machine's ledger \u201c{local.name}\u201d "
                f"({local.ledger_id_hex[:10]}\u2026)."
            )
    texts = [("ledger name", request.ledger_name)] + [
        (name, value) for name, value in request.message.items() if isinstance(value, str)
    ]
    warnings += [note for name, value in texts if (note := script_note(name, value)) is not None]
    return Summary(f"{title}\n{role_phrase}", head + lines + tail, warnings)
