"""Writers at once: a busy ledger and a stale offline response are one accurate sentence each.

Every writing command, run while another program holds the ledger's write lock
longer than it is willing to wait, says that the ledger is busy (exit 2, one
line, nothing written).  Transfers signed offline keep the deed version they
were signed for: when two are submitted for the same version, one is recorded
and the others are refused as stale, not as "the ledger changed".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.ledger import Ledger
from core.paths import DataDir
from tests.hardening.conftest import Office
from tests.hardening.harness import assert_refused, run_cli
from tests.writers import HeldLock

BUSY = "The ledger is busy: another program kept it locked for writing for over 0.4 seconds"


def _signed_transfer(office: Office, capsys: pytest.CaptureFixture[str], out: Path, price: str) -> list[str]:
    """A transfer of deed 1 from alice to bob, prepared now and signed by both; its response files."""
    prepared = run_cli(
        office.argv("transfer", "prepare", "1", "--to", office.bob, "--price", price, "--out-dir", str(out), "--json"),
        capsys,
    )
    assert prepared.code == 0, prepared.err
    responses = []
    for request in json.loads(prepared.out)["requests"]:
        key = "alice" if request["signer"].lower() == office.alice.lower() else "bob"
        response = str(Path(request["path"]).with_suffix(".signed.json"))
        signed = run_cli(
            office.argv(
                "sign",
                request["path"],
                "--key",
                key,
                "--password-file",
                str(office.password_file),
                "--yes",
                "--out",
                response,
            ),
            capsys,
        )
        assert signed.code == 0, signed.err
        responses.append(response)
    return responses


WRITERS = {
    "deed register": lambda o, _r: o.keyed(
        "deed", "register", "--parcel", "0526301101", "--address", "2 Main St", "--owner", o.alice
    ),
    "lien add": lambda o, _r: o.argv(
        "lien",
        "add",
        "1",
        "--holder",
        "bob",
        "--amount",
        "1000",
        "--kind",
        "tax",
        "--password-file",
        str(o.password_file),
    ),
    "checkpoint": lambda o, _r: o.keyed("checkpoint"),
    "attest": lambda o, _r: o.keyed("attest", "1", "--act", "acknowledgment"),
    "registrar add": lambda o, _r: o.keyed("registrar", "add", o.bob),
    "transfer submit": lambda o, r: o.argv("transfer", "submit", *r),
}


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_busy_ledger_is_one_sentence_and_nothing_is_written(
    office: Office, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: str
) -> None:
    responses = (
        _signed_transfer(office, capsys, tmp_path / "requests", "250000") if command == "transfer submit" else []
    )
    monkeypatch.setattr(Ledger, "lock_wait", 0.2)
    monkeypatch.setattr(Ledger, "lock_attempts", 2)
    before = office.fingerprint()
    ledger = Ledger.open(DataDir.resolve(office.home))
    held = HeldLock(ledger)
    try:
        outcome = run_cli(WRITERS[command](office, responses), capsys)
    finally:
        held.release()
        ledger.close()
    assert_refused(outcome, 2, says=BUSY)
    assert office.fingerprint() == before
    assert run_cli(WRITERS[command](office, responses), capsys).code == 0  # and it works once the lock is free


def test_a_stale_transfer_response_is_refused_as_stale(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first = _signed_transfer(office, capsys, tmp_path / "first", "250000")
    second = _signed_transfer(office, capsys, tmp_path / "second", "260000")  # for the same version of deed 1
    assert run_cli(office.argv("transfer", "submit", *first), capsys).code == 0
    before = office.fingerprint()
    outcome = run_cli(office.argv("transfer", "submit", *second), capsys)
    assert_refused(outcome, 2, says="was made for version 1 of deed 1, which is now at version 2: it is stale")
    assert "changed while" not in outcome.err
    assert office.fingerprint() == before


def test_transfers_submitted_at_once_record_one_and_call_the_others_stale(
    office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batches = [_signed_transfer(office, capsys, tmp_path / f"t{i}", f"{250000 + i * 1000}") for i in range(4)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "desktop", *office.argv("transfer", "submit", *responses)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for responses in batches
    ]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in processes]
    assert sorted(code for code, _ in results) == [0, 2, 2, 2], results
    for code, err in results:
        if code == 2:
            lines = [line for line in err.splitlines() if line.strip()]
            assert len(lines) == 1 and "it is stale" in lines[0] and "Traceback" not in err, err
    report = run_cli(office.argv("verify", "--jobs", "1"), capsys)
    assert report.code == 0, report.out + report.err
