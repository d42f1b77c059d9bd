"""Forged documents and proofs, as an attacker who obtained one checkpoint signature from the operator would make.

The attack the first release fell to: an operator tricked into signing a crafted
checkpoint request signs the root of a tree the attacker made up — the ledger's
real entries followed by forged ones.  Every forged entry's signatures recover
to the keys they name, every audit path leads to the signed root, and the
checkpoint is genuinely the operator's.  Here the checkpoint is signed directly
with the operator key, which gives the same bytes.
"""

from __future__ import annotations

from typing import Any, Sequence

from core import merkle
from core.documents.evidence import EmbeddedEntry, Record
from core.entries import Entry, entry_leaf_hash
from core.keys import UnlockedKey
from core.kinds import check_signatures
from core.ledger import Ledger

FORGED_AT = 1_750_000_000  # 2025-06-15


def forge_record(
    ledger: Ledger,
    operator: UnlockedKey,
    doc_type: str,
    params: dict[str, Any],
    *,
    real: Sequence[int] = (),
    forged: Sequence[Entry] = (),
    recorded_at: int = FORGED_AT,
) -> Record:
    """A document record embedding the real entries `real` and the `forged` ones (appended after the
    ledger's last entry), all proved against a checkpoint `operator` signs over that made-up tree."""
    leaves = ledger.leaves()
    start = len(leaves)
    forged_leaves = []
    for entry in forged:
        digest = check_signatures(ledger.identity, entry)
        forged_leaves.append(entry_leaf_hash(recorded_at, digest, entry.signatures))
    leaves += forged_leaves
    size = len(leaves)
    message = {
        "ledgerId": ledger.identity.ledger_id_hex,
        "size": size,
        "root": "0x" + merkle.root(leaves).hex(),
        "timestamp": recorded_at,
    }
    checkpoint = ledger.sign("Checkpoint", message, operator, "operator")
    checkpoint_json = {
        "index": size,
        "recordedAt": recorded_at,
        "message": message,
        "signatures": [s.as_json() for s in checkpoint.signatures],
    }
    embedded = []
    for index in real:
        recorded = ledger.entry(index)
        embedded.append(
            _embedded(
                index,
                recorded.kind,
                recorded.recorded_at,
                recorded.message,
                [s.as_json() for s in recorded.signatures],
                leaves,
            )
        )
    for offset, entry in enumerate(forged):
        embedded.append(
            _embedded(
                start + offset, entry.kind, recorded_at, entry.message, [s.as_json() for s in entry.signatures], leaves
            )
        )
    return Record(doc_type, "A4", params, ledger.identity, checkpoint_json, embedded)


def _embedded(
    index: int,
    kind: str,
    recorded_at: int,
    message: dict[str, Any],
    signatures: list[dict[str, str]],
    leaves: list[bytes],
) -> EmbeddedEntry:
    return EmbeddedEntry(
        index,
        kind,
        recorded_at,
        message,
        signatures,
        "0x" + leaves[index].hex(),
        ["0x" + h.hex() for h in merkle.inclusion_proof(index, leaves)],
    )


def forged_registration(ledger: Ledger, registrar: UnlockedKey, owner: str, parcel: str = "0526399999") -> Entry:
    """A RegisterDeed of the next deed number signed by `registrar`, which need not be a registrar at all."""
    from core.deeds import registration_message

    message = registration_message(
        ledger.deed_count() + 1,
        parcel=parcel,
        address=f"{parcel} Forged Lane, Ames, IA",
        owner=owner,
        legal="Lot 1, Forged Addition",
        attributes={"Gr_Liv_Area": 2400},
    )
    return ledger.sign("RegisterDeed", message, registrar, "registrar")


def forged_title(ledger: Ledger, operator: UnlockedKey, registrar: UnlockedKey, owner: str) -> bytes:
    """A certificate of title for a deed that was never registered, its registration signed by `registrar`."""
    from desktop.documents.registry import render_record

    entry = forged_registration(ledger, registrar, owner)
    record = forge_record(ledger, operator, "title", {"deedId": entry.message["deedId"]}, forged=[entry])
    return render_record(record)
