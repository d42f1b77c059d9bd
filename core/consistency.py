"""What a consistency proof says about two trees, and where two trees first differ.

`core.merkle.verify_consistency` answers yes or no.  Fork evidence needs more:
the old root a proof implies for the newer tree.  When a proof leads to the root
the operator signed for the newer tree yet implies another old root than the one
it signed before, the two signed roots cannot both be true (short of a keccak
collision): that is a fork, provable to anyone.

The frontier of a tree of n leaves is the roots of the perfect subtrees that
make it up, left to right (13 = 8 + 4 + 1); comparing two frontiers narrows a
difference to one subtree.  It is read through the ledger's tree (one inclusion
proof and one leaf), never by reading every leaf.
"""

from __future__ import annotations

from typing import Sequence

from core.merkle import node_hash
from core.tree import LedgerTree

Span = tuple[int, int]  # leaves lo .. hi-1


def derive_roots(
    first: int, second: int, proof: Sequence[bytes], first_root: bytes | None = None
) -> tuple[bytes, bytes] | None:
    """(the old root, the new root) that PROOF(first, D[second]) implies (RFC 9162 §2.1.4.2), or None
    when the proof has the wrong shape.  When `first` is a power of two the proof leaves the old root
    out (the verifier knows it): it must then be given, and is returned as it is."""
    if not 0 < first < second:
        return None
    path = list(proof)
    if first & (first - 1) == 0:
        if first_root is None:
            return None
        path.insert(0, first_root)
    if not path:
        return None
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    old = new = path[0]
    for node in path[1:]:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            old, new = node_hash(node, old), node_hash(node, new)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            new = node_hash(new, node)
        fn >>= 1
        sn >>= 1
    return (old, new) if sn == 0 else None


def spans(size: int) -> list[Span]:
    """The perfect subtrees a tree of `size` leaves is made of, left to right."""
    found, lo = [], 0
    for bit in reversed(range(size.bit_length())):
        if size >> bit & 1:
            found.append((lo, lo + (1 << bit)))
            lo += 1 << bit
    return found


def frontier(tree: LedgerTree, size: int) -> list[bytes]:
    """The roots of `spans(size)`: the right edge of the tree, from the last leaf's audit path."""
    if size == 0:
        return []
    path = tree.inclusion(size - 1, size)
    low = (size & -size).bit_length() - 1  # the last perfect subtree has 2**low leaves
    last = tree.leaf(size - 1)
    for node in path[:low]:
        last = node_hash(node, last)
    return [*reversed(path[low:]), last]


def fold(roots: Sequence[bytes]) -> bytes:
    """The tree's root from its frontier."""
    if not roots:
        raise ValueError("an empty frontier")
    root = roots[-1]
    for left in reversed(roots[:-1]):
        root = node_hash(left, root)
    return root


def first_difference(size: int, mine: Sequence[bytes], theirs: Sequence[bytes]) -> Span | None:
    """The first perfect subtree where two frontiers of `size` leaves differ (None: they agree)."""
    for span, a, b in zip(spans(size), mine, theirs, strict=True):
        if a != b:
            return span
    return None


def subtree_root(leaves: Sequence[bytes]) -> bytes:
    """MTH of a perfect subtree's leaves (a power of two of them), to check leaves fetched for one span."""
    level = list(leaves)
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]
