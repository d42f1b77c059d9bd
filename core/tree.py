"""The ledger's Merkle tree, asked the three questions transparency logs answer:
the root at a size, an inclusion proof, and a consistency proof between two sizes.

Everything that needs them goes through `LedgerTree` (proofs, documents,
checkpoints, the witness check), so how the tree is stored is decided here alone.
Today it reads the leaves it needs and memoises subtree roots, so k proofs at one
size cost one pass over the leaves, not k.
"""
from __future__ import annotations

from typing import Callable, Sequence

from core import merkle

LeafReader = Callable[[int], Sequence[bytes]]  # the first `size` leaves, in order


class LedgerTree:
    def __init__(self, read_leaves: LeafReader) -> None:
        self._read = read_leaves
        self._leaves: Sequence[bytes] = ()
        self._memo: dict[tuple[int, int], bytes] = {}

    def _need(self, size: int) -> Sequence[bytes]:
        if size > len(self._leaves):
            self._leaves = self._read(size)
            if len(self._leaves) < size:
                raise ValueError(f"the ledger has {len(self._leaves)} entries, not {size}")
        return self._leaves

    def _subtree(self, lo: int, hi: int) -> bytes:
        """MTH(D[lo:hi]); the leaves are the same whatever the tree size, so the memo serves every size."""
        if hi - lo == 1:
            return self._leaves[lo]
        key = (lo, hi)
        found = self._memo.get(key)
        if found is None:
            k = 1 << ((hi - lo - 1).bit_length() - 1)
            found = self._memo[key] = merkle.node_hash(self._subtree(lo, lo + k), self._subtree(lo + k, hi))
        return found

    def leaf(self, index: int) -> bytes:
        return self._need(index + 1)[index]

    def root(self, size: int) -> bytes:
        """MTH(D[size])."""
        if size == 0:
            return merkle.EMPTY_ROOT
        self._need(size)
        return self._subtree(0, size)

    def inclusion(self, index: int, size: int) -> list[bytes]:
        """PATH(index, D[size]) of RFC 6962 §2.1.1, leaf first (as `merkle.inclusion_proof`)."""
        if not 0 <= index < size:
            raise ValueError("index outside the tree")
        self._need(size)
        path: list[bytes] = []
        lo, hi = 0, size
        while hi - lo > 1:
            k = 1 << ((hi - lo - 1).bit_length() - 1)
            if index - lo < k:
                path.append(self._subtree(lo + k, hi))
                hi = lo + k
            else:
                path.append(self._subtree(lo, lo + k))
                lo += k
        path.reverse()
        return path

    def consistency(self, first: int, second: int) -> list[bytes]:
        """PROOF(first, D[second]) of RFC 6962 §2.1.2, for 0 < first <= second (as `merkle.consistency_proof`)."""
        if not 0 < first <= second:
            raise ValueError("first size outside the tree")
        self._need(second)
        proof: list[bytes] = []
        lo, hi, m, complete = 0, second, first, True
        while m != hi - lo:
            k = 1 << ((hi - lo - 1).bit_length() - 1)
            if m <= k:
                proof.append(self._subtree(lo + k, hi))
                hi = lo + k
            else:
                proof.append(self._subtree(lo, lo + k))
                lo, m, complete = lo + k, m - k, False
        if not complete:
            proof.append(self._subtree(lo, hi))
        proof.reverse()
        return proof
