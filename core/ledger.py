"""The ledger service: open or create a ledger, append signed entries, read it back.

Every change goes through `Ledger.append`, which checks each entry's signatures
and rules against the current state and writes the entries and the projections
in one transaction: all of a batch is recorded, or none of it.
"""

from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from sqlalchemy import Connection, Engine, func, insert, select, text
from sqlalchemy.exc import DatabaseError, IntegrityError

from core import deed_search
from core.compliance.store import write_compliance
from core.entries import Entry, SignatureRecord, chain_hash, entry_leaf_hash
from core.errors import DeedbookError, LedgerDamaged, NotFound, Remedy, RuleViolation
from core.identity import LedgerIdentity
from core.keys import UnlockedKey
from core.kinds import apply_entry, check_signatures, digest_for, get_kind
from core.paths import DataDir
from core.projection import DbState, find_once, load_deed, load_deeds, write_deeds, write_once
from core.tree import LedgerTree
from core.treestore import stored_tree, write_nodes
from core.watch import ledger_size, notify
from core.state import ApplyContext, DeedState, LedgerState, OnceKey
from sqlmodel import col

from core.store import (
    LOCK_WAIT_SECONDS,
    WRITE_LOCK,
    DeedRow,
    EntryRow,
    LedgerRow,
    check_schema,
    is_lock_timeout,
    make_engine,
    migrate,
    schema_version,
    sqlite_read_only_url,
)

# The snapshot each engine's reads are pinned to in this thread (Ledger.snapshot); a context variable,
# since the GUI reads off the UI thread and the watcher in its own: each thread pins its own.
_PINNED: ContextVar[dict[Engine, Connection]] = ContextVar("deedbook_pinned_snapshot")


