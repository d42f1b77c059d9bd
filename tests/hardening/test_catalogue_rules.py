"""The bad-input catalogue for claims, rules, can-transfer, holds and recoveries.

Every case runs one command as a user would against an office's data folder and expects exit 2
(can-transfer's verdicts are exit 0 or 1; bad input to it is exit 2), exactly one sentence on stderr,
no traceback, and the ledger, witness and keys unchanged.  The files a person hands in (a rules file,
an evidence file) are also tried as a FIFO, a folder, /dev/zero and binary garbage; those that could
hang or exhaust the process (a FIFO, a device, a huge or deeply nested file) in their own process with
a time limit.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from tests.hardening.conftest import Office
from tests.hardening.harness import Outcome, assert_refused, run_cli
from tests.hardening.harness import run_here


@dataclass(frozen=True)
class Governed:
    """The office with a second registrar (its key in its own folder), a notary, a trusted claim issuer
    (kyc), rules v1 with a recovery policy, and one recovery of bob's key opened."""

    office: Office
    registrar2: str
    notary: str
    kyc: str
    recovery: str
    requests: Path
    approver_home: Path

    def run(self, capsys: pytest.CaptureFixture[str], *args: str, key: str | None = None) -> Outcome:
        argv = list(args) + (["--key", key, "--password-file", str(self.office.password_file)] if key else [])
        return run_cli(self.office.argv(*argv), capsys)


def _ok(outcome: Outcome) -> str:
    assert outcome.code == 0, outcome.err
    return outcome.out


@pytest.fixture(scope="module")
def governed_template(tmp_path_factory: pytest.TempPathFactory, office_template: Office) -> Governed:
    root = tmp_path_factory.mktemp("governed")
    home = root / "home"
    shutil.copytree(office_template.home, home)
    office = Office(home, office_template.password_file, office_template.alice, office_template.bob)
    pw = ["--password-file", str(office.password_file)]
    approver_home = root / "registrar2-home"
    registrar2 = _ok(run_here(["--data-dir", str(approver_home), "key", "new", "registrar2", *pw])).split()[-1]
    notary = _ok(run_here(office.argv("key", "new", "notary", *pw))).split()[-1]
    kyc = _ok(run_here(office.argv("key", "new", "kyc", *pw))).split()[-1]
    _ok(run_here(office.keyed("registrar", "add", registrar2)))
    _ok(run_here(office.keyed("claims", "issuer", "add", kyc, "--types", "identity,jurisdiction")))
    _ok(
        run_here(
            office.keyed("deed", "register", "--parcel", "0526350040", "--address", "2 Main St", "--owner", office.bob)
        )
    )
    rules = root / "rules.json"
    rules.write_text(
        json.dumps(
            {
                "format": "deedbook-rules/1",
                "recovery": {
                    "approvals": [{"role": "registrar", "by": "registrars"}, {"role": "notary", "by": [notary]}],
                    "waiting_days": 5,
                },
            }
        )
    )
    _ok(run_here(office.keyed("rules", "set", "--file", str(rules))))
    requests = root / "requests"
    started = json.loads(
        _ok(
            run_here(
                office.keyed(
                    "recovery",
                    "start",
                    "--lost",
                    office.bob,
                    "--new",
                    office.alice,
                    "--out-dir",
                    str(requests),
                    "--json",
                )
            )
        )
    )
    return Governed(office, registrar2, notary, kyc, started["id"], requests, approver_home)


@pytest.fixture
def governed(governed_template: Governed, tmp_path: Path) -> Governed:
    home = tmp_path / "home"
    shutil.copytree(governed_template.office.home, home)
    t = governed_template
    return Governed(
        Office(home, t.office.password_file, t.office.alice, t.office.bob),
        t.registrar2,
        t.notary,
        t.kyc,
        t.recovery,
        t.requests,
        t.approver_home,
    )


# -- files handed in ------------------------------------------------------------------------------------------


def _write(name: str, content: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        (folder / name).write_bytes(content)
        return folder / name

    return make


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "fifo")
    return folder / "fifo"


def _folder(folder: Path) -> Path:
    (folder / "a-folder").mkdir()
    return folder / "a-folder"


