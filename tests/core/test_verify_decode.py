"""verify reads the stored JSON with msgspec, decides common attributes by a typed decode and runs
SQLite's integrity check beside the replay: what each of those could hide must still be caught."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, date, datetime
from datetime import time as clock
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.dates import date_to_epoch
from core.eip712 import TypedSchema
from core.entries import Entry
from core.errors import Cancelled
from core.kinds import kinds, registration, schema
from core.state import LedgerState
from core.verify import verify_ledger
from tests.helpers import World, make_world


def _register_raw(world: World, attributes: str) -> int:
    """A registration whose attributes text is given as is, signed properly, recorded with the
    attributes rule switched off: a ledger written by a program that skipped it."""

    def build(state: LedgerState) -> list[Entry]:
        message = {
            "deedId": state.next_deed_id,
            "parcel": f"RAW-{state.next_deed_id}",
            "propertyAddress": "1 Raw Street",
            "legalDescription": "Lot 1",
            "owner": world.key("alice").address,
            "totalShares": 10_000,
            "attributes": attributes,
            "nonce": 0,
        }
        return [world.ledger.sign("RegisterDeed", message, world.operator, "registrar")]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(registration, "check_attributes", lambda text: text)
        [index] = world.ledger.append_built(build)
    return index


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = make_world(tmp_path / "ledger")
    for parcel in ("A-1", "A-2"):
        w.register(parcel, w.key("alice").address, attributes={"Gr_Liv_Area": 1656, "Neighborhood": "NAmes"})
    assert verify_ledger(w.ledger, jobs=1).ok
    return w


@pytest.mark.parametrize(
    ("attributes", "says"),
    [
        ('{"Gr_Liv_Area":1656,"Gr_Liv_Area":1700}', "name an attribute twice"),  # msgspec keeps the last
        ('{"Gr_Liv_Area":1656,"Neighborhood":"NAmes","Gr_Liv_Area":1}', "name an attribute twice"),
        ('{"Lot_Area":1e400}', "finite values"),  # msgspec refuses it; the standard library reads inf
        ('{"Lot_Area":NaN}', "finite values"),
        ('{"Lot_Area":[1]}', "is not text, a number"),
        ('{"":1}', "An attribute name is 1 to 64"),
    ],
)
def test_a_signed_registration_breaking_the_attributes_rule_is_named(world: World, attributes: str, says: str) -> None:
    index = _register_raw(world, attributes)
    report = verify_ledger(world.ledger, jobs=1)
    assert not report.ok and report.first_bad == index
    assert report.reason is not None and says in report.reason


def test_plain_attributes_written_raw_verify(world: World) -> None:
    """The same route with attributes the rule accepts: the failures above are the rule's, not the route's."""
    _register_raw(
        world, '{"Gr_Liv_Area":1656,"Neighborhood":"NAmes","Latitude":42.05,"Pool":null,"Big":12345678901234567890123}'
    )
    assert verify_ledger(world.ledger, jobs=1).ok


def _sql(world: World, statement: str, *args: object) -> None:
    db = sqlite3.connect(world.home.database)
    db.execute("DROP TRIGGER IF EXISTS entries_append_only_update")
    db.execute(statement, args)
    db.commit()
    db.close()


@pytest.mark.parametrize(
    ("statement", "says"),
    [
        (  # one byte of the signed message: the signature no longer recovers to the registrar
            "UPDATE entries SET message = replace(message, '\"parcel\":\"A-2\"', '\"parcel\":\"A-3\"') WHERE idx = 2",
            "Entry 2 (RegisterDeed): The registrar signature",
        ),
        (  # a repeated name added to the stored attributes: the signature covers the attributes text
            "UPDATE entries SET message = replace(message, '1656,', '1656,\\\"Gr_Liv_Area\\\":1,') WHERE idx = 2",
            "Entry 2 (RegisterDeed): The registrar signature",
        ),
        (
            "UPDATE deeds SET attributes = replace(attributes, '1656', '1657') WHERE deed_id = 2",
            "The deed tables disagree with the ledger about deed 2 (attributes",
        ),
        (
            "UPDATE compliance SET data = replace(data, '\"registration\"', '\"transfer\"') "
            "WHERE kind = 'acquired' AND key LIKE '2:%'",
            "acquired",
        ),
    ],
    ids=["message-byte", "repeated-attribute", "deed-row", "compliance-row"],
)
def test_tampering_is_still_caught(world: World, statement: str, says: str) -> None:
    before = verify_ledger(world.ledger, jobs=1)
    assert before.ok
    _sql(world, statement)
    report = verify_ledger(world.ledger, jobs=1)
    assert not report.ok
    assert report.reason is not None and says in report.reason, report.reason


def test_a_cancelled_verify_stops_the_integrity_check_too(world: World) -> None:
    with pytest.raises(Cancelled):
        verify_ledger(world.ledger, jobs=1, should_cancel=lambda: True)
    deadline = time.monotonic() + 5
    while any(t.name == "verify-integrity-check" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(t.name == "verify-integrity-check" for t in threading.enumerate())
    assert verify_ledger(world.ledger, jobs=1).ok  # and the ledger's connections are fine afterwards


INNER = [{"name": "deedId", "type": "uint256"}, {"name": "note", "type": "string"}, {"name": "to", "type": "address"}]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**256 - 1), st.text(), st.binary(min_size=20, max_size=20), st.binary(min_size=32, max_size=32))
def test_a_wrapper_digest_from_the_inner_hash_is_the_full_one(
    deed: int, note: str, to: bytes, separator: bytes
) -> None:
    """check_signatures hashes a transfer once and derives its Acceptance digest from that hash."""
    schema = TypedSchema({"Inner": INNER, "Wrap": [{"name": "transfer", "type": "Inner"}]})
    inner = {"deedId": deed, "note": note, "to": "0x" + to.hex()}
    full = schema.digest(separator, "Wrap", {"transfer": inner})
    assert schema.wrapper_digest(separator, "Wrap", "transfer", "Inner", schema.hash_struct("Inner", inner)) == full
    assert schema.wrapper_digest(separator, "Wrap", "transfer", "Inner", bytes(32)) != full


def test_a_wrapper_of_another_shape_gets_no_shortcut() -> None:
    schema = TypedSchema(
        {
            "Inner": INNER,
            "Wrap": [{"name": "transfer", "type": "Inner"}],
            "Two": [{"name": "transfer", "type": "Inner"}, {"name": "extra", "type": "uint256"}],
        }
    )
    for wrapper, field, inner in (("Two", "transfer", "Inner"), ("Wrap", "other", "Inner"), ("Wrap", "transfer", "X")):
        assert schema.wrapper_digest(bytes(32), wrapper, field, inner, bytes(32)) is None


def test_every_kinds_wrappers_take_the_shortcut() -> None:
    """The shapes the registry declares are the ones wrapper_digest recognises (else it would hash twice)."""
    full = schema()
    for kind in kinds().values():
        for wrapper, field in kind.wrappers.items():
            assert full.wrapper_digest(bytes(32), wrapper, field, kind.name, bytes(32)) is not None


@settings(max_examples=500, deadline=None)
@given(st.dates())
def test_a_day_in_unix_seconds_is_what_datetime_says(day: date) -> None:
    """core.dates.date_to_epoch counts whole days (every transfer's closing date is read by verify)."""
    assert date_to_epoch(day) == int(datetime.combine(day, clock(0), tzinfo=UTC).timestamp())
