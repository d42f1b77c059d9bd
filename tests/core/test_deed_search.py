"""Deed search through the trigram index (core.deed_search, migrations 0014 and 0016) gives exactly the rows
of the plain rule (parcel, address or owner contains the text, ASCII case ignored, % and _
literal), in the same order, on SQLite and PostgreSQL; the index follows every deed write."""

from __future__ import annotations

import atexit
import logging
import uuid
from pathlib import Path
from typing import Any, Iterator
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, event, insert, make_url, or_, select, text
from sqlmodel import col

from core import deed_search
from core.deeds import register_deed
from core.errors import DeedbookError
from core.ledger import Ledger
from core.store import LIKE_ESCAPE, SCHEMA_HEAD, DeedRow, like_contains, make_engine, migrate
from core.keys import KeyStore, UnlockedKey
from core.paths import DataDir
from tests import postgres
from tests.helpers import PASSWORD, make_world, sell_with_liens

# Characters that stress each layer: LIKE's wildcards and escape, FTS5 query syntax (quotes,
# operators, column filters, prefix stars), ASCII case, non-ASCII case (LIKE keeps it, FTS5
# folds it), a letter whose fold is longer (ß), and a character outside the BMP.
ALPHABET = "aAbBzZ09 %_\\\"'*:^()-.éÉßİı😀\x01"  # (U+0001: the index's separator after each value)
texts = st.text(ALPHABET, min_size=0, max_size=8)
searches = st.text(ALPHABET, min_size=1, max_size=5)


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[tuple[str, str, str]], str]:
    """Rows, and a search that is often a piece of one of them with its case changed."""
    rows = draw(st.lists(st.tuples(texts, texts, texts), max_size=8))
    values = [value for row in rows for value in row if value]
    if not values or draw(st.booleans()):
        return rows, draw(searches)
    value = draw(st.sampled_from(values))
    start = draw(st.integers(0, len(value) - 1))
    piece = value[start : start + draw(st.integers(1, 5))]
    # swapped case: ignored when ASCII, a different text otherwise (the index folds both: it must be rechecked)
    return rows, "".join(ch.swapcase() if len(ch.swapcase()) == 1 and draw(st.booleans()) else ch for ch in piece)


@st.composite
def crowded(draw: st.DrawFn) -> tuple[list[tuple[str, str, str]], str]:
    """Many rows made of a few values (so a search has many candidates), and a search that is often
    the end of one value joined to the start of another: trigrams that are all in the index but
    seldom, or never, next to each other (the case the planner reads candidates for)."""
    pool = draw(st.lists(st.text(ALPHABET, min_size=3, max_size=8), min_size=1, max_size=4))
    rows = draw(st.lists(st.tuples(*(st.sampled_from(pool),) * 3), min_size=4, max_size=30))
    first, second = draw(st.sampled_from(pool)), draw(st.sampled_from(pool))
    search = first[draw(st.integers(0, len(first) - 1)) :] + second[: draw(st.integers(1, len(second)))]
    return rows, draw(st.sampled_from([search, search.swapcase(), first]))


@st.composite
def straddling(draw: st.DrawFn) -> tuple[list[tuple[str, str, str]], str]:
    """Rows, and a search that is the end of one value, maybe U+0001s, and the start of the next value
    of the same row: a phrase that only the index's separators (and columns) keep from matching."""
    rows = draw(st.lists(st.tuples(*(st.text(ALPHABET, min_size=1, max_size=6),) * 3), min_size=1, max_size=8))
    row = draw(st.sampled_from(rows))
    column = draw(st.integers(0, 1))
    first, second = row[column], row[column + 1]
    middle = draw(st.sampled_from(["", "\x01", "\x01\x01", "\x01\x01\x01"]))
    search = first[draw(st.integers(0, len(first) - 1)) :] + middle + second[: draw(st.integers(1, len(second)))]
    return rows, draw(st.sampled_from([search, search.swapcase()]))


