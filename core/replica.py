"""Replicas: a bank's or county's own copy of a ledger, following it entry by entry.

A replica is a real ledger in its own data folder, with the source's identity.
`sync` takes the source's bundle of entries from the replica's size on (a file
made by `deedbook export`, another data folder, or a `serve` URL: see `Source`)
and, before writing anything:

- checks the source's checkpoint is signed by the ledger's operator;
- compares every entry it already holds that the bundle repeats, leaf by leaf;
- checks the source's tree at min(since, checkpoint size) is the replica's own
  (the bundle's frontier, tied to the signed checkpoint by a consistency proof),
  and if not finds where it differs (exactly, when the source can give its leaf
  hashes for the span that differs);

then appends the new entries through the same rules as any append (signatures,
deed rules, and every checkpoint's root against the replica's own tree), with
the recording times the source gave them.  A source that rewrote what the
replica holds is refused, naming the first entry that differs, and when two
operator-signed checkpoints contradict each other the replica keeps a fork proof.
"""

from __future__ import annotations

import json
import time
from itertools import islice
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Protocol

from core.bundles import BadBundle, Bundle, BundleEntry, bundle_head, parse_head
from core.checkpoint_note import NotSigned, SignedCheckpoint, cosigners, note_of, open_checkpoint
from core.consistency import first_difference, fold, frontier, spans, subtree_root
from core.entries import SignatureRecord, entry_leaf_hash
from core.errors import DeedbookError, NotFound, RuleViolation
from core.forks import fork_evidence, fork_text, make_fork, verify_fork
from core.kinds import check_signatures
from core.merkle import verify_consistency
from core.outfiles import write_output
from core.paths import DataDir
from core.shown_urls import shown_url
from core.replica_start import (
    Before,
    Made,
    Stop,
    SyncLock,
    Wait,
    finish_start,
    note_start,
    note_stop,
    read_start,
    start_path,
    unfinished,
)
from core.witness_requests import Candidate

if TYPE_CHECKING:
    from core.ledger import Ledger

STATE_FORMAT = "deedbook-replica/1"
Progress = Callable[[int, int], None]  # (entries appended, of how many): a county's first sync takes minutes
BATCH = 2000  # entries per transaction: a sync stopped midway keeps whole, checked batches


class Source(Protocol):
    """Where a replica syncs from."""

    label: str  # as shown and stored: a URL without its user:password (core.shown_urls)

    def bundle(self, since: int) -> Bundle: ...

    def leaf_hashes(self, start: int, stop: int) -> list[bytes] | None:
        """The source's leaf hashes start .. stop-1, or None when it cannot give them (a file)."""

    def candidate(self, old: int, size: int) -> Candidate | None:
        """A consistency proof from `old` to `size` (the source's latest checkpoint), or None."""


class BundleSource:
    """A bundle file written by `deedbook export`."""

    def __init__(self, bundle: Bundle, label: str) -> None:
        self._bundle, self.label = bundle, label

    def bundle(self, since: int) -> Bundle:
        return self._bundle

    def leaf_hashes(self, start: int, stop: int) -> list[bytes] | None:
        return None

    def candidate(self, old: int, size: int) -> Candidate | None:
        return self._bundle.candidate(old)


class LedgerSource:
    """Another data folder's ledger (opened read-only when its folder cannot be written)."""

    def __init__(self, ledger: "Ledger", label: str) -> None:
        self.ledger, self.label = ledger, label

    def bundle(self, since: int) -> Bundle:
        with self.ledger.snapshot():  # its size, checkpoint and proofs, one moment
            size = self.ledger.size()
            head = bundle_head(self.ledger, min(since, size), size)
        # its entries read a batch at a time as the sync goes through them (the ledger only grows: those
        # before `size` stay what they were at that moment), never a county's whole ledger at once
        return parse_head(head, f"The ledger in {self.label}", LedgerEntries(self.ledger, head["since"], size))

    def leaf_hashes(self, start: int, stop: int) -> list[bytes] | None:
        return [e.leaf_hash for e in self.ledger.entries(start, stop)]

    def candidate(self, old: int, size: int) -> Candidate | None:
        with self.ledger.snapshot():
            if not 0 < old <= size <= self.ledger.size():
                return None
            tree = self.ledger.tree()
            return Candidate(old, tree.root(old), tuple(tree.consistency(old, size)) if old < size else ())


