"""Export bundles: a ledger's entries from N on, with what a replica needs to check them.

    {"format": "deedbook-export/1",
     "ledger": {...}, "ledgerKey": "<verifier key>",
     "since": N, "size": M, "total": <entries in the source>,
     "entries": [{"index", "kind", "recordedAt", "message", "signatures"}, ...],   # N .. M-1
     "checkpoint": {"index", "recordedAt", "message", "signatures", "cosignatures"},  # the latest
     "consistency": [{"old", "oldRoot", "proof"}, ...],   # from earlier sizes to the checkpoint's
     "frontierSize": F, "frontier": ["<base64>", ...]}     # the source's tree at F = min(N, checkpoint size)

The frontier (the roots of the perfect subtrees of the first F entries) lets a
replica whose own first F entries differ find where: it folds to the root at F,
which a consistency proof ties to the signed checkpoint.  Entries carry the
recording time the source gave them (the leaf hash binds it).

This document is a `serve` page's, and the files earlier versions wrote; `export` now writes the same
fields as JSON lines, `deedbook-export/2` (core.bundle_lines), which `Bundle` holds without its entries.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Protocol

from core.checkpoint_note import identity_of, ledger_vkey
from core.consistency import frontier
from core.entries import Entry
from core.errors import DeedbookError
from core.identity import LedgerIdentity
from core.kinds import get_kind
from core.notes import MalformedNote, b64, strict_b64
from core.one_moment import one_moment
from core.userfiles import json_nests_deeper_than, read_user_file
from core.witness_requests import BadRequest, Candidate, parse_candidates, proof_sizes

if TYPE_CHECKING:
    from core.ledger import Ledger, RecordedEntry

FORMAT = "deedbook-export/1"
MAX_BUNDLE_BYTES = 1 << 30


class BadBundle(DeedbookError):
    """A file or answer that is not an export bundle this version reads."""


@dataclass(frozen=True)
class BundleEntry:
    index: int
    recorded_at: int
    entry: Entry


class BundleEntries(Protocol):
    """A bundle's entries: a tuple, read again from a file or a ledger each time they are gone through, or read
    once as a server's answer streams them (a sync goes through them once)."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[BundleEntry]: ...


@dataclass(frozen=True)
class Bundle:
    identity: LedgerIdentity
    since: int
    entries: "BundleEntries"  # in order, from `since`; a v2 file's (or a folder's, a server's) are not held
    total: int  # how many entries the source holds
    checkpoint: dict[str, Any] | None
    candidates: tuple[Candidate, ...]
    frontier_size: int
    frontier: tuple[bytes, ...]

    @property
    def size(self) -> int:
        return self.since + len(self.entries)

    @property
    def more(self) -> bool:
        return self.size < self.total

    def candidate(self, old: int) -> Candidate | None:
        return next((c for c in self.candidates if c.old == old), None)


@one_moment  # its size, entries, checkpoint and proofs at one moment: a checkpoint read later covered entries it did not carry
def build_bundle(ledger: "Ledger", since: int, *, limit: int | None = None) -> dict[str, Any]:
    """The bundle of entries `since` .. (at most `limit` of them), with the latest checkpoint and its proofs."""
    total = ledger.size()
    stop = total if limit is None else min(total, since + limit)
    data = bundle_head(ledger, since, stop)
    data["entries"] = [entry_json(e) for e in ledger.entries(since, stop)]
    return data


@one_moment
def bundle_head(ledger: "Ledger", since: int, stop: int, *, format: str = FORMAT) -> dict[str, Any]:
    """All of the bundle of entries `since` .. `stop`-1 but its entries: the ledger, the sizes, the latest
    checkpoint and the proofs that tie the entries before `since` to it (call inside the snapshot that reads
    the entries)."""
    from core.cosignatures import cosigned_json

    total = ledger.size()
    check_since(total, since)
    data: dict[str, Any] = {
        "format": format,
        "ledger": ledger.identity.as_json(),
        "ledgerKey": ledger_vkey(ledger.identity).text(),
        "since": since,
        "size": stop,
        "total": total,
        "checkpoint": None,
        "consistency": [],
        "frontierSize": 0,
        "frontier": [],
    }
    checkpoint = ledger.latest_checkpoint()
    if checkpoint is None:
        return data
    size = int(checkpoint.message["size"])
    tree = ledger.tree()
    at = min(since, size)
    data["checkpoint"] = cosigned_json(ledger, checkpoint)
    data["consistency"] = [
        Candidate(old, tree.root(old), tuple(tree.consistency(old, size)) if old < size else ()).as_json()
        for old in proof_sizes(ledger, size, [at] if at else [])
    ]
    data["frontierSize"] = at
    data["frontier"] = [b64(h) for h in frontier(tree, at)]
    return data


def check_since(total: int, since: int) -> None:
    """An export of a ledger of `total` entries can start at `since`, or a sentence says where it can."""
    if not 0 <= since <= total:
        raise DeedbookError(f"The ledger has {total:,} entries; an export starts at an entry from 0 to {total:,}.")


def entry_json(e: "RecordedEntry") -> dict[str, Any]:
    return {
        "index": e.index,
        "kind": e.kind,
        "recordedAt": e.recorded_at,
        "message": e.message,
        "signatures": [s.as_json() for s in e.signatures],
    }