@st.composite
def templated(draw: st.DrawFn) -> tuple[list[tuple[str, str, str]], str]:
    """Rows that are one template with a few of them changed (a county's addresses: every trigram of
    the template is in nearly every row), and a search made of pieces of the template, so that
    each of its trigrams is dense and the search itself is often in no row or in one (the searches
    asked as a rare piece of themselves)."""
    template = draw(st.text(ALPHABET, min_size=4, max_size=9))
    count = draw(st.integers(2, 40))
    odd = draw(st.dictionaries(st.integers(1, count), st.text(ALPHABET, min_size=1, max_size=9), max_size=3))
    rows = [(f"P-{i}", odd.get(i, template), template[::-1]) for i in range(1, count + 1)]
    pieces = st.tuples(st.integers(0, len(template) - 1), st.integers(1, len(template)))
    search = "".join(template[a : a + b] for a, b in draw(st.lists(pieces, min_size=1, max_size=3)))
    return rows, draw(st.sampled_from([search, search.swapcase(), search[::-1]]))


ORDERS = [("deed_id", False), ("address", True), ("parcel", False), ("owner", True)]


HITS = [0, 0]  # trigram searches that matched nothing / something


def ascii_fold(value: str) -> str:
    return "".join(ch.lower() if ch.isascii() else ch for ch in value)


def _fill(engine: Engine, rows: list[tuple[str, str, str]]) -> None:
    """The deeds table holding `rows` only (deeds 1, 2, ...): one statement of many rows, where a statement
    built and run per row cost a third of a property test's time; the triggers still run for each row."""
    with engine.begin() as conn:
        conn.execute(delete(DeedRow))  # the delete trigger takes them out of the index
        if not rows:
            return
        values = [
            {
                "deed_id": deed_id,
                "parcel": parcel,
                "parcel_key": f"{deed_id}",
                "address": address,
                "owner": owner,
                "legal": "",
                "attributes": "{}",
                "total_shares": 1,
                "holders_count": 1,
                "version": 1,
                "registered_index": deed_id,
                "updated_index": deed_id,
            }
            for deed_id, (parcel, address, owner) in enumerate(rows, start=1)
        ]
        conn.execute(insert(DeedRow), values)


def _plain(engine: Engine, search: str, order_by: str, descending: bool) -> list[int]:
    """The rule alone, no index: what every search answered before migration 0014."""
    query = select(col(DeedRow.deed_id)).where(deed_search.matches(engine.dialect.name, search.strip()))
    with engine.connect() as conn:
        return [int(i) for i in conn.execute(deed_search.ordered(query, order_by, descending)).scalars()]


# The planner's knobs, pushed to their ends so that small tables take every plan: candidates read
# (SEEK_COST 0) or the scan (a huge SEEK_COST) above FEW, estimates from one candidate or many,
# no count allowed (MANY 1), the phrase or its selective runs (PHRASE_READS 0), runs of absent
# trigrams only (SELECTIVE 0) or of every one (1).
KNOBS = st.fixed_dictionaries(
    {
        "FEW": st.sampled_from([1, 3, deed_search.FEW]),
        "SEEK_COST": st.sampled_from([0, deed_search.SEEK_COST, 10**9]),
        "MANY": st.sampled_from([1, deed_search.MANY]),
        "SAMPLE": st.sampled_from([1, deed_search.SAMPLE]),
        "PROBE": st.sampled_from([1, deed_search.PROBE]),
        "SELECTIVE": st.sampled_from([0.0, deed_search.SELECTIVE, 1.0]),
        "PHRASE_READS": st.sampled_from([0.0, deed_search.PHRASE_READS]),
        "WINDOW_ROWS": st.sampled_from([1, 4, deed_search.WINDOW_ROWS]),
        "WINDOW_RUNS": st.sampled_from([1, deed_search.WINDOW_RUNS]),
        "WINDOWS": st.sampled_from([1, deed_search.WINDOWS]),
        "json_supported": st.sampled_from([lambda: True, lambda: False]),  # (without: the query asked again)
    }
)


def _check(engine: Engine, rows: list[tuple[str, str, str]], search: str, knobs: dict[str, Any]) -> None:
    _fill(engine, rows)
    if not search.strip():
        return
    expected = {
        i for i, row in enumerate(rows, start=1) if any(ascii_fold(search.strip()) in ascii_fold(c) for c in row)
    }
    with mock.patch.multiple(deed_search, **knobs), engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert set(_plain(engine, search, "deed_id", False)) == expected  # the rule is what it says
        for order_by, descending in ORDERS:
            found = deed_search.deed_ids(conn, search, order_by=order_by, descending=descending)
            assert found == _plain(engine, search, order_by, descending), (search, order_by, descending)
            page = deed_search.deed_ids(conn, search, order_by=order_by, descending=descending, limit=2, offset=1)
            assert page == found[1:3]
        if len(search.strip()) >= deed_search.TRIGRAM:
            HITS[bool(found)] += 1  # (to check by hand that the generator reaches both outcomes)
        count = deed_search.deed_count(conn, search)
        assert count == len(found)
        assert deed_search.deed_count(conn, search, at_most=1) == min(count, 2)


