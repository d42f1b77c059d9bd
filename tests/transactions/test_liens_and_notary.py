"""Liens, releases, attestations and the notary's journal."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from core.dates import today_here, today_utc

import pytest

from core.errors import DeedbookError, RuleViolation
from core.liens import add_lien, lien_message, release_lien, release_message
from core.notary import attest, attestation_message, id_number_matches, journal
from core.transactions import submit
from core.verify import verify_ledger
from tests.transactions.conftest import Parties, snapshot


def test_lien_and_release_show_in_state_and_history(parties: Parties) -> None:
    record = add_lien(parties.ledger, parties.deed, parties.bank, "172,000.00", "mortgage")
    deed = parties.ledger.deed(parties.deed)
    assert deed.version == 2 and record.lien.amount == 17_200_000 and record.lien.holder == parties.bank.address
    assert [lien.lien_id for lien in deed.open_liens()] == [record.lien.lien_id]
    released = release_lien(parties.ledger, parties.deed, record.lien.lien_id, parties.bank)
    deed = parties.ledger.deed(parties.deed)
    assert deed.version == 3 and deed.open_liens() == [] and deed.liens[1].released_index == released.index
    assert [e.kind for e in parties.ledger.history(parties.deed)] == ["RegisterDeed", "Lien", "LienRelease"]
    assert verify_ledger(parties.ledger, jobs=1).ok


def test_only_the_lienholder_releases_once(parties: Parties) -> None:
    lien = add_lien(parties.ledger, parties.deed, parties.bank, "1000", "tax").lien
    before = snapshot(parties.ledger)
    with pytest.raises(DeedbookError, match="Only the lienholder"):
        release_lien(parties.ledger, parties.deed, lien.lien_id, parties.alice)
    # past the service's check: alice signs a release naming herself as holder, or naming the bank
    for holder in (parties.alice.address, parties.bank.address):
        message = dict(release_message(parties.ledger, parties.deed, lien.lien_id, parties.bank.address), holder=holder)
        with pytest.raises(RuleViolation, match=r"Only the lienholder|signed by"):
            parties.ledger.append([parties.ledger.sign("LienRelease", message, parties.alice, "lienholder")])
    with pytest.raises(DeedbookError, match="no lien 9"):
        release_lien(parties.ledger, parties.deed, 9, parties.bank)
    assert snapshot(parties.ledger) == before
    release_lien(parties.ledger, parties.deed, lien.lien_id, parties.bank)
    before = snapshot(parties.ledger)
    with pytest.raises(DeedbookError, match="released already"):
        release_lien(parties.ledger, parties.deed, lien.lien_id, parties.bank)
    assert snapshot(parties.ledger) == before


def test_lien_replay_and_bad_values_are_refused(parties: Parties) -> None:
    message = lien_message(parties.ledger, parties.deed, parties.bank.address, "500", "tax")
    entry = parties.ledger.sign("Lien", message, parties.bank, "lienholder")
    parties.ledger.append([entry])
    before = snapshot(parties.ledger)
    with pytest.raises(RuleViolation, match=r"lien number|version"):
        parties.ledger.append([entry])
    for change, match in (
        ({"amount": 0}, "at least one"),
        ({"currency": "usd"}, "currency"),
        ({"lienKind": " "}, "kind"),
        ({"parcel": "other"}, "names parcel"),
    ):
        fresh = dict(lien_message(parties.ledger, parties.deed, parties.bank.address, "500", "tax"), **change)
        with pytest.raises(RuleViolation, match=match):
            parties.ledger.append([parties.ledger.sign("Lien", fresh, parties.bank, "lienholder")])
    with pytest.raises(DeedbookError, match="decimal places"):
        add_lien(parties.ledger, parties.deed, parties.bank, "1.001", "tax")
    assert snapshot(parties.ledger) == before


def test_attestation_and_journal(parties: Parties) -> None:
    index = submit(parties.ledger, parties.sign(parties.prepare()))
    today = today_utc()
    a1 = attest(
        parties.ledger,
        index,
        parties.notary,
        act="acknowledgment",
        place="Ames, IA",
        id_kind="passport",
        id_number="X 1234-5678",
        act_date=today - timedelta(days=10),
    )
    a2 = attest(parties.ledger, 1, parties.notary, act="jurat", act_date=today)
    other = attest(parties.ledger, index, parties.carol, act="acknowledgment", act_date=today - timedelta(days=3))
    entry = parties.ledger.entry(a1)
    assert (
        entry.deed_id == parties.deed
        and entry.message["entryHash"] == "0x" + parties.ledger.entry(index).leaf_hash.hex()
    )
    assert entry.message["signers"] == [parties.alice.address, parties.bob.address]
    assert [e.index for e in parties.ledger.history(parties.deed)][-3:] == [a1, a2, other]
    assert parties.ledger.deed(parties.deed).version == 2  # attesting changes no deed state

    everyone = journal(parties.ledger)
    assert [r.index for r in everyone] == [a1, other, a2]  # by act date
    mine = journal(parties.ledger, parties.notary.address)
    assert [r.index for r in mine] == [a1, a2]
    ranged = journal(
        parties.ledger,
        parties.notary.address,
        (today - timedelta(days=11)).isoformat(),
        (today - timedelta(days=1)).isoformat(),
    )
    assert [r.index for r in ranged] == [a1]
    record = ranged[0].as_json()
    assert record["act"] == "acknowledgment" and record["id_evidence"] == "passport"
    assert record["id_number_hash"] and record["deed_id"] == parties.deed
    with pytest.raises(DeedbookError, match="start date is after"):
        journal(parties.ledger, None, "2024-02-01", "2024-01-01")
    assert verify_ledger(parties.ledger, jobs=1).ok


def test_identity_number_is_never_stored_in_clear(parties: Parties) -> None:
    index = attest(
        parties.ledger, 1, parties.notary, act="acknowledgment", id_kind="driver's license", id_number="D123-456-789"
    )
    with parties.ledger.engine.connect() as conn:
        from sqlalchemy import inspect, text

        tables = inspect(conn).get_table_names()  # every table (there is no settings table since 0004)
        assert {"entries", "deeds"} <= set(tables)
        dump = " ".join(str(row) for table in tables for row in conn.execute(text(f"SELECT * FROM {table}")))
    assert "123456789" not in dump and "D123-456-789" not in dump and "D123456789" not in dump
    assert id_number_matches(parties.ledger, index, parties.notary, "d123 456 789")  # same document, typed freely
    assert not id_number_matches(parties.ledger, index, parties.notary, "D123-456-780")
    assert not id_number_matches(parties.ledger, index, parties.carol, "D123-456-789")  # the salt is the notary's


def test_attestation_must_name_an_existing_entry_with_its_hash(parties: Parties) -> None:
    before = snapshot(parties.ledger)
    with pytest.raises(DeedbookError, match="no entry 99"):
        attest(parties.ledger, 99, parties.notary, act="jurat")
    good = attestation_message(parties.ledger, 1, parties.notary, act="jurat")
    genesis_hash = "0x" + parties.ledger.entry(0).leaf_hash.hex()
    for change, match in (
        ({"entryHash": genesis_hash}, "hash is not the hash"),
        ({"entryIndex": 5}, "recorded before"),
        ({"entryKind": "Transfer"}, "not what the attestation says"),
        ({"deedId": 7}, "not what the attestation says"),
        ({"actDate": "2999-01-01"}, "after the attestation"),
        ({"actDate": "01/02/2024"}, "YYYY-MM-DD"),
        ({"signers": []}, "between 1 and"),
        ({"act": ""}, "names the notarial act"),
    ):
        with pytest.raises(RuleViolation, match=match):
            parties.ledger.append([parties.ledger.sign("Attestation", dict(good, **change), parties.notary, "notary")])
    with pytest.raises(DeedbookError, match="future"):
        attest(parties.ledger, 1, parties.notary, act="jurat", act_date=today_utc() + timedelta(days=2))
    assert snapshot(parties.ledger) == before


def test_a_notary_ahead_of_utc_dates_the_act_by_their_own_day(
    parties: Parties, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In Kiritimati (UTC+14) after 10:00 UTC it is already tomorrow: the act's date is the notary's day, not the
    UTC day (the old code wrote the UTC day by default and refused the notary's own day as 'in the future')."""
    real = time.time()
    moment = real + max(0, 11 - datetime.fromtimestamp(real, UTC).hour) * 3600  # 11:00 UTC or later
    monkeypatch.setattr(time, "time", lambda: moment)
    monkeypatch.setenv("TZ", "Etc/GMT-14")  # POSIX sign: UTC+14
    time.tzset()
    try:
        local = today_here()
        assert local == today_utc(moment) + timedelta(days=1)  # the premise
        index = submit(parties.ledger, parties.sign(parties.prepare()))
        by_default = attest(parties.ledger, index, parties.notary, act="jurat")
        typed = attest(parties.ledger, 1, parties.notary, act="jurat", act_date=local.isoformat())
        assert [parties.ledger.entry(i).message["actDate"] for i in (by_default, typed)] == [local.isoformat()] * 2
        with pytest.raises(DeedbookError, match="is in the future"):  # tomorrow even here
            attest(parties.ledger, 1, parties.notary, act="jurat", act_date=local + timedelta(days=1))
        assert verify_ledger(parties.ledger, jobs=1).ok
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
