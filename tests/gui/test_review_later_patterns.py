"""The Review pane lists a transfer flagged only by what followed it (a loan far beyond the price recorded
after the sale) and a circle of deeds among the same parties, each with its reason in words and money
(pytest-qt, offscreen)."""

# ruff: noqa: F811  (the suspicious_demo fixture is imported from its module; pytest hands it to tests by name)

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from core.ledger import Ledger
from core.paths import DataDir
from core.settings import Settings
from desktop.gui.context import AppContext
from tests.screening.conftest import SuspiciousDemo, quick_models, suspicious_demo  # noqa: F401 - fixtures


@pytest.fixture
def office(suspicious_demo: SuspiciousDemo, tmp_path: Path, qtbot: Any) -> Any:
    root = tmp_path / "office"
    shutil.copytree(suspicious_demo.root, root)
    home = DataDir.resolve(root)
    context = AppContext(home, Settings.load(), Ledger.open(home))
    yield context
    context.ops.shutdown()


@pytest.mark.parametrize(
    "pattern, says",
    [("loan_after_sale", "after this sale"), ("circle_across_deeds", "Deeds go round among")],
)
def test_the_queue_shows_the_later_and_the_cross_deed_patterns(
    office: AppContext, suspicious_demo: SuspiciousDemo, qtbot: Any, pattern: str, says: str
) -> None:
    from desktop.gui.panes.review import ReviewPane

    pane = ReviewPane(office)
    qtbot.addWidget(pane)
    pane.resize(1100, 760)
    pane.show()
    qtbot.waitUntil(lambda: bool(pane.found), timeout=60_000)
    target = suspicious_demo.target(pattern)
    entries = [a.entry for a in pane.found]
    assert target in entries  # the default filter: review and high
    pane.queue.selectRow(entries.index(target))
    assert pane.view.assessment is not None and pane.view.assessment.entry == target
    texts = [
        pane.view.reasons.itemAt(i).widget().findChildren(type(pane.empty))[-1].text()
        for i in range(pane.view.reasons.count())
    ]
    assert any(says in t and "USD" in t for t in texts)
