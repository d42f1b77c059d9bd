"""EIP-4527's Ethereum UR types: `eth-sign-request` (what a QR wallet signs) and `eth-signature`.

    eth-sign-request = {1: #6.37(request-id, 16 bytes), 2: sign-data, 3: data-type,
                        4: chain-id, 5: #6.304(crypto-keypath), 6: address (20 bytes), ? 7: origin}
    eth-signature    = {1: #6.37(request-id), 2: signature (65 bytes: r, s, v), ? 3: origin}

Data type 2 is EIP-712 typed data: the sign-data is the UTF-8 JSON a wallet
passes to `eth_signTypedData_v4`.  The key path (BCR-2020-007 `crypto-keypath`)
is `{1: components, ? 2: source fingerprint, ? 3: depth}`; Deedbook's keys are
keystore files, not derived from a seed, so it sends an empty path and names
the key by its address instead (see docs/parties-qr.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.ur import cbor
from core.ur.cbor import Tagged
from core.ur.errors import UrError

SIGN_REQUEST = "eth-sign-request"
SIGNATURE = "eth-signature"
UUID_TAG = 37
KEYPATH_TAG = 304
TYPED_DATA = 2  # the data type of EIP-712 typed data
DATA_TYPES = {1: "a legacy transaction", 2: "EIP-712 typed data", 3: "a personal message", 4: "a typed transaction"}


@dataclass(frozen=True)
class KeyPath:
    """A BIP-32 path as (index, hardened) pairs, with the master key's fingerprint if known."""

    components: tuple[tuple[int, bool], ...] = ()
    fingerprint: int | None = None

    def as_cbor(self) -> Tagged:
        flat: list[Any] = []
        for index, hardened in self.components:
            flat += [index, hardened]
        value: dict[int, Any] = {1: flat}
        if self.fingerprint:
            value[2] = self.fingerprint
        return Tagged(KEYPATH_TAG, value)

    @classmethod
    def from_cbor(cls, value: Any) -> KeyPath:
        if isinstance(value, Tagged):
            if value.tag != KEYPATH_TAG:
                raise UrError("The sign request's key path has the wrong CBOR tag.")
            value = value.value
        if not isinstance(value, dict) or not isinstance(value.get(1, []), list):
            raise UrError("The sign request's key path is not a crypto-keypath.")
        flat = value.get(1, [])
        if len(flat) % 2:
            raise UrError("The sign request's key path has an index without its hardened flag.")
        pairs = []
        for index, hardened in zip(flat[::2], flat[1::2], strict=True):
            if type(index) is not int or not 0 <= index < 2**31 or not isinstance(hardened, bool):
                raise UrError("The sign request's key path holds an index Deedbook cannot read.")
            pairs.append((index, hardened))
        fingerprint = value.get(2)
        if fingerprint is not None and (type(fingerprint) is not int or not 0 <= fingerprint < 2**32):
            raise UrError("The sign request's key path has a fingerprint that is not a 32-bit number.")
        return cls(tuple(pairs), fingerprint)

    def text(self) -> str:
        return "m" + "".join(f"/{i}{chr(39) if h else ''}" for i, h in self.components)


@dataclass(frozen=True)
class EthSignRequest:
    request_id: bytes
    sign_data: bytes
    data_type: int
    chain_id: int | None
    key_path: KeyPath
    address: bytes | None
    origin: str | None = None

    def cbor(self) -> bytes:
        value: dict[int, Any] = {
            1: Tagged(UUID_TAG, self.request_id),
            2: self.sign_data,
            3: self.data_type,
            5: self.key_path.as_cbor(),
        }
        if self.chain_id is not None:
            value[4] = self.chain_id
        if self.address is not None:
            value[6] = self.address
        if self.origin:
            value[7] = self.origin
        return cbor.dumps(value)

    @classmethod
    def from_cbor(cls, raw: bytes) -> EthSignRequest:
        value = cbor.loads(raw)
        if not isinstance(value, dict):
            raise UrError("This eth-sign-request is not a CBOR map.")
        sign_data, data_type = value.get(2), value.get(3, 1)
        if not isinstance(sign_data, bytes):
            raise UrError("This eth-sign-request has no data to sign.")
        if type(data_type) is not int:
            raise UrError("This eth-sign-request's data type is not a number.")
        chain = value.get(4)
        if chain is not None and type(chain) is not int:
            raise UrError("This eth-sign-request's chain id is not a number.")
        address = value.get(6)
        if address is not None and (not isinstance(address, bytes) or len(address) != 20):
            raise UrError("This eth-sign-request's address is not 20 bytes.")
        origin = value.get(7)
        if origin is not None and not isinstance(origin, str):
            raise UrError("This eth-sign-request's origin is not text.")
        return cls(
            _request_id(value.get(1)),
            sign_data,
            data_type,
            chain,
            KeyPath.from_cbor(value.get(5, {1: []})),
            address,
            origin,
        )


@dataclass(frozen=True)
class EthSignature:
    request_id: bytes | None
    signature: bytes
    origin: str | None = None

    def cbor(self) -> bytes:
        value: dict[int, Any] = {2: self.signature}
        if self.request_id is not None:
            value[1] = Tagged(UUID_TAG, self.request_id)
        if self.origin:
            value[3] = self.origin
        return cbor.dumps(value)

    @classmethod
    def from_cbor(cls, raw: bytes) -> EthSignature:
        value = cbor.loads(raw)
        if not isinstance(value, dict):
            raise UrError("This eth-signature is not a CBOR map.")
        signature = value.get(2)
        if not isinstance(signature, bytes) or len(signature) != 65:
            raise UrError("This eth-signature does not hold a 65-byte signature.")
        origin = value.get(3)
        return cls(
            _request_id(value.get(1)) if 1 in value else None, signature, origin if isinstance(origin, str) else None
        )


def _request_id(value: Any) -> bytes:
    if isinstance(value, Tagged) and value.tag == UUID_TAG:
        value = value.value
    if not isinstance(value, bytes) or len(value) != 16:
        raise UrError("The request id is not a 16-byte UUID.")
    return value
