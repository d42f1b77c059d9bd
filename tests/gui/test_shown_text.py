"""Stored text shown in the GUI: control characters escaped, never read as HTML, mixed scripts flagged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from core.deeds import register_deed
from core.keys import KeyStore
from core.transactions import prepare_transfer
from desktop.gui.events import Changes
from desktop.gui.models.deeds import DeedColumn
from desktop.gui.signer import SignerWindow
from tests.gui.conftest import cells, loaded
from tests.helpers import World

HOSTILE = "<b>1 M\u0430in St</b>\x1b[31m\r\u202eDIAP <img src='file:///etc/passwd'>"
HIDDEN = "\x1b\r\u202e"


def _register(world: World) -> int:
    return register_deed(
        world.ledger,
        world.operator,
        parcel="P-1",
        address=HOSTILE,
        owner="0x" + "11" * 20,
        legal="Lot <i>7</i>\r\nBlock 2",
        attributes={"note": "<a href='x'>click</a>\x07"},
    ).deed_id


def test_the_deed_detail_shows_stored_text_as_text(window: Any, world: World, qtbot: Any, tmp_path: Path) -> None:
    deed_id = _register(world)
    window.ctx.events.announce(Changes.DEEDS)
    pane = window.panes["deeds"]
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1)
    shown = cells(qtbot, pane.model, DeedColumn.ADDRESS)[0]
    assert not any(ch in shown for ch in HIDDEN) and "\\u001b[31m" in shown and "<b>" in shown
    pane.detail.show_deed(deed_id)
    detail = pane.detail
    qtbot.waitUntil(lambda: detail.deed is not None)  # read on a worker
    assert detail.address.textFormat() == Qt.TextFormat.PlainText
    assert detail.address.text().startswith("<b>1 M") and not any(ch in detail.address.text() for ch in HIDDEN)
    assert detail.notes.isVisibleTo(detail) and "mixes Latin and Cyrillic letters" in detail.notes.text()
    labels = [w for w in detail.findChildren(type(detail.address)) if w.text()]
    assert all(not any(ch in w.text() for ch in HIDDEN) for w in labels)
    stored = [w for w in labels if "<i>" in w.text() or "<a href" in w.text()]
    assert len(stored) == 2 and all(w.textFormat() == Qt.TextFormat.PlainText for w in stored)
    for item in detail.timeline.items():
        assert not any(ch in item.title + item.detail for ch in HIDDEN)
    window.resize(1280, 800)
    window.grab().save(str(tmp_path / "detail.png"))  # looked at by eye while writing this test


def test_the_offline_signer_never_reads_a_request_as_html(world: World, qtbot: Any, tmp_path: Path) -> None:
    alice, bob = world.key("alice"), world.key("bob")
    deed_id = register_deed(world.ledger, world.operator, parcel="S-1", address="1 Main", owner=alice.address).deed_id
    path = prepare_transfer(world.ledger, deed_id, bob.address, "99000", out_dir=tmp_path / "req").paths[0]
    data = json.loads(path.read_text())
    data["typedData"]["message"]["parcel"] = "<span style='font-size:0'>S-1</span>\u202e"  # crafted by hand
    path.write_text(json.dumps(data))
    window = SignerWindow(world.home, world.ledger.identity, KeyStore(tmp_path / "keys"))
    qtbot.addWidget(window)
    window.show()
    assert loaded(qtbot, window, path)
    assert window.summary_title.textFormat() == Qt.TextFormat.PlainText
    assert "<span style='font-size:0'>S-1</span>\\u202e" in window.summary_title.text()
    values = [w.text() for w in window.findChildren(type(window.summary_title)) if "<span" in w.text()]
    assert len(values) >= 2
