"""Deed search on PostgreSQL after migration 0015 (core.deed_search_pg): the folded value's LIKE gives
the rows of ILIKE on parcel, address and owner, whichever plan answers; searches of 1 or 2
characters are read from the short index when few and scanned in order when dense; a 0014 ledger
migrates and keeps every deed searchable."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, or_, select, text
from sqlmodel import col

from core import deed_search, deed_search_pg
from core.deeds import register_deed
from core.ledger import Ledger
from core.store import LIKE_ESCAPE, SCHEMA_HEAD, DeedRow, like_contains
from tests.core.test_deed_search import _fill, _office, _pg_engine

# Letters whose lower case is another length or another script's (the Kelvin sign, dotted and
# dotless I, sharp s and its capital, long s), LIKE's wildcards and escape, accents, a character
# outside the BMP, and the U+0001 that joins the columns' pieces and the U+0002 they are cut on.
ALPHABET = "aAkK\u212aiI\u0130\u0131\u00df\u1e9e\u017fsSzZqQ09 -,#%_\\\u00e9\u00c9\U0001f600\x01\x02"
values = st.text(ALPHABET, max_size=10)
ORDERS = [("deed_id", False), ("address", True), ("parcel", False), ("owner", True)]


def _ilike(engine: Engine, search: str, order_by: str, descending: bool) -> list[int]:
    """The rule as it was written before 0015: ILIKE on each column."""
    pattern = like_contains(search)
    plain = or_(
        *(c.ilike(pattern, escape=LIKE_ESCAPE) for c in (col(DeedRow.parcel), col(DeedRow.address), col(DeedRow.owner)))
    )
    with engine.connect() as conn:
        query = deed_search.ordered(select(col(DeedRow.deed_id)).where(plain), order_by, descending)
        return [int(i) for i in conn.execute(query).scalars()]


def _filled(postgres_url: str, rows: list[tuple[str, str, str]], *, analyse: bool = False) -> Engine:
    """A fresh deeds table holding `rows`, with statistics if `analyse`."""
    engine = _pg_engine(postgres_url)
    _fill(engine, rows)
    if analyse:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE deeds")
    return engine


def _assert_ilike_rows(engine: Engine, conn: Connection, search: str, text_: str) -> None:
    """Every order, a page and the counts of `search` are those of ILIKE on the three columns."""
    for order_by, descending in ORDERS:
        expected = _ilike(engine, text_, order_by, descending)
        found = deed_search.deed_ids(conn, search, order_by=order_by, descending=descending)
        assert found == expected, (search, order_by, descending)
        page = deed_search.deed_ids(conn, search, order_by=order_by, descending=descending, limit=2, offset=1)
        assert page == expected[1:3]
    assert deed_search.deed_count(conn, search) == len(found)
    assert deed_search.deed_count(conn, search, at_most=1) == min(len(found), 2)


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[tuple[str, str, str]], str]:
    """Rows, and a search that is often a piece of one of them (1 to 4 characters), its case swapped
    or the end of one column joined to the start of the next."""
    rows = draw(st.lists(st.tuples(values, values, values), max_size=8))
    pieces = [v for row in rows for v in row if v.strip()]
    kind = draw(st.sampled_from(["any", "piece", "across"]) if pieces else st.just("any"))
    if kind == "any":
        return rows, draw(st.text(ALPHABET, min_size=1, max_size=4))
    if kind == "across":  # would match the folded value if the separator did not stop it
        first, second = draw(st.sampled_from(rows))[:2]
        return rows, (first[-2:] + draw(st.sampled_from(["", "\x01"])) + second[:2]) or "a"
    value = draw(st.sampled_from(pieces))
    start = draw(st.integers(0, len(value) - 1))
    piece = value[start : start + draw(st.integers(1, 4))]
    return rows, piece.swapcase() if draw(st.booleans()) else piece


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases(), few=st.sampled_from([0, 1, 3, deed_search.FEW]))
def test_the_folded_rule_gives_the_rows_of_ilike_on_each_column(
    postgres_url: str, case: tuple[list[tuple[str, str, str]], str], few: int
) -> None:
    """Whatever FEW (0: every short search scanned; 5,000: read from the index), every order, a page
    and the counts are those of ILIKE on the three columns."""
    rows, search = case
    engine = _filled(postgres_url, rows)
    text_ = deed_search.clean_search(search)
    if text_ is None:
        return
    with mock.patch.object(deed_search, "FEW", few), engine.connect() as conn:
        _assert_ilike_rows(engine, conn, search, text_)


def test_the_short_pieces_are_every_character_and_pair(postgres_url: str) -> None:
    engine = _pg_engine(postgres_url)
    with engine.connect() as conn:
        pieces = conn.execute(text("SELECT deed_short_grams('ab', '', 'cÉ😀')")).scalar_one()
    value = "ab\x01\x01cÉ😀"
    assert set(pieces) == {value[i : i + n] for n in (1, 2) for i in range(len(value) - n + 1)}


def _explain(conn: Any, query: Any) -> str:
    compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
    return "\n".join(str(row[0]) for row in conn.exec_driver_sql(f"EXPLAIN {compiled}"))


def test_short_searches_read_few_deeds_from_the_index_and_scan_dense_ones(postgres_url: str) -> None:
    """3,000 deeds, "zq" in three of them, "a" in every one: with FEW at 100, "zq" is read from the
    short index and sorted, "a" is not (the count stops at FEW + 1) and its page comes from the
    ordered scan; both give the rule's rows."""
    rows = [(f"P-{i}", f"{i} {'Zq' if i % 1000 == 7 else 'El'}m Ave", "0xab") for i in range(1, 3001)]
    engine = _filled(postgres_url, rows, analyse=True)
    with mock.patch.object(deed_search, "FEW", 100), engine.connect() as conn:
        assert deed_search_pg.few(conn, "ZQ", 100) and not deed_search_pg.few(conn, "a", 100)
        assert deed_search_pg.few(conn, "zq", 3) and not deed_search_pg.few(conn, "zq", 2)
        conn.exec_driver_sql("SET enable_seqscan = off")  # 3,000 deeds: a scan is as cheap; the index can answer
        plan = _explain(
            conn, deed_search_pg.read_and_sort("zq", "address", False, deed_search_pg.condition(conn, "zq"))
        )
        conn.exec_driver_sql("SET enable_seqscan = on")
        assert "ix_deeds_short_grams" in plan and "CTE found" in plan, plan
        assert deed_search.deed_ids(conn, "zQ", order_by="address") == [1007, 2007, 7]
        assert deed_search.deed_count(conn, "zq", at_most=100) == 3
        assert deed_search.deed_ids(conn, "a", limit=3) == [1, 2, 3]
        assert deed_search.deed_count(conn, "A", at_most=100) == 101


