"""What crosses the air gap as QR codes: signing request and response files, and wallets' EIP-4527 types.

Three UR types travel (docs/parties-qr.md says why):

- `deedbook-request`: the exact bytes of a `deedbook-signing-request/1` file, a
  request or a signed response, as one CBOR byte string.  Deedbook to Deedbook,
  any kind of request (transfer, lien, release, attestation, ...): the file that
  comes out is byte for byte the file that went in, whatever extra fields it
  carries (an attestation's proof, say).
- `eth-sign-request` (EIP-4527, data type 2): the request's typed data, for a QR
  wallet.  Its request id is the first 16 bytes of the EIP-712 digest, so the
  signature that comes back names what it signed.
- `eth-signature`: a wallet's answer.  With the request it answers, it becomes a
  response file (the request plus `signature`), checked like any response.

Everything read here is checked as a request or response (`core.requests.parse_request`)
before it is handed on; any problem is one `DeedbookError` sentence.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.errors import DeedbookError
from core.kinds import kinds
from core.requests import FORMAT, SigningRequest, parse_json_bytes, parse_request
from core.signing import checksum_address
from core.ur import cbor
from core.ur.errors import UrError
from core.ur.eth import (
    SIGN_REQUEST,
    SIGNATURE,
    TYPED_DATA,
    EthSignature,
    EthSignRequest,
    KeyPath,
)
from core.ur.fountain import FountainEncoder
from core.ur.ur import UR, UrDecoder, encode_part, encode_single

FILE_TYPE = "deedbook-request"
FRAGMENT_BYTES = 200  # per QR frame: about 470 characters, a version 11-13 code a phone camera reads at arm's length
ORIGIN = "Deedbook"


def request_id(request: SigningRequest) -> bytes:
    """The EIP-4527 request id of a request: the first 16 bytes of what is signed."""
    return request.digest[:16]


def file_ur(raw: bytes, what: str = "The file") -> tuple[UR, SigningRequest]:
    """The UR carrying a request or response file as it is, after checking it is one."""
    parsed = parse_request(parse_json_bytes(raw, what), what=what)
    return UR(FILE_TYPE, cbor.dumps(raw)), parsed


def wallet_ur(request: SigningRequest) -> UR:
    """The eth-sign-request a QR wallet signs (typed data, the signer's address, the chain id)."""
    if request.is_response:
        raise DeedbookError("This file is signed already (a response); a wallet has nothing left to sign.")
    sign_data = json.dumps(request.typed_data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    message = EthSignRequest(
        request_id(request),
        sign_data,
        TYPED_DATA,
        int(request.domain["chainId"]),
        KeyPath(),
        bytes.fromhex(request.signer[2:]),
        ORIGIN,
    )
    return UR(SIGN_REQUEST, message.cbor())


def frame_count(seq_len: int) -> int:
    """How many frames a loop shows: every fragment, then as many fountain mixes (at least four).

    With half as many mixes, one pass that missed two fragments rebuilt a 900-byte file only 55% of
    the time; with as many, 85% (2,500 bytes: 80% -> 99%), for a loop twice the fragments' length
    (`python benchmarks/qr_fountain.py`)."""
    return 1 if seq_len == 1 else seq_len + max(4, seq_len)


def parts(ur: UR, count: int | None = None, *, fragment_bytes: int = FRAGMENT_BYTES) -> list[str]:
    """The UR as QR texts: one single-part UR when it fits in one frame, else `count` (default
    `frame_count`) fountain parts starting with the plain fragments."""
    encoder = FountainEncoder(ur.cbor, fragment_bytes)
    if encoder.seq_len == 1:
        return [encode_single(ur)]
    return [encode_part(ur.type, encoder.next_part()) for _ in range(count or frame_count(encoder.seq_len))]


class PartStream:
    """Endless fountain parts of one UR (the GUI's animation asks for the next one at each tick)."""

    def __init__(self, ur: UR, *, fragment_bytes: int = FRAGMENT_BYTES) -> None:
        self.ur = ur
        self.encoder = FountainEncoder(ur.cbor, fragment_bytes)

    @property
    def seq_len(self) -> int:
        return self.encoder.seq_len

    def next(self) -> str:
        if self.encoder.seq_len == 1:
            return encode_single(self.ur)
        return encode_part(self.ur.type, self.encoder.next_part())


# -- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """What a set of scanned QR codes held, once complete."""

    type: str  # FILE_TYPE, SIGN_REQUEST or SIGNATURE
    raw: bytes  # the file's bytes (FILE_TYPE), a request file rebuilt from typed data (SIGN_REQUEST), or b""
    parsed: SigningRequest | None  # the request or response (not for a bare signature)
    signature: EthSignature | None = None

    @property
    def needs_request(self) -> bool:
        return self.type == SIGNATURE


class Collector:
    """Scanned texts in any order, with repeats and gaps, until one UR is complete."""

    def __init__(self) -> None:
        self.decoder = UrDecoder()
        self.scanned = 0

    def add(self, text: str) -> bool:
        """Take one scanned text; True if it told something new. A text of another UR is a sentence."""
        self.scanned += 1
        new = self.decoder.receive(text)
        if self.decoder.type not in (FILE_TYPE, SIGN_REQUEST, SIGNATURE):
            raise UrError(
                f"These QR codes hold a '{self.decoder.type}', which is neither a Deedbook request or "
                "response nor a wallet's signature."
            )
        return new

    def add_all(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.add(text)

    @property
    def complete(self) -> bool:
        return self.decoder.complete

    @property
    def progress(self) -> tuple[int, int]:
        return self.decoder.progress

    def result(self) -> Received:
        ur = self.decoder.result()
        if ur.type == FILE_TYPE:
            raw = cbor.loads(ur.cbor)
            if not isinstance(raw, bytes):
                raise UrError("The deedbook-request read from the QR codes does not hold a file.")
            what = "The file read from the QR codes"
            return Received(FILE_TYPE, raw, parse_request(parse_json_bytes(raw, what), what=what))
        if ur.type == SIGNATURE:
            return Received(SIGNATURE, b"", None, EthSignature.from_cbor(ur.cbor))
        return _from_wallet_request(EthSignRequest.from_cbor(ur.cbor))


def _role_of(primary: str) -> str:
    for kind in kinds().values():
        if primary == kind.name or primary in kind.wrappers:
            party = kind.party(primary)
            if party is not None:
                return party.role
    return ""  # parse_request refuses it with the reason


def _from_wallet_request(message: EthSignRequest) -> Received:
    """A request file rebuilt from an eth-sign-request (typed data and the signer's address)."""
    what = "The eth-sign-request read from the QR codes"
    if message.data_type != TYPED_DATA:
        kind = {1: "a transaction", 3: "a personal message", 4: "a typed transaction"}.get(message.data_type, "data")
        raise DeedbookError(
            f"{what} asks for a signature over {kind}, not over EIP-712 typed data; Deedbook signs typed data only."
        )
    if message.address is None:
        raise DeedbookError(f"{what} does not say which address must sign it.")
    typed = parse_json_bytes(message.sign_data, what)
    primary = typed.get("primaryType") if isinstance(typed, dict) else None
    data: dict[str, Any] = {
        "format": FORMAT,
        "typedData": typed,
        "signer": checksum_address(message.address),
        "role": _role_of(primary) if isinstance(primary, str) else "",
    }
    parsed = parse_request(data, what=what)
    if request_id(parsed) != message.request_id:
        raise DeedbookError(
            f"{what} has a request id that is not the digest of its typed data; it was not made by "
            "Deedbook, or was changed."
        )
    raw = (json.dumps(parsed.as_json(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return Received(SIGN_REQUEST, raw, parsed)


def response_from_signature(request_raw: bytes, signature: EthSignature, what: str = "the request") -> bytes:
    """The response file a wallet's eth-signature makes with the request it answers: the request's own
    JSON plus `signature`, refused unless the signature is the request's signer's over its content."""
    data = parse_json_bytes(request_raw, what)
    request = parse_request(data, what=what[:1].upper() + what[1:])
    if request.is_response:
        raise DeedbookError(
            f"{what[:1].upper() + what[1:]} is signed already (a response); give the request the wallet signed."
        )
    if signature.request_id is not None and signature.request_id != request_id(request):
        raise DeedbookError(f"The signature read from the QR codes answers another request, not {what}.")
    response = dict(data, signature="0x" + signature.signature.hex())
    parse_request(response, require_signature=True, what="The signed response")  # the signer's, over this content
    return (json.dumps(response, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
