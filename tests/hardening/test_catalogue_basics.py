"""Bad input the first release already handled, kept in the catalogue so it stays handled."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hardening.conftest import Office
from tests.hardening.harness import assert_refused, run_cli


@pytest.mark.parametrize(
    "args, says",
    [
        (["deed", "show", "42"], "There is no deed '42'"),
        (["proof", "999"], "There is no entry 999"),
        (["verify", "--jobs", "0"], "--jobs must be at least 1"),
    ],
)
def test_refusals_leave_the_ledger_as_it_was(
    office: Office, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    before = office.fingerprint()
    assert_refused(run_cli(office.argv(*args), capsys), 2, says=says)
    assert office.fingerprint() == before


def test_a_wrong_password_is_one_sentence(office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the password\n")
    before = office.fingerprint()
    outcome = run_cli(office.argv("checkpoint", "--key", "registrar", "--password-file", str(wrong)), capsys)
    assert_refused(outcome, 2, says="Wrong password for key 'registrar'")
    assert office.fingerprint() == before
