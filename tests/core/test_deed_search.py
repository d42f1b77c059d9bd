"""Deed searches narrowed by the trigram index give exactly what LIKE gives: every search, order, page
and count equals a plain "contains, ignoring ASCII case" over the deeds, whether the page comes from
the first rows or from the index; the index follows the deeds as they change; PostgreSQL has its
trigram index too."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, text

from core import deedsearch
from core.deeds import register_deed
from core.keys import KeyStore
from core.ledger import Ledger
from core.paths import DataDir
from tests.helpers import PASSWORD, World, make_world, sell_with_liens

STREETS = ["Maple Ave", "MAPLE court", "Oak St", "100% Main St", "Elm_Row", 'Quote "Q" Lane', "Ash Ave", "maple-avenue"]


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> World:
    world = make_world(tmp_path_factory.mktemp("search") / "home")
    owners = [world.key(f"owner{i}").address for i in range(3)]
    for i in range(40):
        world.register(f"{'AB' if i % 3 else 'cd'}-{i:03d}", owners[i % 3], attributes={"Gr_Liv_Area": 1000 + i})
    with world.ledger.engine.begin() as conn:  # addresses with wildcards, quotes and mixed case
        for deed in range(1, 41):
            conn.execute(text("UPDATE deeds SET address = :a WHERE deed_id = :d"),
                         {"a": f"{deed} {STREETS[deed % len(STREETS)]}", "d": deed})
    return world


def _expected(world: World, search: str, order_by: str, descending: bool) -> list[int]:
    needle = search.strip().lower()
    with world.ledger.engine.connect() as conn:
        rows = conn.execute(text(f"SELECT deed_id, parcel, address, owner, {order_by} FROM deeds")).all()

    def ascii_lower(value: str) -> str:  # SQLite's LIKE folds ASCII letters only
        return "".join(c.lower() if c.isascii() else c for c in value)

    hits = [r for r in rows if any(needle in ascii_lower(str(v)) for v in r[1:4])]
    # by the column (either way), ties in deed order, as the query's second key says
    hits.sort(key=(lambda r: (r[4], -r[0])) if descending else (lambda r: (r[4], r[0])), reverse=descending)
    return [r[0] for r in hits]


SEARCHES = st.one_of(
    st.sampled_from(["maple", "MAPLE", "ab-0", "Ave", "100%", "%", "_", "elm_", '"q"', "ple a", "st", "zzz", "0x",
                     "cd-01", "ourt", "-ave"]),
    st.text(alphabet="abcdeMAPLE -_%\"0123x", min_size=1, max_size=6),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(search=SEARCHES, order=st.sampled_from(["deed_id", "address", "parcel", "owner"]), descending=st.booleans(),
       limit=st.sampled_from([None, 1, 3, 7, 50]), offset=st.sampled_from([0, 2, 5]), probe=st.sampled_from([4, 20_000]))
def test_every_search_page_and_count_is_what_like_gives(county: World, search: str, order: str, descending: bool,
                                                        limit: int | None, offset: int, probe: int,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deedsearch, "PROBE_ROWS", probe)  # 4: the index answers; 20,000: the first rows do
    expected = _expected(county, search, order, descending)
    if not search.strip():
        return
    found = county.ledger.deed_ids(search=search, order_by=order, descending=descending, limit=limit, offset=offset)
    assert found == expected[offset:None if limit is None else offset + limit]
    assert county.ledger.deed_count(search=search) == len(expected)


def test_the_index_follows_the_deeds(tmp_path: Path) -> None:
    world = make_world(tmp_path / "home")
    sale = sell_with_liens(world, "FOLLOW-1", price="100000", lien="50000", currency="USD")
    buyer = world.key("buyer").address
    assert world.ledger.deed_ids(search=buyer[2:14]) == [sale.deed]  # the new owner, found through the index
    seller = world.key("seller").address
    assert world.ledger.deed_ids(search=seller[2:14]) == []
    world.ledger.raw_execute(f"DELETE FROM holdings WHERE deed_id = {sale.deed}")
    world.ledger.raw_execute(f"DELETE FROM deeds WHERE deed_id = {sale.deed}")
    assert world.ledger.deed_ids(search="follow") == [] and world.ledger.deed_count(search="follow") == 0
    with world.ledger.engine.connect() as conn:
        conn.exec_driver_sql(f"INSERT INTO {deedsearch.TABLE}({deedsearch.TABLE}) VALUES ('integrity-check')")


def test_postgresql_has_its_trigram_index_and_the_same_answers(tmp_path: Path, postgres_url: str) -> None:
    home = DataDir.resolve(tmp_path / "pg").ensure()
    keys = KeyStore(home.keys)
    keys.create("operator", PASSWORD)
    operator = keys.unlock("operator", PASSWORD)
    ledger = Ledger.create(home, postgres_url, "Trigram County", operator)
    for i, street in enumerate(STREETS):
        register_deed(ledger, operator, parcel=f"PG-{i}", address=f"{i} {street}", owner=operator.address)
    indexes = {ix["name"] for ix in inspect(ledger.engine).get_indexes("deeds")}
    assert "ix_deeds_trigrams" in indexes
    assert ledger.deed_ids(search="maple") == [1, 2, 8]
    assert ledger.deed_ids(search="100%") == [4] and ledger.deed_ids(search="elm_") == [5]
    assert ledger.deed_count(search="AVE") == 3