@pytest.fixture(scope="module")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('search') / 'ledger.sqlite'}")
    migrate(engine)
    yield engine
    engine.dispose()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases(), knobs=KNOBS)
def test_sqlite_index_gives_the_rows_of_the_plain_rule(
    sqlite_engine: Engine, case: tuple[list[tuple[str, str, str]], str], knobs: dict[str, Any]
) -> None:
    _check(sqlite_engine, *case, knobs)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=crowded(), knobs=KNOBS)
def test_sqlite_plans_for_many_candidates_give_the_rows_of_the_plain_rule(
    sqlite_engine: Engine, case: tuple[list[tuple[str, str, str]], str], knobs: dict[str, Any]
) -> None:
    _check(sqlite_engine, *case, knobs)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=straddling(), knobs=KNOBS)
def test_sqlite_phrases_across_two_values_give_the_rows_of_the_plain_rule(
    sqlite_engine: Engine, case: tuple[list[tuple[str, str, str]], str], knobs: dict[str, Any]
) -> None:
    _check(sqlite_engine, *case, knobs)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=templated(), knobs=KNOBS)
def test_sqlite_searches_of_dense_trigrams_give_the_rows_of_the_plain_rule(
    sqlite_engine: Engine, case: tuple[list[tuple[str, str, str]], str], knobs: dict[str, Any]
) -> None:
    _check(sqlite_engine, *case, {**knobs, "PROBE": 1})  # (PROBE 1: a trigram of the first row is dense)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases())
def test_postgresql_trigram_index_gives_the_rows_of_a_sequential_scan(
    postgres_url: str, case: tuple[list[tuple[str, str, str]], str]
) -> None:
    rows, search = case
    engine = _pg_engine(postgres_url)
    _fill(engine, rows)
    if not search.strip():
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")  # the trigram indexes answer, however small the table
        indexed = deed_search.deed_ids(conn, search, order_by="address", descending=True)
        conn.exec_driver_sql("SET enable_seqscan = on")
        conn.exec_driver_sql("SET enable_bitmapscan = off")
        conn.exec_driver_sql("SET enable_indexscan = off")
        scanned = deed_search.deed_ids(conn, search, order_by="address", descending=True)
    assert indexed == scanned, search


