"""The UR fountain code (BCR-2020-005): a message cut into fragments, sent as parts that are
single fragments first and then pseudo-random XOR mixes of them, without end.

Encoder and decoder agree on which fragments part `n` mixes by seeding the
Xoshiro256** generator with SHA-256(n || CRC-32 of the message) (both 32-bit
big-endian), choosing a degree with Walker's alias method over 1/k, and taking
that many indexes of a Fisher-Yates shuffle.  Every step follows the reference
implementations exactly, since a different choice would mix other fragments.

The decoder takes parts in any order, with any gaps: each mixed part is reduced
by the fragments already known (XOR), and a part reduced to one fragment is a
new known fragment, which may reduce others in turn.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core.ur import cbor
from core.ur.bytewords import crc32
from core.ur.errors import UrError

_MASK = (1 << 64) - 1
MAX_MESSAGE_BYTES = 4 * 2**20  # a part claiming a longer message is refused: nothing here carries more
MAX_SEQ_LEN = 20_000  # nor more fragments (choosing a mixed part's fragments costs time in their number)


class Xoshiro256:
    """Xoshiro256** seeded from SHA-256 of the given bytes (the state is the digest, big-endian words)."""

    def __init__(self, seed: bytes) -> None:
        digest = hashlib.sha256(seed).digest()
        self.s = [int.from_bytes(digest[i : i + 8], "big") for i in range(0, 32, 8)]

    def next(self) -> int:
        s = self.s
        result = (_rotl((s[1] * 5) & _MASK, 7) * 9) & _MASK
        t = (s[1] << 17) & _MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 45)
        return result

    def next_double(self) -> float:
        return self.next() / 18446744073709551616  # 2**64: in [0, 1)

    def next_int(self, low: int, high: int) -> int:
        """An integer in [low, high], both included."""
        return int(self.next_double() * (high - low + 1)) + low

    def next_data(self, count: int) -> bytes:
        return bytes(self.next_int(0, 255) for _ in range(count))


def _rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (64 - k))) & _MASK


class RandomSampler:
    """Walker-Vose alias sampling over the given weights (indexes scanned from the last, as the reference does)."""

    def __init__(self, weights: Sequence[float]) -> None:
        total = sum(weights)
        n = len(weights)
        scaled = [w * n / total for w in weights]
        small = [i for i in range(n - 1, -1, -1) if scaled[i] < 1]
        large = [i for i in range(n - 1, -1, -1) if scaled[i] >= 1]
        self.probs = [0.0] * n
        self.aliases = [0] * n
        while small and large:
            less, more = small.pop(), large.pop()
            self.probs[less] = scaled[less]
            self.aliases[less] = more
            scaled[more] += scaled[less] - 1
            (small if scaled[more] < 1 else large).append(more)
        for i in large + small:
            self.probs[i] = 1.0

    def next(self, rng: Callable[[], float]) -> int:
        r1, r2 = rng(), rng()
        i = int(len(self.probs) * r1)
        return i if r2 < self.probs[i] else self.aliases[i]


def choose_degree(seq_len: int, rng: Xoshiro256) -> int:
    return RandomSampler([1 / k for k in range(1, seq_len + 1)]).next(rng.next_double) + 1


def shuffled(items: Sequence[int], rng: Xoshiro256) -> list[int]:
    remaining = list(items)
    result = []
    while remaining:
        result.append(remaining.pop(rng.next_int(0, len(remaining) - 1)))
    return result


def choose_fragments(seq_num: int, seq_len: int, checksum: int) -> frozenset[int]:
    """The fragment indexes part `seq_num` mixes: the first `seq_len` parts are the fragments in order."""
    if seq_num <= seq_len:
        return frozenset({seq_num - 1})
    rng = Xoshiro256(seq_num.to_bytes(4, "big") + checksum.to_bytes(4, "big"))
    degree = choose_degree(seq_len, rng)
    return frozenset(shuffled(range(seq_len), rng)[:degree])


def fragment_length(message_len: int, min_len: int, max_len: int) -> int:
    """The fragment size: the fewest equal fragments no longer than `max_len` (as the reference chooses)."""
    count = 1
    while True:
        length = math.ceil(message_len / count)
        if length <= max_len or length <= min_len:
            return length
        count += 1


def _xor(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(len(a), "big")


@dataclass(frozen=True)
class Part:
    seq_num: int
    seq_len: int
    message_len: int
    checksum: int
    data: bytes

    def cbor(self) -> bytes:
        return cbor.dumps([self.seq_num, self.seq_len, self.message_len, self.checksum, self.data])

    @classmethod
    def from_cbor(cls, raw: bytes) -> Part:
        value = cbor.loads(raw)
        if (
            not isinstance(value, list)
            or len(value) != 5
            or not all(type(v) is int for v in value[:4])
            or not isinstance(value[4], bytes)
        ):
            raise UrError("This QR part is not a UR fragment (seqNum, seqLen, messageLen, checksum, data).")
        seq_num, seq_len, message_len, checksum, data = value
        if not (
            1 <= seq_num < 2**32
            and 1 <= seq_len <= MAX_SEQ_LEN
            and 1 <= message_len <= MAX_MESSAGE_BYTES
            and 0 <= checksum < 2**32
            and data
        ):
            raise UrError("This QR part's sequence numbers or lengths are out of range.")
        if seq_len * len(data) < message_len or (seq_len - 1) * len(data) >= message_len:
            raise UrError("This QR part's lengths do not agree with each other.")
        return cls(seq_num, seq_len, message_len, checksum, bytes(data))

    @property
    def indexes(self) -> frozenset[int]:
        return choose_fragments(self.seq_num, self.seq_len, self.checksum)


class FountainEncoder:
    """Parts of `message`: the first `seq_len` are its fragments, later ones mixes of them."""

    def __init__(
        self, message: bytes, max_fragment_len: int, first_seq_num: int = 0, min_fragment_len: int = 10
    ) -> None:
        if not message:
            raise ValueError("An empty message has no parts.")
        self.message = bytes(message)
        self.checksum = crc32(self.message)
        self.fragment_len = fragment_length(len(message), min_fragment_len, max_fragment_len)
        padded = self.message.ljust(-(-len(message) // self.fragment_len) * self.fragment_len, b"\0")
        self.fragments = [padded[i : i + self.fragment_len] for i in range(0, len(padded), self.fragment_len)]
        self.seq_num = first_seq_num

    @property
    def seq_len(self) -> int:
        return len(self.fragments)

    def part(self, seq_num: int) -> Part:
        data = bytes(self.fragment_len)
        for index in choose_fragments(seq_num, self.seq_len, self.checksum):
            data = _xor(data, self.fragments[index])
        return Part(seq_num, self.seq_len, len(self.message), self.checksum, data)

    def next_part(self) -> Part:
        self.seq_num = (self.seq_num + 1) & 0xFFFFFFFF or 1
        return self.part(self.seq_num)


class FountainDecoder:
    """Collects parts of one message in any order; `result` once every fragment is known."""

    def __init__(self) -> None:
        self.known: dict[int, bytes] = {}  # fragment index -> its bytes
        self.mixed: dict[frozenset[int], bytes] = {}  # still-mixed parts, reduced by what is known
        self.seen: set[int] = set()
        self.shape: tuple[int, int, int, int] | None = None  # seqLen, messageLen, checksum, fragment length
        self.result: bytes | None = None

    @property
    def expected(self) -> int:
        return self.shape[0] if self.shape else 0

    def receive(self, part: Part) -> bool:
        """Take a part; True if it was new. A part of another message is a `UrError`."""
        shape = (part.seq_len, part.message_len, part.checksum, len(part.data))
        if self.shape is None:
            self.shape = shape
        elif shape != self.shape:
            raise UrError("These QR codes belong to different transfers (their parts do not fit together).")
        if self.result is not None or part.seq_num in self.seen:
            return False
        self.seen.add(part.seq_num)
        self._add(part.indexes, part.data)
        if len(self.known) == part.seq_len:
            self._finish(part)
        return True

    def _add(self, indexes: frozenset[int], data: bytes) -> None:
        queue = [(indexes, data)]
        while queue:
            indexes, data = queue.pop()
            for index in indexes.intersection(self.known):  # take away what is known already
                data = _xor(data, self.known[index])
            indexes = indexes.difference(self.known)
            if not indexes or indexes in self.mixed:
                continue
            if len(indexes) == 1:
                [index] = indexes
                self.known[index] = data
                for other in [m for m in self.mixed if index in m]:  # it may reduce parts waiting
                    queue.append((other, self.mixed.pop(other)))
                continue
            for other, other_data in list(self.mixed.items()):  # a mix holding a smaller one reduces by it
                if other < indexes:
                    indexes, data = indexes - other, _xor(data, other_data)
                elif indexes < other:
                    del self.mixed[other]
                    queue.append((other - indexes, _xor(other_data, data)))
            if len(indexes) == 1:
                queue.append((indexes, data))
            elif indexes not in self.mixed:
                self.mixed[indexes] = data

    def _finish(self, part: Part) -> None:
        message = b"".join(self.known[i] for i in range(part.seq_len))[: part.message_len]
        if crc32(message) != part.checksum:
            raise UrError("The reassembled data does not match its checksum: a QR code was misread or changed.")
        self.result = message
