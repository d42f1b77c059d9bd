"""A data folder that is not a folder (a file, a device) is one sentence, exit 2, before any command runs: the
old code said there was no ledger, or that keys/ could not be made, or went on to open the GUI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hardening.harness import assert_refused, run_cli

SAYS = "not a folder, so it cannot be the data folder: give --data-dir (or DEEDBOOK_HOME) a folder's path"

COMMANDS = [
    ["deed", "list"],
    ["verify"],
    ["key", "list"],
    ["key", "new", "alice", "--password-file", "PASSWORD"],
    ["init", "--name", "County", "--operator", "alice", "--password-file", "PASSWORD"],
    ["demo", "--deeds", "3"],
    ["valuation", "card"],
    ["witness", "show"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_a_file_as_the_data_folder_is_a_sentence(
    argv: list[str], tmp_path: Path, password_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "notes.txt"
    home.write_text("not a folder\n")
    argv = [str(password_file) if a == "PASSWORD" else a for a in argv]
    assert_refused(run_cli(["--data-dir", str(home), *argv], capsys), 2, says=SAYS)
    assert home.read_text() == "not a folder\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["notes.txt", password_file.name])


def test_deedbook_home_naming_a_device_is_a_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEEDBOOK_HOME", "/dev/null")
    assert_refused(run_cli(["deed", "list"], capsys), 2, says="/dev/null is a device, " + SAYS)


@pytest.mark.parametrize("argv", [["gui", "--smoke"], ["sign"]], ids=" ".join)
def test_the_gui_is_not_opened_on_a_file(argv: list[str], tmp_path: Path) -> None:
    """The GUI (and the offline signer's window), launched on a file as its data folder: the sentence, no window."""
    home = tmp_path / "notes.txt"
    home.write_text("not a folder\n")
    outcome = run_cli(["--data-dir", str(home), *argv], isolated=True, timeout=120)
    assert_refused(outcome, 2, says=SAYS)
    assert outcome.out == ""
