"""recover_address calls libsecp256k1 directly (core.signing._recover_point): the same point as
coincurve's public API, the same refusal for a signature no key made."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
import pytest

from core import signing
from core.signing import BadSignature, recover_address, sign_digest

KEYS = st.integers(1, signing.SECP256K1_N - 1).map(lambda k: k.to_bytes(32, "big"))
DIGESTS = st.binary(min_size=32, max_size=32)


@settings(max_examples=80, deadline=None)
@given(KEYS, DIGESTS)
def test_the_point_coincurve_recovers(key: bytes, digest: bytes) -> None:
    signature = sign_digest(key, digest)
    assert signing._recover_point(digest, signature) == signing._recover_point_coincurve(digest, signature)
    assert recover_address(digest, signature) == signing.address_of_private_key(key)


@settings(max_examples=80, deadline=None)
@given(DIGESTS, st.binary(min_size=64, max_size=64), st.sampled_from([27, 28]))
def test_any_signature_of_valid_form_gives_the_same_answer(digest: bytes, rs: bytes, v: int) -> None:
    signature = rs + bytes([v])
    try:
        signing.check_signature_form(signature)
    except BadSignature:
        return  # refused before any recovery, on both paths
    answers = []
    for recover in (signing._recover_point, signing._recover_point_coincurve):
        try:
            answers.append(recover(digest, signature))
        except BadSignature as bad:
            answers.append(str(bad))
    assert answers[0] == answers[1]


def test_an_r_that_is_no_curve_point_is_no_key() -> None:
    refused = 0
    for r in range(1, 40):  # about half of all x coordinates have no point on the curve
        signature = r.to_bytes(32, "big") + (1).to_bytes(32, "big") + bytes([27])
        try:
            signing._recover_point_coincurve(bytes(32), signature)
        except BadSignature:
            refused += 1
            with pytest.raises(BadSignature, match="does not belong to any key"):
                signing._recover_point(bytes(32), signature)
    assert refused > 0