FILES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing": (lambda folder: folder / "absent.json", "no file"),
    "folder": (_folder, "is a folder"),
    "fifo": (_fifo, "give a regular file"),
    "dev-zero": (lambda folder: Path("/dev/zero"), "give a regular file"),
    "garbage": (_write("garbage.json", bytes(range(256)) * 4), "not UTF-8"),
    "not json": (_write("rules.json", b"format: deedbook-rules/1"), "not valid JSON"),
    "deep json": (_write("deep.json", b"[" * 30_000 + b"]" * 30_000), "not valid JSON"),
    "huge": (_write("huge.json", b" " * (65 * 1024) + b"{}"), "too large"),
    "unknown key": (_write("typo.json", b'{"format": "deedbook-rules/1", "max_holder": 3}'), "'max_holder'"),
    "wrong format": (_write("v2.json", b'{"format": "deedbook-rules/9"}'), "deedbook-rules/1"),
    "a string for a number": (
        _write("s.json", b'{"format": "deedbook-rules/1", "min_holding_shares": "100"}'),
        "whole number",
    ),
}


# Run as their own process with a time limit: a reader that waits on them or recurses could hang or crash.
ISOLATED = {"fifo", "dev-zero", "deep json", "huge"}


@pytest.mark.parametrize("case", sorted(FILES))
def test_a_rules_file_that_cannot_be_used_is_one_sentence(
    office: Office, tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make, says = FILES[case]
    path = make(tmp_path)
    before = office.fingerprint()
    isolated = case in ISOLATED
    outcome = run_cli(
        office.keyed("rules", "set", "--file", str(path), "--password-file", str(office.password_file)),
        None if isolated else capsys,
        isolated=isolated,
        timeout=60,
    )
    assert_refused(outcome, 2, says=says)
    assert office.fingerprint() == before


@pytest.mark.parametrize("case", ["missing", "folder", "fifo", "dev-zero"])
def test_an_evidence_file_that_cannot_be_read_is_one_sentence(
    governed: Governed, tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make, says = FILES[case]
    office = governed.office
    before = office.fingerprint()
    isolated = case in ISOLATED
    outcome = run_cli(
        office.argv(
            "claims",
            "issue",
            office.alice,
            "--type",
            "identity",
            "--evidence-file",
            str(make(tmp_path)),
            "--key",
            "kyc",
            "--password-file",
            str(office.password_file),
        ),
        None if isolated else capsys,
        isolated=isolated,
        timeout=60,
    )
    assert_refused(outcome, 2, says=says)
    assert office.fingerprint() == before


# -- commands given what they cannot do -------------------------------------------------------------------------


def _evidence(tmp: Path) -> str:
    path = tmp / "evidence.pdf"
    path.write_bytes(b"%PDF scan")
    return str(path)


CASES: dict[str, tuple[Callable[[Governed, Path], list[str]], str | None, str]] = {
    # (argv, key, what the sentence says)
    "issuer: not an address": (
        lambda g, t: ["claims", "issuer", "add", "0x123", "--types", "identity"],
        "registrar",
        "not an Ethereum address",
    ),
    "issuer: a bad type": (
        lambda g, t: ["claims", "issuer", "add", g.kyc, "--types", "Identity Checked!"],
        "registrar",
        "claim type",
    ),
    "issuer: not the operator": (
        lambda g, t: ["claims", "issuer", "add", g.kyc, "--types", "identity"],
        "alice",
        "must be signed by",
    ),
    "issuer remove: never trusted": (
        lambda g, t: ["claims", "issuer", "remove", g.office.bob],
        "registrar",
        "no trust to remove",
    ),
    "issuer remove: not the operator": (
        lambda g, t: ["claims", "issuer", "remove", g.kyc],
        "alice",
        "must be signed by",
    ),
    "issuer remove: not an address": (
        lambda g, t: ["claims", "issuer", "remove", "kyc"],
        "registrar",
        "not an Ethereum address",
    ),
    "claim: untrusted issuer": (
        lambda g, t: ["claims", "issue", g.office.bob, "--type", "identity", "--evidence-file", _evidence(t)],
        "alice",
        "not a claim issuer",
    ),
    "claim: a type the issuer is not trusted for": (
        lambda g, t: ["claims", "issue", g.office.bob, "--type", "accredited", "--evidence-file", _evidence(t)],
        "kyc",
        "not for 'accredited'",
    ),
    "claim: a jurisdiction that is not one": (
        lambda g, t: [
            "claims",
            "issue",
            g.office.bob,
            "--type",
            "jurisdiction",
            "--value",
            "Atlantis",
            "--evidence-file",
            _evidence(t),
        ],
        "kyc",
        "country code",
    ),
    "claim: personal data as a value": (
        lambda g, t: [
            "claims",
            "issue",
            g.office.bob,
            "--type",
            "identity",
            "--value",
            "passport X123\u202e",
            "--evidence-file",
            _evidence(t),
        ],
        "kyc",
        "never personal data",
    ),
    "claim: expired already": (
        lambda g, t: [
            "claims",
            "issue",
            g.office.bob,
            "--type",
            "identity",
            "--expires",
            "2001-01-01",
            "--evidence-file",
            _evidence(t),
        ],
        "kyc",
        "has passed",
    ),
    "claim: an expiry that is not a date": (
        lambda g, t: [
            "claims",
            "issue",
            g.office.bob,
            "--type",
            "identity",
            "--expires",
            "next year",
            "--evidence-file",
            _evidence(t),
        ],
        "kyc",
        "YYYY-MM-DD",
    ),
    "revoke: no such claim": (lambda g, t: ["claims", "revoke", "42"], "kyc", "no claim 42"),
    "rules: not the operator": (lambda g, t: ["rules", "set", "--file", _rules(t)], "alice", "must be signed by"),
    "can-transfer: no such deed": (lambda g, t: ["can-transfer", "77", "--to", g.office.bob], None, "no deed '77'"),
    "can-transfer: zero shares": (
        lambda g, t: ["can-transfer", "1", "--to", g.office.bob, "--shares", "0"],
        None,
        "at least 1",
    ),
    "can-transfer: a seller that is not an address": (
        lambda g, t: ["can-transfer", "1", "--to", g.office.bob, "--from", "alice"],
        None,
        "not an Ethereum",
    ),
    "hold: nothing named": (
        lambda g, t: ["hold", "add", "--reason", "r", "--order", "o", "--out-dir", str(t / "h")],
        "registrar",
        "Say what to freeze",
    ),
    "hold: an empty reason": (
        lambda g, t: ["hold", "add", "1", "--reason", " ", "--order", "o", "--out-dir", str(t / "h")],
        "registrar",
        "reason is needed",
    ),
    "hold: a reason of two lines": (
        lambda g, t: ["hold", "add", "1", "--reason", "a\x1b[2Jb", "--order", "o", "--out-dir", str(t / "h")],
        "registrar",
        "one line",
    ),
    "hold: an approver who is not a registrar": (
        lambda g, t: [
            "hold",
            "add",
            "1",
            "--reason",
            "r",
            "--order",
            "o",
            "--approver",
            g.office.bob,
            "--out-dir",
            str(t / "h"),
        ],
        "registrar",
        "not a registrar",
    ),
    "hold: the registrar approving itself": (
        lambda g, t: [
            "hold",
            "add",
            "1",
            "--reason",
            "r",
            "--order",
            "o",
            "--approver",
            _operator(g),
            "--out-dir",
            str(t / "h"),
        ],
        "registrar",
        "two different people",
    ),
    "hold: signed by a key that is no registrar": (
        lambda g, t: [
            "hold",
            "add",
            "1",
            "--reason",
            "r",
            "--order",
            "o",
            "--approver",
            g.registrar2,
            "--out-dir",
            str(t / "h"),
        ],
        "alice",
        "not a registrar",
    ),
    "hold: an out-dir that is a file": (
        lambda g, t: ["hold", "add", "1", "--reason", "r", "--order", "o", "--out-dir", _a_file(t)],
        "registrar",
        "is a file",
    ),
    "hold: no such deed": (
        lambda g, t: ["hold", "add", "9", "--reason", "r", "--order", "o", "--out-dir", str(t / "h")],
        "registrar",
        "no deed '9'",
    ),
    "release: no such hold": (
        lambda g, t: ["hold", "release", "0xabcdef12", "--reason", "r", "--out-dir", str(t / "h")],
        "registrar",
        "no hold",
    ),
    "release: an id that is not one": (
        lambda g, t: ["hold", "release", "hold-1", "--reason", "r", "--out-dir", str(t / "h")],
        "registrar",
        "by its id",
    ),
    "recovery: to the same key": (
        lambda g, t: [
            "recovery",
            "start",
            "--lost",
            g.office.alice,
            "--new",
            g.office.alice,
            "--out-dir",
            str(t / "r"),
        ],
        "registrar",
        "from one address to another",
    ),
    "recovery: a key holding nothing": (
        lambda g, t: ["recovery", "start", "--lost", g.notary, "--new", g.office.alice, "--out-dir", str(t / "r")],
        "registrar",
        "holds no shares",
    ),
    "recovery: one already open": (
        lambda g, t: ["recovery", "start", "--lost", g.office.bob, "--new", g.notary, "--out-dir", str(t / "r")],
        "registrar",
        "is open already",
    ),
    "recovery: by a key that is no registrar": (
        lambda g, t: ["recovery", "start", "--lost", g.office.alice, "--new", g.notary, "--out-dir", str(t / "r")],
        "alice",
        "not a registrar",
    ),
    "recovery: an out-dir that is a file": (
        lambda g, t: ["recovery", "start", "--lost", g.office.alice, "--new", g.notary, "--out-dir", _a_file(t)],
        "registrar",
        "is a file",
    ),
    "recovery: complete before its approvals": (
        lambda g, t: ["recovery", "complete", g.recovery],
        "registrar",
        "0 of 2 approvals",
    ),
    "recovery: status of no such recovery": (lambda g, t: ["recovery", "status", "0x000000aa"], None, "no recovery"),
    "recovery: an objection to no such recovery": (
        lambda g, t: ["recovery", "objection", "0xffffff", "--out-dir", str(t / "o")],
        None,
        "no recovery",
    ),
}


def _operator(g: Governed) -> str:
    from core.keys import KeyStore

    return KeyStore(g.office.home / "keys").get("registrar").address


def _rules(tmp: Path) -> str:
    path = tmp / "rules.json"
    path.write_text('{"format": "deedbook-rules/1", "max_holders_per_deed": 4}')
    return str(path)


def _a_file(tmp: Path) -> str:
    (tmp / "taken").write_text("x")
    return str(tmp / "taken")


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_refused_command_is_one_sentence_and_writes_nothing(
    governed: Governed, tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, key, says = CASES[case]
    arguments = argv(governed, tmp_path)
    before = governed.office.fingerprint()
    outcome = governed.run(capsys, *arguments, key=key)
    assert_refused(outcome, 2, says=says)
    assert governed.office.fingerprint() == before
    assert not (tmp_path / "h").exists() and not (tmp_path / "r").exists()


def test_a_recovery_where_no_rules_are_in_force_says_so(
    office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said 'A recovery follows the rules in force (version 0), not version 0.'"""
    argv = ["recovery", "start", "--lost", office.alice, "--new", office.bob, "--out-dir", str(tmp_path / "r")]
    before = office.fingerprint()
    outcome = run_cli(office.keyed(*argv), capsys)
    assert_refused(outcome, 2, says="No rules are in force, so no key can be recovered")
    assert office.fingerprint() == before and not (tmp_path / "r").exists()


def test_an_issuer_removed_from_the_command_line_is_listed_as_no_longer_trusted(
    governed: Governed, capsys: pytest.CaptureFixture[str]
) -> None:
    removed = governed.run(capsys, "claims", "issuer", "remove", governed.kyc, key="registrar")
    assert removed.code == 0 and "is no longer a trusted claim issuer" in removed.out, removed.err
    listed = governed.run(capsys, "claims", "issuer", "list", "--json")
    assert [(i["address"].lower(), i["types"]) for i in json.loads(listed.out)] == [(governed.kyc.lower(), [])]
    assert "no longer trusted" in governed.run(capsys, "claims", "issuer", "list").out
    again = governed.run(capsys, "claims", "issuer", "remove", governed.kyc, key="registrar")
    assert_refused(again, 2, says="no trust to remove")


# -- responses that must not be recorded -------------------------------------------------------------------------


def first_approval_request(governed: Governed) -> Path:
    """The request for the recovery's first approval written for the second registrar."""
    return next(
        p
        for p in governed.requests.glob("*-1-registrar-*.json")
        if json.loads(p.read_text())["signer"] == governed.registrar2
    )


def _signed(governed: Governed, request: Path, key: str, home: Path, tmp: Path) -> Path:
    out = tmp / (request.stem + ".signed.json")
    _ok(
        run_here(
            [
                "--data-dir",
                str(home),
                "sign",
                str(request),
                "--key",
                key,
                "--password-file",
                str(governed.office.password_file),
                "--yes",
                "--out",
                str(out),
            ]
        )
    )
    return out


def test_an_approval_edited_after_signing_is_refused(
    governed: Governed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = first_approval_request(governed)
    response = _signed(governed, first, "registrar2", governed.approver_home, tmp_path)
    data = json.loads(response.read_text())
    data["typedData"]["message"]["new"] = governed.notary  # someone redirects the holdings after the approval
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data))
    before = governed.office.fingerprint()
    assert_refused(governed.run(capsys, "submit", str(edited)), 2, says="not made by")
    assert governed.office.fingerprint() == before
    assert governed.run(capsys, "submit", str(response)).code == 0
    before = governed.office.fingerprint()
    assert_refused(governed.run(capsys, "submit", str(response)), 2, says="already recorded")
    assert governed.office.fingerprint() == before


def test_an_approval_by_someone_the_policy_does_not_name_is_refused(
    governed: Governed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    second = next(governed.requests.glob("*-2-notary-*.json"))
    data = json.loads(second.read_text())
    alice_request = tmp_path / "alice-as-notary.json"  # a request for alice, crafted from the notary's
    data["typedData"]["message"]["approver"] = data["signer"] = governed.office.alice
    data.pop("summary", None)
    alice_request.write_text(json.dumps(data))
    response = _signed(governed, alice_request, "alice", governed.office.home, tmp_path)
    first = first_approval_request(governed)
    assert (
        governed.run(
            capsys, "submit", str(_signed(governed, first, "registrar2", governed.approver_home, tmp_path))
        ).code
        == 0
    )
    before = governed.office.fingerprint()
    assert_refused(governed.run(capsys, "submit", str(response)), 2, says="not by " + governed.office.alice)
    assert governed.office.fingerprint() == before


@pytest.mark.parametrize("kind", ["RulesVersion", "ClaimIssuer", "RecoveryStart", "RecoveryTransfer"])
def test_a_ledger_act_of_this_area_is_never_signed_by_request(
    governed: Governed, tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from core.kinds import typed_data
    from core.ledger import Ledger
    from core.paths import DataDir
    from core.requests import FORMAT

    ledger = Ledger.open(DataDir.resolve(governed.office.home))
    messages = {
        "RulesVersion": {"version": 2, "rules": '{"format":"deedbook-rules/1"}'},
        "ClaimIssuer": {"changeId": "0x" + "ab" * 32, "issuer": governed.notary, "claimTypes": "identity"},
        "RecoveryStart": {
            "recoveryId": "0x" + "cd" * 32,
            "lost": governed.office.alice,
            "new": governed.notary,
            "deedId": 0,
            "order": "",
            "reason": "lost",
            "rulesVersion": 1,
        },
        "RecoveryTransfer": {
            "recoveryId": governed.recovery,
            "deedId": 2,
            "parcel": "0526350040",
            "from": governed.office.bob,
            "to": governed.office.alice,
            "shares": 10_000,
            "order": "",
            "deedVersion": 1,
        },
    }
    request = tmp_path / "routine.json"
    request.write_text(
        json.dumps(
            {
                "format": FORMAT,
                "typedData": typed_data(ledger.identity, kind, messages[kind]),
                "signer": ledger.identity.operator,
                "role": "operator",
                "summary": "Routine upkeep.",
            }
        )
    )
    ledger.close()
    before = governed.office.fingerprint()
    outcome = run_cli(
        governed.office.argv(
            "sign", str(request), "--key", "registrar", "--password-file", str(governed.office.password_file), "--yes"
        ),
        capsys,
    )
    assert_refused(outcome, 2, says="never by request")
    assert governed.office.fingerprint() == before and not (tmp_path / "routine.signed.json").exists()
