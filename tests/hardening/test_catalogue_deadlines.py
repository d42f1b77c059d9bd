"""The bad-input catalogue for approvals that expire: holds, hold releases and recovery approvals.

A second approver's signature is recorded by its deadline or not at all; a deadline already past is
refused when the request is written; `verify` flags an entry stored as recorded after its deadline.
Built on the governed office of test_catalogue_rules (a second registrar with its own data folder,
a notary, a recovery policy and a recovery of bob's key opened, its approvers' requests written).
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Callable

import pytest

from core.dates import DAY
from tests.hardening.harness import Outcome, assert_refused, run_cli
from tests.hardening import test_catalogue_rules as governed_office
from tests.hardening.test_catalogue_rules import Governed, _signed, first_approval_request

# The governed office's fixtures, shared with the rules catalogue rather than built twice.
governed_template = governed_office.governed_template
governed = governed_office.governed

Later = Callable[[float], None]


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> Later:
    """Move this process's clock `days` ahead: what a submit weeks after the signature sees."""

    def move(days: float) -> None:
        moment = time.time() + days * DAY
        monkeypatch.setattr(time, "time", lambda: moment)

    return move


def _ok(outcome: Outcome) -> str:
    assert outcome.code == 0, outcome.err
    return outcome.out


def _hold(g: Governed, capsys: pytest.CaptureFixture[str], out: Path, *extra: str) -> tuple[Path, Path, dict]:
    """`hold add 1`: the registrar's signed response and the approver's request, and the message."""
    data = json.loads(
        _ok(
            g.run(
                capsys,
                "hold",
                "add",
                "1",
                "--reason",
                "r",
                "--order",
                "o",
                "--out-dir",
                str(out),
                *extra,
                "--json",
                key="registrar",
            )
        )
    )
    mine = next(out.glob("*-registrar.signed.json"))
    theirs = next(out.glob("*-approver.json"))
    return mine, theirs, data["message"]


def _expired_hold(g: Governed, tmp: Path, capsys: pytest.CaptureFixture[str], later: Later) -> tuple[list[str], str]:
    mine, theirs, _ = _hold(g, capsys, tmp / "hold")
    response = _signed(g, theirs, "registrar2", g.approver_home, tmp)
    later(15)  # the default deadline is 14 days
    return [str(mine), str(response)], "The hold's deadline has passed; the approver must sign a new request."


def _expired_release(g: Governed, tmp: Path, capsys: pytest.CaptureFixture[str], later: Later) -> tuple[list[str], str]:
    mine, theirs, message = _hold(g, capsys, tmp / "hold")
    _ok(g.run(capsys, "submit", str(mine), str(_signed(g, theirs, "registrar2", g.approver_home, tmp))))
    out = tmp / "release"
    _ok(
        g.run(
            capsys, "hold", "release", message["holdId"], "--reason", "lifted", "--out-dir", str(out), key="registrar"
        )
    )
    mine, theirs = next(out.glob("*-registrar.signed.json")), next(out.glob("*-approver.json"))
    response = _signed(g, theirs, "registrar2", g.approver_home, tmp)
    later(15)
    return [str(mine), str(response)], "The hold release's deadline has passed; the approver must sign a new request."


def _expired_recovery_approval(
    g: Governed, tmp: Path, capsys: pytest.CaptureFixture[str], later: Later
) -> tuple[list[str], str]:
    first = first_approval_request(g)
    response = _signed(g, first, "registrar2", g.approver_home, tmp)
    later(31)  # the default deadline is 30 days
    return [str(response)], "The recovery approval's deadline has passed; the approver must sign a new request."


EXPIRED = {
    "a hold co-signed, submitted after its deadline": _expired_hold,
    "a hold release co-signed, submitted after its deadline": _expired_release,
    "a recovery approval submitted after its deadline": _expired_recovery_approval,
}


@pytest.mark.parametrize("case", sorted(EXPIRED))
def test_an_expired_approval_is_refused_at_submit_and_nothing_changes(
    governed: Governed, tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str], later: Later
) -> None:
    responses, sentence = EXPIRED[case](governed, tmp_path, capsys, later)
    before = governed.office.fingerprint()
    outcome = governed.run(capsys, "submit", *responses)
    assert_refused(outcome, 2, says=sentence)
    assert governed.office.fingerprint() == before


def test_an_approval_recorded_by_its_deadline_is_accepted(
    governed: Governed, tmp_path: Path, capsys: pytest.CaptureFixture[str], later: Later
) -> None:
    """The control for the table above: the same co-signature 13 days on is recorded."""
    mine, theirs, _ = _hold(governed, capsys, tmp_path / "hold")
    response = _signed(governed, theirs, "registrar2", governed.approver_home, tmp_path)
    later(13)
    assert governed.run(capsys, "submit", str(mine), str(response)).code == 0