def test_the_index_plans_compile_nothing_and_give_the_settings_back(postgres_url: str) -> None:
    """With sequential scans off, a scan the planner picks all the same is priced 10^10, above any
    `jit_above_cost`: JIT compiled its expressions (200-500 ms a statement for a few deeds).  Inside
    `index_plans` JIT is off, and each setting is as it was after."""
    engine = _pg_engine(postgres_url)
    _fill(engine, [("P-1", "1 Elm", "0xab")])
    scan = "EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM deeds WHERE legal LIKE 'x%%'"  # no index answers
    with engine.connect() as conn:
        conn.exec_driver_sql("SET jit = on")
        conn.exec_driver_sql("SET jit_above_cost = 100000")
        with deed_search_pg.index_plans(conn):
            settings_inside = [conn.exec_driver_sql(f"SHOW {name}").scalar() for name in ("jit", "enable_seqscan")]
            plan = conn.exec_driver_sql(scan).scalar_one()[0]
        assert settings_inside == ["off", "off"]
        assert plan["Plan"]["Total Cost"] > 100000 and "JIT" not in plan, plan
        assert [conn.exec_driver_sql(f"SHOW {name}").scalar() for name in ("jit", "enable_seqscan")] == ["on", "on"]


def test_the_folded_trigram_indexes_serve_longer_searches(postgres_url: str) -> None:
    engine = _pg_engine(postgres_url)
    _fill(engine, [(f"P-{i}", f"{i} Maple Ave", "0xabc") for i in range(50)])
    with engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        plan = _explain(conn, select(col(DeedRow.deed_id)).where(deed_search.matches("postgresql", "APLE")))
    assert {"ix_deeds_parcel_folded_trgm", "ix_deeds_address_folded_trgm", "ix_deeds_owner_folded_trgm"} <= set(
        plan.replace("(", " ").split()
    ), plan


