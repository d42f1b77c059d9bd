"""`LedgerTree` answers exactly as the RFC 6962 definitions in core.merkle, at every size, reading
O(log n) complete nodes per question; the nodes an append stores, and the ones `verify` rebuilds,
are exactly the tree's complete nodes."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import merkle
from core.tree import LedgerTree, LevelsReader, NodeKey, leaves_reader

LEAVES = st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=70)


def _counting(leaves: Sequence[bytes], asked: list[int]) -> LedgerTree:
    inner = leaves_reader(leaves)

    def read(keys: Sequence[NodeKey]) -> dict[NodeKey, bytes]:
        asked.append(len(keys))
        return dict(inner(keys))

    return LedgerTree(read)


@settings(max_examples=80, deadline=None)
@given(leaves=LEAVES, data=st.data())
def test_roots_and_proofs_match_the_definitions(leaves: list[bytes], data: st.DataObject) -> None:
    asked: list[int] = []
    tree = _counting(leaves, asked)
    n = len(leaves)
    second = data.draw(st.integers(1, n))
    first = data.draw(st.integers(1, second))
    index = data.draw(st.integers(0, second - 1))
    assert tree.root(second) == merkle.root(leaves[:second])
    assert tree.inclusion(index, second) == merkle.inclusion_proof(index, leaves[:second])
    assert tree.consistency(first, second) == merkle.consistency_proof(first, leaves[:second])
    assert merkle.verify_consistency(
        first, second, tree.root(first), tree.root(second), tree.consistency(first, second)
    )
    assert tree.leaf(index) == leaves[index]
    bound = 2 * second.bit_length() + 2  # a question reads O(log n) nodes, never the leaves it does not need
    assert all(count <= bound for count in asked), (asked, bound)


def test_a_question_reads_a_logarithmic_number_of_nodes_in_one_batch() -> None:
    leaves = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(5000)]
    asked: list[int] = []
    tree = _counting(leaves, asked)
    assert tree.root(4999) == merkle.root(leaves[:4999])
    assert tree.inclusion(1234, 4999) == merkle.inclusion_proof(1234, leaves[:4999])
    assert len(asked) == 2 and max(asked) <= 26  # one read per question, about 2 log2(n) nodes


@settings(max_examples=60, deadline=None)
@given(leaves=LEAVES, split=st.integers(0, 70))
def test_the_accumulator_tells_every_complete_node_once_and_resumes_from_the_stored_edge(
    leaves: list[bytes], split: int
) -> None:
    split = min(split, len(leaves))
    told: list[tuple[int, int, bytes]] = []
    first = merkle.Accumulator(lambda level, index, node: told.append((level, index, node)))
    for leaf in leaves[:split]:
        first.append(leaf)
    nodes = leaves_reader(leaves)
    edge = [nodes([key])[key] for key in merkle.perfect_subtrees(split)]
    resumed = merkle.Accumulator.resume(split, edge, lambda level, index, node: told.append((level, index, node)))
    for leaf in leaves[split:]:
        resumed.append(leaf)
    n = len(leaves)
    expected = {
        (level, index): merkle.root(leaves[index << level : (index + 1) << level])
        for level in range(1, n.bit_length())
        for index in range(n >> level)
    }
    assert len(told) == len(expected)  # each once
    assert {(level, index): node for level, index, node in told} == expected
    assert resumed.root() == merkle.root(leaves)


def test_levels_in_memory_answer_like_the_leaves() -> None:
    leaves = [merkle.leaf_hash(bytes([i])) for i in range(37)]
    levels = LevelsReader()
    tree = merkle.Accumulator(levels.add)
    for leaf in leaves:
        levels.levels[0] += leaf
        tree.append(leaf)
    in_memory = LedgerTree(levels)
    for size in (1, 2, 5, 16, 33, 37):
        assert in_memory.root(size) == merkle.root(leaves[:size])
    assert in_memory.consistency(5, 37) == merkle.consistency_proof(5, leaves)


def test_a_size_past_the_ledger_is_refused() -> None:
    tree = LedgerTree.of_leaves([b"\x00" * 32] * 3)
    with pytest.raises(ValueError, match="fewer than 4 entries"):
        tree.root(4)
    with pytest.raises(ValueError, match="fewer than 5 entries"):
        tree.inclusion(0, 5)
    with pytest.raises(ValueError, match="fewer than 4 entries"):
        tree.consistency(3, 4)
