"""`Ledger.snapshot()` pins every read of that ledger in this thread to one moment (core/ledger.py):
what another desktop appends meanwhile is not seen until it ends, nested use joins it, other threads read
on their own, and nothing can be appended from inside one."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from core.errors import DeedbookError
from core.ledger import Ledger
from core.one_moment import one_moment
from tests.core.busy_ledger import db_url
from tests.helpers import World, make_world

__all__ = ["db_url"]  # the fixture, both engines


def _world(tmp_path: Path, db_url: str | None) -> World:
    world = make_world(tmp_path / "office", "Pinned County", db_url)
    world.register("P-1", world.operator.address)
    return world


def _seen(ledger: Ledger) -> tuple[int, int, int, bytes, int]:
    """What several read methods say of the ledger's size, each on its own."""
    size = ledger.size()
    return size, len(ledger.entries()), len(ledger.leaves()), ledger.tree().root(size), len(ledger.deed_ids())


def test_reads_inside_a_snapshot_do_not_see_what_another_desktop_appends(tmp_path: Path, db_url: str | None) -> None:
    world = _world(tmp_path, db_url)
    reader = Ledger.open(world.home, db_url)  # another desktop's: its own engine and connections
    with reader.snapshot():
        before = _seen(reader)
        world.register("P-2", world.operator.address)
        assert _seen(reader) == before  # every method reads the snapshot's moment
        assert reader.deed_ids() == [1] and reader.latest_checkpoint() is None
    after = _seen(reader)
    assert after[0] == before[0] + 1 and reader.deed_ids() == [1, 2]


def test_nested_snapshots_and_one_moment_readers_join_the_outer_one(tmp_path: Path) -> None:
    world = _world(tmp_path, None)
    reader = Ledger.open(world.home)

    @one_moment
    def size_in(ledger: Ledger) -> int:
        return ledger.size()

    with reader.snapshot() as outer:
        assert reader.size() == 2  # the moment is the first read's
        world.register("P-2", world.operator.address)
        with reader.snapshot() as inner, reader.reader() as plain:
            assert inner is outer and plain is outer
        assert size_in(reader) == 2  # the outer moment, not a new snapshot's
    assert size_in(reader) == 3 and not reader.reading_snapshot()


def test_other_threads_read_on_their_own(tmp_path: Path) -> None:
    world = _world(tmp_path, None)
    reader = Ledger.open(world.home)
    seen: list[tuple[bool, int]] = []
    with reader.snapshot():
        assert reader.size() == 2  # the moment is the first read's
        world.register("P-2", world.operator.address)
        thread = threading.Thread(target=lambda: seen.append((reader.reading_snapshot(), reader.size())))
        thread.start()
        thread.join()
        assert reader.size() == 2
    assert seen == [(False, 3)]  # a GUI worker or the watcher is not pinned by another thread's snapshot


def test_nothing_is_appended_from_inside_a_snapshot(tmp_path: Path, db_url: str | None) -> None:
    world = _world(tmp_path, db_url)
    with world.ledger.snapshot(), pytest.raises(DeedbookError, match="while reading one moment"):
        world.register("P-2", world.operator.address)
    assert world.ledger.size() == 2 and world.ledger.deed_ids() == [1]
    world.register("P-2", world.operator.address)  # after it, as before
    assert world.ledger.deed_ids() == [1, 2]


def test_a_postgresql_snapshot_is_read_only_in_the_database_too(tmp_path: Path, postgres_url: str) -> None:
    world = _world(tmp_path, postgres_url)
    with world.ledger.snapshot(), world.ledger.reader() as conn, pytest.raises(DatabaseError):
        conn.execute(text("DELETE FROM cosignatures"))  # not through the ledger: still refused
    assert world.ledger.size() == 2
    # the pooled connection it used writes again afterwards: READ ONLY was its transaction's only
    for parcel in ("P-2", "P-3"):
        world.register(parcel, world.operator.address)
    assert world.ledger.deed_ids() == [1, 2, 3]
