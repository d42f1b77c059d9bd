"""Another program records entries in the ledger this window shows: the deeds list, the deed shown
and the ledger view show them with nobody asking for a refresh, on SQLite (polling every second while the
window is in front) and on PostgreSQL (LISTEN/NOTIFY).

How soon is a speed, measured by benchmarks/pg_live_refresh.py (issue 13's goal: 2 seconds), not asserted
here: a 2-second bound failed on a loaded machine (2.35 s at load 7 on 2 cores, 1 run in 3 of tests/gui)
though nothing was wrong. What is asserted does not depend on the machine's load: the window shows them
without any refresh being asked for, while the watcher polls at its in-front interval."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.keys import KeyStore
from core.ledger import Ledger
from core.paths import DataDir
from core.settings import Settings
from desktop.gui.context import AppContext
from tests.helpers import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
ELSEWHERE = textwrap.dedent("""
    import sys, time
    from core.deeds import register_deed
    from core.keys import KeyStore
    from core.ledger import Ledger
    from core.liens import add_lien
    from core.paths import DataDir
    home = DataDir.resolve(sys.argv[1])
    ledger = Ledger.open(home, sys.argv[2] or None)
    keys = KeyStore(home.keys)
    operator, bank = keys.unlock("operator", sys.argv[3]), keys.unlock("bank", sys.argv[3])
    for step in sys.argv[4].split(","):
        if step == "register":
            register_deed(ledger, operator, parcel="ELSEWHERE-" + str(ledger.size()), address="9 Other Desk Rd",
                          owner=operator.address)
        else:
            add_lien(ledger, 1, bank, "1500", "mortgage")
        print(step, time.time(), flush=True)
""")


@pytest.fixture(params=["sqlite", "postgresql"])
def office(request: pytest.FixtureRequest, tmp_path: Path, qtbot: Any) -> Iterator[tuple[Any, str | None]]:
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    home = DataDir.resolve(tmp_path / "office").ensure()
    keys = KeyStore(home.keys)
    keys.create("operator", PASSWORD)
    keys.create("bank", PASSWORD)
    operator = keys.unlock("operator", PASSWORD)
    ledger = Ledger.create(home, url, "Shared County", operator)
    from core.deeds import register_deed

    for i in range(3):
        register_deed(ledger, operator, parcel=f"HERE-{i}", address=f"{i} This Desk Rd", owner=operator.address)
    ledger.close()  # the desk opens its own
    from desktop.gui.main_window import MainWindow

    ctx = AppContext(home, Settings.load(), Ledger.open(home, url), db_url=url)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.live.set_active(True)  # offscreen, the application is never "active" by itself
    yield window, url
    window.close()
    ctx.close()  # its pool and ledger: a PostgreSQL connection was left for the interpreter's end (ResourceWarning)


def _elsewhere(window: Any, url: str | None, steps: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-c", ELSEWHERE, str(window.ctx.home.root), url or "", PASSWORD, steps],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def _shown(qtbot: Any, process: subprocess.Popen[str], checks: dict[str, Any]) -> None:
    """Every check holds within a minute (nothing in the test asks for a refresh: only the watcher can make them
    hold), and the other program recorded its entries."""
    qtbot.waitUntil(lambda: all(check() for check in checks.values()), timeout=60_000)
    out, _ = process.communicate(timeout=30)
    assert process.returncode == 0 and out.strip(), out


def test_entries_recorded_elsewhere_are_shown_without_a_refresh(office: tuple[Any, str | None], qtbot: Any) -> None:
    from desktop.gui.live import ACTIVE_SECONDS

    window, url = office
    assert window.live.watcher is not None and window.live.watcher.interval == ACTIVE_SECONDS
    if url is not None:
        qtbot.waitUntil(lambda: window.live.watcher.listening)  # LISTEN, not polling
    deeds = window.show_pane("deeds")
    qtbot.waitUntil(lambda: deeds.model.rowCount() == 3 and deeds.count.text() == "3 deeds")
    deeds.select_deed(1)
    qtbot.waitUntil(lambda: "HERE-0" in deeds.detail.heading.text() and deeds.detail.liens.text() == "No liens.")

    _shown(
        qtbot,
        _elsewhere(window, url, "register,lien"),
        {
            "deeds list": lambda: deeds.model.rowCount() == 4 and deeds.count.text() == "4 deeds",
            "deed detail": lambda: deeds.detail.liens.text().startswith("Lien 1: mortgage"),
        },
    )

    ledger = window.show_pane("ledger")
    qtbot.waitUntil(lambda: ledger.model.rowCount() == 6)
    _shown(qtbot, _elsewhere(window, url, "register"), {"ledger view": lambda: ledger.model.rowCount() == 7})
