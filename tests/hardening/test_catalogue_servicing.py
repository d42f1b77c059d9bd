"""The bad-input catalogue for distributions, statements and votes.

Every case runs one command as a user would against an office's data folder (alice holds deed 1, a
checkpoint after it; one distribution and one proposal recorded) and expects exit 2, exactly one sentence on
stderr naming what is wrong, no traceback, and the ledger, witness and keys unchanged.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hardening.conftest import Office
from tests.hardening.harness import assert_refused, run_cli


@dataclass(frozen=True)
class Serviced:
    office: Office
    requests: Path  # alice's ballot requests for proposal 1
    carol_home: Path  # a key that never held deed 1, in its own folder
    carol: str


def _ok(argv: list[str]) -> str:
    outcome = run_cli(argv)
    assert outcome.code == 0, outcome.err
    return outcome.out


@pytest.fixture(scope="module")
def serviced_template(tmp_path_factory: pytest.TempPathFactory, office_template: Office) -> Serviced:
    root = tmp_path_factory.mktemp("serviced")
    home = root / "home"
    shutil.copytree(office_template.home, home)
    office = Office(home, office_template.password_file, office_template.alice, office_template.bob)
    pw = ["--password-file", str(office.password_file)]
    _ok(office.keyed("distribution", "new", "1", "--amount", "1000", "--currency", "USD"))
    closes = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 7 * 86400))
    _ok(office.keyed("vote", "propose", "1", "--text", "Repaint?", "--threshold", "0.6", "--closes", closes))
    requests = root / "requests"
    _ok(office.argv("vote", "ballot-requests", "1", "--out-dir", str(requests)))
    carol_home = root / "carol"
    carol = _ok(["--data-dir", str(carol_home), "key", "new", "carol", *pw]).split()[-1]
    return Serviced(office, requests, carol_home, carol)


@pytest.fixture
def serviced(serviced_template: Serviced, tmp_path: Path) -> Serviced:
    home = tmp_path / "home"
    shutil.copytree(serviced_template.office.home, home)
    t = serviced_template
    return Serviced(
        Office(home, t.office.password_file, t.office.alice, t.office.bob), t.requests, t.carol_home, t.carol
    )


FAR = "2099-01-01"
CASES: list[tuple[str, list[str], bool, str]] = [
    # (case, arguments, signed with the registrar's key, what the sentence says)
    ("zero amount", ["distribution", "new", "1", "--amount", "0", "--currency", "USD"], True, "positive"),
    (
        "words for an amount",
        ["distribution", "new", "1", "--amount", "ten", "--currency", "USD"],
        True,
        "not a valid amount",
    ),
    (
        "too many decimals",
        ["distribution", "new", "1", "--amount", "10.001", "--currency", "USD"],
        True,
        "2 decimal places",
    ),
    ("not a currency", ["distribution", "new", "1", "--amount", "10", "--currency", "DOLLARS"], True, "not a currency"),
    (
        "negative amount",
        ["distribution", "new", "1", "--amount", "-5", "--currency", "USD"],
        True,
        "not a valid amount",
    ),
    ("unknown deed", ["distribution", "new", "99", "--amount", "10", "--currency", "USD"], True, "no deed"),
    (
        "record date not a checkpoint",
        ["distribution", "new", "1", "--amount", "10", "--currency", "USD", "--record-checkpoint", "1"],
        True,
        "not a checkpoint",
    ),
    (
        "record date beyond the ledger",
        ["distribution", "new", "1", "--amount", "10", "--currency", "USD", "--record-checkpoint", "999"],
        True,
        "no entry 999",
    ),
    (
        "purpose too long",
        ["distribution", "new", "1", "--amount", "10", "--currency", "USD", "--purpose", "x" * 300],
        True,
        "at most 200",
    ),
    ("no key", ["distribution", "new", "1", "--amount", "10", "--currency", "USD"], False, "registrar's key"),
    (
        "unknown distribution",
        ["distribution", "statement", "7", "--holder", "0x" + "11" * 20, "--out", "{tmp}/s.pdf"],
        False,
        "no distribution 7",
    ),
    (
        "holder not paid",
        ["distribution", "statement", "1", "--holder", "0x" + "11" * 20, "--out", "{tmp}/s.pdf"],
        False,
        "not among the holders paid",
    ),
    (
        "not an address",
        ["distribution", "statement", "1", "--holder", "alice", "--out", "{tmp}/s.pdf"],
        False,
        "not an Ethereum address",
    ),
    (
        "threshold above one",
        ["vote", "propose", "1", "--text", "Q?", "--threshold", "1.5", "--closes", FAR],
        True,
        "not a threshold",
    ),
    (
        "threshold zero",
        ["vote", "propose", "1", "--text", "Q?", "--threshold", "0", "--closes", FAR],
        True,
        "not a threshold",
    ),
    (
        "threshold in words",
        ["vote", "propose", "1", "--text", "Q?", "--threshold", "most", "--closes", FAR],
        True,
        "not a threshold",
    ),
    (
        "closed already",
        ["vote", "propose", "1", "--text", "Q?", "--threshold", "0.6", "--closes", "2001-01-01"],
        True,
        "has passed",
    ),
    (
        "not a date",
        ["vote", "propose", "1", "--text", "Q?", "--threshold", "0.6", "--closes", "2026-13-40"],
        True,
        "not a closing date",
    ),
    (
        "empty question",
        ["vote", "propose", "1", "--text", "  ", "--threshold", "0.6", "--closes", FAR],
        True,
        "between 1 and",
    ),
    ("unknown proposal", ["vote", "tally", "9"], False, "no proposal 9"),
    (
        "requests for a stranger",
        ["vote", "ballot-requests", "1", "--holder", "0x" + "11" * 20, "--out-dir", "{tmp}/r"],
        False,
        "held no shares",
    ),
]


@pytest.mark.parametrize(("case", "args", "keyed", "says"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_in_one_sentence_and_changes_nothing(
    serviced: Serviced,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    args: list[str],
    keyed: bool,
    says: str,
) -> None:
    o = serviced.office
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    before = o.fingerprint()
    outcome = run_cli(o.keyed(*argv) if keyed else o.argv(*argv), capsys)
    assert_refused(outcome, says=says)
    assert o.fingerprint() == before
    assert not (tmp_path / "s.pdf").exists()


def test_a_key_that_is_not_a_registrars_and_a_wrong_password_sign_nothing(
    serviced: Serviced, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    o = serviced.office
    before = o.fingerprint()
    assert_refused(
        run_cli(o.keyed("distribution", "new", "1", "--amount", "10", "--currency", "USD", key="alice"), capsys),
        says="not a registrar",
    )
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the password\n")
    assert_refused(
        run_cli(
            o.argv(
                "vote",
                "propose",
                "1",
                "--text",
                "Q?",
                "--threshold",
                "0.6",
                "--closes",
                FAR,
                "--key",
                "registrar",
                "--password-file",
                str(wrong),
            ),
            capsys,
        )
    )
    assert o.fingerprint() == before


def _signed(s: Serviced, capsys: pytest.CaptureFixture[str], request: Path, key: str, home: Path) -> Path:
    out = run_cli(
        [
            "--data-dir",
            str(home),
            "sign",
            str(request),
            "--key",
            key,
            "--yes",
            "--password-file",
            str(s.office.password_file),
        ],
        capsys,
    )
    assert out.code == 0, out.err
    return request.with_name(request.name.replace(".json", ".signed.json"))


def test_forged_and_misdirected_ballots_are_refused(
    serviced: Serviced, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s, o = serviced, serviced.office
    work = tmp_path / "work"
    shutil.copytree(s.requests, work)
    [yes] = work.glob(f"*-{o.alice[2:10].lower()}-yes.json")
    signed = _signed(s, capsys, yes, "alice", o.home)
    before = o.fingerprint()
    # The weight raised after signing: the signature no longer covers the content.
    data = json.loads(signed.read_text())
    data["typedData"]["message"]["weight"] += 1
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(data))
    assert_refused(run_cli(o.argv("transfer", "submit", str(forged)), capsys))
    # A key that held nothing at the record date asks for a vote with a request made for it.
    request = json.loads(yes.read_text())
    request["typedData"]["message"]["voter"] = s.carol
    request["signer"] = s.carol
    request.pop("summary", None)
    stranger = tmp_path / "carol.json"
    stranger.write_text(json.dumps(request))
    ballot = _signed(s, capsys, stranger, "carol", s.carol_home)
    assert_refused(run_cli(o.argv("transfer", "submit", str(ballot)), capsys), says="held no shares")
    assert o.fingerprint() == before
    # The genuine ballot is recorded once; the same file again is refused.
    assert run_cli(o.argv("transfer", "submit", str(signed)), capsys).code == 0
    after = o.fingerprint()
    assert_refused(run_cli(o.argv("transfer", "submit", str(signed)), capsys))
    assert o.fingerprint() == after


def test_output_files_and_folders_already_taken_are_refused(
    serviced: Serviced, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    o = serviced.office
    taken = tmp_path / "taken.pdf"
    taken.write_bytes(b"someone's file")
    before = o.fingerprint()
    assert_refused(
        run_cli(o.argv("distribution", "statement", "1", "--holder", o.alice, "--out", str(taken)), capsys),
        says="exists",
    )
    assert taken.read_bytes() == b"someone's file"
    assert_refused(run_cli(o.argv("vote", "ballot-requests", "1", "--out-dir", str(taken)), capsys), says="is a file")
    again = tmp_path / "again"
    assert (
        run_cli(o.argv("vote", "ballot-requests", "1", "--holder", o.alice, "--out-dir", str(again)), capsys).code == 0
    )
    assert_refused(
        run_cli(o.argv("vote", "ballot-requests", "1", "--holder", o.alice, "--out-dir", str(again)), capsys),
        says="exists already",
    )
    assert o.fingerprint() == before