@dataclass(frozen=True)
class LedgerEntries:
    """Entries `since` .. `stop`-1 of another data folder's ledger, read a batch at a time each time."""

    ledger: "Ledger"
    since: int
    stop: int

    def __len__(self) -> int:
        return self.stop - self.since

    def __iter__(self) -> Iterator[BundleEntry]:
        for start in range(self.since, self.stop, BATCH):
            for e in self.ledger.entries(start, min(self.stop, start + BATCH)):
                yield BundleEntry(e.index, e.recorded_at, e.entry)


@dataclass
class SyncReport:
    ok: bool
    source: str
    size: int = 0  # entries the replica holds now
    appended: int = 0
    started: bool = False  # this sync made the replica (started it, or finished a first sync that had not)
    checkpoint_size: int | None = None
    cosigners: list[dict[str, Any]] = field(default_factory=list)
    first_bad: int | None = None  # the first entry that differs from the replica's, when known exactly
    span: tuple[int, int] | None = None  # entries span[0] .. span[1]-1 hold it, when only that is known
    reason: str | None = None
    fork_proof: Path | None = None
    more: bool = False  # the source holds more than it sent (a server's page)
    total: int = 0  # entries the source holds (of which a server sent a page)
    stopped: bool = False  # `cancelled()` said to stop between batches: the replica keeps the whole batches written

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "source": self.source,
            "size": self.size,
            "appended": self.appended,
            "started": self.started,
            "checkpoint_size": self.checkpoint_size,
            "cosigners": self.cosigners,
            "first_bad": self.first_bad,
            "span": list(self.span) if self.span else None,
            "reason": self.reason,
            "fork_proof": str(self.fork_proof) if self.fork_proof else None,
        }


def stopped_sentence(appended: int, of: int) -> str:
    """What a sync stopped between batches says: how far it got (the whole batches it appended)."""
    return f"Sync stopped after {appended:,} of {of:,} entries; run it again to continue."


def state_path(home: DataDir) -> Path:
    return home.root / "replica.json"


def read_state(home: DataDir) -> dict[str, Any] | None:
    """What the last sync recorded (None: this folder has never synced as a replica); a replica whose first
    sync did not finish is said in one sentence (its replica.json, if any, is not yet true)."""
    half_made = unfinished(home)
    if half_made is not None:
        raise DeedbookError(half_made)
    path = state_path(home)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        return None
    # Each key as _write_state writes it: shown as read, a source of null was "None" and a size given as
    # text or a list of cosigners as a number ended in a traceback.
    if not (
        isinstance(data.get("source"), str)
        and all(_count(data.get(key)) for key in ("lastSync", "size"))
        and (("checkpointSize" in data and data["checkpointSize"] is None) or _count(data.get("checkpointSize")))
        and isinstance(data.get("cosigners"), list)
        and all(isinstance(c, dict) for c in data["cosigners"])
    ):
        raise DeedbookError(f"The replica's record {path} is damaged; the next sync writes it again.")
    data["source"] = shown_url(data["source"])  # an older version wrote a URL's user:password here
    stopped = Stop.from_json(data.pop("stopped", None))
    if stopped is not None:  # shown as written, or not at all
        data["stopped"] = stopped.as_json()
    return data


def _count(value: Any) -> bool:
    """A JSON whole number as written (not true, 1.0 or "1"), within what the ledger can hold."""
    return type(value) is int and 0 <= value < 2**63


def _open(home: DataDir, db_url: str | None) -> "Ledger | None":
    from core.ledger import Ledger

    try:
        return Ledger.open(home, db_url, finishing=True)
    except NotFound:
        return None


