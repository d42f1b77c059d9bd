"""`LedgerTree` answers exactly as the RFC 6962 definitions in core.merkle, at every size, from one memo."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core import merkle
from core.tree import LedgerTree

LEAVES = st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(leaves=LEAVES, data=st.data())
def test_roots_and_proofs_match_the_definitions(leaves: list[bytes], data: st.DataObject) -> None:
    reads: list[int] = []

    def read(size: int) -> list[bytes]:
        reads.append(size)
        return leaves[:size]

    tree = LedgerTree(read)
    n = len(leaves)
    second = data.draw(st.integers(1, n))
    first = data.draw(st.integers(1, second))
    index = data.draw(st.integers(0, second - 1))
    assert tree.root(second) == merkle.root(leaves[:second])
    assert tree.inclusion(index, second) == merkle.inclusion_proof(index, leaves[:second])
    assert tree.consistency(first, second) == merkle.consistency_proof(first, leaves[:second])
    assert merkle.verify_consistency(first, second, tree.root(first), tree.root(second), tree.consistency(first, second))
    assert tree.leaf(index) == leaves[index]
    assert len(reads) <= 2  # one read serves every question at or below the size read


def test_a_size_past_the_ledger_is_refused() -> None:
    tree = LedgerTree(lambda size: [b"\x00" * 32] * min(size, 3))
    try:
        tree.root(4)
    except ValueError as error:
        assert "3 entries, not 4" in str(error)
    else:
        raise AssertionError("a root past the ledger's size was given")
