"""The `office` fixture of the screening GUI tests: a copy of the suspicious demo, opened as the desktop
opens a data folder (import it, with tests.screening.conftest's fixtures, into a test module)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.ledger import Ledger
from core.paths import DataDir
from core.settings import Settings
from desktop.gui.context import AppContext
from tests.screening.conftest import SuspiciousDemo


@pytest.fixture
def office(suspicious_demo: SuspiciousDemo, tmp_path: Path, qtbot: Any) -> Iterator[AppContext]:
    root = tmp_path / "office"
    shutil.copytree(suspicious_demo.root, root)
    home = DataDir.resolve(root)
    context = AppContext(home, Settings.load(), Ledger.open(home))
    yield context
    context.ops.shutdown()


def shown_queue(office: AppContext, qtbot: Any) -> Any:
    """The Review pane, shown at a working size, once its queue of flagged transfers is filled."""
    from desktop.gui.panes.review import ReviewPane

    pane = ReviewPane(office)
    qtbot.addWidget(pane)
    pane.resize(1100, 760)
    pane.show()
    qtbot.waitUntil(lambda: bool(pane.found), timeout=60_000)
    return pane


def resale_back_page(office: AppContext, demo: SuspiciousDemo, qtbot: Any) -> tuple[Any, dict[str, Any]]:
    """The transfer wizard's signatures page, screened, for terms that send the demo's quick resale
    straight back to the holder it came from at half its price; and that resale's message."""
    from desktop.gui.transfer_wizard import TransferWizard

    ws = office.ws
    m = ws.ledger.entry(demo.target("quick_resale")).message
    wizard = TransferWizard(office, m["deedId"])
    qtbot.addWidget(wizard)
    wizard.prepared = ws.prepare_transfer(
        m["deedId"], m["from"], m["price"] // 2, "USD", closing_date="2026-12-01", seller=m["to"]
    ).value
    page = wizard.signatures
    page.initializePage()
    qtbot.waitUntil(lambda: page.screening.assessment is not None, timeout=60_000)
    return page, m