def test_a_0014_ledger_migrates_and_keeps_every_deed_searchable(postgres_url: str, tmp_path: Path) -> None:
    ledger, operator = _office(tmp_path / "home", postgres_url)
    with ledger.engine.begin() as conn:  # the database as 0014 left it
        for column in ("parcel", "address", "owner"):
            conn.execute(text(f"ALTER TABLE deeds DROP COLUMN {column}_folded"))  # and the indexes on it
        conn.execute(text("DROP FUNCTION deed_short_grams(text, text, text)"))
        for statement in deed_search.index_statements("postgresql", "gin_trgm_ops"):
            conn.execute(text(statement))
        conn.execute(text("UPDATE alembic_version SET version_num = '0014'"))
    ledger.close()

    reopened = Ledger.open(ledger.home, postgres_url)  # migrates 0014 -> 0015
    with reopened.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
        names = set(conn.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'deeds'").scalars())
    assert {"ix_deeds_short_grams", "ix_deeds_address_folded_trgm", "ix_deeds_owner_folded_trgm"} <= names
    assert not names & {"ix_deeds_parcel_trgm", "ix_deeds_address_trgm", "ix_deeds_owner_trgm"}
    deeds = reopened.deed_ids()
    assert len(deeds) == 3
    for deed_id in deeds:
        deed = reopened.deed(deed_id)
        for value in (deed.parcel, deed.address, deed.owner.upper()):
            for piece in (value[:1], value[-2:], value[1:4], value):
                assert deed_id in reopened.deed_ids(search=piece), (deed_id, piece)
                assert reopened.deed_count(search=piece, at_most=5) >= 1
    register_deed(reopened, operator, parcel="GH-4", address="4 Qu\u00e9bec Court", owner=operator.address)
    assert reopened.deed_ids(search="\u00c9b") == [4] and reopened.deed_ids(search="MAPLE ST") == [2]
    reopened.close()


# Searches of 4 characters or more (migration 0017): ix_deeds_long_grams's tagged pieces.
TEMPLATE = ["{n} Garden Rd, Ames, IA 5001{d}", "{n} Oak Ave, Ames, IA 5001{d}", "{n} Maple St, Ames, IA 5001{d}"]
LONG_ALPHABET = "aAeEsS ,5%_\\\u00e9\u00c9\u212ak\u0130i\U0001f600\x01"


@st.composite
def long_cases(draw: st.DrawFn) -> tuple[list[tuple[str, str, str]], str]:
    """Rows of templated addresses (every 4-character piece of ", Ames, IA 5001" in every deed) and
    a search of 4 to 9 characters: a piece of one value, dense pieces joined ("es, a" is nowhere),
    the end of one column and the start of the next, or any text, sometimes its case swapped."""
    count = draw(st.integers(1, 8))
    rows = [
        (
            draw(st.sampled_from(["P-1", "p-10", "AB%_1", "0x5001"])) + draw(st.text(LONG_ALPHABET, max_size=3)),
            draw(st.sampled_from(TEMPLATE)).format(n=draw(st.integers(1, 120)), d=draw(st.integers(0, 9)))
            + draw(st.text(LONG_ALPHABET, max_size=3)),
            draw(st.sampled_from(["0xAbC5001", "Eames, Ames", ""])) + draw(st.text(LONG_ALPHABET, max_size=4)),
        )
        for _ in range(count)
    ]
    kind = draw(st.sampled_from(["piece", "dense", "across", "any"]))
    if kind == "piece":
        value = draw(st.sampled_from([v for row in rows for v in row if len(v) >= 4] or ["Ames"]))
        start = draw(st.integers(0, len(value) - 4))
        search = value[start : start + draw(st.integers(4, 9))]
    elif kind == "dense":
        search = draw(st.sampled_from(["es, ", "mes,", ", am", "ia 5", " ia ", "ames"])) + draw(
            st.sampled_from(["a", "5", " i", "es", ", ia", "ames"])
        )
    elif kind == "across":
        row = draw(st.sampled_from(rows))
        column = draw(st.integers(0, 1))
        search = row[column][-3:] + draw(st.sampled_from(["", "\x01"])) + row[column + 1][:3]
    else:
        search = draw(st.text(LONG_ALPHABET, min_size=4, max_size=9))
    return rows, search.swapcase() if draw(st.booleans()) else search


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=long_cases(), rare=st.sampled_from([-1.0, deed_search_pg.RARE, 1.0]), analyse=st.booleans())
def test_searches_of_four_characters_and_more_give_the_rows_of_ilike(
    postgres_url: str, case: tuple[list[tuple[str, str, str]], str], rare: float, analyse: bool
) -> None:
    """Whichever pieces are asked (-1: none is rare, the rarest three; 1: all of them), with or
    without statistics, every order, a page and the counts are those of ILIKE on the three columns."""
    rows, search = case
    engine = _filled(postgres_url, rows, analyse=analyse)
    text_ = deed_search.clean_search(search)
    if text_ is None:
        return
    with mock.patch.object(deed_search_pg, "RARE", rare), engine.connect() as conn:
        _assert_ilike_rows(engine, conn, search, text_)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(LONG_ALPHABET + "\x00\x02", max_size=12).map(lambda v: v.replace("\x00", "")))
