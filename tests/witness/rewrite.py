"""A dishonest operator's tools: rewrite an entry recorded long ago with plain SQL, as someone holding
the database and the operator key could, and cover the tracks (leaf and chain hashes recomputed)."""

from __future__ import annotations

from sqlalchemy import text

from core.entries import chain_hash, entry_leaf_hash
from core.keys import UnlockedKey
from core.kinds import check_signatures
from core.ledger import Ledger
from core.treestore import backfill


def rewrite_entry(ledger: Ledger, index: int, changes: dict[str, object], signer: UnlockedKey) -> None:
    """Entry `index` gets `changes` in its message, a fresh signature by `signer` in the same role, and
    every hash from it on is recomputed, so the rewritten ledger is self-consistent (triggers dropped)."""
    old = ledger.entry(index)
    message = {**old.message, **changes}
    [record] = old.signatures
    entry = ledger.sign(old.kind, message, signer, record.role, record.signed_type)
    leaf = entry_leaf_hash(old.recorded_at, check_signatures(ledger.identity, entry), entry.signatures)
    with ledger.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER IF EXISTS entries_append_only_update"))
        conn.execute(text("DROP TRIGGER IF EXISTS entries_append_only_delete"))
        conn.execute(
            text("UPDATE entries SET message = :m, signatures = :s, leaf_hash = :l WHERE idx = :i"),
            {"m": entry.message_json(), "s": entry.signatures_json(), "l": "0x" + leaf.hex(), "i": index},
        )
        rows = conn.execute(text("SELECT idx, leaf_hash FROM entries ORDER BY idx")).all()
        previous = ledger.identity.ledger_id
        for idx, leaf_hex in rows:
            previous = chain_hash(previous, bytes.fromhex(leaf_hex[2:]))
            if idx >= index:
                conn.execute(
                    text("UPDATE entries SET chain_hash = :c WHERE idx = :i"), {"c": "0x" + previous.hex(), "i": idx}
                )
        backfill(conn)  # the stored Merkle tree too (core.treestore), as a rewriter who wants to pass would
    assert ledger.entry(index).message == message
