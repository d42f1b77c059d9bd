"""The ledger view's reads (core.browse) answer as the plain queries do, on SQLite and PostgreSQL:
its length (the last index + 1), the kinds (a loose scan of the kind index), and the indexes of a
kind, which for a kind nearly every entry is of come back as the ledger's indexes without the
others (`IndexesBut`)."""

from __future__ import annotations

from bisect import bisect_left
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from core import browse, projection
from core.browse import IndexesBut, entry_indexes, entry_kinds, ledger_length
from core.checkpoints import make_checkpoint
from core.projection import load_deeds
from tests.helpers import World, make_world, sell_with_liens


@st.composite
def sizes_and_missing(draw: st.DrawFn) -> tuple[int, list[int]]:
    size = draw(st.integers(0, 60))
    missing = draw(st.lists(st.integers(0, max(size - 1, 0)), unique=True, max_size=size)) if size else []
    return size, sorted(missing)


@given(sizes_and_missing(), st.data())
def test_indexes_but_is_the_list_it_stands_for(case: tuple[int, list[int]], data: st.DataObject) -> None:
    size, missing = case
    kept = [i for i in range(size) if i not in set(missing)]
    seq = IndexesBut(size, missing)
    assert len(seq) == len(kept) and list(seq) == kept and seq == kept
    assert [seq[i] for i in range(-len(kept), 0)] == kept
    assert [seq[i] for i in range(len(kept))] == kept
    start, stop, step = (
        data.draw(st.integers(-70, 70) | st.none()),
        data.draw(st.integers(-70, 70) | st.none()),
        data.draw(st.sampled_from([None, 1, 2, 3, -1, -2])),
    )
    assert seq[start:stop:step] == kept[start:stop:step]
    for value in range(-1, size + 1):  # how the ledger view finds an entry's row
        assert bisect_left(seq, value) == bisect_left(kept, value)
    for bad in (len(kept), -len(kept) - 1):
        with pytest.raises(IndexError):
            seq[bad]


def _world(tmp_path: Path, database: str, postgres_url: str | None) -> World:
    return make_world(tmp_path / database, "Browse County", postgres_url)


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_ledger_views_reads_answer_as_the_plain_queries(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    world = _world(tmp_path, database, url)
    for i in range(12):
        world.register(f"BR-{i}", world.operator.address)
    sell_with_liens(world, "BR-SOLD", price="100000", lien="50000", currency="USD")  # a lien, a transfer, a lien
    make_checkpoint(world.ledger, world.operator)
    ledger = world.ledger
    with ledger.engine.connect() as conn:
        plain = {
            str(kind): [
                int(i)
                for i in conn.execute(
                    text("SELECT idx FROM entries WHERE kind = :k ORDER BY idx"), {"k": kind}
                ).scalars()
            ]
            for kind in conn.execute(text("SELECT DISTINCT kind FROM entries")).scalars()
        }
    assert entry_kinds(ledger) == sorted(plain) == ["Checkpoint", "LedgerGenesis", "Lien", "RegisterDeed", "Transfer"]
    assert len(plain["RegisterDeed"]) == 13
    assert ledger_length(ledger) == ledger.size() == sum(len(indexes) for indexes in plain.values()) == 18

    with mock.patch.object(browse, "DENSE", 4):  # 13 registrations, 5 others: too many others
        assert not isinstance(entry_indexes(ledger, kind="RegisterDeed"), IndexesBut)
    with mock.patch.object(browse, "DENSE", 5):  # now the others are few enough
        for kind, indexes in plain.items():
            found = entry_indexes(ledger, kind=kind)
            assert isinstance(found, IndexesBut) == (kind == "RegisterDeed")
            assert found == indexes and list(found[-200:]) == indexes[-200:]
        # An entry recorded after the length was read is not shown (the view reads as of one size).
        with mock.patch.object(browse, "ledger_size", return_value=10):
            assert entry_indexes(ledger, kind="RegisterDeed") == [i for i in plain["RegisterDeed"] if i < 10]
    sold = ledger.entry(plain["Transfer"][0]).deed_id
    with ledger.engine.connect() as conn:
        about = conn.execute(text("SELECT idx FROM entries WHERE deed_id = :d ORDER BY idx"), {"d": sold}).scalars()
        expected = [int(i) for i in about]
    assert len(expected) == 4 and entry_indexes(ledger, deed_id=sold) == expected  # registered, lien, sold, lien


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_many_deeds_read_at_once_are_the_deeds_read_one_by_one(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    world = _world(tmp_path, database, url)
    for i in range(7):
        world.register(f"MD-{i}", world.operator.address)
    sold = sell_with_liens(world, "MD-SOLD", price="100000", lien="50000", currency="USD").deed
    ledger = world.ledger
    one_by_one = [ledger.deed(i) for i in ledger.deed_ids()]
    assert len(one_by_one[sold - 1].liens) == 2 and len(one_by_one) == 8
    with mock.patch.object(projection, "DEEDS_AT_ONCE", 3):  # across chunks
        assert ledger.deeds() == one_by_one
        assert ledger.deeds(search="MD-SOLD") == [one_by_one[sold - 1]]
        with ledger.engine.connect() as conn:  # in the order asked, a deed that is not there left out
            assert load_deeds(conn, [sold, 99, 2, 1]) == [one_by_one[sold - 1], one_by_one[1], one_by_one[0]]