def test_the_long_pieces_are_every_four_characters_of_a_column_tagged(postgres_url: str, value: str) -> None:
    """deed_pieces gives each run of 4 characters with the tag after it, none shorter: every run
    without U+0002 (a run holding it may be cut: such searches are not asked of the index)."""
    engine = _pg_engine(postgres_url)
    with engine.connect() as conn:
        pieces = set(conn.execute(text("SELECT deed_pieces(:v, 'a')").bindparams(v=value)).scalar_one())
        joined = conn.execute(text("SELECT deed_long_grams('ab€d😀', :v, 'wxyz')").bindparams(v=value)).scalar_one()
    runs = {value[i : i + 4] + "a" for i in range(len(value) - 3)}
    assert {r for r in runs if "\x02" not in r} <= pieces
    assert all(p in runs for p in pieces if "\x02" not in p and len(p) == 5)
    assert set(joined) == {"ab€dp", "b€d😀p", "wxyzo"} | pieces


def test_an_all_dense_search_is_read_from_the_long_index(postgres_url: str) -> None:
    """3,000 templated addresses: each piece of "es, a" but "s, a" is in every deed.  The index is
    asked for "s, a" only, the plan reads ix_deeds_long_grams, and the search answers none; a dense
    search ("ames, ia") is left to the ordered scan."""
    engine = _filled(
        postgres_url,
        [(f"P-{i}", f"{i} Garden Rd, Ames, IA 5001{i % 10}", "0xab") for i in range(1, 3001)],
        analyse=True,
    )
    with mock.patch.object(deed_search, "FEW", 100), engine.connect() as conn:
        assert deed_search_pg.rare_pieces(conn, "ES, A")["a"] == ["s, aa"]
        where = deed_search_pg.condition(conn, "es, a")
        conn.exec_driver_sql("SET enable_seqscan = off")
        query = deed_search_pg.read_and_sort("es, a", "address", False, where)
        compiled = query.compile(conn)
        plan = "\n".join(str(r[0]) for r in conn.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params))
        conn.exec_driver_sql("SET enable_seqscan = on")
        assert "ix_deeds_long_grams" in plan and "CTE found" in plan, plan
        assert "trgm" not in plan, plan
        with mock.patch.object(deed_search_pg, "read_and_sort", wraps=deed_search_pg.read_and_sort) as read:
            assert deed_search.deed_ids(conn, "es, a", limit=51) == []
            assert deed_search.deed_ids(conn, "2977 garden rd, ames", order_by="address") == [2977]
            assert read.call_count == 2
            assert deed_search.deed_ids(conn, "ames, ia", limit=3) == [1, 2, 3]
            assert read.call_count == 2  # dense: not read from the index
        assert deed_search.deed_count(conn, "Es, A", at_most=100) == 0
        assert deed_search.deed_count(conn, "ames, ia", at_most=100) == 101
        assert deed_search.deed_count(conn, "ia 50013") == 300


