"""A Merkle tree in the shape of RFC 6962 / RFC 9162, hashed with keccak-256.

Leaves and interior nodes get distinct prefixes (0x00, 0x01), so a leaf can never
pass for a node.  Functions take the list of *leaf hashes*; proofs are lists of
32-byte hashes.  Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2.
"""

from __future__ import annotations

from typing import Callable, Sequence

from core.hashing import keccak

EMPTY_ROOT = keccak(b"")


def leaf_hash(data: bytes) -> bytes:
    return keccak(b"\x00" + data)


def node_hash(left: bytes, right: bytes) -> bytes:
    return keccak(b"\x01" + left + right)


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]).  Built bottom-up: carrying an unpaired last node up unchanged
    gives exactly the left-balanced tree of RFC 6962."""
    if not leaves:
        return EMPTY_ROOT
    level = list(leaves)
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 §2.1.1, leaf first."""
    if not 0 <= index < len(leaves):
        raise ValueError("index outside the tree")
    path: list[bytes] = []
    lo, hi = 0, len(leaves)
    # Walk down from the root, remembering siblings, then reverse to leaf-first order.
    while hi - lo > 1:
        k = _split(hi - lo)
        if index - lo < k:
            path.append(root(leaves[lo + k : hi]))
            hi = lo + k
        else:
            path.append(root(leaves[lo : lo + k]))
            lo = lo + k
    path.reverse()
    return path


def consistency_proof(first: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 6962 §2.1.2, for 0 < m <= n."""
    n = len(leaves)
    if not 0 < first <= n:
        raise ValueError("first size outside the tree")
    proof: list[bytes] = []
    lo, hi, m, complete = 0, n, first, True
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            proof.append(root(leaves[lo + k : hi]))
            hi = lo + k
        else:
            proof.append(root(leaves[lo : lo + k]))
            lo, m, complete = lo + k, m - k, False
    if not complete:
        proof.append(root(leaves[lo:hi]))
    proof.reverse()
    return proof


def verify_inclusion(leaf: bytes, index: int, size: int, path: Sequence[bytes], expected_root: bytes) -> bool:
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]) -> bool:
    if not 0 < first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # a complete subtree: its root starts the path
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root


def perfect_subtrees(size: int) -> list[tuple[int, int]]:
    """The perfect subtrees the first `size` leaves split into, left to right, as (level, index):
    the node at level L and index i covers leaves [i * 2**L, (i + 1) * 2**L)."""
    found, offset = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            found.append((level, offset >> level))
            offset += 1 << level
    return found


NodeSink = Callable[[int, int, bytes], None]  # (level, index, hash) of a node that just became complete


class Accumulator:
    """The right edge of a growing tree: the roots of its perfect subtrees.

    Appending is amortised O(1) and the current root O(log n), so verification can
    check every checkpoint's root while it replays, without rebuilding the tree.
    A `sink` is told every interior node as it becomes complete (the nodes the
    ledger stores, core.treestore), with its level and index.
    """

    def __init__(self, sink: NodeSink | None = None) -> None:
        self._stack: list[tuple[int, bytes]] = []  # (height, hash), left to right
        self.size = 0
        self._sink = sink

    @classmethod
    def resume(cls, size: int, roots: Sequence[bytes], sink: NodeSink | None = None) -> "Accumulator":
        """Carry on from a tree of `size` leaves whose perfect subtrees (`perfect_subtrees(size)`) have `roots`."""
        levels = perfect_subtrees(size)
        if len(levels) != len(roots):
            raise ValueError("a tree of that size has another number of perfect subtrees")
        made = cls(sink)
        made._stack = [(level, root) for (level, _), root in zip(levels, roots, strict=True)]
        made.size = size
        return made

    def append(self, leaf: bytes) -> None:
        height, node = 0, leaf
        stack = self._stack
        self.size += 1
        while stack and stack[-1][0] == height:
            node = node_hash(stack.pop()[1], node)
            height += 1
            if self._sink is not None:
                self._sink(height, (self.size >> height) - 1, node)
        stack.append((height, node))

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        node = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            node = node_hash(left, node)
        return node
