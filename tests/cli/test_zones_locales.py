"""The command line in other zones and locales: times say their zone, amounts read one way whatever the locale."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from tests.cli.conftest import CliOffice
from tests.hardening.harness import run_cli


@pytest.fixture
def in_auckland(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")  # ignored by the command line's readers, as it should be
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


def test_deed_history_says_its_times_are_utc(cli_office: CliOffice, in_auckland: None) -> None:
    """`deed history` printed '2026-11-30 19:45' (UTC, unsaid): in Auckland that reads as a morning 13 hours off."""
    cli_office.register("P-1")
    lines = cli_office.ok("deed", "history", "1").splitlines()
    assert lines and all(re.match(r"\s+\d+  \d{4}-\d\d-\d\d \d\d:\d\d UTC  ", line) for line in lines), lines


def test_an_amount_with_a_decimal_comma_is_refused_not_misread(cli_office: CliOffice, in_auckland: None) -> None:
    """A German's '2.450,00' was read as EUR 2.45 (every comma dropped) and distributed."""
    cli_office.register("P-2")
    cli_office.checkpoint()
    outcome = run_cli(
        [
            "--data-dir",
            str(cli_office.home),
            "distribution",
            "new",
            "1",
            "--amount",
            "2.450,00",
            "--currency",
            "EUR",
            "--key",
            "registrar",
            *cli_office.pw,
        ],
        cli_office.capsys,
    )
    assert outcome.code == 2 and "'2.450,00' is not a valid amount" in outcome.err and "Traceback" not in outcome.err
