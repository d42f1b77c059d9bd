"""Registering a deed through the form, as a registrar would."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from desktop.gui.events import Changes
from tests.gui.conftest import OWNERS, PASSWORD, Prompts
from tests.helpers import World


def _fill(pane: Any, qtbot: Any, parcel: str, owner: str = OWNERS[3]) -> None:
    qtbot.keyClicks(pane.parcel, parcel)
    qtbot.keyClicks(pane.address, "12 Elm Street, Ames, IA 50010")
    qtbot.keyClicks(pane.legal, "Lot 4, Elm Addition")
    qtbot.keyClicks(pane.owner.combo.lineEdit(), owner)
    pane.fields["Gr_Liv_Area"].setValue(1520)
    pane.fields["Year_Built"].setValue(1988)
    qtbot.keyClicks(pane.extra, "Pool_Area=0")
    pane.key.select("operator")
    qtbot.keyClicks(pane.key.password, PASSWORD)


def test_register_a_deed(window: Any, world: World, qtbot: Any, prompt_log: Prompts) -> None:
    pane = window.show_pane("register")
    assert not pane.submit.isEnabled()
    _fill(pane, qtbot, "R-100")
    assert pane.submit.isEnabled(), pane.problem.text()
    size = world.ledger.size()
    prompt_log.answer = False  # asked first (the old code registered at once): Cancel records nothing
    qtbot.mouseClick(pane.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(prompt_log.questions), timeout=10_000)  # asked once the ledger says it can be
    question = prompt_log.questions[-1]
    assert "parcel R-100 at 12 Elm Street, Ames, IA 50010" in question and OWNERS[3] in question.lower()
    assert "3 attributes" in question and "'operator'" in question
    assert world.ledger.size() == size and pane.parcel.text() == "R-100" and pane.key.secret() == PASSWORD
    prompt_log.answer = True
    with qtbot.waitSignal(
        window.ctx.events.changed, timeout=10_000, check_params_cb=lambda change: bool(change.what & Changes.DEEDS)
    ) as changed:
        qtbot.mouseClick(pane.submit, Qt.MouseButton.LeftButton)
    assert changed.args[0].deed_ids == {1}  # said by the registration's receipt
    qtbot.waitUntil(pane.result.isVisible)
    deed = world.ledger.deed(1)
    assert (deed.parcel, deed.owner.lower(), deed.legal) == ("R-100", OWNERS[3], "Lot 4, Elm Addition")
    assert deed.attributes == {"Gr_Liv_Area": 1520, "Year_Built": 1988, "Pool_Area": 0}
    assert pane.parcel.text() == "" and pane.key.secret() == ""
    qtbot.mouseClick(pane.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.panes["deeds"].model.rowCount() == 1)  # the deeds table heard about it when shown
    assert window.panes["deeds"].selected_deed() == 1


def test_owner_with_a_bad_checksum_is_caught_while_typing(window: Any, qtbot: Any) -> None:
    pane = window.show_pane("register")
    _fill(pane, qtbot, "R-1", owner="0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")
    assert "wrong checksum" in pane.owner.status.text()
    assert not pane.submit.isEnabled()


def test_refused_registration_is_one_sentence_and_writes_nothing(
    window: Any, world: World, qtbot: Any, prompt_log: Prompts
) -> None:
    world.register("R-7", OWNERS[1])
    pane = window.show_pane("register")
    _fill(pane, qtbot, "R-7")
    size = world.ledger.size()
    qtbot.mouseClick(pane.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(prompt_log.errors), timeout=10_000)
    assert prompt_log.errors == ["Parcel R-7 is registered already."]
    assert prompt_log.questions == []  # refused before "Register parcel R-7 …?" (the old code asked first)
    assert world.ledger.size() == size
    qtbot.waitUntil(pane.submit.isEnabled)
    assert pane.parcel.text() == "R-7" and pane.key.secret() == PASSWORD  # the form as it was


def test_a_key_that_is_no_registrar_is_refused_before_the_question(
    window: Any, world: World, qtbot: Any, prompt_log: Prompts
) -> None:
    """The key is known without its password: one that may not register is said before anything is asked.
    Fails on the old code (it asked, then unlocked the key, then was refused)."""
    world.key("alice")
    pane = window.show_pane("register")
    _fill(pane, qtbot, "R-9")
    pane.key.reload()
    pane.key.select("alice")
    size = world.ledger.size()
    qtbot.mouseClick(pane.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(prompt_log.errors), timeout=10_000)
    assert len(prompt_log.errors) == 1 and "is not a registrar of this ledger" in prompt_log.errors[0]
    assert prompt_log.questions == [] and world.ledger.size() == size


def test_wrong_password(window: Any, qtbot: Any, prompt_log: Prompts) -> None:
    pane = window.show_pane("register")
    _fill(pane, qtbot, "R-8")
    qtbot.keyClicks(pane.key.password, "x")
    qtbot.mouseClick(pane.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(prompt_log.errors), timeout=10_000)
    assert prompt_log.errors == ["Wrong password for key 'operator'."]