def bundle_text(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def parse_bundle(data: Any, label: str = "The bundle") -> Bundle:
    """A `deedbook-export/1` bundle (a file's or a server's page), its entries checked as written.  Its refusal
    names no format: a file that is neither is refused here, and export writes `deedbook-export/2`."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BadBundle(f"{label} is not a Deedbook export bundle (one made by `deedbook export`).")
    with damaged(label):
        since = data.get("since")
        items = data["entries"]
        if type(since) is not int or not isinstance(items, list):
            raise ValueError
        entries = tuple(bundle_entry(item, since + offset) for offset, item in enumerate(items))
        for entry in entries:
            same_as_checkpoint(data.get("checkpoint"), entry, label)
        return parse_head(data, label, entries)


def same_as_checkpoint(checkpoint: Any, item: BundleEntry, label: str) -> None:
    """A bundle carries its checkpoint twice when the checkpoint's own entry is among its entries: the same
    signed checkpoint must carry the same recording time in both (nothing else checks the time of an entry past
    every checkpoint).  A message or signature that differs is left to the checks that say what it is: the
    entry's signature by the ledger's rules, the carried checkpoint's by its note, two signed ones as a fork."""
    if not isinstance(checkpoint, dict) or checkpoint.get("index") != item.index:
        return
    entry = item.entry
    same_checkpoint = (
        entry.kind == "Checkpoint"
        and entry.message == checkpoint.get("message")
        and [s.as_json() for s in entry.signatures] == checkpoint.get("signatures")
    )
    if same_checkpoint and item.recorded_at != checkpoint.get("recordedAt"):
        raise BadBundle(
            f"{label} is damaged: its checkpoint and its entry {item.index:,} disagree on when it was recorded."
        )


@contextmanager
def damaged(label: str) -> Iterator[None]:
    """Anything malformed inside is the one sentence that `label` is damaged."""
    try:
        yield
    except (KeyError, TypeError, ValueError, AttributeError, MalformedNote, BadRequest, DeedbookError) as bad:
        if isinstance(bad, BadBundle):
            raise
        raise BadBundle(f"{label} is damaged or incomplete; it cannot be synced from.") from None


def bundle_entry(item: Any, index: int) -> BundleEntry:
    """The entry `index` of a bundle as written (ValueError or DeedbookError if it is not)."""
    if (
        not isinstance(item, dict)
        or type(item.get("index")) is not int  # as written: == takes true and 1.0 for 1
        or item["index"] != index
        or type(item.get("recordedAt")) is not int
        or not 0 <= item["recordedAt"] < 2**63
    ):
        raise ValueError
    return BundleEntry(index, item["recordedAt"], Entry.from_json(item))


def parse_head(data: dict[str, Any], label: str, entries: "BundleEntries") -> Bundle:
    """The bundle whose ledger, sizes, checkpoint and proofs `data` holds (a v1 bundle, or a v2 bundle's first
    line), with its `entries` read already."""
    with damaged(label):
        identity = identity_of(str(data.get("ledgerKey", "")))
        if LedgerIdentity.from_json(data["ledger"]) != identity:
            raise BadBundle(f"{label} is damaged: its ledger and its ledger key disagree.")
        since, total = data["since"], data["total"]
        if type(since) is not int or type(total) is not int or not 0 <= since <= total:
            raise ValueError
        if since + len(entries) > total or type(data.get("size")) is not int or data["size"] != since + len(entries):
            raise ValueError
        checkpoint = data.get("checkpoint")
        if checkpoint is not None and (
            not isinstance(checkpoint, dict)
            or not isinstance(checkpoint.get("message"), dict)
            or not isinstance(checkpoint.get("signatures"), list)
        ):
            raise ValueError
        if checkpoint is not None:  # its fields as a Checkpoint entry's (its signature would check "2" for 2)
            get_kind("Checkpoint").check_message(checkpoint["message"])  # type: ignore[attr-defined]
        candidates = parse_candidates(data.get("consistency", []), label)  # as a checkpoint request's
        frontier_size, roots = data.get("frontierSize", 0), data.get("frontier", [])
        if (
            type(frontier_size) is not int
            or not 0 <= frontier_size <= since
            or not isinstance(roots, list)
            or len(roots) != bin(frontier_size).count("1")
            or not all(isinstance(h, str) for h in roots)  # as written: str() would read a number's digits
        ):
            raise ValueError
        frontier_roots = tuple(strict_b64(h, "A frontier hash") for h in roots)
        if any(len(h) != 32 for h in frontier_roots):
            raise ValueError
    return Bundle(identity, since, entries, total, checkpoint, candidates, frontier_size, frontier_roots)


def read_v1_bundle(path: str | os.PathLike[str]) -> Bundle:
    """A `deedbook-export/1` file, read whole (at most 1 GiB); `core.bundle_lines.read_bundle` reads either."""
    raw = read_user_file(path, "an export bundle", max_bytes=MAX_BUNDLE_BYTES, error=BadBundle)
    try:
        text = raw.decode("utf-8")
        if json_nests_deeper_than(text, 16):
            raise ValueError
        data = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadBundle(f"{path} is not an export bundle (not JSON).") from None
    return parse_bundle(data, f"The file {path}")
