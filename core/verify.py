"""Verify a whole ledger: every signature, every rule, the hash chain, the
checkpoints, the witness, the stored Merkle tree, the deed and one-time value tables
against a replay, and the witnesses' cosignatures kept beside it.

With `jobs == 1` one pass does everything.  With more jobs, worker processes
recover signatures and recompute leaf hashes (the expensive part, independent
per entry) while this process replays the rules in order, which are cheap.
The report names the first entry that is wrong and why.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

from sqlalchemy import Connection

from core.compliance.store import compliance_agrees, compliance_disagreement, stored_compliance
from core.display import clean
from core.entries import Entry, SignatureRecord, chain_hash, entry_leaf_hash
from core.errors import Cancelled, LedgerDamaged, RuleViolation
from core.identity import LedgerIdentity
from core.integrity_check import IntegrityCheck
from core.kinds import apply_entry, check_signatures
from core.kinds.registration import registered_texts
from core.ledger import Ledger, entry_count
from core.projection import expected_once, stored_once
from core.state import ApplyContext, InMemoryState
from core.store import guards_present, raw_cursor
from core.treestore import stored_nodes
from core.verify_tables import deed_tables_disagreement
from core.witness import Witness, disagreement, witness_for_verify
from core.stored_json import stored_json, stored_signatures
from core.wording import counted

Progress = Callable[[int, int], None]
ROWS = "SELECT idx, kind, deed_id, signers, message, signatures, recorded_at, leaf_hash, chain_hash FROM entries ORDER BY idx"
CHUNK = 2048


@dataclass
class VerifyReport:
    ok: bool
    entries: int
    seconds: float
    first_bad: int | None = None
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)
    deeds: int = 0
    since: int | None = None  # entries before this were not re-read (verify --since-checkpoint)
    checked: str = (
        "every entry, its signatures and rules, the hash chain, the checkpoints, the witness, the stored "
        "tree and the deed tables"
    )

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "seconds": round(self.seconds, 6),
            "first_bad": self.first_bad,
            "reason": self.reason,
            "warnings": self.warnings,
            "deeds": self.deeds,
            "since": self.since,
            "checked": self.checked,
        }


class _Bad(Exception):
    def __init__(self, index: int | None, reason: str) -> None:
        super().__init__(reason)
        self.index, self.reason = index, reason


_json, _signatures = stored_json, stored_signatures  # the names this module's readers use


def _leaf_of(
    identity: LedgerIdentity,
    kind: str,
    message: dict[str, Any],
    signatures: tuple[SignatureRecord, ...],
    recorded_at: int,
) -> bytes:
    digest = check_signatures(identity, Entry(kind, message, signatures))
    return entry_leaf_hash(recorded_at, digest, signatures)


# -- worker processes -------------------------------------------------------
_worker_identity: LedgerIdentity | None = None


def _init_worker(identity_json: dict[str, Any]) -> None:
    global _worker_identity
    _worker_identity = LedgerIdentity.from_json(identity_json)


def _leaves_of_chunk(rows: Sequence[tuple[int, str, str, str, int]]) -> list[bytes | str]:
    """For each row, its leaf hash, or the sentence saying why it does not check."""
    assert _worker_identity is not None
    out: list[bytes | str] = []
    for _idx, kind, message, signatures, recorded_at in rows:
        try:
            out.append(_leaf_of(_worker_identity, kind, _json(message), _signatures(signatures), recorded_at))
        except RuleViolation as bad:
            out.append(str(bad))
        except (KeyError, TypeError, ValueError, AttributeError):
            out.append("the entry is malformed")
    return out


# -- the replay ---------------------------------------------------------------
class _Replay:
    def __init__(self, identity: LedgerIdentity) -> None:
        self.identity = identity
        self.state = InMemoryState(identity)
        self.previous = identity.ledger_id
        self.expected = 0
        self.kind_names: dict[str, str] = {}

    def step(self, row: Any, leaf_or_error: bytes | str | None) -> None:
        idx, kind_name, deed_id, signers, message_json, signatures_json, recorded_at, stored_leaf, stored_chain = row
        if idx != self.expected:
            raise _Bad(
                self.expected,
                f"Entry {self.expected} is missing: the ledger jumps from entry {self.expected - 1} to {idx}.",
            )
        self.expected += 1
        try:
            message = _json(message_json)
            signatures = _signatures(signatures_json)
            entry = Entry(kind_name, message, signatures)  # an unknown kind: check_signatures and apply_entry say so
            if leaf_or_error is None:  # one process: check the signatures here
                leaf_or_error = entry_leaf_hash(recorded_at, check_signatures(self.identity, entry), signatures)
            elif isinstance(leaf_or_error, str):
                raise RuleViolation(leaf_or_error)
            concerned = apply_entry(self.state, entry, ApplyContext(idx, recorded_at))
        except RuleViolation as broken:
            raise _Bad(idx, f"Entry {idx} ({kind_name}): {broken}") from None
        except (KeyError, TypeError, ValueError, AttributeError):
            raise _Bad(idx, f"Entry {idx} is malformed: its message or signatures cannot be read.") from None
        leaf = leaf_or_error
        if stored_leaf != "0x" + leaf.hex():
            raise _Bad(idx, f"Entry {idx} ({kind_name}): its stored hash does not match its content.")
        self.previous = chain_hash(self.previous, leaf)
        if stored_chain != "0x" + self.previous.hex():
            raise _Bad(idx, f"Entry {idx} ({kind_name}): the hash chain is broken here.")
        if deed_id != concerned:
            raise _Bad(idx, f"Entry {idx} ({kind_name}) is filed under deed {deed_id} but concerns deed {concerned}.")
        if signers != " ".join([s.signer.lower() for s in signatures]):
            raise _Bad(idx, f"Entry {idx} ({kind_name}): its signer index does not match its signatures.")
        # one string per kind, not one per entry (each row brings its own copy: ~60 bytes an entry kept)
        self.state.record(idx, self.kind_names.setdefault(kind_name, kind_name), leaf, concerned)


def _rows(conn: Connection, chunk: int) -> Iterator[Sequence[Any]]:
    with raw_cursor(conn) as cursor:
        cursor.execute(ROWS)
        while rows := cursor.fetchmany(chunk):
            yield list(rows)


def _replay_all(
    ledger: Ledger,
    conn: Connection,
    replay: _Replay,
    jobs: int,
    total: int,
    progress: Progress | None,
    should_cancel: Callable[[], bool] | None,
    chunk_size: int,
) -> None:
    def tick() -> None:
        if should_cancel is not None and should_cancel():
            raise Cancelled("Verification was cancelled.")
        if progress is not None:
            progress(replay.expected, total)

    if jobs <= 1 or total < 4 * chunk_size:  # below that, starting workers costs more than it saves
        for chunk in _rows(conn, chunk_size):
            for row in chunk:
                replay.step(row, None)
            tick()
        return
    # fork is fastest (workers start with everything imported) but forking a process with other
    # threads running can deadlock: the GUI verifies from a worker thread, so it gets forkserver.
    context: multiprocessing.context.BaseContext
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")
    elif "forkserver" in multiprocessing.get_all_start_methods():
        multiprocessing.set_forkserver_preload(["core.verify"])
        context = multiprocessing.get_context("forkserver")
    else:
        context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_init_worker, initargs=(ledger.identity.as_json(),)
    ) as pool:
        pending: list[tuple[Sequence[Any], Any]] = []
        chunks = _rows(conn, chunk_size)
        try:
            for chunk in chunks:
                pending.append((chunk, pool.submit(_leaves_of_chunk, [(r[0], r[1], r[4], r[5], r[6]) for r in chunk])))
                if len(pending) > 2 * jobs:  # keep the workers busy, memory bounded
                    done_chunk, future = pending.pop(0)
                    for row, leaf in zip(done_chunk, future.result(), strict=True):
                        replay.step(row, leaf)
                    tick()
            for done_chunk, future in pending:
                for row, leaf in zip(done_chunk, future.result(), strict=True):
                    replay.step(row, leaf)
                tick()
        except BaseException:
            for _, future in pending:
                future.cancel()
            raise


def _check_witness(ledger: Ledger, witness: Witness | None, replay: _Replay, report: VerifyReport) -> None:
    """Fails closed: a witness that is there must be usable, and one must be there once there are checkpoints."""
    checkpoints = [i for i, kind in enumerate(replay.state.kinds) if kind == "Checkpoint"]
    if witness is None:
        if checkpoints:
            count = counted(len(checkpoints), 'checkpoint')
            raise _Bad(
                None,
                f"There is no witness file for this ledger in {ledger.home.witness}, though it has "
                f"{count}, so a rollback cannot be ruled out: restore the file from your copy.",
            )
        return
    state = replay.state
    found = disagreement(witness, state.size, state.entry_leaf, state.root_at)
    if found is not None:
        raise _Bad(*found)
    if checkpoints and checkpoints[-1] > witness.index:
        report.warnings.append(
            f"The witness file holds checkpoint {witness.index}, not the latest ({checkpoints[-1]}): "
            "a checkpoint was interrupted before its witness was replaced, or this folder's "
            "witness is a copy from before it."
        )


def _check_tree(conn: Connection, replay: _Replay) -> None:
    """The stored Merkle tree against the one the replay rebuilt: a node changed, added or lost is named."""
    built = replay.state.nodes
    expected = ((level, index) for level in range(1, len(built.levels)) for index in range(built.count(level)))
    want = next(expected, None)

    def span(level: int, index: int) -> str:
        return f"entries {index << level} to {((index + 1) << level) - 1}"

    for level, index, node in stored_nodes(conn):
        if type(level) is not int or type(index) is not int or not isinstance(node, (bytes, memoryview)):
            raise _Bad(
                None,
                "The stored Merkle tree (the tree_nodes table) holds a row that is not a tree node: it was changed.",
            )
        if want is None or (level, index) < want:
            raise _Bad(
                None,
                f"The stored Merkle tree holds a node over {span(level, index)} (level {level}) "
                "that the entries do not make: the tree_nodes table was changed.",
            )
        if (level, index) > want:
            break
        if bytes(node) != built.node(*want):
            raise _Bad(
                None,
                f"The stored Merkle tree node over {span(*want)} (level {want[0]}) does not match "
                "those entries: the tree_nodes table was changed.",
            )
        want = next(expected, None)
    if want is not None:
        raise _Bad(
            None,
            f"The stored Merkle tree has lost its node over {span(*want)} (level {want[0]}): the "
            "tree_nodes table was changed.",
        )


def _check_once(conn: Connection, replay: _Replay) -> None:
    """The one-time values table against the replay: a row added, dropped or changed is named."""
    stored = stored_once(conn)
    expected = expected_once(replay.state.once)
    if stored == expected:
        return

    def at(row: tuple[Any, ...]) -> int:  # a tampered row may hold anything in its entry column
        return row[4] if type(row[4]) is int else -1

    have, want = set(stored), set(expected)
    extra, missing = sorted(have - want, key=at), sorted(want - have, key=at)
    if missing and (not extra or at(missing[0]) <= at(extra[0])):
        kind, name, _scope, value, index = missing[0]
        raise _Bad(
            index,
            f"The one-time values table has lost the {name} {clean(value, 18)} that entry {index} "
            f"({kind}) used: it disagrees with the ledger.",
        )
    kind, name, _scope, value, index = extra[0]
    raise _Bad(
        None,
        f"The one-time values table holds a {clean(kind, 40)} {clean(name, 40)} {clean(value, 18)} "
        f"(said to be used by entry {clean(index)}) that no entry used: it disagrees with the ledger.",
    )


def _check_compliance(conn: Connection, replay: _Replay) -> None:
    """The compliance table (claims, rules, holds, recoveries, acquisition times) against the replay."""
    if compliance_agrees(conn, replay.state.compliance):  # a page at a time: no copy of the table
        return
    stored = stored_compliance(conn)  # only on a difference: both whole, to name the first
    problem = compliance_disagreement(stored, replay.state.compliance.rows())
    if problem is not None:
        raise _Bad(None, clean(problem, 300))


def _check_projection(ledger: Ledger, conn: Connection, replay: _Replay) -> None:
    """The deeds, holdings and liens tables against the replay, a page of deeds at a time (core.verify_tables)."""

    def registration(index: int) -> tuple[str, str, str]:
        return registered_texts(ledger.entry(index).message)

    found = deed_tables_disagreement(conn, replay.state.deeds(), registration)
    if found is not None:
        raise _Bad(*found)


def _remember(ledger: Ledger, replay: _Replay) -> None:
    """The latest checkpoint, now verified in full, for `verify --since-checkpoint` (core.verify_since)."""
    from core.verified import remember

    state = replay.state
    last = next((i for i in range(state.size - 1, -1, -1) if state.kinds[i] == "Checkpoint"), None)
    if last is None:
        return
    message = ledger.entry(last).message
    remember(ledger, last, int(message["size"]), bytes.fromhex(message["root"][2:]), state.entry_leaf(last), state.size)


def _check_cosignatures(ledger: Ledger) -> None:
    """Witnesses' cosignatures kept beside the ledger each check against their checkpoint (core.cosignatures)."""
    from core.cosignatures import check_stored

    found = check_stored(ledger)
    if found is not None:
        raise _Bad(*found)


