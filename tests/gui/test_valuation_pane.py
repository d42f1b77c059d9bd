"""The valuation pane's wiring, with the model replaced by a stand-in (valuation/ has its own tests)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import pytest
from PySide6.QtCore import Qt

from core.money import Money
from tests.gui.conftest import OWNERS, Prompts
from tests.gui.older_answers import older_answers_last
from tests.helpers import World
from valuation import service
from valuation.comparables import Comparable
from valuation.progress import Cancelled
from valuation.valuer import Driver

CARD = {
    "created": "2026-01-02T03:04:05",
    "data": {"sales_used": 2713, "name": "bundled Ames market"},
    "metrics": {"mdape": 4.8, "within_10": 0.81, "coverage": 0.9, "cod": 6.8, "prd": 1.01},
    "model": {"kind": "blend"},
    "features": [{"name": "Gr_Liv_Area", "used": True, "importance": 15000}],
    "limits": ["Values market sales."],
    "model_sha256": "ab" * 32,
    "currency": "USD",
}


def usd(units: int) -> Money:
    return Money(units * 100, "USD")


@dataclass
class FakeValuation:
    currency: str = "USD"
    estimate: Money = usd(250_000)
    low: Money = usd(220_000)
    high: Money = usd(285_000)
    as_of: str | None = "2010-07"
    typical: Money = usd(180_000)
    drivers: list[Driver] = field(
        default_factory=lambda: [
            Driver("Gr_Liv_Area", usd(40_000), 2200, 1440),
            Driver("Year_Built", usd(-9_000), 1950, 1975),
        ]
    )
    other_effects: Money = usd(39_000)
    comparables: list[Comparable] = field(
        default_factory=lambda: [
            Comparable(
                "parcel 1",
                usd(240_000),
                "2010-05",
                0.4,
                usd(251_000),
                0.3,
                [{"feature": "Gr_Liv_Area", "subject": 2200, "comparable": 2100}],
            )
        ]
    )
    assumed: list[str] = field(default_factory=lambda: ["Lot_Area"])
    input_sha256: str = "cd" * 32
    warnings: list[str] = field(default_factory=list)


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    state: dict[str, Any] = {"trained": True}
    monkeypatch.setattr(service, "has_model", lambda _home: state["trained"])
    monkeypatch.setattr(service, "has_current_model", lambda _home: state["trained"])
    monkeypatch.setattr(service, "card", lambda _home: CARD)
    monkeypatch.setattr(service, "value_deed", lambda _h, ledger, ref: (ledger.deed(ref), FakeValuation(), CARD))
    return state


def test_estimate_is_drawn_with_range_reasons_and_comparables(
    window: Any, world: World, qtbot: Any, model: dict[str, Any]
) -> None:
    deed_id = world.register("V-1", OWNERS[0], attributes={"Gr_Liv_Area": 2200})
    window.show_deed(deed_id)
    qtbot.waitUntil(lambda: window.panes["deeds"].detail.deed is not None)  # read on a worker
    qtbot.mouseClick(window.panes["deeds"].detail.buttons["value"], Qt.MouseButton.LeftButton)
    pane = window.panes["valuation"]
    qtbot.waitUntil(lambda: pane.result is not None, timeout=10_000)
    assert pane.estimate.text() == "USD\u00a0250,000"
    assert pane.range_chart._estimate == usd(250_000) and pane.range_chart._comps == [usd(240_000)]
    assert [row[0] for row in pane.drivers._rows] == ["Living area = 2200", "Year built = 1950"]
    assert pane.comps.rowCount() == 1 and pane.comps.item(0, 4).text() == "USD\u00a0251,000"
    assert "Lot area" in pane.assumed.text() and "+USD\u00a039,000" in pane.drivers_note.text()
    qtbot.waitUntil(lambda: "2,713 sales" in pane.card_text.text(), timeout=10_000)


def test_no_model_offers_training_and_cancel_is_quiet(
    window: Any, qtbot: Any, model: dict[str, Any], monkeypatch: pytest.MonkeyPatch, prompt_log: Prompts
) -> None:
    model["trained"] = False
    started = threading.Event()

    def slow_train(_home: Any, *, progress: Any, should_cancel: Any, **_kw: Any) -> dict[str, Any]:
        progress(0.1, "fitting")
        started.set()
        while not should_cancel():
            threading.Event().wait(0.01)
        raise Cancelled()

    monkeypatch.setattr(service, "train", slow_train)
    pane = window.show_pane("valuation")
    qtbot.waitUntil(pane.no_model.isVisible, timeout=10_000)
    qtbot.mouseClick(pane.train_quick, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(started.is_set, timeout=10_000)
    qtbot.waitUntil(lambda: pane.progress.value() == 100, timeout=5_000)
    assert pane.progress_row.isVisible() and not pane.retrain.isEnabled()
    qtbot.mouseClick(pane.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not pane.progress_row.isVisible(), timeout=10_000)
    assert prompt_log.errors == [] and pane.retrain.isEnabled()


def test_an_estimate_with_no_model_trains_one_first(
    window: Any, world: World, qtbot: Any, model: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workspace's policy, as on the command line: no usable model, so train (bundled market + ledger)."""
    model["trained"] = False
    trained: list[dict[str, Any]] = []

    def train(_home: Any, **options: Any) -> dict[str, Any]:
        trained.append(options)
        model["trained"] = True
        return CARD

    monkeypatch.setattr(service, "train", train)
    deed_id = world.register("V-2", OWNERS[1], attributes={"Gr_Liv_Area": 2200})
    pane = window.show_pane("valuation")
    pane.value_deed(deed_id)
    qtbot.waitUntil(lambda: pane.result is not None, timeout=10_000)
    assert len(trained) == 1 and trained[0]["ledger"] is not None and not trained[0]["quick"]
    assert pane.estimate.text() == "USD\u00a0250,000"
    qtbot.waitUntil(lambda: not pane.no_model.isVisible())  # the new model's card is read (Changes.VALUATIONS)


