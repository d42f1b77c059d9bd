"""The ledger's Merkle tree, asked the three questions transparency logs answer:
the root at a size, an inclusion proof, and a consistency proof between two sizes.

Everything that needs them goes through `LedgerTree` (proofs, documents,
checkpoints, the witness check), so how the tree is stored is decided here and
in core.treestore alone.  The tree is read as *complete nodes*: the node at
level L and index i is the root of the perfect subtree over leaves
[i * 2**L, (i + 1) * 2**L); level 0 are the leaves.  Any root, inclusion or
consistency proof at any size is made of O(log n) of them, which a question
plans first and reads in one batch, so its cost does not grow with the ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from core import merkle

NodeKey = tuple[int, int]  # (level, index); level 0 is a leaf
NodeReader = Callable[[Sequence[NodeKey]], Mapping[NodeKey, bytes]]  # the nodes it has of those asked for


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def cover(lo: int, hi: int, out: list[NodeKey]) -> list[NodeKey]:
    """The complete nodes MTH(D[lo:hi]) is computed from (RFC 6962's split, down to aligned perfect subtrees)."""
    n = hi - lo
    if n & (n - 1) == 0 and lo % n == 0:
        out.append((n.bit_length() - 1, lo // n))
    else:
        k = _split(n)
        cover(lo, lo + k, out)
        cover(lo + k, hi, out)
    return out


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The subtrees whose roots make PATH(index, D[size]), leaf first."""
    ranges: list[tuple[int, int]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index - lo < k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
    ranges.reverse()
    return ranges


def _consistency_ranges(first: int, second: int) -> list[tuple[int, int]]:
    """The subtrees whose roots make PROOF(first, D[second]) (RFC 6962 §2.1.2)."""
    ranges: list[tuple[int, int]] = []
    lo, hi, m, complete = 0, second, first, True
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo, m, complete = lo + k, m - k, False
    if not complete:
        ranges.append((lo, hi))
    ranges.reverse()
    return ranges


class LedgerTree:
    """Roots and proofs from complete nodes read on demand (and kept: a node never changes)."""

    def __init__(self, read_nodes: NodeReader) -> None:
        self._read = read_nodes
        self._known: dict[NodeKey, bytes] = {}

    @classmethod
    def of_leaves(cls, leaves: Sequence[bytes]) -> LedgerTree:
        """A tree over leaves held in memory (tests, and tools that have the leaves already)."""
        return cls(leaves_reader(leaves))

    def _fetch(self, ranges: Iterable[tuple[int, int]], size: int) -> None:
        keys: list[NodeKey] = []
        for lo, hi in ranges:
            cover(lo, hi, keys)
        missing = [key for key in dict.fromkeys(keys) if key not in self._known]
        if not missing:
            return
        found = self._read(missing)
        for key in missing:
            node = found.get(key)
            if node is None:
                raise ValueError(f"the ledger has fewer than {size} entries")
            self._known[key] = node

    def _hash(self, lo: int, hi: int) -> bytes:
        n = hi - lo
        if n & (n - 1) == 0 and lo % n == 0:
            return self._known[(n.bit_length() - 1, lo // n)]
        k = _split(n)
        return merkle.node_hash(self._hash(lo, lo + k), self._hash(lo + k, hi))

    def leaf(self, index: int) -> bytes:
        self._fetch([(index, index + 1)], index + 1)
        return self._known[(0, index)]

    def root(self, size: int) -> bytes:
        """MTH(D[size])."""
        if size == 0:
            return merkle.EMPTY_ROOT
        self._fetch([(0, size)], size)
        return self._hash(0, size)

    def inclusion(self, index: int, size: int) -> list[bytes]:
        """PATH(index, D[size]) of RFC 6962 §2.1.1, leaf first (as `merkle.inclusion_proof`)."""
        if not 0 <= index < size:
            raise ValueError("index outside the tree")
        ranges = _inclusion_ranges(index, size)
        self._fetch([*ranges, (index, index + 1)], size)  # the leaf too: a size past the ledger is refused
        return [self._hash(lo, hi) for lo, hi in ranges]

    def consistency(self, first: int, second: int) -> list[bytes]:
        """PROOF(first, D[second]) of RFC 6962 §2.1.2, for 0 < first <= second (as `merkle.consistency_proof`)."""
        if not 0 < first <= second:
            raise ValueError("first size outside the tree")
        ranges = _consistency_ranges(first, second)
        self._fetch([*ranges, (second - 1, second)], second)
        return [self._hash(lo, hi) for lo, hi in ranges]


def leaves_reader(leaves: Sequence[bytes]) -> NodeReader:
    """Complete nodes computed from a list of leaves (each node from its own leaves: for tests and small trees)."""

    def read(keys: Sequence[NodeKey]) -> dict[NodeKey, bytes]:
        found = {}
        for level, index in keys:
            lo, hi = index << level, (index + 1) << level
            if index >= 0 and hi <= len(leaves):
                found[(level, index)] = leaves[lo] if level == 0 else merkle.root(leaves[lo:hi])
        return found

    return read


class LevelsReader:
    """Complete nodes held level by level in memory, 32 bytes each (what `verify` builds as it replays)."""

    def __init__(self) -> None:
        self.levels: list[bytearray] = [bytearray()]

    def add(self, level: int, index: int, node: bytes) -> None:
        """A node that just became complete (nodes of a level come in index order: merkle.Accumulator's sink)."""
        if level == len(self.levels):
            self.levels.append(bytearray())
        self.levels[level] += node

    def count(self, level: int) -> int:
        return len(self.levels[level]) // 32 if level < len(self.levels) else 0

    def node(self, level: int, index: int) -> bytes:
        return bytes(self.levels[level][index * 32 : index * 32 + 32])

    def __call__(self, keys: Sequence[NodeKey]) -> dict[NodeKey, bytes]:
        return {(level, index): self.node(level, index) for level, index in keys if 0 <= index < self.count(level)}
