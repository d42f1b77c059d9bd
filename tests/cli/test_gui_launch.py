"""`deedbook` with no command opens the GUI (README), with the options given; without a display that is one
sentence, not Qt aborting the process; `sign` with signing options but no request is a mistake, not a window."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from desktop.cli.main import run
from tests.hardening.harness import Outcome, assert_refused, run_cli
from tests.helpers import read_only_folder

ROOT = Path(__file__).resolve().parents[2]


def test_options_without_a_command_open_the_gui(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`deedbook --data-dir DIR` was refused ('unrecognized arguments: --data-dir DIR')."""
    from desktop.gui import app

    opened: list[dict[str, Any]] = []

    def window(data_dir: str | None, db_url: str | None, **how: Any) -> int:  # the GUI, without its window
        opened.append({"data_dir": data_dir, "db_url": db_url, **how})
        return 0

    monkeypatch.setattr(app, "run", window)
    assert run(["--data-dir", str(tmp_path), "--db-url", "sqlite:///x.sqlite"]) == 0
    assert run([]) == 0
    assert [(o["data_dir"], o["db_url"], o["smoke"], o["notary"]) for o in opened] == [
        (str(tmp_path), "sqlite:///x.sqlite", False, False),
        (None, None, False, False),
    ]


def _without_a_display(argv: list[str]) -> Outcome:
    """`deedbook ARGV` as its own process with no X11 or Wayland session and no Qt platform chosen (the old code
    let Qt abort: in this process it would end the test run)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "desktop", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    return Outcome(done.returncode, done.stdout, done.stderr)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 and Wayland are Linux's displays")
@pytest.mark.parametrize("argv", [[], ["gui"], ["gui", "--smoke"], ["sign"]], ids=lambda a: " ".join(a) or "none")
def test_no_display_is_one_sentence(argv: list[str], tmp_path: Path) -> None:
    outcome = _without_a_display(["--data-dir", str(tmp_path / "home"), *argv])
    assert_refused(outcome, 2, says="There is no display to open the window on")
    assert not (tmp_path / "home").exists()


@pytest.mark.parametrize(
    "options", [["--key", "alice", "--yes"], ["--out", "signed.json"], ["--password-file", "pw"]], ids=" ".join
)
def test_sign_with_options_but_no_request_is_refused(options: list[str], tmp_path: Path) -> None:
    """The old code opened the offline signer's window (or, with no display, Qt aborted)."""
    outcome = _without_a_display(["--data-dir", str(tmp_path / "home"), "sign", *options])
    assert_refused(outcome, 2, says=f"Name the request file to sign ('deedbook sign REQUEST {options[0]} ...')")
    assert not (tmp_path / "home").exists()


def test_screenshots_where_none_can_be_written_is_a_sentence(tmp_path: Path) -> None:
    """The tour ran and failed at its first picture ('screenshot step failed: FileExistsError...', exit 1)."""
    taken = tmp_path / "notes.txt"
    taken.write_text("x")
    home = ["--data-dir", str(tmp_path / "home")]
    outcome = run_cli([*home, "gui", "--screenshots", str(taken)], isolated=True, timeout=120)
    assert_refused(outcome, 2, says=f"{taken} is a file, not a folder")
    with read_only_folder(tmp_path / "dvd") as folder:
        outcome = run_cli([*home, "gui", "--screenshots", str(folder / "shots")], isolated=True, timeout=120)
        assert_refused(outcome, 2, says="choose another folder")
        assert list(folder.iterdir()) == []
