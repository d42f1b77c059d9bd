"""The desktop's second polish round: each test fails on the behaviour the GUI audit left."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Iterator

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QWizard

from core.dates import today_utc
from core.party_requests import write_request
from tests.helpers import World


@pytest.fixture
def far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A local zone whose day is not the UTC day right now: UTC+14 from 12:00 UTC on, UTC-12 before."""
    zone = "Etc/GMT-14" if datetime.now(UTC).hour >= 12 else "Etc/GMT+12"
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    assert QDate.currentDate() != _utc_qdate()  # the premise: the local day is another day
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


def _utc_qdate() -> QDate:
    day = today_utc()
    return QDate(day.year, day.month, day.day)


def _next(wizard: QWizard, qtbot: Any) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def test_the_wizards_closing_date_and_the_notarys_act_date_are_the_utc_day(
    window: Any, world: World, qtbot: Any, far_from_utc: None
) -> None:
    deed = world.register("U-1", world.key("alice").address)
    wizard = window.open_transfer(deed)
    qtbot.addWidget(wizard)
    assert wizard.terms.closing.date() == _utc_qdate()
    notary = window.show_pane("notary")
    # core refuses an act dated after the UTC day: the form neither starts on nor allows another
    assert notary.act_date.date() == _utc_qdate() and notary.act_date.maximumDate() == _utc_qdate()


def test_every_window_is_titled_what_it_shows_then_deedbook(
    window: Any, world: World, qtbot: Any, tmp_path: Path
) -> None:
    from core.keys import KeyStore
    from core.paths import DataDir
    from core.transactions import prepare_transfer
    from desktop.gui.notary_desk import NotaryDeskWindow
    from desktop.gui.signer import SignerWindow
    from tests.gui.test_notary_desk import _attestation_file, _notary_machine

    assert window.windowTitle() == f"{world.ledger.identity.name} \u2014 Deedbook"

    deed = world.register("W-1", world.key("alice").address)
    prepared = prepare_transfer(world.ledger, deed, world.key("bob").address, "1000", "USD")
    request = write_request(prepared.requests[0], tmp_path / "out")
    signer = SignerWindow(DataDir.resolve(tmp_path / "laptop").ensure(), None, KeyStore(tmp_path / "laptop" / "k"))
    qtbot.addWidget(signer)
    assert signer.windowTitle() == "Offline signer \u2014 Deedbook"
    assert signer.load(request)
    assert signer.windowTitle() == f"{request.name} \u2014 Offline signer \u2014 Deedbook"

    home, keys, notary = _notary_machine(tmp_path)
    desk = NotaryDeskWindow(home, keys)
    qtbot.addWidget(desk)
    assert desk.windowTitle() == "Notary's desk \u2014 Deedbook"
    attestation = _attestation_file(world, tmp_path / "att", notary)
    desk.load(attestation)  # its evidence is checked on a worker, then the request is shown
    qtbot.waitUntil(
        lambda: desk.windowTitle() == f"{attestation.name} \u2014 Notary's desk \u2014 Deedbook", timeout=10_000
    )
