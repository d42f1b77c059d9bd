"""The Review pane on a demo with injected cases: the flagged queue with each reason, the chain-of-title
link, and a decision recorded as a signed entry (pytest-qt, offscreen)."""

# ruff: noqa: F811  (the suspicious_demo fixture is imported from its module; pytest hands it to tests by name)

from __future__ import annotations

import re

import shutil
from pathlib import Path
from typing import Any

import pytest

from core.demo import DEMO_PASSWORD
from core.ledger import Ledger
from core.paths import DataDir
from core.settings import Settings
from desktop.gui.context import AppContext
from tests.gui.screened_office import office, resale_back_page, shown_queue  # noqa: F401 - fixture
from tests.screening.conftest import SuspiciousDemo, quick_models, suspicious_demo  # noqa: F401 - fixtures


def test_the_queue_shows_flagged_transfers_with_reasons_and_records_a_review(
    office: AppContext,
    suspicious_demo: SuspiciousDemo,
    qtbot: Any,
    prompt_log: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from desktop.gui.panes.review import ReviewDialog

    pane = shown_queue(office, qtbot)
    entries = {a.entry for a in pane.found}
    target = suspicious_demo.target("circular_transfer")
    assert target in entries and all(a.level in ("review", "high") for a in pane.found)
    row = [a.entry for a in pane.found].index(target)
    pane.queue.selectRow(row)
    assert pane.view.assessment is not None and pane.view.assessment.entry == target
    texts = [
        pane.view.reasons.itemAt(i).widget().findChildren(type(pane.empty))[-1].text()
        for i in range(pane.view.reasons.count())
    ]
    assert "former holder" in texts[0] and any("USD" in t for t in texts)
    shown = []
    office.events.show_deed.connect(shown.append)
    pane.deed_button.click()
    assert shown == [pane.view.assessment.deed_id]

    def answer(dialog: ReviewDialog) -> int:
        dialog.text.setPlainText("The seller bought it back after the buyer's loan fell through; documents seen.")
        dialog.picker.select("demo-operator")
        dialog.picker.password.setText(DEMO_PASSWORD)
        assert dialog.ok.isEnabled()
        return 1

    monkeypatch.setattr(ReviewDialog, "exec", answer)
    before = office.ws.ledger.size()
    pane.clear_button.click()
    qtbot.waitUntil(lambda: bool(prompt_log.infos), timeout=30_000)
    assert prompt_log.errors == [] and "Review recorded as entry" in prompt_log.infos[0]
    assert office.ws.ledger.size() == before + 1
    review = office.ws.reviews()[target]
    assert review.decision == "clear" and "documents seen" in review.note
    qtbot.waitUntil(lambda: any(a.extra.get("review") for a in pane.found), timeout=60_000)


def test_without_a_model_the_queue_screens_the_history_and_offers_to_train(
    suspicious_demo: SuspiciousDemo, tmp_path: Path, qtbot: Any
) -> None:
    """No valuation model on this machine: opening Review trains nothing (minutes of work nobody asked
    for); the history patterns are screened, the prices are said not to be, and a button trains."""
    from desktop.gui.panes.review import NOT_PRICED, ReviewPane

    root = tmp_path / "no-model"
    shutil.copytree(suspicious_demo.root, root)
    home = DataDir.resolve(root)
    shutil.rmtree(home.models)
    context = AppContext(home, Settings.load(), Ledger.open(home))
    try:
        assert not context.ws.prices_screened()
        pane = ReviewPane(context)
        qtbot.addWidget(pane)
        pane.show()
        qtbot.waitUntil(lambda: bool(pane.found), timeout=60_000)
        assert not pane.priced and NOT_PRICED in pane.empty.text() and pane.train_button.isVisible()
        codes = {r["code"] for a in pane.found for r in a.reasons}
        assert "circular_transfer" in codes and "price_not_screened" in codes
        assert not codes & {"price_below_estimate", "price_above_estimate", "price_at_estimate"}
        assert suspicious_demo.target("circular_transfer") in {a.entry for a in pane.found}
        assert not context.ws.prices_screened() and not home.models.exists()  # nothing was trained
        pane.show_queue(pane.found, priced=True)  # what a screen with a model shows
        assert pane.train_button.isHidden() and NOT_PRICED not in pane.empty.text()
    finally:
        context.ops.shutdown()


def test_an_empty_queue_says_so(office: AppContext, qtbot: Any) -> None:
    from desktop.gui.panes.review import ReviewPane

    pane = ReviewPane(office)
    qtbot.addWidget(pane)
    pane.show_queue([])
    assert "nothing to review" in pane.empty.text()
    assert not pane.clear_button.isEnabled()


def test_the_transfer_wizard_screens_the_terms_before_any_request_leaves(
    office: AppContext, suspicious_demo: SuspiciousDemo, qtbot: Any
) -> None:
    """Terms that send a deed straight back to the holder it came from: the signatures page shows the
    circle and the price against the estimate, before a request is saved or signed."""
    page, _ = resale_back_page(office, suspicious_demo, qtbot)
    codes = [r["code"] for r in page.screening.assessment.reasons]
    assert "circular_transfer" in codes and any(c.startswith("price_") for c in codes)
    assert page.screening.assessment.level == "high" and "High risk" in page.screening.title.text()


def test_the_notary_desk_shows_the_screen_of_the_transfer_being_attested(
    office: AppContext, suspicious_demo: SuspiciousDemo, qtbot: Any
) -> None:
    from desktop.gui.panes.notary import NotaryPane

    pane = NotaryPane(office)
    qtbot.addWidget(pane)
    pane.resize(1250, 760)  # the pane in the window at its default size
    pane.show()
    pane.select_entry(suspicious_demo.target("loan_before_sale"))
    qtbot.waitUntil(lambda: pane.screening.assessment is not None, timeout=60_000)
    assert "loan_before_sale" in [r["code"] for r in pane.screening.assessment.reasons]
    # the reasons are read before attesting: their area grows with them (it stayed 160 px and scrolled),
    # up to 260 px so that the signature and the Attest button stay in view
    area = pane.screening.parentWidget().parentWidget()
    qtbot.waitUntil(lambda: area.height() > 160)
    assert area.height() <= 260
    pane.select_entry(1)  # a registration
    qtbot.waitUntil(lambda: "Only transfers" in pane.screening.title.text(), timeout=30_000)


def test_a_notary_machine_without_the_ledger_says_screening_is_not_available(tmp_path: Path, qtbot: Any) -> None:
    from desktop.gui.panes.notary import NotaryPane

    home = DataDir.resolve(tmp_path / "notary").ensure()
    context = AppContext(home, Settings.load(), None)
    try:
        pane = NotaryPane(context)
        qtbot.addWidget(pane)
        pane._preview()
        assert "not available here" in pane.screening.title.text()
    finally:
        context.ops.shutdown()


def test_the_valuation_pane_shows_the_forecast_standard_deviation_and_confidence(
    office: AppContext, qtbot: Any
) -> None:
    from desktop.gui.panes.valuation import ValuationPane

    pane = ValuationPane(office)
    qtbot.addWidget(pane)
    pane.value_deed(12)
    qtbot.waitUntil(lambda: pane.result is not None, timeout=60_000)
    v = pane.result.valuation
    assert v.fsd is not None and abs(v.confidence - 100 * (1 - v.fsd)) <= 1
    text = pane.estimate_note.text()
    assert f"Forecast standard deviation {100 * v.fsd:.1f}%" in text
    assert f"confidence {v.confidence}, {v.confidence_level}" in text


def test_the_queue_fits_the_pane_and_keeps_the_review_column_in_view(office: AppContext, qtbot: Any) -> None:
    from PySide6.QtWidgets import QTableWidget

    from desktop.gui.panes.review import REASON_COLUMN

    pane = shown_queue(office, qtbot)
    queue: QTableWidget = pane.queue
    headers = [queue.horizontalHeaderItem(c).text() for c in range(queue.columnCount())]
    review, reason = headers.index("Review"), headers.index("Strongest reason")
    qtbot.wait(200)  # the header lays its sections out
    header = queue.horizontalHeader()
    assert header.sectionViewportPosition(review) + header.sectionSize(review) <= queue.viewport().width()
    assert queue.horizontalScrollBar().maximum() == 0  # no sideways scrolling
    assert reason == REASON_COLUMN == queue.columnCount() - 1
    longest = max(range(queue.rowCount()), key=lambda r: len(queue.item(r, reason).text()))
    cell = queue.item(longest, reason)
    # cut to the column on screen, whole in its tip (and in the reasons below once selected)
    assert queue.fontMetrics().horizontalAdvance(cell.text()) > header.sectionSize(reason)
    canonical = next(r["text"] for r in pane.found[longest].reasons if r["weight"] > 0)
    # the whole sentence, as the desktop writes it: here only the amounts' no-break spaces differ
    assert cell.toolTip() == re.sub(r"\b([A-Z]{3}) (?=\d)", "\\1\u00a0", canonical)
