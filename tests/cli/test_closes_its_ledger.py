"""A command run in a longer-lived process (a script, a test, a notebook calling `desktop.cli.main.run`) closes the
ledger it opened when it ends, whether it succeeded, refused or failed: its connections and SQLite's side files
went only when a garbage collector found them."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import CliOffice
from tests.hardening.harness import run_cli


@pytest.fixture
def collector_paused() -> Iterator[None]:
    gc.collect()
    gc.disable()  # nothing closed by a collection the test happens to run into
    try:
        yield
    finally:
        gc.enable()


def _side_files(home: Path) -> list[str]:
    return sorted(p.name for p in home.glob("ledger.sqlite-*"))


@pytest.mark.usefixtures("collector_paused")
def test_a_command_closes_the_ledger_it_opened_however_it_ends(cli_office: CliOffice) -> None:
    cli_office.register("0526301100")  # writes
    assert _side_files(cli_office.home) == []
    cli_office.ok("verify")  # reads
    assert _side_files(cli_office.home) == []
    refused = run_cli(["--data-dir", str(cli_office.home), "deed", "show", "99"], cli_office.capsys)
    assert refused.code == 2 and refused.err.count("\n") == 1
    assert _side_files(cli_office.home) == []
