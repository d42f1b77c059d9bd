"""Bad input to the screen around the entries its history patterns read (a lien, which the screen of a
transfer reads as what followed it; a registration): screening or reviewing one, or an entry that does not
exist, is one sentence, exit 2, nothing written."""

from __future__ import annotations

import json

import pytest

from tests.hardening.conftest import Office
from tests.hardening.harness import assert_refused, run_cli


def _lien(office: Office, capsys: pytest.CaptureFixture[str]) -> int:
    result = run_cli(
        office.argv(
            "lien",
            "add",
            "1",
            "--holder",
            "bob",
            "--amount",
            "900000",
            "--kind",
            "mortgage",
            "--password-file",
            str(office.password_file),
            "--json",
        ),
        capsys,
    )
    assert result.code == 0, result.err
    return int(json.loads(result.out)["index"])


@pytest.mark.parametrize(
    "args, says",
    [
        (["screen", "{lien}"], "is a Lien, not a transfer"),
        (["screen", "{lien}", "--json"], "is a Lien, not a transfer"),
        (["screen", "1"], "not a transfer"),
        (["screen", "{lien}0"], "There is no entry"),
        (
            [
                "screen",
                "review",
                "{lien}",
                "--decision",
                "escalate",
                "--note",
                "loan after a sale",
                "--key",
                "registrar",
            ],
            "not a transfer",
        ),
    ],
)
def test_screening_an_entry_that_is_not_a_transfer_is_refused(
    office: Office, capsys: pytest.CaptureFixture[str], args: list[str], says: str | None
) -> None:
    lien = _lien(office, capsys)
    argv = [a.replace("{lien}", str(lien)) for a in args]
    if "review" in argv:
        argv += ["--password-file", str(office.password_file)]
    before = office.fingerprint()
    assert_refused(run_cli(office.argv(*argv), capsys), 2, says=says)
    assert office.fingerprint() == before