def _sound(integrity: IntegrityCheck) -> None:
    if (problem := integrity.problem()) is not None:
        raise _Bad(None, f"The ledger database is damaged: SQLite's integrity check found \u201c{problem}\u201d.")


def verify_ledger(
    ledger: Ledger,
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
    chunk_size: int = CHUNK,
) -> VerifyReport:
    jobs = jobs or os.cpu_count() or 1
    started = time.perf_counter()
    report = VerifyReport(ok=True, entries=0, seconds=0.0)
    replay = _Replay(ledger.identity)
    collecting = gc.isenabled()
    gc.disable()  # the replay allocates millions of short-lived objects and frees none of them in cycles
    try:
        # SQLite's own check of the file, in a thread beside the replay; its finding comes first all the
        # same: a damaged page is named as such, not as a bad entry.
        integrity = IntegrityCheck(ledger.engine)
        witness, unusable = witness_for_verify(ledger.home, ledger.identity)  # before the snapshot
        # Every table is read in one snapshot: another desktop appending meanwhile adds entries and
        # changes tables this verify then never sees, rather than tables it cannot explain.
        with ledger.snapshot() as conn:
            try:
                total = report.entries = entry_count(conn)
                if jobs > 1 and total >= 4 * chunk_size:  # worker processes: the check first, as they need the cores
                    _sound(integrity)
                try:
                    _replay_all(ledger, conn, replay, jobs, total, progress, should_cancel, chunk_size)
                except (BrokenProcessPool, OSError):
                    # Worker processes could not start or died (a restricted machine, a broken frozen
                    # build): verify again, from the start, in this process alone.
                    report.warnings.append(
                        "Worker processes were not available; the ledger was verified in one process."
                    )
                    replay = _Replay(ledger.identity)
                    _replay_all(ledger, conn, replay, 1, total, progress, should_cancel, chunk_size)
            except (Cancelled, KeyboardInterrupt):
                integrity.cancel()
                raise
            except BaseException:
                _sound(integrity)  # what the replay tripped over may be the damage itself
                raise
            _sound(integrity)
            if unusable is not None:  # told after what the replay finds, as it always was
                raise _Bad(None, unusable)
            _check_witness(ledger, witness, replay, report)
            _check_tree(conn, replay)
            _check_projection(ledger, conn, replay)
            _check_once(conn, replay)
            _check_compliance(conn, replay)
        _check_cosignatures(ledger)
        if total == 0:
            raise _Bad(0, "The ledger has no entries, not even its first.")
        _remember(ledger, replay)
    except _Bad as bad:
        report.ok, report.first_bad, report.reason = False, bad.index, bad.reason
    except LedgerDamaged as damage:
        report.ok, report.first_bad, report.reason = False, None, str(damage)
    finally:
        report.deeds = len(replay.state.deeds())
        # Freed by reference counting while the collector is still off: turned back on first, it would walk
        # the replay's millions of objects (all still in its youngest generation) before they went.
        del replay
        if collecting:
            gc.enable()
    try:
        if guards_present(ledger.engine) is False:
            report.warnings.append("The append-only guard on the entries table has been removed from the database.")
    except LedgerDamaged as damage:
        if report.ok:
            report.ok, report.reason = False, str(damage)
    report.seconds = time.perf_counter() - started
    return report


def damaged_report(damage: LedgerDamaged) -> VerifyReport:
    """The report for a ledger whose database could not even be opened."""
    return VerifyReport(ok=False, entries=0, seconds=0.0, reason=str(damage))