def test_an_expired_request_cannot_be_signed(
    governed: Governed, tmp_path: Path, capsys: pytest.CaptureFixture[str], later: Later
) -> None:
    _, theirs, _ = _hold(governed, capsys, tmp_path / "hold")
    later(15)
    outcome = run_cli(
        [
            "--data-dir",
            str(governed.approver_home),
            "sign",
            str(theirs),
            "--key",
            "registrar2",
            "--password-file",
            str(governed.office.password_file),
            "--yes",
            "--out",
            str(tmp_path / "late.json"),
        ],
        capsys,
    )
    assert_refused(outcome, 2, says="deadline of this request passed")
    assert not (tmp_path / "late.json").exists()


PAST = "2020-01-01"


def _hold_add(tmp: Path, deadline: str) -> list[str]:
    return ["hold", "add", "1", "--reason", "r", "--order", "o", "--out-dir", str(tmp / "h"), "--deadline", deadline]


PREPARE = {
    "hold: a deadline already past": (lambda t: _hold_add(t, PAST), "already past"),
    "hold: a deadline that is no date": (lambda t: _hold_add(t, "soon"), "is not a deadline"),
    "hold: a deadline past the year 9999": (lambda t: _hold_add(t, "9" * 30), "after the year 9999"),
    "recovery: a new one with a deadline already past": (
        lambda t: [
            "recovery",
            "start",
            "--lost",
            "{alice}",
            "--new",
            "{notary}",
            "--out-dir",
            str(t / "r"),
            "--deadline",
            PAST,
        ],
        "already past",
    ),
    "recovery: fresh requests with a deadline already past": (
        lambda t: ["recovery", "requests", "{recovery}", "--out-dir", str(t / "r"), "--deadline", "1700000000"],
        "already past",
    ),
}


@pytest.mark.parametrize("case", sorted(PREPARE))
def test_a_deadline_already_past_is_refused_when_the_request_is_written(
    governed: Governed, tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, says = PREPARE[case]
    names = {"alice": governed.office.alice, "notary": governed.notary, "recovery": governed.recovery}
    arguments = [a.format(**names) for a in argv(tmp_path)]
    keyed = arguments[:2] != ["recovery", "requests"]
    before = governed.office.fingerprint()
    outcome = governed.run(capsys, *arguments, key="registrar" if keyed else None)
    assert_refused(outcome, 2, says=says)
    assert governed.office.fingerprint() == before  # a recovery with a bad deadline is not even opened
    assert not (tmp_path / "h").exists() and not (tmp_path / "r").exists()


def test_a_deadline_given_on_the_command_line_is_the_one_signed(
    governed: Governed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    moment = int(time.time()) + 3 * DAY
    _, theirs, message = _hold(governed, capsys, tmp_path / "hold", "--deadline", str(moment))
    assert message["deadline"] == moment
    assert json.loads(theirs.read_text())["typedData"]["message"]["hold"]["deadline"] == moment
    paths = _ok(
        governed.run(
            capsys,
            "recovery",
            "requests",
            governed.recovery,
            "--out-dir",
            str(tmp_path / "r"),
            "--deadline",
            "2099-12-31",
        )
    ).split()
    assert paths and all(
        json.loads(Path(p).read_text())["typedData"]["message"]["deadline"] == 4_102_444_799 for p in paths
    )


def test_verify_flags_an_approval_stored_as_recorded_after_its_deadline(
    governed: Governed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone with the database edits a recovery approval's recording time past its deadline."""
    first = first_approval_request(governed)
    response = _signed(governed, first, "registrar2", governed.approver_home, tmp_path)
    [recorded] = json.loads(_ok(governed.run(capsys, "submit", str(response), "--json")))
    deadline = recorded["message"]["deadline"]
    db = sqlite3.connect(governed.office.home / "ledger.sqlite")
    db.execute("DROP TRIGGER IF EXISTS entries_append_only_update")
    db.execute(f"UPDATE entries SET recorded_at = {deadline + 1} WHERE idx = {recorded['index']}")
    db.commit()
    db.close()
    outcome = governed.run(capsys, "verify")
    assert outcome.code == 1, outcome.err
    assert "deadline has passed" in outcome.out + outcome.err and "Traceback" not in outcome.err


def test_recovery_status_says_when_the_requests_written_at_its_opening_have_expired(
    governed: Governed, tmp_path: Path, capsys: pytest.CaptureFixture[str], later: Later
) -> None:
    fresh = _ok(governed.run(capsys, "recovery", "status", governed.recovery))
    assert "awaits approval 1 of 2" in fresh and "expired" not in fresh
    later(31)
    late = _ok(governed.run(capsys, "recovery", "status", governed.recovery))
    assert "default 30-day deadline, expired on" in late
    assert f"Write fresh requests with: deedbook recovery requests {governed.recovery[:10]} --out-dir DIR" in late
    as_json = json.loads(_ok(governed.run(capsys, "recovery", "status", governed.recovery, "--json")))
    assert as_json["requests_expired_at"] == as_json["started_at"] + 30 * DAY
    paths = _ok(governed.run(capsys, "recovery", "requests", governed.recovery, "--out-dir", str(tmp_path))).split()
    [registrar2] = [p for p in paths if json.loads(Path(p).read_text())["signer"] == governed.registrar2]
    response = _signed(governed, Path(registrar2), "registrar2", governed.approver_home, tmp_path)
    assert governed.run(capsys, "submit", str(response)).code == 0  # a fresh request, signed and recorded on time
