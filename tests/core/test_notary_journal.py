"""The notary's own journal: hash-linked, signed rows; sealed identity numbers; jurisdiction profiles."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import DeedbookError
from core.jurisdictions import NAMES, PLACEHOLDERS, FieldsError, fill, parse_fields, profile
from core.keys import UnlockedKey
from core.notary_journal import JournalError, NotaryJournal
from core.sealing import SealError, open_sealed, seal
from core.signing import address_of_private_key, checksum_address

FIELDS = {
    "document": "Grant deed",
    "fee": "15",
    "thumbprint": True,
    "signers": [
        {
            "name": "Ana",
            "address": "1 Main St",
            "id": {
                "type": "passport",
                "issuer": "US State Dept",
                "number": "X 123-456 78",
                "issued": "2019-05-01",
                "expires": "2029-05-01",
            },
        }
    ],
}


def _key(name: str) -> UnlockedKey:
    secret = os.urandom(32)
    return UnlockedKey(name, checksum_address(address_of_private_key(secret)), secret)


@pytest.fixture
def notary() -> UnlockedKey:
    return _key("notary")


def _journal(tmp_path: Path, key: UnlockedKey, rows: int = 3) -> NotaryJournal:
    journal = NotaryJournal(tmp_path)
    for n in range(rows):
        journal.append(
            key,
            row_type="act",
            profile=profile("california"),
            act={"entryIndex": n, "actDate": f"2026-01-0{n + 1}"},
            fields=parse_fields(FIELDS),
        )
    return journal


def _lines(journal: NotaryJournal) -> list[str]:
    return journal.path.read_text().splitlines()


def _store(journal: NotaryJournal, lines: list[str]) -> None:
    journal.path.write_text("\n".join(lines) + "\n")


def test_an_intact_journal_verifies_and_numbers_are_sealed(tmp_path: Path, notary: UnlockedKey) -> None:
    journal = _journal(tmp_path, notary)
    check = journal.verify()
    assert check.ok and check.rows == 3 and check.notary == notary.address
    assert "123-456" not in journal.path.read_text()  # the number is not in clear (California keeps it sealed)
    assert journal.reveal(notary, journal.rows()[1]) == {"signer1.id.number": "X 123-456 78"}
    with pytest.raises(SealError):
        journal.reveal(_key("other"), journal.rows()[1])


def test_an_edited_row_is_named(tmp_path: Path, notary: UnlockedKey) -> None:
    journal = _journal(tmp_path, notary)
    lines = _lines(journal)
    lines[1] = lines[1].replace('"fee": "15"', '"fee": "150"')
    _store(journal, lines)
    check = journal.verify()
    assert not check.ok and check.first_bad == 1 and "edited" in check.reason


def test_a_deleted_row_is_named(tmp_path: Path, notary: UnlockedKey) -> None:
    journal = _journal(tmp_path, notary)
    lines = _lines(journal)
    del lines[1]
    _store(journal, lines)
    check = journal.verify()
    assert not check.ok and check.first_bad == 1 and "deleted" in check.reason


def test_reordered_rows_are_named(tmp_path: Path, notary: UnlockedKey) -> None:
    journal = _journal(tmp_path, notary)
    lines = _lines(journal)
    lines[1], lines[2] = lines[2], lines[1]
    _store(journal, lines)
    check = journal.verify()
    assert not check.ok and check.first_bad == 1


def test_a_row_signed_by_another_key_is_named(tmp_path: Path, notary: UnlockedKey) -> None:
    journal = _journal(tmp_path, notary, rows=2)
    # another key writes a whole, well-formed row onto the end (as it would in its own journal)
    forger = _key("forger")
    rows = journal.rows()
    from core.notary_journal import row_hash

    body = dict(rows[1].body, seq=2, prev=rows[1].data["hash"], notary=forger.address)
    digest = row_hash(body)
    forged = {**body, "hash": "0x" + digest.hex(), "signature": "0x" + forger.sign(digest).hex()}
    _store(journal, [*_lines(journal), json.dumps(forged)])
    check = journal.verify()
    assert not check.ok and check.first_bad == 2 and forger.address in check.reason
    with pytest.raises(JournalError, match="damaged"):
        journal.append(notary, row_type="void", profile=profile("generic"), ref=0, reason="mistake")
    # and a key that is not the journal's notary cannot write in an intact journal
    _store(journal, _lines(journal)[:2])
    with pytest.raises(JournalError, match="kept by"):
        journal.append(forger, row_type="void", profile=profile("generic"), ref=0, reason="mistake")


def test_corrections_and_voids_are_new_rows(tmp_path: Path, notary: UnlockedKey) -> None:
    journal = _journal(tmp_path, notary, rows=1)
    first = journal.path.read_text()
    journal.append(notary, row_type="void", profile=profile("california"), ref=0, reason="wrong deed")
    assert journal.path.read_text().startswith(first)  # the act row is untouched
    assert [r.type for r in journal.rows()] == ["act", "void"] and journal.rows()[1].data["ref"] == 0
    assert journal.verify().ok


def test_pennsylvania_keeps_no_full_number_and_says_no_charge(tmp_path: Path, notary: UnlockedKey) -> None:
    journal = NotaryJournal(tmp_path)
    fields = parse_fields({**FIELDS, "fee": "0"})
    row = journal.append(notary, row_type="act", profile=profile("pennsylvania"), act=None, fields=fields)
    assert row.data["sealed"] == {} and row.data["fields"]["fee"] == "N/C"
    assert row.data["fields"]["signers"][0]["id"]["numberKept"] == "\u20265678"
    assert "X12345678" not in journal.path.read_text() and "123-456" not in journal.path.read_text()


def test_california_requires_a_thumbprint_for_real_property() -> None:
    ca = profile("california")
    no_thumb = parse_fields({**FIELDS, "thumbprint": False})
    with pytest.raises(FieldsError, match="thumbprint"):
        ca.check(no_thumb, real_property=True)
    ca.check(no_thumb, real_property=False)
    no_id = parse_fields({**FIELDS, "signers": [{"name": "Ana", "address": "1 Main St"}]})
    assert ca.missing(no_id, real_property=True) == ["signer 1's identity evidence (or a credible witness)"]
    with_witness = parse_fields(
        {
            **FIELDS,
            "signers": [{"name": "Ana", "address": "1 Main St"}],
            "witnesses": [{"name": "Bo", "address": "2 Elm St"}],
        }
    )
    ca.check(with_witness, real_property=True)
    profile("generic").check(parse_fields({"signers": [{"name": "Ana"}]}), real_property=True)


def test_certificate_wording_per_profile() -> None:
    for name in NAMES:
        for act in ("acknowledgment", "jurat"):
            text = profile(name).certificate(act)
            assert "{notary_name}" in text and "{commission_number}" in text and "{commission_expiry}" in text
            assert set(__import__("re").findall(r"\{(\w+)\}", text)) <= set(PLACEHOLDERS)
    filled = fill(profile("california").certificate("Acknowledgment"), notary_name="N. Otary", county="Yolo")
    assert "N. Otary" in filled and "{" not in filled and "________" in filled
    assert "Pennsylvania" in profile("pennsylvania").certificate("jurat")
    with pytest.raises(DeedbookError, match="acknowledgment or a jurat"):
        profile("iowa").certificate("protest")
    with pytest.raises(DeedbookError, match="profiles are"):
        profile("narnia")


def test_sealed_values_are_bound_to_their_place(notary: UnlockedKey) -> None:
    sealed = seal(notary.public_key, "D1234567", "row 1")
    assert open_sealed(notary, sealed, "row 1") == "D1234567"
    with pytest.raises(SealError):
        open_sealed(notary, sealed, "row 2")
    with pytest.raises(SealError, match="malformed"):
        open_sealed(notary, {**sealed, "box": "!!"}, "row 1")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "document",
                    "fee",
                    "thumbprint",
                    "signers",
                    "witnesses",
                    "name",
                    "address",
                    "id",
                    "type",
                    "number",
                    "issued",
                    "x",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_fields_file_parses_or_is_one_sentence(data: object) -> None:
    try:
        fields = parse_fields(data)
    except FieldsError as refused:
        assert str(refused) and "\n" not in str(refused)
        return
    for name in NAMES:
        profile(name).missing(fields, real_property=True)  # never raises on what parsed


def test_a_row_re_signed_by_another_key_in_the_notarys_name_is_named(tmp_path: Path, notary: UnlockedKey) -> None:
    journal = _journal(tmp_path, notary, rows=3)
    forger = _key("forger")
    lines = _lines(journal)
    row = json.loads(lines[1])
    row["fields"]["fee"] = "0"  # changed, re-hashed and signed again, still naming the notary
    from core.notary_journal import row_hash

    body = {k: v for k, v in row.items() if k not in ("hash", "signature")}
    digest = row_hash(body)
    row.update(hash="0x" + digest.hex(), signature="0x" + forger.sign(digest).hex())
    lines[1] = json.dumps(row)
    _store(journal, lines)
    check = journal.verify()
    assert not check.ok and check.first_bad == 1 and f"signed by {forger.address}" in check.reason
