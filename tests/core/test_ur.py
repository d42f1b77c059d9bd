"""The BC-UR codec on its own: reference answers, then properties (hypothesis) of every layer.

Reference answers are those of the BC-UR reference implementation's own tests
(BlockchainCommons/bc-ur test/test.cpp: the Xoshiro256** outputs, CRC-32, fragment
choices, fountain part data, the single-part UR of a 50-byte message); the
independent JavaScript implementation is checked in test_ur_interop.py.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.ur import bytewords, cbor
from core.ur.cbor import Tagged
from core.ur.errors import UrError
from core.ur.fountain import (
    FountainDecoder,
    FountainEncoder,
    Part,
    RandomSampler,
    Xoshiro256,
    choose_fragments,
)
from core.ur.ur import UR, UrDecoder, encode_parts, encode_single, parse
import contextlib


def wolf(count: int) -> bytes:
    return Xoshiro256(b"Wolf").next_data(count)


# -- reference answers ----------------------------------------------------------------------------


def test_xoshiro_matches_the_reference() -> None:
    rng = Xoshiro256(b"Wolf")
    assert [rng.next() % 100 for _ in range(12)] == [42, 81, 85, 8, 82, 84, 76, 73, 70, 88, 2, 74]
    rng = Xoshiro256(b"Wolf")
    assert [rng.next_int(1, 10) for _ in range(12)] == [6, 5, 8, 4, 10, 5, 7, 10, 4, 9, 10, 9]
    assert wolf(10).hex() == "916ec65cf77cadf55cd7"


def test_crc32_matches_the_reference() -> None:
    assert bytewords.crc32(b"Hello, world!") == 0xEBE6C6E6
    assert bytewords.crc32(b"Wolf") == 0x598C84DC


def test_fragment_choice_matches_the_reference() -> None:
    checksum = bytewords.crc32(wolf(1024))
    chosen = [sorted(choose_fragments(n, 11, checksum)) for n in range(1, 18)]
    assert chosen == [[i] for i in range(11)] + [[9], [2, 5, 6, 8, 9, 10], [8], [1, 5], [1], [0, 2, 4, 5, 8, 10]]


def test_fountain_parts_match_the_reference() -> None:
    encoder = FountainEncoder(wolf(256), 30)
    parts = [encoder.next_part() for _ in range(11)]
    assert (encoder.seq_len, encoder.checksum, encoder.fragment_len) == (9, 23570951, 29)
    assert parts[0].data.hex() == "916ec65cf77cadf55cd7f9cda1a1030026ddd42e905b77adc36e4f2d3c"
    assert parts[8].data.hex() == "951e65305b56a3706e3e86eb01c803bbf915d80edcd64d4d0000000000"  # zero padding
    assert parts[9].data.hex() == "330f0f33a05eead4f331df229871bee733b50de71afd2e5a79f196de09"  # a mix
    assert (
        parts[0].cbor().hex() == "8501091901001a0167aa07581d916ec65cf77cadf55cd7f9cda1a1030026ddd42e905b77adc36e4f2d3c"
    )


def test_single_part_ur_matches_the_reference() -> None:
    text = encode_single(UR("bytes", cbor.dumps(wolf(50))))
    assert text == (
        "ur:bytes/hdeymejtswhhylkepmykhhtsytsnoyoyaxaedsuttydmmhhpktpmsrjtgwdpfnsboxgwlbaawzuefywkdplrs"
        "rjynbvygabwjldapfcsdwkbrkch"
    )
    decoder = UrDecoder()
    decoder.receive(text.upper())  # QR codes carry it upper case
    assert decoder.result() == UR("bytes", cbor.dumps(wolf(50)))


def test_bytewords_minimal_known_value() -> None:
    assert bytewords.encode_minimal(bytes([0, 1, 2, 128, 255])) == "aeadaolazmjendeoti"
    assert bytewords.encode_words(bytes([0, 1, 2, 128, 255])) == "able acid also lava zoom jade need echo taxi"
    with pytest.raises(UrError):
        bytewords.decode_minimal("aeadaolazmjendeowf")  # last word changed: the checksum catches it


def test_alias_sampler_follows_its_weights() -> None:
    sampler, rng = RandomSampler([1, 2, 4, 8]), Xoshiro256(b"Wolf")
    counts = [0] * 4
    for _ in range(3000):
        counts[sampler.next(rng.next_double)] += 1
    assert counts[0] < counts[1] < counts[2] < counts[3]
    assert 0.45 < counts[3] / 3000 < 0.62  # 8/15


# -- properties -----------------------------------------------------------------------------------


@given(st.binary(max_size=300))
def test_bytewords_round_trip(data: bytes) -> None:
    assert bytewords.decode_minimal(bytewords.encode_minimal(data).upper()) == data
    assert bytewords.decode_words(bytewords.encode_words(data, "-"), "-") == data


@given(st.binary(max_size=100), st.integers(0, 10**6), st.integers(1, 255))
def test_bytewords_catch_any_changed_byte(data: bytes, where: int, change: int) -> None:
    text = bytewords.encode_minimal(data)
    i = 2 * (where % (len(text) // 2))
    changed = bytewords._MINIMAL[(bytewords._BY_MINIMAL[text[i : i + 2]] + change) % 256]
    with pytest.raises(UrError):
        bytewords.decode_minimal(text[:i] + changed + text[i + 2 :])


@given(st.binary(max_size=2000))
def test_crc32_is_zlibs(data: bytes) -> None:
    import binascii

    assert bytewords.crc32(data) == binascii.crc32(data) & 0xFFFFFFFF


values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**64), 2**64 - 1) | st.binary(max_size=40) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.integers(0, 30) | st.text(max_size=5), inner, max_size=4)
        | st.builds(Tagged, st.integers(0, 2**32), inner)
    ),
    max_leaves=12,
)


@given(values)
def test_cbor_round_trip(value: object) -> None:
    encoded = cbor.dumps(value)
    assert cbor.loads(encoded) == value
    assert cbor.dumps(cbor.loads(encoded)) == encoded  # deterministic: one encoding per value


@given(st.binary(max_size=200))
def test_cbor_never_fails_but_in_a_sentence(raw: bytes) -> None:
    with contextlib.suppress(UrError):
        cbor.loads(raw)


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=1, max_size=3000), st.integers(10, 300), st.randoms(use_true_random=False))
def test_fountain_round_trip_any_order_with_a_third_missing(message: bytes, fragment: int, rng: random.Random) -> None:
    encoder = FountainEncoder(message, fragment)
    stream = [encoder.next_part() for _ in range(3 * encoder.seq_len + 6)]
    head = stream[: 2 * encoder.seq_len + 3]
    rng.shuffle(head)
    kept = [p for p in head if rng.random() >= 0.3]
    decoder = FountainDecoder()
    for part in kept + stream[2 * encoder.seq_len + 3 :] + [encoder.next_part() for _ in range(20 * encoder.seq_len)]:
        decoder.receive(part)
        if decoder.result is not None:
            break
    assert decoder.result == message


@settings(max_examples=40, deadline=None)
@given(st.binary(min_size=1, max_size=1500), st.randoms(use_true_random=False))
def test_ur_round_trip_any_order(message: bytes, rng: random.Random) -> None:
    ur = UR("deedbook-request", cbor.dumps(message))
    texts = encode_parts(ur, 60, count=None)
    extra = encode_parts(ur, 60, count=6 * len(texts) + 10)
    rng.shuffle(texts)
    decoder = UrDecoder()
    for text in [t for t in texts if rng.random() >= 0.3] + extra:
        decoder.receive(text if rng.random() < 0.5 else text.upper())
        if decoder.complete:
            break
    assert decoder.result() == ur


@given(st.text(max_size=300))
def test_any_scanned_text_is_a_part_or_a_sentence(text: str) -> None:
    with contextlib.suppress(UrError):
        parse(text)


@given(
    st.integers(1, 2**32 - 1),
    st.integers(1, 50),
    st.integers(1, 10_000),
    st.integers(0, 2**32 - 1),
    st.binary(min_size=1, max_size=60),
)
def test_forged_part_headers_are_refused_or_consistent(
    seq_num: int, seq_len: int, length: int, checksum: int, data: bytes
) -> None:
    raw = cbor.dumps([seq_num, seq_len, length, checksum, data])
    try:
        part = Part.from_cbor(raw)
    except UrError:
        return
    assert (part.seq_len - 1) * len(part.data) < part.message_len <= part.seq_len * len(part.data)


def test_parts_of_two_messages_are_refused() -> None:
    a = encode_parts(UR("bytes", cbor.dumps(wolf(500))), 50)
    b = encode_parts(UR("bytes", cbor.dumps(wolf(501))), 50)
    decoder = UrDecoder()
    decoder.receive(a[0])
    with pytest.raises(UrError, match="different transfers"):
        decoder.receive(b[1])
    other_type = UrDecoder()
    other_type.receive(a[0])
    with pytest.raises(UrError, match="different transfers"):
        other_type.receive(a[1].replace("ur:bytes", "ur:deedbook-request"))


def test_not_enough_parts_is_a_sentence() -> None:
    texts = encode_parts(UR("bytes", cbor.dumps(wolf(500))), 50)
    decoder = UrDecoder()
    for text in texts[:-2]:
        decoder.receive(text)
    with pytest.raises(UrError, match=r"Not enough QR codes yet: \d+ of \d+"):
        decoder.result()


def test_a_huge_claimed_message_is_refused_before_any_work() -> None:
    with pytest.raises(UrError):
        Part.from_cbor(cbor.dumps([100, 10**9, 10**10, 1, b"x" * 10]))
