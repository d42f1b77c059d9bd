"""A genuine document compared with the ledger on this machine.

Problems (the ledger contradicts the document): an entry or the checkpoint's
root differs from the ledger's own, or a certificate of title or journal leaves
out an entry the ledger recorded before the checkpoint.  Notes (informational):
the ledger is behind the checkpoint, or has moved on since — the deed changed
hands, a lien was recorded, more acts were notarised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.dates import format_day_here
from core.documents.chain import deed_of
from core.errors import DeedbookError
from core.documents.evidence import Record
from core.ledger import Ledger, RecordedEntry

MAX_LISTED = 8


@dataclass
class LocalCheck:
    """What the ledger in the data folder says about the document."""

    status: str  # "same ledger", "other ledger"
    notes: list[str] = field(default_factory=list)  # informational: the ledger moved on, is behind...
    problems: list[str] = field(default_factory=list)  # the ledger contradicts the document

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, "notes": self.notes, "problems": self.problems}


def compare_with_ledger(record: Record, ledger: Ledger) -> LocalCheck:
    if ledger.identity.ledger_id != record.ledger.ledger_id:
        return LocalCheck(
            "other ledger",
            [
                f"The ledger in this data folder ({ledger.identity.name}, "
                f"{ledger.identity.ledger_id_hex}) is another ledger; the document was "
                "not compared with it."
            ],
        )
    check = LocalCheck("same ledger")
    size = ledger.size()
    cp_size = record.checkpoint_size
    if size < cp_size:
        check.notes.append(
            f"The local ledger has {size:,} entries, fewer than the {cp_size:,} the document's "
            "checkpoint covers: it is behind, so only the entries it has were compared."
        )
    embedded = {e.index: e for e in record.entries}
    lo, hi = min(embedded), max(embedded) + 1
    local = (
        {e.index: e for e in ledger.entries(lo, hi)}
        if hi - lo <= 4 * len(embedded) + 64
        else {i: ledger.entry(i) for i in embedded if i < size}
    )
    for index, e in embedded.items():
        mine = local.get(index)
        if mine is None:
            continue
        if "0x" + mine.leaf_hash.hex() != e.leaf_hash:
            check.problems.append(
                f"entry {index} in the document is not entry {index} of the local ledger "
                f"(the ledger has a {mine.kind} with hash {'0x' + mine.leaf_hash.hex()})."
            )
    if size >= cp_size:
        root = "0x" + ledger.merkle_root(cp_size).hex()
        if root != record.checkpoint["message"]["root"]:
            check.problems.append(
                f"the local ledger's first {cp_size:,} entries have root {root}, not the "
                "checkpoint's: one of them disagrees with what the operator signed."
            )
    if check.problems:
        return check
    if record.doc_type == "journal":
        _journal_news(record, ledger, check)
    else:
        for deed_id in _subject_deeds(record):
            _deed_news(record, ledger, deed_id, check)
    return check


def _subject_deeds(record: Record) -> list[int]:
    value = record.params.get("deedId")
    if isinstance(value, int):
        return [value]
    found = {d for d in (deed_of(e) for e in record.entries) if d is not None}
    return sorted(found)


def _line(e: RecordedEntry) -> str:
    try:
        # the day a person here reads it was recorded, its offset said (the bare UTC day read as theirs)
        return f"entry {e.index} ({e.kind}), recorded {format_day_here(e.recorded_at)}: {e.describe()}"
    except Exception:  # noqa: BLE001 - an entry this version cannot describe still gets its line
        return f"entry {e.index} ({e.kind})"


def _deed_news(record: Record, ledger: Ledger, deed_id: int, check: LocalCheck) -> None:
    try:
        history = ledger.history(deed_id)
    except DeedbookError:
        check.problems.append(f"the local ledger has no deed {deed_id}.")
        return
    embedded = {e.index for e in record.entries}
    cp_size = record.checkpoint_size
    if record.doc_type == "title":
        omitted = [e for e in history if e.index < cp_size and e.index not in embedded]
        for e in omitted[:MAX_LISTED]:
            check.problems.append(
                f"the certificate leaves out {_line(e)}, which the ledger records for deed "
                f"{deed_id} before the checkpoint."
            )
        since = [e for e in history if e.index >= cp_size]
    else:
        newest = (
            max(e.index for e in record.entries if deed_of(e) == deed_id)
            if any(deed_of(e) == deed_id for e in record.entries)
            else -1
        )
        since = [e for e in history if e.index > newest and e.index not in embedded]
    if not since:
        check.notes.append(f"Deed {deed_id} has no entry in the local ledger after this document's.")
        return
    transfers = [e for e in since if e.kind == "Transfer"]
    if transfers:
        check.notes.append(
            f"Deed {deed_id} changed hands since this document ({len(transfers)} transfer"
            f"{'s' if len(transfers) != 1 else ''}); the local ledger's holders now: "
            + ", ".join(
                f"{a} ({s:,} shares)" for a, s in sorted(ledger.deed(deed_id).holders.items(), key=lambda i: -i[1])
            )
            + "."
        )
    else:
        check.notes.append(
            f"Deed {deed_id} has {len(since)} newer entr{'ies' if len(since) != 1 else 'y'} in the local ledger."
        )
    check.notes.extend(f"Since: {_line(e)}" for e in since[:MAX_LISTED])
    if len(since) > MAX_LISTED:
        check.notes.append(f"\u2026 and {len(since) - MAX_LISTED} more.")


def _journal_news(record: Record, ledger: Ledger, check: LocalCheck) -> None:
    from core.notary import journal_entries  # the journal's query, loaded only for a journal

    params = record.params
    acts = journal_entries(ledger, params.get("notary"), params.get("from"), params.get("to"))
    embedded = {e.index for e in record.of_kind("Attestation")}
    cp_size = record.checkpoint_size
    for e in [a for a in acts if a.index < cp_size and a.index not in embedded][:MAX_LISTED]:
        check.problems.append(f"the journal leaves out {_line(e)}, recorded before its checkpoint.")
    later = [a for a in acts if a.index >= cp_size]
    if later:
        check.notes.append(f"{len(later)} more act(s) of this period were recorded after this export.")
        check.notes.extend(f"Since: {_line(e)}" for e in later[:MAX_LISTED])
    else:
        check.notes.append("No act of this period was recorded in the local ledger after this export.")
