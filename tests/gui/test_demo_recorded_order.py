"""The demo with suspicious cases is a ledger whose recording times never go backwards: the ledger view's
Recorded column reads in order, while the cases' loans are still recorded the months before or after the
sales the screen compares them with (pytest-qt, offscreen)."""

# ruff: noqa: F811  (the suspicious_demo fixture is imported from its module; pytest hands it to tests by name)

from __future__ import annotations

from datetime import date
from typing import Any

from core.dates import date_to_epoch
from core.ledger import Ledger
from core.paths import DataDir
from core.settings import Settings
from desktop.gui.context import AppContext
from desktop.gui.models.entries import EntryColumn
from tests.gui.conftest import cells
from tests.screening.conftest import SuspiciousDemo, quick_models, suspicious_demo  # noqa: F401 - fixtures


def test_the_ledger_view_of_the_suspicious_demo_is_recorded_in_order(
    suspicious_demo: SuspiciousDemo, qtbot: Any
) -> None:
    from desktop.gui.panes.ledger import LedgerPane

    home = DataDir.resolve(suspicious_demo.root)
    ledger = Ledger.open(home)
    ctx = AppContext(home, Settings.load(), ledger)
    try:
        pane = LedgerPane(ctx)
        qtbot.addWidget(pane)
        pane.show()
        qtbot.waitUntil(lambda: pane.model.rowCount() == ledger.size(), timeout=30_000)
        shown = cells(qtbot, pane.model, EntryColumn.RECORDED, timeout=30_000)
        assert len(shown) == ledger.size()
        assert shown == sorted(shown)  # "YYYY-MM-DD HH:MM" sorts as the times do
        assert shown[0][:4] < shown[-1][:4]  # a history over two years, not all of it recorded today
        # the cases still tell their story: a stacked loan was recorded months before the sale closed
        case = next(c for c in suspicious_demo.summary["suspicious"] if c["pattern"] == "stacked_loans")
        sale = ledger.entry(case["entry"])
        loan = ledger.entry(case["setup"][0])
        assert loan.kind == "Lien" and loan.index < sale.index
        assert loan.recorded_at < date_to_epoch(date.fromisoformat(sale.message["closingDate"]))
    finally:
        ctx.ops.shutdown()
        ledger.close()