def test_a_yen_market_reads_in_yen(window: Any, world: World, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def yen(units: int) -> Money:
        return Money(units, "JPY")  # the yen has no minor unit

    valuation = FakeValuation(
        currency="JPY",
        estimate=yen(25_000_000),
        low=yen(22_000_000),
        high=yen(28_500_000),
        typical=yen(18_000_000),
        drivers=[Driver("Gr_Liv_Area", yen(4_000_000), 2200, 1440)],
        other_effects=yen(3_000_000),
        comparables=[Comparable("parcel 1", yen(24_000_000), "2010-05", 0.4, yen(25_100_000), 0.3)],
    )
    card = {**CARD, "currency": "JPY", "features": [{"name": "Gr_Liv_Area", "used": True, "importance": 1_500_000}]}
    monkeypatch.setattr(service, "has_model", lambda _home: True)
    monkeypatch.setattr(service, "has_current_model", lambda _home: True)  # the workspace's "train first?"
    monkeypatch.setattr(service, "card", lambda _home: card)
    monkeypatch.setattr(service, "value_deed", lambda _h, ledger, ref: (ledger.deed(ref), valuation, card))
    deed_id = world.register("V-2", OWNERS[0])
    pane = window.show_pane("valuation")
    pane.value_deed(deed_id)
    qtbot.waitUntil(lambda: pane.result is not None, timeout=10_000)
    assert pane.estimate.text() == "JPY\u00a025,000,000"
    assert "JPY\u00a022,000,000 to JPY\u00a028,500,000" in pane.estimate_note.text()
    assert pane.comps.item(0, 2).text() == "JPY\u00a024,000,000" and pane.drivers._rows[0][1] == yen(4_000_000)
    qtbot.waitUntil(lambda: "JPY\u00a01,500,000" in pane.card_text.text(), timeout=10_000)


@pytest.mark.parametrize(
    ("locale", "estimate", "note", "comparable", "effects", "importance"),
    [
        (
            "de_DE",
            "USD\u00a0250.000",
            "USD\u00a0220.000 to USD\u00a0285.000",
            "USD\u00a0251.000",
            "+USD\u00a039.000",
            "USD\u00a015.000",
        ),
        (
            "fr_FR",
            "USD\u00a0250\u202f000",
            "USD\u00a0220\u202f000 to USD\u00a0285\u202f000",
            "USD\u00a0251\u202f000",
            "+USD\u00a039\u202f000",
            "USD\u00a015\u202f000",
        ),
    ],
)
def test_the_estimate_reads_as_the_desktop_writes_numbers(
    window: Any,
    world: World,
    qtbot: Any,
    model: dict[str, Any],
    desktop_locale: Any,
    locale: str,
    estimate: str,
    note: str,
    comparable: str,
    effects: str,
    importance: str,
) -> None:
    """The estimate, its range, the comparables, the drivers, the chart's words and the model card, as the
    amount fields of this desktop read them (it read 'USD 250,000' to a German)."""
    desktop_locale(locale)
    deed_id = world.register("V-3", OWNERS[0], attributes={"Gr_Liv_Area": 2200})
    pane = window.show_pane("valuation")
    pane.value_deed(deed_id)
    qtbot.waitUntil(lambda: pane.result is not None, timeout=10_000)
    assert pane.estimate.text() == estimate and note in pane.estimate_note.text()
    assert pane.comps.item(0, 4).text() == comparable and effects in pane.drivers_note.text()
    assert f"Estimate {estimate}; 90% range {note}" in pane.range_chart.accessibleDescription()
    assert f"{effects.replace('39', '40')}" in pane.drivers.accessibleDescription()
    qtbot.waitUntil(lambda: importance in pane.card_text.text(), timeout=10_000)


AR = str.maketrans("0123456789,.", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u066c\u066b")


@pytest.mark.parametrize(
    ("locale", "sales", "error", "distance", "living", "effect_word"),
    [
        ("en_US", "2,713 sales", "median error 4.8%, 81% within 10%", "0.4 km", "Living area = 2200", "COD 6.8"),
        ("de_DE", "2.713 sales", "median error 4,8%, 81% within 10%", "0,4 km", "Living area = 2200", "COD 6,8"),
        (
            "fr_FR",
            "2\u202f713 sales",
            "median error 4,8%, 81% within 10%",
            "0,4 km",
            "Living area = 2200",
            "COD 6,8",
        ),
        ("de_CH", "2'713 sales", "median error 4.8%, 81% within 10%", "0.4 km", "Living area = 2200", "COD 6.8"),
        ("en_IN", "2,713 sales", "median error 4.8%, 81% within 10%", "0.4 km", "Living area = 2200", "COD 6.8"),
        (
            "ar_EG",
            "2,713".translate(AR) + " sales",
            # a left-to-right mark after a percentage a comma parts from the next number: without it the two read
            # the other way round
            f"median error {'4.8'.translate(AR)}\u066a\u200e, {'81'.translate(AR)}\u066a within "
            f"{'10'.translate(AR)}\u066a\u200e",
            "0.4".translate(AR) + " km",
            "Living area = " + "2200".translate(AR),
            "COD " + "6.8".translate(AR),
        ),
    ],
)
def test_the_model_card_comparables_and_drivers_count_as_the_desktop_writes(
    window: Any,
    world: World,
    qtbot: Any,
    model: dict[str, Any],
    desktop_locale: Any,
    locale: str,
    sales: str,
    error: str,
    distance: str,
    living: str,
    effect_word: str,
) -> None:
    """The model card's counts and percentages, a comparable's distance and a driver's value beside amounts
    written the desktop's way (they read '2,713 sales', '4.8%', '0.4 km' on every desktop)."""
    desktop_locale(locale)
    deed_id = world.register("V-4", OWNERS[0], attributes={"Gr_Liv_Area": 2200})
    pane = window.show_pane("valuation")
    pane.value_deed(deed_id)
    qtbot.waitUntil(lambda: pane.result is not None, timeout=10_000)
    assert pane.comps.item(0, 3).text() == distance
    assert pane.drivers._rows[0][0] == living
    qtbot.waitUntil(lambda: sales in pane.card_text.text(), timeout=10_000)
    card = " ".join(pane.card_text.text().split())
    assert error in card and effect_word in card, card


def test_the_estimate_shown_is_the_deed_valued_last_when_an_older_estimate_answers_last(
    window: Any, world: World, qtbot: Any, model: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two deeds valued one after the other (the deed pane's Value, twice) are estimated on the pool's threads;
    the first answering last showed, and offered to record, the deed not valued last (fails on the old code)."""
    import time

    first = world.register("V-1", OWNERS[0], attributes={"Gr_Liv_Area": 2200})
    last = world.register("V-2", OWNERS[1], attributes={"Gr_Liv_Area": 1800})
    slow_done = threading.Event()

    def value_deed(_home: Any, ledger: Any, ref: Any) -> Any:
        answer = (ledger.deed(ref), FakeValuation(), CARD)
        if ref == first:  # valued first: its answer comes back last
            time.sleep(0.5)
            slow_done.set()
        return answer

    monkeypatch.setattr(service, "value_deed", value_deed)
    pane = window.show_pane("valuation")
    pane.value_deed(first)
    pane.value_deed(last)
    qtbot.waitUntil(slow_done.is_set, timeout=10_000)
    qtbot.wait(200)
    assert pane.result is not None and pane.result.deed.deed_id == last
    assert pane.estimate_note.text().startswith(f"Deed {last},")


def test_the_model_card_shown_is_the_newest_read_when_an_older_read_answers_last(
    window: Any, qtbot: Any, model: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The card is read again on each change; a read made before a model was trained ("no model") answering
    after the read made since showed "No model yet" beside a trained model (fails on the old code)."""

    pane = window.show_pane("valuation")
    qtbot.waitUntil(lambda: "2,713 sales" in pane.card_text.text(), timeout=10_000)
    model["trained"] = False
    # the older read, before the model was trained: its answer comes back last
    slow_has_model, read, slow_done = older_answers_last(service.has_model, lambda answer: not answer)
    monkeypatch.setattr(service, "has_model", slow_has_model)
    pane.load_card()
    qtbot.waitUntil(read.is_set, timeout=10_000)
    model["trained"] = True
    pane.load_card()
    qtbot.waitUntil(slow_done.is_set, timeout=10_000)
    qtbot.wait(200)
    assert not pane.no_model.isVisible() and "2,713 sales" in pane.card_text.text()
