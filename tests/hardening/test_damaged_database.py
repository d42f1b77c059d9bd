"""Random byte flips in ledger.sqlite: every command ends with one sentence, never a traceback.

Seeded: a failure names its seed and round, and `flip(seed, round)` rebuilds that file.
`verify` either passes (the flips hit unused space) or fails naming the damage
(exit 1); every other command succeeds or refuses (exit 2).  What verify passes,
every reader can read.  Nothing any of them does changes the file.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from tests.hardening.conftest import Office
from tests.hardening.harness import Outcome, run_cli
from tests.hardening.harness import run_here
from tests.hardening.storage import fold_wal

SEEDS = (1, 2, 3)
ROUNDS = 10


@pytest.fixture(scope="module")
def at_rest(office_template: Office, tmp_path_factory: pytest.TempPathFactory) -> Office:
    """The office's ledger with a few more deeds and a second checkpoint, its WAL folded in."""
    home = tmp_path_factory.mktemp("flips") / "home"
    shutil.copytree(office_template.home, home)
    office = Office(home, office_template.password_file, office_template.alice, office_template.bob)
    for n in range(4):
        outcome = run_here(
            office.keyed(
                "deed",
                "register",
                "--parcel",
                f"05263012{n:02d}",
                "--address",
                f"{n + 2} Main St, Ames, IA",
                "--owner",
                office.bob,
                "--attr",
                f"Lot_Area={n}",
            )
        )
        assert outcome.code == 0, outcome.err
    assert run_here(office.keyed("checkpoint")).code == 0
    fold_wal(home)
    return office


def flip(database: Path, seed: int, round_: int) -> None:
    rng = random.Random(seed * 1000 + round_)
    data = bytearray(database.read_bytes())
    for _ in range(rng.randint(1, 16)):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    database.write_bytes(bytes(data))


def commands(out: Path) -> list[list[str]]:
    return [
        ["verify", "--jobs", "1"],
        ["deed", "list"],
        ["deed", "show", "1"],
        ["deed", "history", "1"],
        ["proof", "1"],
        ["journal"],
        ["pdf", "title", "1", "--out", str(out)],
    ]


def one_sentence(outcome: Outcome, where: str) -> None:
    assert "Traceback" not in outcome.out + outcome.err, f"{where}: {outcome.err}"
    lines = [line for line in outcome.err.splitlines() if line.strip()]
    if outcome.code == 0 or (outcome.code == 1 and " verify" in where):  # verify's report is on stdout
        return
    assert len(lines) == 1, f"{where}: wanted one line on stderr: {outcome.err!r}"
    assert lines[0].startswith("deedbook: ") and lines[0].endswith("."), f"{where}: {lines[0]!r}"


@pytest.mark.parametrize("seed", SEEDS)
def test_byte_flips_end_in_one_sentence(
    at_rest: Office, tmp_path: Path, seed: int, capsys: pytest.CaptureFixture[str]
) -> None:
    verdicts = []
    for round_ in range(ROUNDS):
        home = tmp_path / f"round{round_}"
        shutil.copytree(at_rest.home, home)
        database = home / "ledger.sqlite"
        flip(database, seed, round_)
        damaged = database.read_bytes()
        outcomes = []
        for argv in commands(tmp_path / f"title{round_}.pdf"):
            where = f"seed {seed} round {round_}: deedbook {' '.join(argv)}"
            outcome = run_cli(["--data-dir", str(home), *argv], capsys)
            one_sentence(outcome, where)
            outcomes.append(outcome)
        verify, *readers = outcomes
        where = f"seed {seed} round {round_}"
        if verify.code == 1:
            assert verify.out.startswith("NOT OK: ") and verify.err == "", f"{where}: {verify.out!r} {verify.err!r}"
        else:
            assert verify.code == 0, f"{where}: verify exit {verify.code}: {verify.err!r}"
            assert all(r.code == 0 for r in readers), f"{where}: verify passed but {[r.err for r in readers]}"
        assert all(r.code in (0, 2) for r in readers), f"{where}: {[(r.code, r.err) for r in readers]}"
        assert database.read_bytes() == damaged, f"{where}: a reading command changed the file"
        verdicts.append(verify.code)
    assert 1 in verdicts, "no round damaged anything verify could see: the flips are not reaching the data"
