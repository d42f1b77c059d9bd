"""The Review pane shows a transfer flagged only by what followed it (a loan far beyond the price recorded
after the sale) and a circle of deeds among the same parties, each with its reason in words and money; the
notary desk shows the former too (pytest-qt, offscreen)."""

# ruff: noqa: F811  (the suspicious_demo fixture is imported from its module; pytest hands it to tests by name)

from __future__ import annotations

from typing import Any

import pytest

from desktop.gui.context import AppContext
from tests.gui.screened_office import office, shown_queue  # noqa: F401 - fixture
from tests.screening.conftest import SuspiciousDemo, quick_models, suspicious_demo  # noqa: F401 - fixtures


@pytest.mark.parametrize(
    "pattern, says",
    [("loan_after_sale", "after this sale"), ("circle_across_deeds", "Deeds go round among")],
)
def test_the_queue_shows_the_later_and_the_cross_deed_patterns(
    office: AppContext, suspicious_demo: SuspiciousDemo, qtbot: Any, pattern: str, says: str
) -> None:
    pane = shown_queue(office, qtbot)
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


def test_the_notary_desk_shows_a_loan_recorded_after_the_transfer_being_attested(
    office: AppContext, suspicious_demo: SuspiciousDemo, qtbot: Any
) -> None:
    """The notary desk screens a recorded transfer as the queue does: with what followed it."""
    from desktop.gui.panes.notary import NotaryPane

    pane = NotaryPane(office)
    qtbot.addWidget(pane)
    pane.select_entry(suspicious_demo.target("loan_after_sale"))
    qtbot.waitUntil(lambda: pane.screening.assessment is not None, timeout=60_000)
    assert "loan_after_sale" in [r["code"] for r in pane.screening.assessment.reasons]
    assert pane.screening.assessment.level in ("review", "high")
