"""The valuation pane on a market without sale dates: the comparables' Sold column and the estimate say the
dates are not known, the model card says its valuations are not dated; nothing reads "None" (pytest-qt)."""

# ruff: noqa: F811  (the undated_home fixture is imported from its module; pytest hands it to tests by name)

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.ledger import Ledger
from core.paths import DataDir
from core.settings import Settings
from desktop.gui.context import AppContext
from tests.valuation.undated import copy_of, undated_home  # noqa: F401 - a fixture
from valuation.wording import NOT_DATED, SALE_DATE_UNKNOWN


def test_the_pane_says_the_dates_are_not_known(undated_home: Path, tmp_path: Path, qtbot: Any) -> None:
    from desktop.gui.panes.valuation import ValuationPane

    home = DataDir.resolve(copy_of(undated_home, tmp_path / "home"))
    ctx = AppContext(home, Settings.load(), Ledger.open(home))
    try:
        pane = ValuationPane(ctx)
        qtbot.addWidget(pane)
        pane.show_result(ctx.ws.value_deed(3).value)
        pane.show_card(ctx.ws.model_card())
        sold = [pane.comps.item(row, 1).text() for row in range(pane.comps.rowCount())]
        assert len(sold) == 5 and set(sold) == {SALE_DATE_UNKNOWN}
        assert f", {NOT_DATED}." in pane.estimate_note.text() and "None" not in pane.estimate_note.text()
        assert f"valuations {NOT_DATED}" in pane.card_text.text() and "None" not in pane.card_text.text()
    finally:
        ctx.ops.shutdown()
