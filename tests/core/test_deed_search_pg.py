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
from sqlalchemy import Engine, or_, select, text
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
    engine = _pg_engine(postgres_url)
    _fill(engine, rows)
    text_ = deed_search.clean_search(search)
    if text_ is None:
        return
    with mock.patch.object(deed_search, "FEW", few), engine.connect() as conn:
        for order_by, descending in ORDERS:
            expected = _ilike(engine, text_, order_by, descending)
            found = deed_search.deed_ids(conn, search, order_by=order_by, descending=descending)
            assert found == expected, (search, order_by, descending)
            page = deed_search.deed_ids(conn, search, order_by=order_by, descending=descending, limit=2, offset=1)
            assert page == expected[1:3]
        assert deed_search.deed_count(conn, search) == len(found)
        assert deed_search.deed_count(conn, search, at_most=1) == min(len(found), 2)


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
    engine = _pg_engine(postgres_url)
    rows = [(f"P-{i}", f"{i} {'Zq' if i % 1000 == 7 else 'El'}m Ave", "0xab") for i in range(1, 3001)]
    _fill(engine, rows)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE deeds")
    with mock.patch.object(deed_search, "FEW", 100), engine.connect() as conn:
        assert deed_search_pg.few(conn, "ZQ", 100) and not deed_search_pg.few(conn, "a", 100)
        assert deed_search_pg.few(conn, "zq", 3) and not deed_search_pg.few(conn, "zq", 2)
        conn.exec_driver_sql("SET enable_seqscan = off")  # 3,000 deeds: a scan is as cheap; the index can answer
        plan = _explain(conn, deed_search_pg.read_and_sort("zq", "address", False, deed_search_pg.condition(conn, "zq")))
        conn.exec_driver_sql("SET enable_seqscan = on")
        assert "ix_deeds_short_grams" in plan and "CTE found" in plan, plan
        assert deed_search.deed_ids(conn, "zQ", order_by="address") == [1007, 2007, 7]
        assert deed_search.deed_count(conn, "zq", at_most=100) == 3
        assert deed_search.deed_ids(conn, "a", limit=3) == [1, 2, 3]
        assert deed_search.deed_count(conn, "A", at_most=100) == 101


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
