"""When the workspace trains: one predicate (missing or stale) for value, pdf valuation and the GUI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.paths import DataDir
from desktop.workspace import ModelState, Receipt, Workspace
from tests.helpers import make_world
from valuation import service


@pytest.fixture
def trainings(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Training itself is valuation/'s (tested there): here, only whether the policy asks for it."""
    calls: list[dict[str, Any]] = []

    def train(home: DataDir, **options: Any) -> dict[str, Any]:
        calls.append({"home": home, **options})
        return {"model_sha256": "ab" * 32}

    monkeypatch.setattr(service, "train", train)
    return calls


def test_a_current_model_is_used_as_it_is(home_with_model: DataDir, trainings: list[dict[str, Any]]) -> None:
    ws = Workspace(home_with_model)
    assert ws.model_state() == ModelState(present=True, usable=True) and ws.model_state().why == ""
    assert ws.ensure_model() == Receipt() and trainings == []


def test_a_missing_model_is_trained_with_the_ledgers_sales(
    deedbook_home: Path, trainings: list[dict[str, Any]]
) -> None:
    world = make_world(deedbook_home)
    ws = Workspace(world.home, ledger=world.ledger)
    notes: list[str] = []
    assert ws.model_state().needs_training and ws.model_state().why == "No valuation model yet"
    assert ws.ensure_model(before_training=notes.append) == Receipt(model=True)
    assert len(trainings) == 1 and trainings[0]["ledger"] is world.ledger and not trainings[0]["quick"]
    assert notes and notes[0].startswith("No valuation model yet: training one")


def test_a_model_stored_by_another_version_is_stale(
    home_with_model: DataDir, trainings: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "LAYOUT", service.LAYOUT + 1)  # as if the model classes had changed
    ws = Workspace(home_with_model)
    assert ws.model_state() == ModelState(present=True, usable=False)
    assert ws.model_state().why == "No usable valuation model"
    assert ws.ensure_model().model and len(trainings) == 1
    assert trainings[0]["ledger"] is None  # no ledger in this folder: the bundled market alone


def test_a_changed_card_is_stale_too(home_with_model: DataDir, trainings: list[dict[str, Any]]) -> None:
    card = home_with_model.models / "card.json"
    card.write_text(card.read_text().replace('"currency"', '"currency_"'))  # no longer authenticates
    assert Workspace(home_with_model).model_state() == ModelState(present=True, usable=False)
