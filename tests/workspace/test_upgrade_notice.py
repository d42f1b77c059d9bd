"""Opening an older ledger says, once, that it is being upgraded (rebuilding a search index on a
million deeds takes minutes): to the caller of Ledger.open, and on the command line to a person
at a terminal, never to a script reading stderr."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from core.ledger import Ledger
from core.store import SCHEMA_HEAD, upgrade_sentence
from desktop.cli.main import run
from tests.helpers import World, make_world

OLDER = "0015"  # 0016 finds its index already made with positions: the upgrade is quick here


def set_back(world: World) -> None:
    """The ledger as an older Deedbook left it (its schema version only: every upgrade since is idempotent)."""
    with sqlite3.connect(world.home.database) as db:
        db.execute("UPDATE alembic_version SET version_num = ?", (OLDER,))


@pytest.fixture
def older(tmp_path: Path) -> World:
    world = make_world(tmp_path / "home")
    world.ledger.close()
    set_back(world)
    return world


def test_the_upgrade_is_said_once_before_it_runs(older: World) -> None:
    heard: list[str] = []
    ledger = Ledger.open(older.home, on_upgrade=heard.append)
    with sqlite3.connect(older.home.database) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == (SCHEMA_HEAD,)
    ledger.close()
    assert heard == [upgrade_sentence(OLDER)] and f"schema {OLDER} to {SCHEMA_HEAD}" in heard[0]
    Ledger.open(older.home, on_upgrade=heard.append).close()  # at the head: nothing to say
    assert len(heard) == 1


def test_a_new_ledger_is_not_an_upgrade(tmp_path: Path) -> None:
    world = make_world(tmp_path / "home")  # created at the head, through the same migrations
    world.ledger.close()
    heard: list[str] = []
    Ledger.open(world.home, on_upgrade=heard.append).close()
    assert heard == []


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_command_line_tells_a_person_at_a_terminal(
    older: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert run(["--data-dir", str(older.home.root), "deed", "list"]) == 0
    assert terminal.getvalue() == f"deedbook: {upgrade_sentence(OLDER)}\n"


def test_a_script_reading_stderr_hears_nothing(older: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--data-dir", str(older.home.root), "deed", "list", "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and out.strip().startswith("[")