def test_a_0016_ledger_migrates_to_the_long_index(postgres_url: str, tmp_path: Path) -> None:
    ledger, operator = _office(tmp_path / "home", postgres_url)
    with ledger.engine.begin() as conn:  # the database as 0016 left it
        conn.execute(text("DROP FUNCTION deed_long_grams(text, text, text) CASCADE"))  # and its index
        conn.execute(text("DROP FUNCTION deed_pieces(text, text)"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0016'"))
    ledger.close()

    reopened = Ledger.open(ledger.home, postgres_url)  # migrates 0016 -> 0017
    with reopened.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
        names = set(conn.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'deeds'").scalars())
    assert {"ix_deeds_long_grams", "ix_deeds_short_grams", "ix_deeds_address_folded_trgm"} <= names
    for deed_id in reopened.deed_ids():
        deed = reopened.deed(deed_id)
        for value in (deed.parcel, deed.address, deed.owner.upper()):
            for piece in (value[-4:], value[1:6], value):
                assert deed_id in reopened.deed_ids(search=piece), (deed_id, piece)
                assert reopened.deed_count(search=piece, at_most=5) >= 1
    register_deed(reopened, operator, parcel="GH-4", address="4 Qu\u00e9bec Court", owner=operator.address)
    assert reopened.deed_ids(search="\u00c9BEC c") == [4] and reopened.deed_ids(search="Oak Avenue") == [1]
    assert reopened.deed_ids(search="ak Avenue4 Q") == [] and reopened.deed_ids(search="AB-112 Oak") == []
    reopened.close()


# The owner part from the distinct owners (few of them, each holding few or many deeds).
OWNERS = ["0x936e0BC291b5Cd747e8ab4eBe6dA363dFebEc9B6", "0xAbC5001Eames", "0x\u212aelvin%_\\\u00e9\u00c9"]


@st.composite
def owner_cases(draw: st.DrawFn) -> tuple[list[tuple[str, str, str]], str]:
    """Up to 60 deeds over 1 to 3 owners (one may hold nearly all of them, another one deed), and a
    search of 4 to 9 characters: a piece of an owner, two pieces of one owner that are not next to
    each other there ("4ebec" from "b4eBe" and "FebEc"), a piece of an address, or any text."""
    owners = draw(st.lists(st.sampled_from(OWNERS), min_size=1, max_size=3, unique=True))
    count = draw(st.integers(1, 60))
    held = draw(st.lists(st.sampled_from(owners), min_size=count, max_size=count))
    rows = [(f"P-{i}", TEMPLATE[i % 3].format(n=i, d=i % 10), owner) for i, owner in enumerate(held, start=1)]
    kind = draw(st.sampled_from(["piece", "apart", "address", "any"]))
    owner = draw(st.sampled_from(owners))
    if kind == "piece":
        start = draw(st.integers(0, len(owner) - 4))
        search = owner[start : start + draw(st.integers(4, 9))]
    elif kind == "apart":
        first, second = sorted(draw(st.lists(st.integers(0, len(owner) - 3), min_size=2, max_size=2, unique=True)))
        search = owner[first : first + 3] + owner[second + 1 : second + 3]
    elif kind == "address":
        address = draw(st.sampled_from(rows))[1]
        start = draw(st.integers(0, len(address) - 4))
        search = address[start : start + draw(st.integers(4, 9))]
    else:
        search = draw(st.text(LONG_ALPHABET, min_size=4, max_size=9))
    return rows, search.swapcase() if draw(st.booleans()) else search


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=owner_cases(), few_owners=st.sampled_from([0, 1, 3, deed_search_pg.FEW_OWNERS]), analyse=st.booleans())
def test_the_owner_part_from_the_owners_gives_the_rows_of_ilike(
    postgres_url: str, case: tuple[list[tuple[str, str, str]], str], few_owners: int, analyse: bool
) -> None:
    """Whether the owners are read (FEW_OWNERS at least their number) or not (0: never; 1 with
    more owners: the bound stops the scan), with or without statistics, every order, a page and
    the counts are those of ILIKE on the three columns."""
    rows, search = case
    engine = _filled(postgres_url, rows, analyse=analyse)
    text_ = deed_search.clean_search(search)
    if text_ is None:
        return
    with mock.patch.object(deed_search_pg, "FEW_OWNERS", few_owners), engine.connect() as conn:
        _assert_ilike_rows(engine, conn, search, text_)
        owners = deed_search_pg.owners_containing(conn, text_)
    distinct = {row[2] for row in rows}
    if len(distinct) > few_owners:
        assert owners is None
    else:
        assert owners is not None and set(owners) == {o for o in distinct if text_.lower() in o.lower()}


def test_a_search_of_pieces_one_owner_holds_apart_is_read_from_the_index(postgres_url: str) -> None:
    """3,000 deeds, 1,000 for each of three owners: "4ebec" is two pieces of the first owner
    ("b4eBe", "FebEc") that it never holds together.  Its owner pieces are in 1,000 deeds; the owners
    themselves say none holds it, so the index is asked for its parcel and address pieces only: no
    candidate, read from the index.  A piece one owner holds is that owner's 1,000 deeds."""
    engine = _filled(
        postgres_url,
        [(f"P-{i}", f"{i} Garden Rd, Ames, IA 5001{i % 10}", OWNERS[i % 3]) for i in range(1, 3001)],
        analyse=True,
    )
    with mock.patch.object(deed_search, "FEW", 100), engine.connect() as conn:
        assert deed_search_pg.owners_containing(conn, "4ebec") == []
        assert deed_search_pg.owners_containing(conn, "4EBE") == [OWNERS[0]]
        with mock.patch.object(deed_search_pg, "FEW_OWNERS", 2):
            assert deed_search_pg.owners_containing(conn, "4ebe") is None  # three owners: more than the bound
        with mock.patch.object(deed_search_pg, "read_and_sort", wraps=deed_search_pg.read_and_sort) as read:
            assert deed_search.deed_ids(conn, "4ebec", limit=51) == []
            assert read.call_count == 1  # read from the index, not left to the planner
        with mock.patch.object(deed_search_pg, "FEW_OWNERS", 0):
            assert not deed_search_pg.few(conn, "4ebec", 100)  # the owner's pieces alone: 1,000 candidates
        assert deed_search_pg.few(conn, "4ebec", 100)
        assert deed_search.deed_count(conn, "4eBEc", at_most=100) == 0
        assert deed_search.deed_ids(conn, "4ebe", limit=3) == [3, 6, 9]
        assert deed_search.deed_count(conn, "4ebe", at_most=100) == 101
        assert deed_search.deed_count(conn, "4ebe") == 1000
