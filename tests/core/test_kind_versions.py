"""Versioned EIP-712 types (core.kinds: `EntryKind.earlier`): a kind that gained a field keeps
verifying the entries recorded with its earlier field list.

The ledger in tests/data/v1-approvals was recorded by main's code before approvals had deadlines
(its make_ledger.py says how); today's code must verify it and compute the same digests, byte for
byte.  Random messages of every version of every versioned kind hash as eth-account hashes them
(its `encode_typed_data`, the typed data a wallet is given), and a message of no version is refused.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from eth_account.messages import _hash_eip191_message, encode_typed_data
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import RuleViolation
from core.identity import LedgerIdentity
from core.kinds import EntryKind, Fields, check_signatures, digest_for, get_kind, kinds, typed_data
from core.ledger import Ledger
from core.paths import DataDir
from core.requests import RequestError, load_response
from core.verify import verify_ledger
from desktop.cli.main import run

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "v1-approvals"
VERSIONED = sorted(name for name, kind in kinds().items() if kind.earlier)
IDENTITY = LedgerIdentity(b"\x5c" * 32, "Version County", "0x" + "ab" * 20, 1)


def test_the_approvals_are_versioned_and_the_first_versions_lack_only_the_deadline() -> None:
    assert VERSIONED == ["Hold", "HoldRelease", "RecoveryApproval"]
    for name in VERSIONED:
        kind = get_kind(name)
        [first] = kind.earlier
        assert kind.fields == (*first, ("deadline", "uint256"))


@pytest.fixture
def v1_ledger(tmp_path: Path) -> Ledger:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(FIXTURE / "ledger.sqlite", home / "ledger.sqlite")
    return Ledger.open(DataDir.resolve(home))


def test_a_ledger_recorded_with_the_first_versions_still_verifies_with_the_same_digests(v1_ledger: Ledger) -> None:
    recorded = json.loads((FIXTURE / "digests.json").read_text())["entries"]
    entries = v1_ledger.entries()
    assert [e.kind for e in entries] == [r["kind"] for r in recorded]
    assert {"Hold", "HoldRelease", "RecoveryApproval"} <= {e.kind for e in entries}
    for entry, then in zip(entries, recorded, strict=True):
        assert entry.message == then["message"]
        if entry.kind in VERSIONED:
            assert "deadline" not in entry.message and not get_kind(entry.kind).is_current(entry.message)
        assert "0x" + check_signatures(v1_ledger.identity, entry.entry).hex() == then["digest"], entry.index
        assert "0x" + entry.leaf_hash.hex() == then["leafHash"]
    report = verify_ledger(v1_ledger, jobs=1)
    assert report.ok, report.reason
    assert report.entries == len(recorded)


def test_verify_on_the_command_line_passes_the_first_version_ledger(v1_ledger: Ledger, capsys: Any) -> None:
    root = v1_ledger.home.root
    v1_ledger.close()
    assert run(["--data-dir", str(root), "verify"]) == 0
    assert "ok: 11 entries" in capsys.readouterr().out


def test_a_request_of_a_first_version_is_refused_and_nothing_is_recorded(v1_ledger: Ledger, capsys: Any) -> None:
    """Old requests still lying around cannot be recorded now: they would carry no deadline."""
    with pytest.raises(RequestError, match=r"Hold of an earlier Deedbook \(without deadline\).*new request"):
        load_response(FIXTURE / "hold-v1-registrar.signed.json")
    root, size = v1_ledger.home.root, v1_ledger.size()
    v1_ledger.close()
    files = [str(FIXTURE / "hold-v1-registrar.signed.json"), str(FIXTURE / "hold-v1-approver.json")]
    assert run(["--data-dir", str(root), "submit", *files]) == 2
    err = capsys.readouterr().err
    assert "earlier Deedbook" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert Ledger.open(DataDir.resolve(root)).size() == size


# -- every version hashes as eth-account hashes it -----------------------------------------------------------------

ADDRESSES = st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())
VALUES = {
    "address": ADDRESSES,
    "bytes32": st.binary(min_size=32, max_size=32).map(lambda b: "0x" + b.hex()),
    "uint256": st.integers(0, 2**256 - 1),
    "string": st.text(max_size=40),
}


def messages(fields: Fields) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({name: VALUES[type_name] for name, type_name in fields})


def versions() -> st.SearchStrategy[tuple[EntryKind, Fields, str, dict[str, Any]]]:
    """(kind, one of its versions, a type a party signs over it, a random message of that version)."""
    cases = [
        (get_kind(name), version, signed)
        for name in VERSIONED
        for version in get_kind(name).versions
        for signed in get_kind(name).parties
    ]
    return st.sampled_from(cases).flatmap(lambda c: messages(c[1]).map(lambda m: (*c, m)))


@settings(max_examples=150, deadline=None)
@given(versions())
def test_both_versions_hash_as_eth_account_hashes_them(case: tuple[EntryKind, Fields, str, dict[str, Any]]) -> None:
    kind, version, signed, message = case
    kind.check_message(message)  # type: ignore[attr-defined]
    assert kind.fields_of(message) == version
    typed = typed_data(IDENTITY, kind.name, message, signed)
    assert [f["name"] for f in typed["types"][kind.name]] == [name for name, _ in version]  # its own version's type
    theirs = _hash_eip191_message(encode_typed_data(full_message=typed))
    assert digest_for(IDENTITY, kind, message, signed) == theirs


@settings(max_examples=100, deadline=None)
@given(versions(), st.sampled_from(["drop", "add", "rename"]))
def test_a_message_of_no_version_is_refused(case: tuple[EntryKind, Fields, str, dict[str, Any]], how: str) -> None:
    kind, version, _, message = case
    changed = dict(message)
    if how == "drop":
        changed.pop(next(name for name, _ in version if name != "deadline"))
    elif how == "add":
        changed["memo"] = "x"
    else:
        changed["deadlines"] = changed.pop("deadline", 0)
    with pytest.raises(RuleViolation, match="must have exactly the fields"):
        kind.check_message(changed)  # type: ignore[attr-defined]


def test_a_versioned_kind_refuses_a_wrongly_typed_field_of_its_earlier_version() -> None:
    kind = get_kind("Hold")
    message = {name: 0 if t == "uint256" else "0x" + "11" * 20 for name, t in kind.earlier[0]}
    kind.check_message(message)  # type: ignore[attr-defined]  # well-formed: the first version's checks ran
    with pytest.raises(RuleViolation, match=r"Hold\.holdId is not a valid bytes32"):
        kind.check_message({**message, "holdId": 5})  # type: ignore[attr-defined]


def test_versions_must_differ_in_their_field_names() -> None:
    hold = get_kind("Hold")
    with pytest.raises(ValueError, match="must differ"):
        EntryKind(
            name="Twice",
            fields=hold.fields,
            earlier=(tuple(reversed(hold.fields)),),
            apply=lambda s, e, c: None,
            describe=lambda m: "",
            parties=hold.parties and {"Twice": next(iter(hold.parties.values()))},
        )
