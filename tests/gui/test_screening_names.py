"""The Review pane, the transfer wizard and the notary desk name parties in screening reasons as the rest of
the desktop does (the key or contact name, not a short address) (pytest-qt, offscreen)."""

# ruff: noqa: F811  (the suspicious_demo fixture is imported from its module; pytest hands it to tests by name)

from __future__ import annotations

import re
from typing import Any


from desktop.gui.context import AppContext
from desktop.gui.widgets.screening import ScreenView
from tests.gui.screened_office import office, resale_back_page, shown_queue  # noqa: F401 - fixture
from tests.screening.conftest import SuspiciousDemo, quick_models, suspicious_demo  # noqa: F401 - fixtures

SHORT = re.compile(r"0x[0-9a-f]{4}\u2026[0-9a-f]{4}")


def _shown(view: ScreenView, code: str) -> str:
    """The text the view shows for the reason `code` (the reasons are shown in the assessment's order)."""
    assert view.assessment is not None
    shown = [
        view.reasons.itemAt(i).widget().findChildren(type(view.title))[-1].text() for i in range(view.reasons.count())
    ]
    reasons = [r for r in view.assessment.reasons if abs(float(r["weight"])) >= 0.05 or r.get("source") == "history"]
    return shown[[r["code"] for r in reasons].index(code)]


def test_the_review_pane_names_the_holders_of_a_chain(
    office: AppContext, suspicious_demo: SuspiciousDemo, qtbot: Any
) -> None:
    pane = shown_queue(office, qtbot)
    target = suspicious_demo.target("flip_chain")
    pane.queue.selectRow([a.entry for a in pane.found].index(target))
    text = _shown(pane.view, "flip_chain")
    m = office.ws.ledger.entry(target).message
    qtbot.waitUntil(lambda: office.name_for(m["to"]) is not None, timeout=10_000)  # the desktop's names
    assert f"\u2192 {office.short_label(m['to'])}:" in text and not SHORT.search(text)
    assert office.short_label(m["to"]).startswith("demo-")


def test_the_wizard_names_the_former_holder(office: AppContext, suspicious_demo: SuspiciousDemo, qtbot: Any) -> None:
    page, m = resale_back_page(office, suspicious_demo, qtbot)
    text = _shown(page.screening, "circular_transfer")
    qtbot.waitUntil(lambda: office.name_for(m["from"]) is not None, timeout=10_000)
    assert f"the buyer {office.short_label(m['from'])} sold shares" in text and not SHORT.search(text)


def test_the_notary_desk_names_the_lender(office: AppContext, suspicious_demo: SuspiciousDemo, qtbot: Any) -> None:
    from desktop.gui.panes.notary import NotaryPane

    pane = NotaryPane(office)
    qtbot.addWidget(pane)
    pane.select_entry(suspicious_demo.target("loan_before_sale"))
    qtbot.waitUntil(lambda: pane.screening.assessment is not None, timeout=60_000)
    text = _shown(pane.screening, "loan_before_sale")
    assert re.search(r"held by demo-lender-\d+\)", text) and not SHORT.search(text)
