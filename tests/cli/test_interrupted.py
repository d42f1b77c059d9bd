"""Ctrl+C on the command line: one sentence that says what is true, exit 130, never a traceback."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.cli import main as cli_main
from tests.cli.conftest import CliOffice

ROOT = Path(__file__).resolve().parents[2]
DURING = "deedbook: Interrupted; anything recorded or written before Ctrl+C stays, and nothing is half-written.\n"


def _seller_request(office: CliOffice, tmp_path: Path) -> Path:
    """Deed 1, owned by the registrar, prepared for sale: the seller's request file."""
    office.register("0526301100")
    buyer = office.ok("key", "new", "buyer", *office.pw).strip().split()[-1]
    prepared = office.ok(
        "transfer", "prepare", "1", "--to", buyer, "--price", "1000", "--out-dir", str(tmp_path / "req"), "--json"
    )
    return Path(next(r["path"] for r in json.loads(prepared)["requests"] if r["role"] == "seller"))


def test_ctrl_c_while_a_command_waits_is_one_sentence(cli_office: CliOffice, tmp_path: Path) -> None:
    """`sign` waits for its y/N on stdin; Ctrl+C there said a bare 'deedbook: ' (an empty KeyboardInterrupt)."""
    request = _seller_request(cli_office, tmp_path)
    out = tmp_path / "signed.json"
    argv = ["--data-dir", str(cli_office.home), "sign", str(request), "--key", "registrar", "--out", str(out)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop", *argv, *cli_office.pw],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as from a terminal
    )
    assert proc.stdout is not None and proc.stderr is not None
    shown = b""
    deadline = time.monotonic() + 60
    while b"Sign this? [y/N] " not in shown:  # it is waiting for the answer now
        assert time.monotonic() < deadline and proc.poll() is None, shown.decode()
        ready, _, _ = select.select([proc.stdout], [], [], 1)
        if ready:
            shown += os.read(proc.stdout.fileno(), 4096)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err.decode() == DURING
    assert not out.exists()


def test_ctrl_c_inside_a_command_is_one_sentence(
    cli_office: CliOffice, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In process: a bare KeyboardInterrupt from within a command (`deed list`'s handler)."""
    from desktop.cli import deeds_cmd

    def stopped(*_args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(deeds_cmd, "_list", stopped)  # run() builds its parser afresh, with this handler
    code = cli_main.run(["--data-dir", str(cli_office.home), "deed", "list"])
    assert code == 130
    assert capsys.readouterr().err == DURING


def test_ctrl_c_before_a_command_starts_is_one_sentence(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Ctrl+C while the command line loads (its parser imports every command's module): no traceback."""

    def loading() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_main, "build_parser", loading)
    try:
        code = cli_main.run(["--data-dir", str(tmp_path), "deed", "list"])
    except KeyboardInterrupt:
        pytest.fail("the KeyboardInterrupt escaped run(): a traceback")
    assert code == 130
    assert capsys.readouterr().err == "deedbook: Interrupted; nothing was changed.\n"
    assert not tmp_path.joinpath("ledger.sqlite").exists()
