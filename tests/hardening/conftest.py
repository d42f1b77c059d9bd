"""An office with a ledger to throw bad input at: keys, one deed, one checkpoint (so a witness exists)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hardening.harness import fingerprint, run_here


@dataclass(frozen=True)
class Office:
    home: Path
    password_file: Path
    alice: str  # the address holding deed 1
    bob: str

    def argv(self, *args: str) -> list[str]:
        return ["--data-dir", str(self.home), *args]

    def keyed(self, *args: str, key: str = "registrar") -> list[str]:
        return self.argv(*args, "--key", key, "--password-file", str(self.password_file))

    def fingerprint(self) -> str:
        return fingerprint(self.home)


def _address(out: str) -> str:
    return out.strip().split()[-1]


@pytest.fixture(scope="session")
def office_template(tmp_path_factory: pytest.TempPathFactory) -> Office:
    """Built once per session; each test gets its own copy (`office`).  The commands run in this process
    (`run_here`): as processes of their own they cost most of a minute of imports on a loaded machine."""
    root = tmp_path_factory.mktemp("office")
    password = root / "password.txt"
    password.write_text("correct horse battery\n")
    home = root / "home"
    pw = ["--password-file", str(password)]
    for argv in (
        ["key", "new", "registrar", *pw],
        ["init", "--name", "Hardening County", "--operator", "registrar", *pw],
    ):
        result = run_here(["--data-dir", str(home), *argv])
        assert result.code == 0, result.err
    alice = _address(run_here(["--data-dir", str(home), "key", "new", "alice", *pw]).out)
    bob = _address(run_here(["--data-dir", str(home), "key", "new", "bob", *pw]).out)
    for argv in (
        [
            "deed",
            "register",
            "--parcel",
            "0526301100",
            "--address",
            "1 Main St, Ames, IA",
            "--owner",
            alice,
            "--attr",
            "Gr_Liv_Area=1656",
            "--key",
            "registrar",
            *pw,
        ],
        ["checkpoint", "--key", "registrar", *pw],
    ):
        result = run_here(["--data-dir", str(home), *argv])
        assert result.code == 0, result.err
    return Office(home, password, alice, bob)


@pytest.fixture
def office(office_template: Office, tmp_path: Path) -> Office:
    import shutil

    home = tmp_path / "home"
    shutil.copytree(office_template.home, home)
    return Office(home, office_template.password_file, office_template.alice, office_template.bob)