PG_ALPHABET = ALPHABET + "0123456789-,#/ Kk\u212a\u0130\u00ad"  # digits and punctuation (LIKE's share), the Kelvin sign


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.tuples(*(st.text(PG_ALPHABET, max_size=10),) * 3), max_size=8),
    search=st.text(PG_ALPHABET, min_size=1, max_size=6),
    piece=st.booleans(),
)
def test_postgresql_rule_is_ilike_on_each_column(
    postgres_url: str, rows: list[tuple[str, str, str]], search: str, piece: bool
) -> None:
    """On PostgreSQL the rule is LIKE on the folded value (migration 0015, cheaper than ILIKE's
    lower-casing of every value): the rows must be those of ILIKE on each column."""
    if piece and rows and rows[0][1]:
        search = rows[0][1][len(rows[0][1]) // 2 :].swapcase() or search
    engine = _pg_engine(postgres_url)
    _fill(engine, rows)
    if not search.strip():
        return
    text = search.strip()
    pattern = like_contains(text)
    plain = or_(
        *(c.ilike(pattern, escape=LIKE_ESCAPE) for c in (col(DeedRow.parcel), col(DeedRow.address), col(DeedRow.owner)))
    )
    with engine.connect() as conn:
        expected = list(
            conn.execute(select(col(DeedRow.deed_id)).where(plain).order_by(col(DeedRow.deed_id))).scalars()
        )
    with engine.connect() as conn:
        assert deed_search.deed_ids(conn, text) == expected, text


_PG_ENGINES: dict[str, Engine] = {}
_MIGRATED: dict[str, str] = {}  # a server's URL: its database migrated once, which each test's is copied from


def _pg_engine(url: str) -> Engine:
    """One migrated engine per database (hypothesis calls the test many times with the same fixture).  The
    schema is migrated once per server and each test's database made a copy of it (CREATE DATABASE ...
    TEMPLATE): migrating took 1-3 s a test."""
    if url not in _PG_ENGINES:
        server = postgres.Server(None, 0, url)  # the one the test's database is on
        if server.url() not in _MIGRATED:
            template = server.new_database()
            engine = make_engine(template)
            migrate(engine)
            engine.dispose()  # (nobody may be connected to a template)
            _MIGRATED[server.url()] = template
            atexit.register(server.drop_template, template)
        server.copy_database(_MIGRATED[server.url()], url)
        _PG_ENGINES[url] = make_engine(url)
    return _PG_ENGINES[url]


def _office(home: Path, url: str | None = None) -> tuple[Ledger, UnlockedKey]:
    folder = DataDir.resolve(home).ensure()
    keys = KeyStore(folder.keys)
    keys.create("operator", PASSWORD)
    operator = keys.unlock("operator", PASSWORD)
    ledger = Ledger.create(folder, url, "Search County", operator)
    for parcel, address in [("AB-1", "12 Oak Avenue"), ("CD-2", "100% Maple St"), ("EF-3", "9 Birch")]:
        register_deed(ledger, operator, parcel=parcel, address=address, owner=operator.address)
    return ledger, operator


def test_every_deed_write_updates_the_index(tmp_path: Path) -> None:
    world = make_world(tmp_path / "home")
    sale = sell_with_liens(world, "SK-1", price="100000", lien="50000", currency="USD")
    seller, buyer = world.key("seller").address, world.key("buyer").address
    ledger = world.ledger
    with mock.patch.object(deed_search, "FEW", 10):  # through the index
        assert ledger.deed_ids(search=buyer[2:12]) == [sale.deed] and ledger.deed_ids(search=seller[2:12]) == []
        assert ledger.deed_ids(search="sakura") == [sale.deed]
        ledger.raw_execute("UPDATE deeds SET address = '7 Larch Lane' WHERE deed_id = 1")  # the update trigger
        assert ledger.deed_ids(search="sakura") == [] and ledger.deed_ids(search="LARCH") == [1]
    with ledger.engine.connect() as conn:
        conn.exec_driver_sql("INSERT INTO deeds_fts(deeds_fts, rank) VALUES ('integrity-check', 1)")  # raises if stale


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_migration_0014_indexes_the_deeds_of_a_0012_ledger(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    ledger, operator = _office(tmp_path / "home", url)
    with ledger.engine.begin() as conn:  # the database as 0012 (the head before) left it
        if database == "sqlite":
            for trigger in ("insert", "delete", "update"):
                conn.execute(text(f"DROP TRIGGER deeds_fts_{trigger}"))
            conn.execute(text("DROP TABLE deeds_fts_terms"))
            conn.execute(text("DROP TABLE deeds_fts"))
        else:  # 0015's columns (and their indexes) and function too
            for column in ("parcel", "address", "owner"):
                conn.execute(text(f"ALTER TABLE deeds DROP COLUMN {column}_folded"))
            conn.execute(text("DROP FUNCTION deed_short_grams(text, text, text)"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0012'"))
    ledger.close()

    reopened = Ledger.open(ledger.home, url)  # migrates 0012 -> 0014 (-> 0015)
    with reopened.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
        if database == "sqlite":
            indexed = conn.exec_driver_sql("SELECT rowid FROM deeds_fts WHERE deeds_fts MATCH '\"apl\"'").scalars()
            assert list(indexed) == [2]  # filled from the deeds already there
        else:
            names = conn.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'deeds'").scalars()
            assert {"ix_deeds_parcel_folded_trgm", "ix_deeds_short_grams"} <= set(names)  # 0015 replaced 0014's
    assert reopened.deed_ids(search="MAPLE", order_by="address", descending=True) == [2]
    assert reopened.deed_ids(search="birch") == [3] and reopened.deed_count(search="zzz") == 0
    register_deed(reopened, operator, parcel="GH-4", address="4 Maple Court", owner=operator.address)
    assert reopened.deed_ids(search="maple", order_by="address") == [2, 4]
    reopened.close()


def test_migration_0016_puts_positions_in_the_index_of_a_0014_ledger(tmp_path: Path) -> None:
    """A ledger whose index 0014 made without positions (`detail='none'`) gets one with positions,
    filled from its deeds, still kept by the triggers; a phrase then answers."""
    ledger, operator = _office(tmp_path / "home")
    with ledger.engine.begin() as conn:  # the index as 0014 made it before 0016
        conn.execute(text("DROP TABLE deeds_fts_terms"))
        conn.execute(text("DROP TABLE deeds_fts"))
        for statement in deed_search.SQLITE_INDEX:
            conn.exec_driver_sql(statement.replace("detail='full'", "detail='none'"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0014'"))
    ledger.close()

    reopened = Ledger.open(ledger.home, None)  # migrates 0014 -> 0016
    with reopened.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
        made = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'deeds_fts'").scalar()
        assert "detail='full'" in str(made)
        phrase = conn.exec_driver_sql("SELECT rowid FROM deeds_fts WHERE deeds_fts MATCH '\"MAPLE st\"'").scalars()
        assert list(phrase) == [2]  # filled from the deeds already there, with positions
        terms = conn.exec_driver_sql("SELECT doc FROM deeds_fts_terms WHERE term = 'ab-'").scalars()
        assert list(terms) == [1]  # the term list reads the new table
    assert reopened.deed_ids(search="oak avenue") == [1] and reopened.deed_count(search="oak maple") == 0
    register_deed(reopened, operator, parcel="GH-4", address="4 Maple Street", owner=operator.address)
    assert reopened.deed_ids(search="maple st", order_by="address") == [2, 4]  # the insert trigger
    with reopened.engine.connect() as conn:
        conn.exec_driver_sql("INSERT INTO deeds_fts(deeds_fts, rank) VALUES ('integrity-check', 1)")  # raises if stale
    reopened.close()


def test_postgresql_without_pg_trgm_searches_by_scanning_and_says_so(
    postgres_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A role that may not create extensions (no CREATE on its database) still gets a ledger whose
    searches work; the migration says once why they read every deed."""
    clerk = f"clerk_{uuid.uuid4().hex[:8]}"
    admin = make_engine(postgres_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {clerk} LOGIN")
        conn.exec_driver_sql(f"CREATE SCHEMA office AUTHORIZATION {clerk}")
        conn.exec_driver_sql(f"ALTER ROLE {clerk} SET search_path = office")
    admin.dispose()
    url = make_url(postgres_url).set(username=clerk).render_as_string(hide_password=False)
    with caplog.at_level(logging.WARNING, logger="deedbook.migrations"):
        ledger, _operator = _office(tmp_path / "home", url)
    assert [r.getMessage() for r in caplog.records if "pg_trgm" in r.getMessage()] != []
    assert "permission denied" in caplog.text
    with ledger.engine.connect() as conn:
        names = set(conn.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'deeds'").scalars())
    assert not any(name.endswith("_trgm") for name in names)
    assert ledger.deed_ids(search="MAPLE") == [2] and ledger.deed_count(search="birch", at_most=5) == 1
    ledger.close()


def test_sqlite_without_the_trigram_tokenizer_searches_by_scanning_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An SQLite older than 3.34 (no trigram tokenizer) still opens and searches every ledger: the
    migration makes no index and says once why searches read every deed."""
    monkeypatch.setattr(deed_search, "trigram_supported", lambda: False)
    with caplog.at_level(logging.WARNING, logger="deedbook.migrations"):
        ledger, _operator = _office(tmp_path / "home", None)
    assert "no FTS5 trigram tokenizer" in caplog.text
    with ledger.engine.connect() as conn:
        names = set(conn.exec_driver_sql("SELECT name FROM sqlite_master").scalars())
    assert not any(name.startswith("deeds_fts") for name in names)
    assert ledger.deed_ids(search="MAPLE") == [2] and ledger.deed_count(search="birch", at_most=5) == 1
    assert ledger.deed_ids(search="zq") == [] and ledger.deed_count(search="no such street") == 0
    ledger.close()


def test_this_sqlite_has_the_trigram_tokenizer() -> None:
    """The machines Deedbook is built and tested on (Python 3.11's SQLite 3.40) do: CI uses the index."""
    deed_search.trigram_supported.cache_clear()
    assert deed_search.trigram_supported()


def test_the_phrase_answers_scattered_trigrams_exactly(sqlite_engine: Engine) -> None:
    """Every 11th deed holds all the trigrams of "abcdef" (in two columns) but not the text, one of them
    does: the index's phrase proposes that one deed only (the AND of trigrams proposed 300)."""
    rows = [
        (
            "cdef-1" if i % 11 == 0 else f"P-{i}",
            "9 abcdef" if i == 550 else f"{i} abcd" if i % 11 == 0 else f"{i} Elm",
            "0xzzzz",
        )
        for i in range(1, 3301)
    ]
    _fill(sqlite_engine, rows)
    with mock.patch.object(deed_search, "FEW", 20), sqlite_engine.connect() as conn:
        assert deed_search.narrowed(conn, "abcdef") == '"abcdef"'
        assert list(
            conn.exec_driver_sql("SELECT rowid FROM deeds_fts WHERE deeds_fts MATCH '\"ABCDEF\"'").scalars()
        ) == [550]
        assert deed_search.narrowed(conn, "abcdef-1") == ""  # every trigram in deed 550, not the text
        assert deed_search.narrowed(conn, "abcd") is None  # 301 candidates, all of them matching: dense
        assert deed_search.deed_ids(conn, "ABCDEF") == [550] and deed_search.deed_count(conn, "abcdef") == 1


def test_many_candidates_few_matches_are_read_from_the_index_and_dense_ones_scanned(sqlite_engine: Engine) -> None:
    """A search of many common trigrams is asked as the phrases of its selective runs: "abw" and "zcd"
    around four trigrams of every deed's owner.  Every 7th deed holds both runs apart, one holds the
    text: with FEW below the 471 candidates, the sparse search reads its candidates, the dense one
    ("zcd": every candidate) scans, both give the rule's rows."""
    rows = [
        (
            "abw-1" if i % 7 == 0 else f"P-{i}",
            "9 abwxyzcd" if i == 553 else f"{i} zcd" if i % 7 == 0 else f"{i} Elm",
            "0xbwxyzc",
        )
        for i in range(1, 3301)
    ]
    _fill(sqlite_engine, rows)
    with mock.patch.object(deed_search, "FEW", 20), sqlite_engine.connect() as conn:
        assert deed_search.selective(conn, "abwxyzcd") == '"abw" AND "zcd"'
        assert deed_search.narrowed(conn, "abwxyzcd") is None  # more than FEW candidates
        assert deed_search.worth_reading(conn, "abwxyzcd", 51) is not None
        assert deed_search.worth_reading(conn, "zcd", 51) is None
        assert deed_search.worth_reading(conn, "abwxyzcd", 5001, stops=True) is not None  # the pane's count
        for text in ("abwxyzcd", "zcd", "xyzc abw"):
            for order_by, descending in ORDERS:
                assert (
                    deed_search.deed_ids(conn, text, order_by=order_by, descending=descending, limit=51)
                    == (_plain(sqlite_engine, text, order_by, descending)[:51])
                )
        assert (
            deed_search.deed_ids(conn, "ABWXYZCD") == [553]
            and deed_search.deed_count(conn, "abwxyzcd", at_most=5000) == 1
        )
        assert deed_search.deed_count(conn, "zcd", at_most=100) == 101
        assert deed_search.selective(conn, "abwxy") == '"abwxy"'  # two common trigrams: the phrase


def test_a_search_of_dense_trigrams_asks_for_a_rare_piece_of_itself(sqlite_engine: Engine) -> None:
    """Every deed's address ends in ", Ames, IA 50010": each trigram of "es, a" and of "ames, ames" is
    in every deed, and only deed 550 ("Hayes, Ames") holds "s, a", outside the sample.  The index is
    asked for that piece (two position lists, not three or eight) and gives the rule's rows; a search
    that the sample finds ("es, ia": every deed) is asked as itself."""
    rows = [
        (f"P-{i}", f"{i} Hayes, Ames, IA 50010" if i == 550 else f"{i} Grand Rd, Ames, IA 50010", "0xabc")
        for i in range(1, 3301)
    ]
    _fill(sqlite_engine, rows)
    with sqlite_engine.connect() as conn:
        assert 550 not in {n for i in range(16) for n in range(1 + 3268 * i // 15, 33 + 3268 * i // 15)}
        assert deed_search.selective(conn, "es, a") == '"s, a"'
        assert deed_search.selective(conn, "AMES, AMES") == '"S, A"'
        assert deed_search.selective(conn, "es, ia") == '"es, ia"'
        assert deed_search.selective(conn, "s, a") == '"s, a"'  # two trigrams: the search is its own piece
        assert deed_search.narrowed(conn, "es, a") == '"s, a"'
        for text, expected in (("es, a", [550]), ("ES, AMES", [550]), ("ames, ames", []), ("es, am", [550])):
            for order_by, descending in ORDERS:
                assert deed_search.deed_ids(conn, text, order_by=order_by, descending=descending) == expected
                assert _plain(sqlite_engine, text, order_by, descending) == expected
            assert deed_search.deed_count(conn, text, at_most=5000) == len(expected)
        assert deed_search.narrowed(conn, "ames, ames") == "\"s, a\""  # one candidate (550), which the rule drops
        assert deed_search.deed_count(conn, "es, ia", at_most=100) == 101


def test_the_candidates_read_are_the_filter_the_index_is_walked_once(sqlite_engine: Engine) -> None:
    """A search with few candidates reads their rowids once (a JSON array) and filters the deeds with
    them: its phrase's position lists are not walked a second time; without SQLite's JSON functions
    the query is asked again, with the same rows."""
    rows = [(f"P-{i}", f"{i} Hayes, Ames" if i % 500 == 0 else f"{i} Grand Rd, Ames", "0xabc") for i in range(1, 3301)]
    _fill(sqlite_engine, rows)
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(sqlite_engine, "before_cursor_execute", record)
    try:
        for json in (True, False):
            with (
                mock.patch.object(deed_search, "json_supported", lambda json=json: json),
                sqlite_engine.connect() as conn,
            ):
                statements.clear()
                found = deed_search.deed_ids(conn, "es, am", order_by="address")
                walks = [s for s in statements if "deeds_fts MATCH" in s and "LIMIT 1 OFFSET" not in s]
                assert len(walks) == (1 if json else 2), walks
                assert found == _plain(sqlite_engine, "es, am", "address", False) == [1000, 1500, 2000, 2500, 3000, 500]
                assert deed_search.deed_count(conn, "es, am", at_most=5000) == 6
    finally:
        event.remove(sqlite_engine, "before_cursor_execute", record)


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_count_of_every_deed_is_the_last_deed_number_and_the_rows(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The pane's count of every deed is read from the primary key (no count of the rows), and it is
    the number of deed rows after registrations, a refused registration, a sale (its deeds' rows are
    deleted and inserted again) and a reopening."""
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    ledger, operator = _office(tmp_path / "home", url)
    statements: list[str] = []
    event.listen(ledger.engine, "before_cursor_execute", lambda *args: statements.append(str(args[2]).lower()))

    def rows() -> int:
        with ledger.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM deeds")).scalar_one())

    counted = ledger.deed_count()
    assert any("max(deeds.deed_id)" in s for s in statements) and not any("count(" in s for s in statements)
    assert counted == rows() == 3
    assert ledger.deed_count(at_most=1) == 2 and ledger.deed_count(at_most=5) == 3
    with pytest.raises(DeedbookError, match="registered already"):
        register_deed(ledger, operator, parcel="AB-1", address="again", owner=operator.address)
    assert ledger.deed_count() == rows() == 3
    ledger.close()
    world = make_world(tmp_path / "sale") if database == "sqlite" else None
    if world is not None:  # a sale rewrites deed rows (SQLite; the PostgreSQL writes are the same statements)
        sell_with_liens(world, "SK-1", price="100000", lien="50000", currency="USD")
        register_deed(world.ledger, world.operator, parcel="SK-2", address="2 Sakura", owner=world.operator.address)
        with world.ledger.engine.connect() as conn:
            assert world.ledger.deed_count() == conn.execute(text("SELECT count(*) FROM deeds")).scalar_one() == 2
    reopened = Ledger.open(ledger.home, url)
    register_deed(reopened, operator, parcel="GH-4", address="4 Oak", owner=operator.address)
    with reopened.engine.connect() as conn:
        assert reopened.deed_count() == conn.execute(text("SELECT count(*) FROM deeds")).scalar_one() == 4
    reopened.close()
