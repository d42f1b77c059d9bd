"""RFC 6962/9162 Merkle proofs: every proof verifies, every alteration fails."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core import merkle


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH straight from RFC 6962 §2.1 (recursive), to check the bottom-up builder."""
    if not leaves:
        return merkle.EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return merkle.node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


trees = st.integers(1, 70).map(lambda n: [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(n)])


@settings(max_examples=80, deadline=None)
@given(trees)
def test_root_and_accumulator_match_rfc_definition(leaves: list[bytes]) -> None:
    accumulator = merkle.Accumulator()
    for leaf in leaves:
        accumulator.append(leaf)
    assert merkle.root(leaves) == reference_root(leaves) == accumulator.root()


@settings(max_examples=80, deadline=None)
@given(trees, st.data())
def test_every_inclusion_proof_verifies_and_any_alteration_fails(leaves: list[bytes], data: st.DataObject) -> None:
    n = len(leaves)
    index = data.draw(st.integers(0, n - 1))
    root = merkle.root(leaves)
    path = merkle.inclusion_proof(index, leaves)
    assert merkle.verify_inclusion(leaves[index], index, n, path, root)
    # another leaf, another index, another size, a changed path element, a shortened path
    assert not merkle.verify_inclusion(merkle.leaf_hash(b"other"), index, n, path, root)
    if n > 1:
        other = data.draw(st.integers(0, n - 1).filter(lambda i: i != index))
        assert not merkle.verify_inclusion(leaves[index], other, n, path, root)
        position = data.draw(st.integers(0, len(path) - 1))
        flipped = bytearray(path[position])
        flipped[data.draw(st.integers(0, 31))] ^= 1 << data.draw(st.integers(0, 7))
        assert not merkle.verify_inclusion(
            leaves[index], index, n, [*path[:position], bytes(flipped), *path[position + 1 :]], root
        )
        assert not merkle.verify_inclusion(leaves[index], index, n, path[:-1], root)
    # The size is fixed by the signed checkpoint; an index outside it never verifies.
    assert not merkle.verify_inclusion(leaves[index], n, n, path, root)


@settings(max_examples=80, deadline=None)
@given(trees, st.data())
def test_consistency_proofs_between_any_two_sizes(leaves: list[bytes], data: st.DataObject) -> None:
    n = len(leaves)
    m = data.draw(st.integers(1, n))
    proof = merkle.consistency_proof(m, leaves)
    old_root, new_root = merkle.root(leaves[:m]), merkle.root(leaves)
    assert merkle.verify_consistency(m, n, old_root, new_root, proof)
    if m < n:
        assert not merkle.verify_consistency(m, n, merkle.leaf_hash(b"forged"), new_root, proof)
        assert not merkle.verify_consistency(m, n, old_root, merkle.leaf_hash(b"forged"), proof)
        position = data.draw(st.integers(0, len(proof) - 1))
        forged = [*proof]
        forged[position] = merkle.leaf_hash(b"x" + forged[position])
        assert not merkle.verify_consistency(m, n, old_root, new_root, forged)


@given(trees)
def test_a_rewritten_history_is_not_consistent(leaves: list[bytes]) -> None:
    assume(len(leaves) >= 2)
    rewritten = [merkle.leaf_hash(b"rewritten"), *leaves[1:]]
    m = len(leaves) - 1
    proof = merkle.consistency_proof(m, rewritten)
    assert not merkle.verify_consistency(m, len(leaves), merkle.root(leaves[:m]), merkle.root(rewritten), proof)
