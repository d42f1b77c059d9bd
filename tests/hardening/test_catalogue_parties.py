"""Bad input for the parties' commands: lien/release/attest prepare, submit, sign of an attestation, the journal.

Each case runs the real command against the office (a ledger, keys registrar/alice/bob,
deed 1, a checkpoint) or against a notary's own folder next to it, and asserts one
sentence, the exit code, and that the ledger (and the notary's journal) did not change.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from tests.hardening.conftest import Office
from tests.hardening.harness import assert_refused, run_cli
from tests.hardening.harness import run_here

NOWHERE = "0x" + "12" * 20


@dataclass(frozen=True)
class Desk:
    office: Office
    notary_home: Path
    notary: str
    lien_request: Path
    attest_request: Path
    root: Path

    def notary_argv(self, *args: str) -> list[str]:
        return ["--data-dir", str(self.notary_home), *args]

    def journal_digest(self) -> str:
        path = self.notary_home / "notary" / "journal.jsonl"
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "none"


@pytest.fixture(scope="module")
def desk_template(office_template: Office, tmp_path_factory: pytest.TempPathFactory) -> Desk:
    """The office beside a notary's folder, with a lien request and an attestation request written: built once
    a module; each test gets its own copy (`desk`)."""
    tmp_path = tmp_path_factory.mktemp("desk")
    shutil.copytree(office_template.home, tmp_path / "home")
    office = Office(tmp_path / "home", office_template.password_file, office_template.alice, office_template.bob)
    notary_home = tmp_path / "notary"
    made = run_here(
        ["--data-dir", str(notary_home), "key", "new", "notary", "--password-file", str(office.password_file)]
    )
    assert made.code == 0, made.err
    notary = made.out.strip().split()[-1]
    lien = run_here(
        office.argv(
            "lien",
            "prepare",
            "1",
            "--holder",
            office.bob,
            "--amount",
            "1000",
            "--kind",
            "tax",
            "--out-dir",
            str(tmp_path / "lien"),
        )
    )
    assert lien.code == 0, lien.err
    attest = run_here(
        office.argv(
            "attest",
            "prepare",
            "1",
            "--notary",
            notary,
            "--act",
            "acknowledgment",
            "--place",
            "Ames",
            "--out-dir",
            str(tmp_path / "attest"),
        )
    )
    assert attest.code == 0, attest.err
    [lien_request] = (tmp_path / "lien").glob("*.json")
    [attest_request] = (tmp_path / "attest").glob("*.json")
    return Desk(office, notary_home, notary, lien_request, attest_request, tmp_path)


@pytest.fixture
def desk(desk_template: Desk, tmp_path: Path) -> Desk:
    template = desk_template.root
    for folder in ("home", "notary", "lien", "attest"):
        shutil.copytree(template / folder, tmp_path / folder)
    t = desk_template
    office = Office(tmp_path / "home", t.office.password_file, t.office.alice, t.office.bob)
    lien_request, attest_request = (tmp_path / p.relative_to(template) for p in (t.lien_request, t.attest_request))
    return Desk(office, tmp_path / "notary", t.notary, lien_request, attest_request, tmp_path)


def _write(desk: Desk, name: str, content: str | dict[str, object]) -> str:
    path = desk.root / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def _signed_lien(desk: Desk, capsys: pytest.CaptureFixture[str]) -> str:
    out = desk.root / "lien-signed.json"
    signed = run_cli(
        desk.office.argv(
            "sign",
            str(desk.lien_request),
            "--key",
            "bob",
            "--password-file",
            str(desk.office.password_file),
            "--yes",
            "--out",
            str(out),
        ),
        capsys,
    )
    assert signed.code == 0, signed.err
    return str(out)


Case = Callable[[Desk, pytest.CaptureFixture[str]], list[str]]

# the agency's side: (argv, says)
AGENCY_CASES: dict[str, tuple[Case, str]] = {
    "lien on an unknown deed": (
        lambda d, c: d.office.argv(
            "lien",
            "prepare",
            "99",
            "--holder",
            d.office.bob,
            "--amount",
            "5",
            "--kind",
            "tax",
            "--out-dir",
            str(d.root / "x"),
        ),
        "no deed",
    ),
    "lien for a malformed holder": (
        lambda d, c: d.office.argv(
            "lien",
            "prepare",
            "1",
            "--holder",
            "0x1234",
            "--amount",
            "5",
            "--kind",
            "tax",
            "--out-dir",
            str(d.root / "x"),
        ),
        "address",
    ),
    "lien of nothing": (
        lambda d, c: d.office.argv(
            "lien",
            "prepare",
            "1",
            "--holder",
            d.office.bob,
            "--amount",
            "0",
            "--kind",
            "tax",
            "--out-dir",
            str(d.root / "x"),
        ),
        "positive",
    ),
    "lien in a made-up currency": (
        lambda d, c: d.office.argv(
            "lien",
            "prepare",
            "1",
            "--holder",
            d.office.bob,
            "--amount",
            "5",
            "--currency",
            "XYZQ",
            "--kind",
            "tax",
            "--out-dir",
            str(d.root / "x"),
        ),
        "currency",
    ),
    "lien of no kind": (
        lambda d, c: d.office.argv(
            "lien",
            "prepare",
            "1",
            "--holder",
            d.office.bob,
            "--amount",
            "5",
            "--kind",
            "  ",
            "--out-dir",
            str(d.root / "x"),
        ),
        "kind of lien",
    ),
    "lien into a file, not a folder": (
        lambda d, c: d.office.argv(
            "lien",
            "prepare",
            "1",
            "--holder",
            d.office.bob,
            "--amount",
            "5",
            "--kind",
            "tax",
            "--out-dir",
            str(d.lien_request),
        ),
        "not a folder",
    ),
    "release of an unknown lien": (
        lambda d, c: d.office.argv("lien", "release", "prepare", "7", "--out-dir", str(d.root / "x")),
        "no lien 7",
    ),
    "release without a folder": (lambda d, c: d.office.argv("lien", "release", "prepare", "7"), "--out-dir"),
    "attest prepare of no entry": (
        lambda d, c: d.office.argv(
            "attest", "prepare", "--notary", d.notary, "--act", "jurat", "--out-dir", str(d.root / "x")
        ),
        "which entry",
    ),
    "attest prepare of an unknown entry": (
        lambda d, c: d.office.argv(
            "attest", "prepare", "40", "--notary", d.notary, "--act", "jurat", "--out-dir", str(d.root / "x")
        ),
        "no entry 40",
    ),
    "attest prepare of an entry no checkpoint covers": (
        lambda d, c: d.office.argv(
            "attest", "prepare", "2", "--notary", d.notary, "--act", "jurat", "--out-dir", str(d.root / "x")
        ),
        "checkpoint",
    ),
    "attest prepare without a notary": (
        lambda d, c: d.office.argv("attest", "prepare", "1", "--act", "jurat", "--out-dir", str(d.root / "x")),
        "--notary",
    ),
    "attest prepare of no act": (
        lambda d, c: d.office.argv(
            "attest", "prepare", "1", "--notary", d.notary, "--act", " ", "--out-dir", str(d.root / "x")
        ),
        "notarial act",
    ),
    "submit of a file that is not JSON": (
        lambda d, c: d.office.argv("submit", _write(d, "junk.json", "{no")),
        "not valid JSON",
    ),
    "submit of a request nobody signed": (lambda d, c: d.office.argv("submit", str(d.lien_request)), "no signature"),
    "submit of a response with its amount changed": (
        lambda d, c: d.office.argv("submit", _write(d, "changed.json", _changed(_signed_lien(d, c), amount=999))),
        "not made by",
    ),
    "submit of a response naming another signer": (
        lambda d, c: d.office.argv(
            "submit",
            _write(
                d, "other-signer.json", {**json.loads(Path(_signed_lien(d, c)).read_text()), "signer": d.office.alice}
            ),
        ),
        "lienholder in its content",
    ),
    "submit of a response for another ledger": (
        lambda d, c: d.office.argv(
            "submit", _write(d, "other-ledger.json", _changed(_signed_lien(d, c), domain_salt="0x" + "ab" * 32))
        ),
        "not made by",
    ),
    "submit of nothing usable (a folder)": (lambda d, c: d.office.argv("submit", str(d.root)), "folder"),
}


def _changed(path: str, *, amount: int | None = None, domain_salt: str | None = None) -> dict[str, object]:
    data = json.loads(Path(path).read_text())
    td = data["typedData"]
    if amount is not None:
        td["message"]["amount"] = amount
    if domain_salt is not None:
        td["domain"]["salt"] = domain_salt
    return data


@pytest.mark.parametrize("name", list(AGENCY_CASES))
def test_the_agency_side_refuses_bad_input(name: str, desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    make, says = AGENCY_CASES[name]
    argv = make(desk, capsys)
    before = desk.office.fingerprint()
    outcome = run_cli(argv, capsys)
    assert_refused(outcome, 2, says=says)
    assert desk.office.fingerprint() == before
    assert not (desk.root / "x").exists()  # no request file half-written


def test_a_replayed_lien_response_is_refused(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    response = _signed_lien(desk, capsys)
    assert run_cli(desk.office.argv("submit", response), capsys).code == 0
    before = desk.office.fingerprint()
    assert_refused(run_cli(desk.office.argv("submit", response), capsys), 2, says="already recorded")
    assert desk.office.fingerprint() == before


FIELDS_OK = {
    "document": "Grant deed",
    "fee": "10",
    "thumbprint": True,
    "signers": [
        {
            "name": "A",
            "address": "1 Main St",
            "id": {"type": "passport", "issuer": "US", "number": "P1", "issued": "2020-01-01", "expires": "2030-01-01"},
        }
    ],
}

# the notary's side: (extra argv after `sign REQUEST`, says)
NOTARY_CASES: dict[str, tuple[Callable[[Desk], list[str]], str]] = {
    "no journal fields with --yes": (lambda d: ["--journal-profile", "california"], "--journal-fields"),
    "a fields file that is not JSON": (lambda d: ["--journal-fields", _write(d, "f.json", "{")], "not valid JSON"),
    "a fields file with an unknown field": (
        lambda d: ["--journal-fields", _write(d, "f.json", {"colour": "red"})],
        "unknown field",
    ),
    "a fee that is not an amount": (
        lambda d: ["--journal-fields", _write(d, "f.json", {**FIELDS_OK, "fee": "lots"})],
        "fee",
    ),
    "California without a thumbprint for real property": (
        lambda d: [
            "--journal-profile",
            "california",
            "--journal-fields",
            _write(d, "f.json", {**FIELDS_OK, "thumbprint": False}),
        ],
        "thumbprint",
    ),
    "California without the id's serial number": (
        lambda d: [
            "--journal-profile",
            "california",
            "--journal-fields",
            _write(
                d,
                "f.json",
                {
                    **FIELDS_OK,
                    "signers": [
                        {
                            "name": "A",
                            "address": "1 Main St",
                            "id": {"type": "passport", "issuer": "US", "issued": "2020-01-01", "expires": "2030-01-01"},
                        }
                    ],
                },
            ),
        ],
        "serial number",
    ),
    "an id date that is not a date": (
        lambda d: [
            "--journal-fields",
            _write(
                d,
                "f.json",
                {**FIELDS_OK, "signers": [{"name": "A", "id": {"type": "passport", "expires": "next year"}}]},
            ),
        ],
        "YYYY-MM-DD",
    ),
    # a bad signers (or witnesses) value: the sentence names the key as the file has it (it said "signer")
    "signers that are not a list": (
        lambda d: ["--journal-fields", _write(d, "f.json", {**FIELDS_OK, "signers": "A"})],
        "The journal field 'signers' must be a list",
    ),
    "a signer that is not an object": (
        lambda d: ["--journal-fields", _write(d, "f.json", {**FIELDS_OK, "signers": ["A"]})],
        "Signer 1 in 'signers' must be an object",
    ),
    "a signer's name that is not text": (
        lambda d: ["--journal-fields", _write(d, "f.json", {**FIELDS_OK, "signers": [{"name": 5}]})],
        "'name' of signer 1 in 'signers'",
    ),
    "a signer's id that is not an object": (
        lambda d: ["--journal-fields", _write(d, "f.json", {**FIELDS_OK, "signers": [{"name": "A", "id": "P1"}]})],
        "The field 'id' of signer 1 in 'signers'",
    ),
    "witnesses that are not a list": (
        lambda d: ["--journal-fields", _write(d, "f.json", {**FIELDS_OK, "witnesses": {"name": "B"}})],
        "The journal field 'witnesses' must be a list",
    ),
    "evidence swapped for another entry's": (
        lambda d: ["--journal-fields", _write(d, "f.json", FIELDS_OK)],
        "does not check",
    ),
}


@pytest.mark.parametrize("name", list(NOTARY_CASES))
def test_the_notary_side_refuses_bad_input(name: str, desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    extra = NOTARY_CASES[name][0](desk)
    request = str(desk.attest_request)
    if name.startswith("evidence swapped"):
        data = json.loads(desk.attest_request.read_text())
        data["typedData"]["message"]["entryIndex"] = 0  # names the genesis, carries entry 1's proof
        request = _write(desk, "swapped.json", data)
    out = desk.root / "attested.json"
    argv = desk.notary_argv(
        "sign",
        request,
        "--key",
        "notary",
        "--password-file",
        str(desk.office.password_file),
        "--yes",
        "--out",
        str(out),
        *extra,
    )
    outcome = run_cli(argv, capsys)
    assert_refused(outcome, 2, says=NOTARY_CASES[name][1])
    assert not out.exists() and desk.journal_digest() == "none"


def test_journal_fields_for_a_lien_request_are_refused(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    outcome = run_cli(
        desk.office.argv(
            "sign",
            str(desk.lien_request),
            "--key",
            "bob",
            "--password-file",
            str(desk.office.password_file),
            "--yes",
            "--journal-profile",
            "iowa",
        ),
        capsys,
    )
    assert_refused(outcome, 2, says="not one")


def test_journal_verify_without_a_journal_and_with_a_damaged_one(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    assert_refused(run_cli(desk.notary_argv("journal", "verify"), capsys), 2, says="no notary's journal")
    fields = _write(desk, "f.json", FIELDS_OK)
    signed = run_cli(
        desk.notary_argv(
            "sign",
            str(desk.attest_request),
            "--key",
            "notary",
            "--password-file",
            str(desk.office.password_file),
            "--yes",
            "--journal-fields",
            fields,
            "--out",
            str(desk.root / "a.json"),
        ),
        capsys,
    )
    assert signed.code == 0, signed.err
    journal = desk.notary_home / "notary" / "journal.jsonl"
    journal.write_text(journal.read_text().replace('"fee": "10"', '"fee": "1"'))
    assert_refused(run_cli(desk.notary_argv("journal", "verify"), capsys), 1, says="row 0")
    journal.write_text("not json\n")
    assert_refused(run_cli(desk.notary_argv("journal", "verify"), capsys), 2, says="line 1")


def test_an_iowa_notary_who_declines_journals_the_refusal(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    fields = _write(desk, "f.json", FIELDS_OK)
    argv = desk.notary_argv(
        "sign",
        str(desk.attest_request),
        "--key",
        "notary",
        "--password-file",
        str(desk.office.password_file),
        "--journal-profile",
        "iowa",
        "--journal-fields",
        fields,
        "--out",
        str(desk.root / "a.json"),
    )
    outcome = run_cli(argv, isolated=True, stdin="n\nthe signer had no identification\n")
    assert_refused(outcome, 2, says="refusal is journal row 0")
    assert not (desk.root / "a.json").exists()
    [row] = json.loads(run_cli(desk.notary_argv("journal", "--json"), capsys).out)
    assert row["type"] == "refusal" and row["reason"] == "the signer had no identification"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["journal", "void", "--key", "notary"], "which row"),
        (["journal", "void", "0", "--key", "notary", "--reason", "x"], "no journal row 0"),
        (["journal", "reveal", "0"], "which row and which key"),
        (["journal", "reveal", "0", "--key", "notary"], "no journal row 0"),
        (
            ["journal", "correct", "0", "--key", "notary", "--reason", "x", "--journal-fields", "/nonexistent.json"],
            "no file",
        ),
    ],
)
def test_journal_amendments_refuse_bad_input(
    args: list[str], says: str, desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = run_cli(desk.notary_argv(*args, "--password-file", str(desk.office.password_file)), capsys)
    assert_refused(outcome, 2, says=says)
    assert desk.journal_digest() == "none"


def test_an_iowa_notary_journals_a_request_that_does_not_check(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(desk.attest_request.read_text())
    data["evidence"]["auditPath"] = []
    request = _write(desk, "bad-proof.json", data)
    argv = desk.notary_argv(
        "sign",
        request,
        "--key",
        "notary",
        "--password-file",
        str(desk.office.password_file),
        "--yes",
        "--journal-profile",
        "iowa",
        "--journal-fields",
        _write(desk, "f.json", FIELDS_OK),
        "--out",
        str(desk.root / "a.json"),
    )
    assert_refused(run_cli(argv, capsys), 2, says="refusal is journal row 0")
    [row] = json.loads(run_cli(desk.notary_argv("journal", "--json"), capsys).out)
    assert row["type"] == "refusal" and "does not check" in row["reason"]
    assert not (desk.root / "a.json").exists()