def _refuse_absent_sqlite_file(db_url: str) -> None:
    """A --db-url naming a SQLite file that is not there, or empty, holds no ledger: say so before connecting,
    which would make the file and write the schema into it (a command that only reads left a database)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(db_url)
    except (ArgumentError, ValueError):  # unparsable, a port that is no number: make_engine says so
        return
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:") or url.database.startswith("file:"):
        return
    path = Path(url.database)
    if not path.exists() or (path.is_file() and path.stat().st_size == 0):
        raise NotFound(f"There is no ledger in the database {path}.")


def _no_ledger_in_database(db_url: str) -> str:
    from core.shown_urls import shown_if_plain

    return f"There is no ledger in the database {shown_if_plain(db_url) or 'at the URL given'}."


def _pinned() -> dict[Engine, Connection]:
    return _PINNED.get({})


# Every number the ledger stores fits a 64-bit integer column (SQLite's, PostgreSQL's BIGINT); a number a person
# types beyond it names nothing here (the driver would refuse it with an OverflowError, not a sentence).
DB_INT_LIMIT = 2**63

Progress = Callable[[int, int], None]
Build = Callable[[LedgerState], Sequence[Entry]]  # entries made from the ledger as it is inside the write lock


@dataclass(frozen=True)
class RecordedEntry:
    index: int
    kind: str
    deed_id: int | None
    message: dict[str, Any]
    signatures: tuple[SignatureRecord, ...]
    recorded_at: int
    leaf_hash: bytes
    chain_hash: bytes

    @property
    def entry(self) -> Entry:
        return Entry(self.kind, self.message, self.signatures)

    def describe(self) -> str:
        return get_kind(self.kind).describe(self.message)

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "kind": self.kind,
            "deed_id": self.deed_id,
            "hash": "0x" + self.leaf_hash.hex(),
            "chain_hash": "0x" + self.chain_hash.hex(),
            "recorded_at": self.recorded_at,
            "summary": self.describe(),
            "message": self.message,
            "signers": [{"role": s.role, "address": s.signer} for s in self.signatures],
            "signatures": [s.as_json() for s in self.signatures],
        }

    @classmethod
    def from_row(cls, row: Any) -> "RecordedEntry":
        """An entry as stored; one whose columns cannot be read as an entry of its kind is damage,
        said in a sentence here rather than as a KeyError wherever the entry is shown."""
        try:
            message = json.loads(row.message)
            get_kind(row.kind).check_message(message)  # type: ignore[attr-defined]
            return cls(
                index=int(row.idx),
                kind=row.kind,
                deed_id=row.deed_id,
                message=message,
                signatures=tuple(SignatureRecord.from_json(s) for s in json.loads(row.signatures)),
                recorded_at=int(row.recorded_at),
                leaf_hash=bytes.fromhex(row.leaf_hash[2:]),
                chain_hash=bytes.fromhex(row.chain_hash[2:]),
            )
        except (DeedbookError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            which = f"Entry {row.idx}" if type(row.idx) is int else "An entry"
            raise LedgerDamaged(
                f"{which} in the ledger database is damaged: it cannot be read as a ledger entry "
                "(run 'deedbook verify')."
            ) from None


def _reason(error: DatabaseError) -> str:
    return str(getattr(error, "orig", error)).strip().rstrip(".")


def _database_error(error: DatabaseError) -> DeedbookError:
    return DeedbookError(f"The ledger database cannot be used: {getattr(error, 'orig', error)}.")


class Ledger:
    lock_wait = LOCK_WAIT_SECONDS  # how long one attempt waits for the write lock
    lock_attempts = 3

    def __init__(self, home: DataDir, engine: Engine, identity: LedgerIdentity) -> None:
        self.home = home
        self.engine = engine
        self.identity = identity

    # -- opening ---------------------------------------------------------
    @staticmethod
    def _engine(
        home: DataDir, db_url: str | None, *, create: bool, on_upgrade: Callable[[str], None] | None = None
    ) -> Engine:
        if db_url is None:
            if not create and not home.database.exists():
                raise NotFound(f"There is no ledger in {home.root}.", remedy=Remedy.CHOOSE_DATA_FOLDER)
            if home.read_only:  # an auditor's DVD, a read-only mount: read, never migrate or write
                if create:
                    home.require_writable("creating a ledger")
                engine = make_engine(sqlite_read_only_url(home.database), read_only=True)
                check_schema(engine, read_only=True)
                return engine
            home.ensure().ensure_database_file()
        elif not create:
            _refuse_absent_sqlite_file(db_url)
        engine = make_engine(db_url or home.default_db_url)
        if db_url is not None and not create and schema_version(engine) is None:
            engine.dispose()  # a database with no ledger's schema: opening it must not write one into it
            raise NotFound(_no_ledger_in_database(db_url))
        try:
            migrate(engine, on_upgrade)
        except DatabaseError as error:
            raise _database_error(error) from None
        return engine

    @classmethod
    def open(
        cls,
        home: DataDir,
        db_url: str | None = None,
        *,
        on_upgrade: Callable[[str], None] | None = None,
        finishing: bool = False,
    ) -> "Ledger":
        """The ledger in `home` (or at `db_url`), its schema brought up to date first (`on_upgrade`
        hears one sentence before an upgrade: core.store.migrate).  A replica whose first sync did not
        finish is refused in one sentence, but to the sync that finishes it (`finishing`)."""
        from core.replica_start import unfinished

        half_made = None if finishing else unfinished(home)
        if half_made is not None:
            raise DeedbookError(half_made)
        engine = cls._engine(home, db_url, create=False, on_upgrade=on_upgrade)
        try:
            with engine.connect() as conn:
                row = conn.execute(select(LedgerRow)).first()
        except DatabaseError as error:
            raise _database_error(error) from None
        if row is None:
            with engine.connect() as conn:
                if conn.execute(select(func.count()).select_from(EntryRow)).scalar_one():
                    raise LedgerDamaged("The ledger database is damaged: it has entries but no ledger identity.")
            if db_url is not None:  # the database named, not the data folder (it said the folder's name)
                raise NotFound(_no_ledger_in_database(db_url))
            raise NotFound(f"There is no ledger in {home.root}.", remedy=Remedy.CHOOSE_DATA_FOLDER)
        try:
            identity = LedgerIdentity(bytes.fromhex(row.ledger_id[2:]), row.name, row.operator, int(row.chain_id))
            if len(identity.ledger_id) != 32 or not isinstance(row.name, str) or not isinstance(row.operator, str):
                raise ValueError
        except (ValueError, TypeError, AttributeError):
            raise LedgerDamaged("The ledger database is damaged: its ledger identity cannot be read.") from None
        return cls(home, engine, identity)

    @classmethod
    def create(
        cls,
        home: DataDir,
        db_url: str | None,
        name: str,
        operator: UnlockedKey,
        *,
        chain_id: int = 1,
        recorded_at: int | None = None,
    ) -> "Ledger":
        """A new ledger in `home`, its genesis recorded now (or at `recorded_at`: a demo that tells a past)."""
        from core.replica_start import unfinished

        name = name.strip()
        if not name:
            raise DeedbookError("A ledger needs a name.")
        if (half_made := unfinished(home)) is not None:  # its own ledger would mix with the replica's batches
            raise DeedbookError(half_made)
        engine = cls._engine(home, db_url, create=True)
        taken = f"There is a ledger in {home.root} already."
        with engine.connect() as conn:
            if conn.execute(select(LedgerRow)).first() is not None:
                raise DeedbookError(taken, remedy=Remedy.OTHER_DATA_FOLDER)
        identity = LedgerIdentity(os.urandom(32), name, operator.address, chain_id)
        ledger = cls(home, engine, identity)
        genesis = ledger.sign(
            "LedgerGenesis",
            {"ledgerId": identity.ledger_id_hex, "name": name, "operator": operator.address},
            operator,
            "operator",
        )

        def claim(conn: Connection) -> None:  # in the write lock: a second `init` racing this one finds it here
            if conn.execute(select(LedgerRow)).first() is not None:
                raise DeedbookError(taken, remedy=Remedy.OTHER_DATA_FOLDER)
            conn.execute(
                insert(LedgerRow).values(
                    ledger_id=identity.ledger_id_hex,
                    name=name,
                    operator=operator.address,
                    chain_id=chain_id,
                    created_at=int(time.time()),
                )
            )

        ledger.append([genesis], recorded_at=recorded_at, _before=claim)
        return ledger

    def close(self) -> None:
        self.engine.dispose()

    # -- writing ---------------------------------------------------------
    def sign(
        self, kind: str, message: dict[str, Any], key: UnlockedKey, role: str, signed_type: str | None = None
    ) -> Entry:
        """An entry carrying one signature by `key` (more can be added with `cosign`)."""
        return self.cosign(Entry(kind, message), key, role, signed_type)

    def cosign(self, entry: Entry, key: UnlockedKey, role: str, signed_type: str | None = None) -> Entry:
        signed_type = signed_type or entry.kind
        digest = digest_for(self.identity, get_kind(entry.kind), entry.message, signed_type)
        record = SignatureRecord(role, key.address, key.sign(digest), signed_type)
        return Entry(entry.kind, entry.message, (*entry.signatures, record))

    def append(
        self,
        entries: Sequence[Entry],
        *,
        recorded_at: int | Sequence[int] | None = None,
        _before: Callable[[Connection], Any] | None = None,
    ) -> list[int]:
        """Check and record `entries`, signed already, in one transaction; returns their indexes.

        `recorded_at` is the recording time of all of them (default: now), or one time per
        entry (a replica copies the times its source recorded, which its leaves bind).

        Any broken rule or bad signature raises `RuleViolation` naming the entry,
        and nothing of the batch is written.  Entries signed elsewhere keep what
        they were signed for: one made for a deed version that another writer
        has moved on is refused as stale.
        """
        if not entries:
            return []
        batch = list(entries)
        return self.append_built(lambda _state: batch, recorded_at=recorded_at, _before=_before)

    def append_built(
        self,
        build: Build,
        *,
        recorded_at: int | Sequence[int] | None = None,
        _before: Callable[[Connection], Any] | None = None,
    ) -> list[int]:
        """Build entries from the ledger as it is inside the write lock, check and record them.

        `build(state)` computes what depends on the ledger (the next deed or lien
        number, a deed's version, a checkpoint's size and root) and signs; it runs
        while this process holds the database's write lock, so no other writer can
        make it stale, and again from scratch if an attempt has to be repeated.
        A writer that cannot get the lock within `lock_wait` seconds tries
        `lock_attempts` times, then gives up with one sentence.
        """
        for attempt in range(1, self.lock_attempts + 1):
            try:
                return self._append_locked(build, recorded_at, _before)
            except IntegrityError as error:  # only without a write lock, or with damaged deed tables
                if attempt == self.lock_attempts:
                    raise DeedbookError(
                        f"The ledger database refused the write ({_reason(error)}); nothing was "
                        "written: 'deedbook verify' checks the ledger."
                    ) from None
            except DatabaseError as error:
                if not is_lock_timeout(error):
                    raise _database_error(error) from None
                if attempt == self.lock_attempts:
                    raise DeedbookError(
                        f"The ledger is busy: another program kept it locked for writing for over "
                        f"{self.lock_wait * self.lock_attempts:g} seconds; nothing was written, "
                        "try again."
                    ) from None
        raise AssertionError("unreachable")  # lock_attempts >= 1

    def _write(self) -> Connection:
        """A connection whose transaction takes the database's write lock (core.store.WRITE_LOCK)."""
        self.refuse_write_in_snapshot()
        return self.engine.connect().execution_options(**{WRITE_LOCK: self.lock_wait})

    def _append_locked(
        self, build: Build, recorded_at: int | Sequence[int] | None, before: Callable[[Connection], Any] | None
    ) -> list[int]:
        with self._write() as conn, conn.begin():
            if before is not None:
                before(conn)
            clock = int(time.time()) if recorded_at is None else recorded_at  # the time it is recorded, in the lock
            last = conn.execute(
                select(col(EntryRow.idx), col(EntryRow.chain_hash)).order_by(col(EntryRow.idx).desc()).limit(1)
            ).first()
            start = 0 if last is None else last.idx + 1
            previous = self.identity.ledger_id if last is None else bytes.fromhex(last.chain_hash[2:])
            state = DbState(conn, self.identity, start)
            entries = list(build(state))  # build reads the state; the rules below change it
            if not entries:
                return []
            times = [clock] * len(entries) if isinstance(clock, int) else list(clock)
            if len(times) != len(entries):
                raise ValueError("one recording time per entry")
            rows = []
            for offset, (entry, now) in enumerate(zip(entries, times, strict=True)):
                index = start + offset
                try:
                    digest = check_signatures(self.identity, entry)
                    deed_id = apply_entry(state, entry, ApplyContext(index, now))
                except RuleViolation as broken:
                    where = f"Entry {offset + 1} of {len(entries)}: " if len(entries) > 1 else ""
                    raise RuleViolation(f"{where}{broken}") from None
                except (KeyError, TypeError, ValueError) as malformed:
                    raise RuleViolation(f"The {entry.kind} entry is malformed ({malformed}).") from None
                leaf = entry_leaf_hash(now, digest, entry.signatures)
                previous = chain_hash(previous, leaf)
                state.record(index, entry.kind, leaf, deed_id)
                rows.append(
                    {
                        "idx": index,
                        "kind": entry.kind,
                        "deed_id": deed_id,
                        "signers": " ".join(s.signer.lower() for s in entry.signatures),
                        "message": entry.message_json(),
                        "signatures": entry.signatures_json(),
                        "recorded_at": now,
                        "leaf_hash": "0x" + leaf.hex(),
                        "chain_hash": "0x" + previous.hex(),
                    }
                )
            conn.execute(insert(EntryRow), rows)
            write_nodes(conn, state.new_nodes)
            notify(conn, start + len(entries))  # other desktops on a shared ledger hear of it at commit
            write_deeds(conn, [state.deed(d) for d in sorted(state.dirty)])
            write_once(conn, state.once)
            write_compliance(conn, state.compliance)
        return [start + i for i in range(len(entries))]

    # -- reading ---------------------------------------------------------
    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """Read one moment of the ledger, whatever other desktops and command lines append meanwhile.

        A read-only transaction that sees the ledger as it was at its first read: SQLite's deferred
        transaction in WAL mode is such a snapshot; PostgreSQL's needs REPEATABLE READ.  While it is
        open, every read method of this ledger called in this thread (entries, checkpoints, the tree,
        deeds, `reader()`) reads through it, so a reader that combines several reads (a proof, an
        export, a certificate, verify) sees entries and the tables built from them at one moment.
        Nested use joins the outer snapshot.  Appending inside one is refused; it is rolled back."""
        pinned = _pinned().get(self.engine)
        if pinned is not None:
            yield pinned
            return
        with self.engine.connect() as conn:
            postgres = conn.dialect.name == "postgresql"
            if postgres:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            transaction = conn.begin()
            # Read-only in PostgreSQL too: a write through `reader()` fails rather than vanish in the rollback.
            # (Not SQLite's query_only: its refusal would be reported as a read-only data folder.)
            if postgres:
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            token = _PINNED.set({**_pinned(), self.engine: conn})
            try:
                yield conn
            finally:
                _PINNED.reset(token)
                transaction.rollback()

    def reading_snapshot(self) -> bool:
        """Whether this thread is inside `snapshot()` of this ledger."""
        return self.engine in _pinned()

    @contextmanager
    def reader(self) -> Iterator[Connection]:
        """A connection to read with: the snapshot's inside `snapshot()`, else a connection of its own."""
        pinned = _pinned().get(self.engine)
        if pinned is not None:
            yield pinned
            return
        with self.engine.connect() as conn:
            yield conn

    def refuse_write_in_snapshot(self) -> None:
        """Writes are not made from inside a read of one moment: a write decides from the ledger as it is
        in the write lock (append_built), never from an older moment, and the snapshot would not see it."""
        if self.reading_snapshot():
            raise DeedbookError("Nothing can be written to the ledger while reading one moment of it (a snapshot).")

    def size(self) -> int:
        with self.reader() as conn:
            return entry_count(conn)

    def entry(self, index: int) -> RecordedEntry:
        row = None
        if 0 <= index < DB_INT_LIMIT:
            with self.reader() as conn:
                row = conn.execute(select(EntryRow).where(col(EntryRow.idx) == index)).first()
        if row is None:
            raise NotFound(f"There is no entry {index}: the ledger has {self.size()} entries (0 to {self.size() - 1}).")
        return RecordedEntry.from_row(row)

    def entries(
        self, start: int = 0, stop: int | None = None, *, kind: str | None = None, signer: str | None = None
    ) -> list[RecordedEntry]:
        query = select(EntryRow).where(col(EntryRow.idx) >= start).order_by(col(EntryRow.idx))
        if stop is not None:
            query = query.where(col(EntryRow.idx) < stop)
        if kind is not None:
            query = query.where(col(EntryRow.kind) == kind)
        if signer is not None:
            query = query.where(col(EntryRow.signers).contains(signer.lower()))
        with self.reader() as conn:
            return [RecordedEntry.from_row(row) for row in conn.execute(query)]

    def iter_entries(self, batch: int = 5000) -> Iterator[RecordedEntry]:
        start = 0
        while chunk := self.entries(start, start + batch):
            yield from chunk
            start += batch

    def leaves(self, size: int | None = None) -> list[bytes]:
        query = select(col(EntryRow.leaf_hash)).order_by(col(EntryRow.idx))
        if size is not None:
            query = query.where(col(EntryRow.idx) < size)
        with self.reader() as conn:
            return [bytes.fromhex(h[2:]) for h in conn.execute(query).scalars()]

    def resolve_deed(self, reference: str | int) -> int:
        """A deed number, or a parcel number, as a person types it."""
        text_ref = str(reference).strip()
        with self.reader() as conn:
            if text_ref.isdigit() and int(text_ref) < DB_INT_LIMIT:
                found = conn.execute(select(col(DeedRow.deed_id)).where(col(DeedRow.deed_id) == int(text_ref))).scalar()
                if found is not None:
                    return int(found)
            found = conn.execute(select(col(DeedRow.deed_id)).where(col(DeedRow.parcel) == text_ref)).scalar()
        if found is None:
            raise NotFound(f"There is no deed '{text_ref}' (give a deed number or a parcel number).")
        return int(found)

    def deed(self, reference: str | int) -> DeedState:
        deed_id = self.resolve_deed(reference)
        with self.reader() as conn:
            deed = load_deed(conn, deed_id)
        assert deed is not None
        return deed

    def deeds(self, *, search: str | None = None, limit: int | None = None, offset: int = 0) -> list[DeedState]:
        with self.snapshot() as conn:  # the deeds that match, as they are at that moment
            return load_deeds(conn, self.deed_ids(search=search, limit=limit, offset=offset))

    def deed_ids(
        self,
        *,
        search: str | None = None,
        order_by: str = "deed_id",
        descending: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[int]:
        """Deed numbers matching `search` (parcel, address or owner), sorted in SQL (core.deed_search)."""
        with self.reader() as conn:
            return deed_search.deed_ids(
                conn, search, order_by=order_by, descending=descending, limit=limit, offset=offset
            )

    def deed_count(self, *, search: str | None = None, at_most: int | None = None) -> int:
        """How many deeds there are (that match `search`, with the same rule as `deed_ids`);
        with `at_most`, at_most + 1 means "more than at_most" (counting stops there)."""
        with self.reader() as conn:
            return deed_search.deed_count(conn, search, at_most=at_most)

    def history(self, reference: str | int) -> list[RecordedEntry]:
        deed_id = self.resolve_deed(reference)
        with self.reader() as conn:
            rows = conn.execute(select(EntryRow).where(col(EntryRow.deed_id) == deed_id).order_by(col(EntryRow.idx)))
            return [RecordedEntry.from_row(row) for row in rows]

    def latest_checkpoint(self, covering: int | None = None) -> RecordedEntry | None:
        """The newest checkpoint entry (one that covers entry `covering`, if given).

        Read newest first, one at a time: the newest nearly always covers, so a proof on a ledger
        of many checkpoints does not parse them all."""
        query = select(EntryRow).where(col(EntryRow.kind) == "Checkpoint").order_by(col(EntryRow.idx).desc())
        if covering is not None:
            query = query.where(col(EntryRow.idx) > covering)  # a checkpoint covers only entries before it
        with self.reader() as conn:
            for row in conn.execute(query):
                entry = RecordedEntry.from_row(row)
                if covering is None or entry.message["size"] > covering:
                    return entry
        return None

    def used_once(self, key: OnceKey) -> int | None:
        """The entry that used a one-time value (core.kinds.OneTime.key), or None."""
        with self.reader() as conn:
            return find_once(conn, key)

    def tree(self) -> LedgerTree:
        """The Merkle tree of the entries recorded so far (roots, inclusion and consistency proofs),
        read from its stored nodes: each question costs O(log n)."""
        return stored_tree(self.reader)

    def merkle_root(self, size: int | None = None) -> bytes:
        return self.tree().root(self.size() if size is None else size)

    def registrars(self) -> list[str]:
        # A state of size 0 reads no AddRegistrar: give it the ledger's size, as the last index + 1
        # (an index lookup; count(*) reads every entry: 70 ms on PostgreSQL at 1,000,000 entries).
        with self.reader() as conn:
            return sorted(DbState(conn, self.identity, ledger_size(conn)).registrars)

    def raw_execute(self, sql: str) -> None:
        """For tests and repair tools only."""
        self.refuse_write_in_snapshot()
        with self.engine.begin() as conn:
            conn.execute(text(sql))


def entry_count(conn: Connection) -> int:
    """How many entries the table holds (counted: a gap left by tampering must not hide in max(idx))."""
    return int(conn.execute(select(func.count()).select_from(EntryRow)).scalar_one())