def sync(
    home: DataDir,
    db_url: str | None,
    source: Source,
    *,
    now: int | None = None,
    since: int | None = None,
    waiting: Callable[[Wait], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    progress: Progress | None = None,
) -> SyncReport:
    """Bring the replica in `home` up to the source; a refusal of a rewritten history is a report with ok=False.

    The source is asked for its entries from the replica's latest checkpoint on (`since`, by default): those
    the replica holds beyond it, which no signature of the operator covers yet, are compared one by one.
    One sync at a time per folder: another one running, this one waits for it (`waiting` hears whom: a `Wait`, its sentence its str), until
    `cancelled()` says to stop waiting (`Cancelled`, nothing synced).  Once the folder is its own, `cancelled()` is
    asked again before each batch (each is one transaction): said, the sync stops there, and the report says so
    (`stopped`, with the sentence in `reason`): the replica holds the whole batches written, a first sync's
    replica-start.json stays (the folder is unfinished until a sync reaches the source's end), and the same sync
    later goes on from there.  A source that sends its entries a page at a time (a server: `more`) is asked page
    after page, the folder held throughout; `cancelled()` is asked between two pages too, and a stop there is
    a stop as any (`stopped`, noted for `replica show`).  `progress(appended, of)` hears after each batch appended
    (of a page)."""
    now = int(time.time()) if now is None else now
    home.require_writable("syncing a replica")
    while True:
        before = Before.note(home, db_url)  # before the lock's folder and file, and before opening (on PostgreSQL
        lock = SyncLock.take(home, waiting, cancelled, source.label)  # opening makes the schema)
        if lock is not None:
            break
    try:
        report = _sync_alone(home, db_url, source, now, since, before, progress, cancelled)
        return _later_pages(home, db_url, source, now, before, report, progress, cancelled)
    finally:
        lock.release()


def _later_pages(
    home: DataDir,
    db_url: str | None,
    source: Source,
    now: int,
    before: Before,
    report: SyncReport,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SyncReport:
    """The pages after the first (`report`'s) while the source has more, each from where the last ended, until
    its end, a refusal or a stop; the report is of them all (appended, and started by the first page).  Each page
    is a sync that finishes (replica.json true to it): stopped between two, the stop is noted as one within a
    page is, so `replica show` and the witnesses pane say the replica stopped short of its source."""
    appended, started = report.appended, report.started
    while report.ok and report.more and not report.stopped:
        reached = report.size
        if cancelled is not None and cancelled():
            report.stopped = True
            break
        report = _sync_alone(home, db_url, source, now, reached, before, _counted_from(progress, appended), cancelled)
        appended += report.appended
        if report.size == reached:  # a page with nothing new: no use asking the same again
            break
    report.appended, report.started = appended, started
    if report.stopped:  # how far of the whole sync, not of the last page
        report.reason = stopped_sentence(appended, appended + max(0, report.total - report.size))
        _note_stop(home, report, now)
    return report


def _sync_alone(
    home: DataDir,
    db_url: str | None,
    source: Source,
    now: int,
    since: int | None,
    before: Before,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SyncReport:
    """`sync`, holding the folder's lock.  A first sync says so on disk before it writes anything
    (core.replica_start): killed, the next sync finishes it; refused, what it made is taken away again."""
    first = read_start(home, db_url)  # a first sync that did not finish: what the folder held before it
    noted = first is None and not state_path(home).is_file()
    if first is not None:
        before = first
    elif noted:
        note_start(home, before, source.label, now)
    try:
        replica = _open(home, db_url)
    except BaseException:
        if noted:
            before.leave()  # a database that cannot be opened: the folder as it was
        raise
    if replica is not None:  # a ledger: a replica (or another ledger, refused by its identity)
        try:
            try:
                report = _sync(home, db_url, replica, source, now, since, progress=progress, cancelled=cancelled)
            finally:
                replica.close()  # its connections, and SQLite's side files, go now, not when it is collected
        except BaseException:
            if noted:
                before.leave()
            raise
        if (not report.ok or report.stopped) and noted:
            before.leave()
        # it finished a first sync: the replica is made now (stopped, it is still unfinished)
        report.started = report.ok and not report.stopped and first is not None
        _note_stop(home, report, now)
        return report
    # The sync that starts a replica is all or nothing: refused, the folder is left as it was before the
    # first attempt (a later sync keeps the whole, checked batches it wrote).
    made = Made()
    try:
        report = _sync(home, db_url, None, source, now, since, made, progress, cancelled)
    except (Overtaken, BadBundle) as ended:
        # Overtaken: what is there is another sync's too. A server's answer broken off or damaged midway, after
        # whole checked batches: they are kept, the replica unfinished (replica-start.json), as a killed first
        # sync's; the same sync finishes it.
        if isinstance(ended, Overtaken) or made.committed:
            if made.ledger is not None:
                made.ledger.close()
            raise
        before.undo(made)
        raise
    except BaseException:
        before.undo(made)
        raise
    if made.ledger is not None:
        made.ledger.close()
    if (not report.ok or report.stopped) and report.size == 0:  # stopped before its first batch: as before, too
        before.undo(made)
    _note_stop(home, report, now)
    return report


def _counted_from(progress: Progress | None, earlier: int) -> Progress | None:
    """`progress` of a later page said of the whole sync: its `earlier` pages' entries counted in."""
    if progress is None:
        return None
    return lambda appended, of: progress(earlier + appended, earlier + of)


def _note_stop(home: DataDir, report: SyncReport, now: int) -> None:
    """A sync stopped after appending whole batches says so where `replica show` and the pane read it:
    the first sync's record, or replica.json (its other keys still the last finished sync's); the next sync
    that finishes writes replica.json anew, without it.  Stopped with nothing appended, nothing is written."""
    if not report.stopped or report.appended <= 0:
        return
    stop = Stop(report.size, max(report.total, report.size), now)
    if start_path(home).exists():
        note_stop(home, stop)
        return
    path = state_path(home)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return  # damaged: said by read_state, and written again by the next sync
    if isinstance(data, dict) and data.get("format") == STATE_FORMAT:
        data["stopped"] = stop.as_json()
        write_output(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n", force=True)


@dataclass(frozen=True)
class Held:
    """What a replica's ledger holds now, read from the ledger (replica.json says what the last sync that
    finished left; one stopped between batches kept more): its name, size and latest checkpoint's size."""

    ledger_name: str
    operator: str
    size: int
    checkpoint_size: int | None


def held(home: DataDir, db_url: str | None, ledger: "Ledger | None" = None) -> Held | None:
    """What the replica in `home` holds (`ledger` when open already; a first sync's unfinished one is read
    too); None when there is no ledger."""
    replica = ledger if ledger is not None else _open(home, db_url)
    if replica is None:
        return None
    try:
        latest = replica.latest_checkpoint()
        size = int(latest.message["size"]) if latest is not None else None
        return Held(replica.identity.name, replica.identity.operator, replica.size(), size)
    finally:
        if ledger is None:
            replica.close()


def _sync(
    home: DataDir,
    db_url: str | None,
    replica: "Ledger | None",
    source: Source,
    now: int,
    since: int | None,
    made: Made | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SyncReport:
    held = replica.size() if replica is not None else 0
    if since is None:
        latest = replica.latest_checkpoint() if replica is not None else None
        since = min(held, int(latest.message["size"])) if latest is not None else 0
    bundle = source.bundle(min(since, held))
    report = SyncReport(True, source.label, held, more=bundle.more, total=bundle.total)
    if replica is not None and bundle.identity != replica.identity:
        raise DeedbookError(
            f"{source.label} is the ledger \u201c{bundle.identity.name}\u201d "
            f"({bundle.identity.ledger_id_hex[:18]}\u2026); this replica follows "
            f"\u201c{replica.identity.name}\u201d ({replica.identity.ledger_id_hex[:18]}\u2026)."
        )
    if bundle.since > held:
        raise DeedbookError(
            f"{source.label} starts at entry {bundle.since:,}, but this replica holds {held:,} "
            f"entries: it needs the entries from {held:,} on."
        )
    signed = _signed(bundle, source.label)
    theirs = iter(bundle.entries)  # gone through once, in order (compared, then appended): a stream's are read once
    if replica is not None:
        try:
            differs = _compare(replica, held, bundle, theirs, signed, source, cancelled)
        except _Stop:
            _stopped(report, held, held)
            return report
        if differs is not None:
            first_bad, span, why = differs
            report.ok, report.first_bad, report.span, report.reason = False, first_bad, span, why
            report.fork_proof = _keep_fork(
                home, replica, signed, source, first_bad if first_bad is not None else span[0] if span else 0, now
            )
            if report.fork_proof is not None:
                report.reason += f" The fork proof is in {report.fork_proof}."
            return report
    new = bundle.size - held if bundle.size > held else 0
    replica, report.started = _append(home, db_url, replica, bundle, theirs, held, report, made, progress, cancelled)
    if not report.ok or report.stopped:
        report.started = report.started and not report.stopped  # a first sync stopped has not made the replica
        return report
    report.appended, report.size = new, held + new
    if signed is not None:
        report.checkpoint_size = signed.size
        report.cosigners = _keep_cosignatures(replica, bundle, signed, now)
    _update_witness(home, replica)
    _write_state(home, report, now)
    return report


def _signed(bundle: Bundle, label: str) -> SignedCheckpoint | None:
    cp = bundle.checkpoint
    if cp is None:
        return None
    try:
        records = tuple(SignatureRecord.from_json(s) for s in cp["signatures"])
        signed = open_checkpoint(note_of(bundle.identity, cp["message"], records), bundle.identity)
    except (NotSigned, DeedbookError, KeyError, TypeError, ValueError) as bad:
        raise DeedbookError(
            f"The checkpoint {label} carries cannot be trusted ({str(bad).rstrip('.')}); nothing was synced."
        ) from None
    return signed


def _leaf(bundle: Bundle, item: BundleEntry) -> bytes:
    try:
        digest = check_signatures(bundle.identity, item.entry)
    except (RuleViolation, KeyError, TypeError, ValueError):
        return b""  # an entry that does not even check differs from any the replica holds
    return entry_leaf_hash(item.recorded_at, digest, item.entry.signatures)


class _Stop(Exception):
    """`cancelled()` said to stop, between two batches."""


def _stopped(report: SyncReport, held: int, size: int) -> None:
    """The report of a sync stopped between batches when the replica holds `size` entries (it held `held`)."""
    report.stopped, report.size, report.appended = True, size, size - held
    report.reason = stopped_sentence(report.appended, report.appended + max(0, report.total - size))


def _compare(
    replica: "Ledger",
    held: int,
    bundle: Bundle,
    theirs: Iterator[BundleEntry],
    signed: SignedCheckpoint | None,
    source: Source,
    cancelled: Callable[[], bool] | None = None,
) -> tuple[int | None, tuple[int, int] | None, str] | None:
    """Where the source's history differs from the replica's: (entry, or span, sentence), or None.  `theirs`, the
    bundle's entries, is gone through to `held`, the replica's size as the sync found it, not beyond: the append
    goes on from there (and is refused if another sync into a shared database appended meanwhile).

    The tree before `since` first, then the entries from it: the first difference is the one named (a
    rewrite of an entry that the replica's latest checkpoint covers also changes that checkpoint entry,
    and naming the checkpoint instead hid the rewrite and its fork proof)."""
    earlier = _compare_tree(replica, bundle, signed, source)
    if earlier is not None:
        return earlier
    held = min(held, bundle.size)
    for start in range(bundle.since, held, BATCH):
        if cancelled is not None and cancelled():
            raise _Stop  # nothing written yet: a long comparison (no checkpoint for a while) stops too
        mine = replica.entries(start, min(held, start + BATCH))
        for recorded, item in zip(
            mine, theirs, strict=False
        ):  # `mine` first: ends a batch without taking one of theirs
            if _leaf(bundle, item) == recorded.leaf_hash:
                continue
            index = recorded.index
            return (
                index,
                None,
                (
                    f"{source.label} rewrote history: its entry {index} is not the entry {index} this "
                    "replica holds; nothing was synced."
                ),
            )
    return None


def _compare_tree(
    replica: "Ledger", bundle: Bundle, signed: SignedCheckpoint | None, source: Source
) -> tuple[int | None, tuple[int, int] | None, str] | None:
    """Where the source's tree at min(since, its checkpoint's size) differs from the replica's, or None."""
    if signed is None or not bundle.frontier_size:
        return None
    at, size = bundle.frontier_size, signed.size
    if at < size:
        proof = bundle.candidate(at)
        if (
            proof is None
            or proof.old_root is None
            or not verify_consistency(at, size, proof.old_root, signed.root, list(proof.proof))
        ):
            raise DeedbookError(
                f"{source.label} does not prove its first {at:,} entries are part of its signed "
                "checkpoint (its consistency proof is missing or does not check); nothing was synced."
            )
        theirs = proof.old_root
    else:
        theirs = signed.root
    if fold(bundle.frontier) != theirs:
        raise DeedbookError(
            f"{source.label} is damaged: its frontier is not its tree of {at:,} entries; nothing was synced."
        )
    tree = replica.tree()
    if tree.root(at) == theirs:
        return None
    span = first_difference(at, frontier(tree, at), bundle.frontier)
    assert span is not None
    exact = _first_in_span(replica, source, at, span, bundle.frontier)
    where = (
        f"its entry {exact} is not the entry {exact} this replica holds"
        if exact is not None
        else f"one of its entries {span[0]:,} to {span[1] - 1:,} is not the one this replica holds"
    )
    return (
        exact,
        None if exact is not None else span,
        (f"{source.label} rewrote history: {where} (its signed checkpoint says so); nothing was synced."),
    )


def _first_in_span(
    replica: "Ledger", source: Source, at: int, span: tuple[int, int], theirs: tuple[bytes, ...]
) -> int | None:
    """The first entry of `span` whose leaf differs, when the source can give its leaves (checked against the
    frontier's root for the span, so a source cannot point at an innocent entry)."""
    root = dict(zip(spans(at), theirs, strict=True))[span]
    leaves = source.leaf_hashes(*span)
    if leaves is None or len(leaves) != span[1] - span[0] or subtree_root(leaves) != root:
        return None
    mine = [e.leaf_hash for e in replica.entries(*span)]
    return next((span[0] + i for i, (a, b) in enumerate(zip(mine, leaves, strict=True)) if a != b), None)


def _keep_fork(
    home: DataDir, replica: "Ledger", signed: SignedCheckpoint | None, source: Source, first_bad: int, now: int
) -> Path | None:
    """A fork proof, when one of the replica's own checkpoints covers the entry that differs and the source's
    signed checkpoint contradicts it provably."""
    if signed is None:
        return None
    for recorded in replica.entries(kind="Checkpoint"):
        size = int(recorded.message["size"])
        if size <= first_bad:
            continue
        try:
            held = open_checkpoint(note_of(replica.identity, recorded.message, recorded.signatures), replica.identity)
        except NotSigned:
            continue
        candidate = source.candidate(size, signed.size)
        if candidate is None:
            continue
        evidence = fork_evidence(held, signed, candidate.old_root, candidate.proof)
        if evidence is None:
            continue
        fork = make_fork(
            held,
            signed,
            evidence[0],
            evidence[1],
            found_by=f"replica of {source.label}"[:120],
            found_at=now,
            note=f"A replica holding the first checkpoint was sent the second by "
            f"{source.label}; its entry {first_bad} differs.",
        )
        if not verify_fork(fork).proved:
            continue
        path = (
            home.root
            / "replica-forks"
            / f"fork-{replica.identity.ledger_id.hex()[:16]}-{size}-{signed.size}-{now}.json"
        )
        return write_output(path, fork_text(fork), force=True, make_folder=True)
    return None


def _append(
    home: DataDir,
    db_url: str | None,
    replica: "Ledger | None",
    bundle: Bundle,
    theirs: Iterator[BundleEntry],
    held: int,
    report: SyncReport,
    made: Made | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> tuple["Ledger", bool]:
    """Append the bundle's entries from `held` on (`theirs`, gone through to there already when compared) through
    the ledger's own rules, in batches read in turn (a v2 file's or a server's are never held whole); the first
    that breaks a rule is named.  Before each batch `cancelled()` may say to stop: the report says so, the
    batches before it kept (each was its own transaction)."""
    from core.ledger import Ledger

    started = replica is None
    if replica is None:
        if bundle.size <= held or bundle.since != 0:
            raise DeedbookError(
                f"{report.source} does not start at the ledger's first entry, which a new replica needs."
            )
        engine = Ledger._engine(home, db_url, create=True)
        replica = Ledger(home, engine, bundle.identity)
        if made is not None:
            made.ledger = replica  # for sync to close and remove, should this start be refused
    new = (e for e in theirs if e.index >= held)
    first = True
    while batch := list(islice(new, BATCH)):
        if cancelled is not None and cancelled():  # asked only when there is a batch left: the last one finishes
            _stopped(report, held, batch[0].index)
            return replica, started
        before = _claim(home, bundle, batch[0].recorded_at) if started and first else _at(home, batch[0].index)
        first = False
        try:
            replica.append([e.entry for e in batch], recorded_at=[e.recorded_at for e in batch], _before=before)
            if made is not None:
                made.committed = True
        except RuleViolation as broken:
            report.ok, report.first_bad = False, None
            report.reason = (
                f"{report.source} sent an entry this ledger's rules refuse, from entry "
                f"{batch[0].index:,} on: {broken} Nothing from that batch was synced."
            )
            report.size = replica.size()
            report.appended = report.size - held
            return replica, started
        if progress is not None:  # of all the source holds beyond the replica: a server's later pages too
            progress(batch[-1].index + 1 - held, bundle.total - held)
    return replica, started


class Overtaken(DeedbookError):
    """Another sync appended to this replica meanwhile (what is there is its, too: never taken away)."""


def _at(home: DataDir, size: int) -> Any:
    """In the batch's transaction: the replica holds exactly the entries before it.  Syncs into one folder take
    turns (core.replica_start), but two folders may share a --db-url database: the entries another sync appended
    meanwhile must not be appended again after its own, doubled."""
    from sqlalchemy import func, select

    from core.store import EntryRow

    def check(conn: Any) -> None:
        held = conn.execute(select(func.max(EntryRow.idx))).scalar()
        if (held + 1 if held is not None else 0) != size:
            raise Overtaken(
                f"Another sync appended to the replica in {home.root} meanwhile; nothing more was synced: "
                "sync again to continue from where it is."
            )

    return check


def _claim(home: DataDir, bundle: Bundle, created: int) -> Any:
    """Make the folder this ledger's replica, in the transaction that appends its first entries."""
    from sqlalchemy import insert, select

    from core.store import LedgerRow

    identity = bundle.identity

    def claim(conn: Any) -> None:
        if conn.execute(select(LedgerRow)).first() is not None:
            raise DeedbookError(f"There is a ledger in {home.root} already.")
        conn.execute(
            insert(LedgerRow).values(
                ledger_id=identity.ledger_id_hex,
                name=identity.name,
                operator=identity.operator,
                chain_id=identity.chain_id,
                created_at=created,
            )
        )

    return claim


def _keep_cosignatures(replica: "Ledger", bundle: Bundle, signed: SignedCheckpoint, now: int) -> list[dict[str, Any]]:
    """The witnesses' cosignatures the source's checkpoint carries, kept here too when they check."""
    from core.checkpoint_note import carried_lines
    from core.cosignatures import add_cosignatures, checkpoint_of_size

    lines = carried_lines(bundle.checkpoint)
    found = cosigners(signed.note.with_signatures(tuple(lines)), signed.body)
    if not found or checkpoint_of_size(replica, signed.size) is None:
        return [c.as_json() for c in found]
    add_cosignatures(
        replica,
        [("the source's checkpoint", signed.operator_only().with_signatures(tuple(c.line for c in found)))],
        now=now,
    )
    return [c.as_json() for c in found]


def _update_witness(home: DataDir, replica: "Ledger") -> None:
    """The replica's own rollback guard: its witness file holds its latest checkpoint, as an operator's does."""
    from core.checkpoints import checkpoint_json
    from core.witness import write_witness

    latest = replica.latest_checkpoint()
    if latest is not None:
        write_witness(home, replica.identity, checkpoint_json(latest))


def _write_state(home: DataDir, report: SyncReport, now: int) -> None:
    data = {
        "format": STATE_FORMAT,
        "source": shown_url(report.source),  # a source whose label kept a user:password does not put it here
        "lastSync": now,
        "size": report.size,
        "checkpointSize": report.checkpoint_size,
        "cosigners": report.cosigners,
    }
    write_output(state_path(home), json.dumps(data, indent=2, ensure_ascii=False) + "\n", force=True)
    finish_start(home)  # only now: killed before this line, the folder still says its first sync did not finish
