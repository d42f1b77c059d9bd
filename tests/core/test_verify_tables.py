"""The deed tables compared with a replay a page of deeds at a time, texts by digest (core/verify_tables.py,
core/deed_texts.py): every change to a stored row is still found, and named as a whole-table comparison
named it, on whichever page it falls."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import core.verify_tables
from core.deed_texts import NOT_TEXT, stored_texts_digest, texts_digest
from core.deeds import register_deed
from core.kinds import apply_entry
from core.ledger import Ledger
from core.paths import DataDir
from core.state import ApplyContext, InMemoryState, parcel_key
from core.verify import verify_ledger
from tests.helpers import make_world, sell_with_liens

DEEDS = 7  # deeds 1-6 plain, deed 7 with a lien; pages of 2 deeds: 1-2, 3-4, 5-6, 7 and on


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tables") / "ledger"
    w = make_world(root)
    alice = w.key("alice").address
    for i in range(1, DEEDS):
        register_deed(
            w.ledger,
            w.operator,
            parcel=f"P-{i}",
            address=f"{i} Main St, 王芳 Lane",
            owner=alice,
            legal=f"Lot {i}, block 7",
            attributes={"Gr_Liv_Area": 1000 + i, "Note": "café"},
        )
    sell_with_liens(w, "P-7", price="300000", lien="200000", currency="USD")
    return root


@pytest.fixture
def ledger(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    import shutil

    shutil.copytree(template, tmp_path / "ledger")
    monkeypatch.setattr(core.verify_tables, "PAGE", 2)
    opened = Ledger.open(DataDir.resolve(tmp_path / "ledger"))
    assert verify_ledger(opened, jobs=1).ok
    return opened


def sql(ledger: Ledger, *statements: str) -> None:
    db = sqlite3.connect(ledger.home.database)
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


# (the change, the words the report must hold); the sentences are those verify gave before it compared by page
CHANGES = {
    "address": ("UPDATE deeds SET address = address || ' ' WHERE deed_id = 3", "about deed 3 (address;"),
    "legal": ("UPDATE deeds SET legal = 'Lot 4, block 8' WHERE deed_id = 4", "about deed 4 (legal;"),
    "attributes": (
        "UPDATE deeds SET attributes = replace(attributes, '1005', '1006') WHERE deed_id = 5",
        "about deed 5 (attributes;",
    ),
    "address made a number": ("UPDATE deeds SET address = 12 WHERE deed_id = 2", "about deed 2 (address;"),
    "parcel": ("UPDATE deeds SET parcel = 'P-66' WHERE deed_id = 6", "about deed 6 (parcel;"),
    "parcel key": ("UPDATE deeds SET parcel_key = 'p-66' WHERE deed_id = 6", "about deed 6 (parcel_key;"),
    "texts swapped between two columns": (
        "UPDATE deeds SET address = legal, legal = address WHERE deed_id = 1",
        "about deed 1 (address;",
    ),
    "last column": ("UPDATE deeds SET last_price = 1 WHERE deed_id = 7", "about deed 7 (last_price;"),
    "deed row lost": ("DELETE FROM deeds WHERE deed_id = 4", "about deed 4 (it is missing from the deeds table;"),
    "deed row added after the last": (
        "INSERT INTO deeds SELECT 99, 'P-99', 'p-99', address, legal, attributes, total_shares, owner, "
        "holders_count, version, registered_index, updated_index, last_price, last_currency, last_sale_at, "
        "last_valuation, last_valuation_index FROM deeds WHERE deed_id = 1",
        "The deeds table holds a row for deed 99 that no entry registered.",
    ),
    "deed row added before the first": (
        "INSERT INTO deeds SELECT -5, 'P-M', 'p-m', address, legal, attributes, total_shares, owner, "
        "holders_count, version, registered_index, updated_index, last_price, last_currency, last_sale_at, "
        "last_valuation, last_valuation_index FROM deeds WHERE deed_id = 1",
        "The deeds table holds a row for deed -5 that no entry registered.",
    ),
    "holding changed": ("UPDATE holdings SET shares = 1 WHERE deed_id = 5", "about deed 5 (its holdings;"),
    "holding lost": ("DELETE FROM holdings WHERE deed_id = 3", "about deed 3 (its holdings;"),
    "holding of a deed not registered": (
        "INSERT INTO holdings SELECT 8, holder, shares FROM holdings WHERE deed_id = 1",
        "The holdings table holds a row for deed 8 that no entry registered.",
    ),
    "holding under a text deed number": (
        "INSERT INTO holdings SELECT 'x', holder, shares FROM holdings WHERE deed_id = 1",
        "The holdings table holds a row for deed x that no entry registered.",
    ),
    "lien changed": ("UPDATE liens SET amount = amount + 1 WHERE deed_id = 7", "about deed 7 (its liens;"),
    "lien moved to another deed": ("UPDATE liens SET deed_id = 2 WHERE deed_id = 7", "about deed 2 (its liens;"),
    # the deeds table is compared first, whole: its deed 6 is named before deed 1's holdings
    "two tables": (
        "UPDATE holdings SET shares = 1 WHERE deed_id = 1; UPDATE deeds SET version = 9 WHERE deed_id = 6",
        "about deed 6 (version;",
    ),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_changed_table_is_named(ledger: Ledger, change: str, jobs: int) -> None:
    statements, says = CHANGES[change]
    sql(ledger, *statements.split("; "))
    report = verify_ledger(ledger, jobs=jobs)
    assert not report.ok
    assert report.reason is not None and says in report.reason, report.reason


def test_the_page_of_the_changed_deed_does_not_matter(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    sql(ledger, "UPDATE deeds SET legal = 'Lot 0' WHERE deed_id = 6")
    for page in (1, 2, 3, 4096):
        monkeypatch.setattr(core.verify_tables, "PAGE", page)
        report = verify_ledger(ledger, jobs=1)
        assert report.reason is not None and "about deed 6 (legal; last changed by entry" in report.reason


def test_a_replayed_deed_keeps_a_digest_not_its_texts(ledger: Ledger) -> None:
    state = InMemoryState(ledger.identity)
    for recorded in ledger.entries():
        apply_entry(state, recorded.entry, ApplyContext(recorded.index, recorded.recorded_at))
        state.record(recorded.index, recorded.kind, recorded.leaf_hash, recorded.deed_id)
    deed = state.deed(3)
    stored = ledger.deed(3)
    assert (deed.address, deed.legal, deed.attributes_json) == ("", "", "")
    assert deed.parcel == stored.parcel == "P-3"  # a transfer or hold checks the parcel: kept
    assert deed.folded_parcel == parcel_key(stored.parcel) == "p-3"
    assert deed.texts_digest == texts_digest(stored.address, stored.legal, stored.attributes_json)
    assert not state.dirty and not state.compliance.dirty  # a replay writes nothing: changes are not tracked
    assert state.compliance.acquired(3, stored.owner) is not None  # while the records themselves are kept


texts = st.text(max_size=12)  # any code point, lone surrogates included


@given(texts, texts, texts, texts, texts, texts)
def test_the_digest_is_equal_only_for_equal_texts(a: str, b: str, c: str, x: str, y: str, z: str) -> None:
    assert (texts_digest(a, b, c) == texts_digest(x, y, z)) == ((a, b, c) == (x, y, z))


@given(st.text(min_size=1, max_size=12), st.text(max_size=12), st.text(max_size=12))
def test_moving_a_boundary_changes_the_digest(a: str, b: str, c: str) -> None:
    assert texts_digest(a, b, c) != texts_digest(a[:-1], a[-1] + b, c)
    assert texts_digest(a, b, c) != texts_digest("", a + b, c)
    assert texts_digest(a, b, c) != texts_digest(a, "", b + c) or b == ""


@given(st.one_of(st.integers(), st.binary(), st.none(), st.floats(allow_nan=False)))
def test_a_stored_value_that_is_not_text_never_matches(value: object) -> None:
    assert stored_texts_digest(value, "b", "{}") == NOT_TEXT
    assert stored_texts_digest("a", "b", value) != texts_digest("a", "b", str(value))


def test_a_replayed_row_is_the_stored_row_compacted(ledger: Ledger) -> None:
    """The replay's side is built column by column for speed: it must stay the deeds row (deed_values)
    with its texts digested, for a deed as stored (texts) and as replayed (digest)."""
    from core.projection import deed_values
    from core.verify_tables import _compact, _replayed_deeds

    for deed_id in (1, 7):
        stored = ledger.deed(deed_id)
        assert _replayed_deeds([stored]) == [_compact(deed_values(stored))]
        digested = ledger.deed(deed_id)
        digested.texts_digest = texts_digest(digested.address, digested.legal, digested.attributes_json)
        digested.address = digested.legal = digested.attributes_json = ""
        digested.folded_parcel = parcel_key(digested.parcel)
        assert _replayed_deeds([digested]) == [_compact(deed_values(stored))]


# The compliance table is read a page of keys at a time; on a difference both sides are read whole to name it.
COMPLIANCE_CHANGES = {
    "record changed": (
        "UPDATE compliance SET data = replace(data, '\"registration\"', '\"purchase\"') WHERE key LIKE '4:%'",
        "The compliance table disagrees with the ledger about the acquired 4:0x",
    ),
    "record lost": (
        "DELETE FROM compliance WHERE key LIKE '6:%'",
        "The compliance table has lost the acquired 6:0x",
    ),
    "record added": (
        "INSERT INTO compliance SELECT kind, '99:' || substr(key, 3), data FROM compliance WHERE key LIKE '1:%'",
        "The compliance table holds a acquired 99:0x",
    ),
    "record made a blob": (
        "UPDATE compliance SET data = CAST(data AS BLOB) WHERE key LIKE '2:%'",
        "The compliance table disagrees with the ledger about the acquired 2:0x",
    ),
}


@pytest.mark.parametrize("change", COMPLIANCE_CHANGES, ids=list(COMPLIANCE_CHANGES))
def test_a_changed_compliance_table_is_named(ledger: Ledger, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    import core.compliance.store

    statement, says = COMPLIANCE_CHANGES[change]
    sql(ledger, statement)
    for page in (1, 3, 500):
        monkeypatch.setattr(core.compliance.store, "PAGE", page)
        report = verify_ledger(ledger, jobs=1)
        assert not report.ok
        assert report.reason is not None and report.reason.startswith(says), report.reason


def test_on_postgresql_the_pages_and_the_digest_find_the_same(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The paged reads (deed numbers inlined, compliance keys as %s parameters) on PostgreSQL."""
    import core.compliance.store
    from sqlalchemy import text

    world = make_world(tmp_path / "pg-home", "Postgres County", postgres_url)
    pg, operator = world.ledger, world.operator
    for i in range(1, 6):
        register_deed(pg, operator, parcel=f"PG-{i}", address=f"{i} Elm St, 王芳 Lane", owner=operator.address)
    monkeypatch.setattr(core.verify_tables, "PAGE", 2)
    monkeypatch.setattr(core.compliance.store, "PAGE", 2)
    assert verify_ledger(pg, jobs=1).ok
    for statement, says in (  # each change is named before the one made earlier: verify's order is the reverse
        ("UPDATE compliance SET data = data || ' ' WHERE key LIKE '5:%'", "about the acquired 5:0x"),
        ("INSERT INTO holdings SELECT 9, holder, shares FROM holdings WHERE deed_id = 1", "row for deed 9 that no"),
        ("UPDATE deeds SET legal = 'Lot 0' WHERE deed_id = 4", "about deed 4 (legal;"),
    ):
        with pg.engine.begin() as conn:
            conn.execute(text(statement))
        report = verify_ledger(pg, jobs=1)
        assert report.reason is not None and says in report.reason, report.reason
