"""The command line's tests: a registry office set up as a person would, with commands, run in process."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hardening.harness import run_cli


@dataclass
class CliOffice:
    """A data folder holding the registrar's key and a ledger it operates; `home=` points a command elsewhere
    (a copy of the folder, a replica) with the same password and registrar."""

    home: Path
    password_file: Path
    owner: str  # the registrar's address: the owner of every deed registered here
    capsys: pytest.CaptureFixture[str]

    @property
    def pw(self) -> list[str]:
        return ["--password-file", str(self.password_file)]

    def ok(self, *args: str, home: Path | None = None) -> str:
        """`deedbook --data-dir HOME ARGS`, which must succeed; what it printed."""
        outcome = run_cli(["--data-dir", str(home or self.home), *args], self.capsys)
        assert outcome.code == 0, outcome.err
        return outcome.out

    def register(self, parcel: str, address: str = "1 Main", *, home: Path | None = None) -> None:
        self.ok(
            "deed",
            "register",
            "--parcel",
            parcel,
            "--address",
            address,
            "--owner",
            self.owner,
            "--key",
            "registrar",
            *self.pw,
            home=home,
        )

    def checkpoint(self, *, home: Path | None = None) -> None:
        self.ok("checkpoint", "--key", "registrar", *self.pw, home=home)


@pytest.fixture
def cli_office(tmp_path: Path, password_file: Path, capsys: pytest.CaptureFixture[str]) -> CliOffice:
    """tmp_path/office: `key new registrar`, then `init` with it as the operator."""
    home = tmp_path / "office"
    office = CliOffice(home, password_file, "", capsys)
    office.owner = office.ok("key", "new", "registrar", *office.pw).strip().split()[-1]
    office.ok("init", "--name", "Replica County", "--operator", "registrar", *office.pw)
    return office
