"""No pane reads the ledger on the UI thread: every statement the database runs while the panes are
driven comes from a worker of the operation helper.

The guard listens on the ledger's engine (SQLAlchemy's before_cursor_execute), so it
sees every read whatever the path: Ledger methods, core.browse's bulk reads, the
address book.  It records the stack of any statement run on the main thread.
"""

from __future__ import annotations

import threading
import traceback
from pathlib import Path
from typing import Any, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from sqlalchemy import Engine, event

from core.checkpoints import make_checkpoint
from core.liens import add_lien
from core.transactions import prepare_transfer, submit
from core.requests import sign_request
from desktop.gui.dialogs import keys as key_dialogs
from desktop.gui.events import Changes
from desktop.gui.models.deeds import DeedColumn
from desktop.gui.models.entries import EntryColumn
from tests.gui.conftest import OWNERS, Prompts, cells, populate
from tests.helpers import World, make_world


class Guard:
    """Records SQL run on the main (UI) thread while it is on."""

    def __init__(self) -> None:
        self.on = False
        self.offences: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.on and threading.current_thread() is threading.main_thread():
            ours = [frame for frame in traceback.extract_stack()[:-1] if "site-packages" not in frame.filename]
            stack = "".join(traceback.format_list(ours[-8:]))
            self.offences.append(f"{statement.split()[0]} ... on the UI thread, from:\n{stack}")

    def report(self) -> str:
        return "\n\n".join(self.offences[:3])


@pytest.fixture
def guard(world: World) -> Iterator[Guard]:
    """A ledger with history (sales, a lien, a checkpoint), then the guard on its engine."""
    populate(world, 14)
    alice, bob = world.key("alice"), world.key("bob")
    deed = world.register("G-1", alice.address)
    prepared = prepare_transfer(world.ledger, deed, bob.address, "250000")
    submit(world.ledger, [sign_request(r, alice if r.role == "seller" else bob) for r in prepared.requests])
    add_lien(world.ledger, deed, world.key("bank"), "180000", "mortgage")
    make_checkpoint(world.ledger, world.operator)
    watching = Guard()
    event.listen(Engine, "before_cursor_execute", watching)  # every engine: the GUI opens its own for a new folder
    yield watching
    event.remove(Engine, "before_cursor_execute", watching)


def test_the_guard_sees_a_read_on_the_ui_thread(guard: Guard, world: World) -> None:
    guard.on = True
    world.ledger.size()  # what a pane must never do
    guard.on = False
    assert any(offence.startswith("SELECT") and "test_the_guard_sees" in offence for offence in guard.offences)


def test_every_pane_reads_the_ledger_off_the_ui_thread(
    guard: Guard,
    window: Any,
    world: World,
    qtbot: Any,
    tmp_path: Path,
    prompt_log: Prompts,
    answer_key_dialog: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    guard.on = True
    ctx = window.ctx
    ctx.events.announce(Changes.DEEDS)  # deeds registered behind the window's back

    # the deeds pane: rows, paging, search, sort, selection, the detail and its timeline
    deeds = window.panes["deeds"]
    deeds.model.PAGE = 5
    deeds.model.set_ledger(ctx.ledger)  # read again, a page of five at a time
    qtbot.waitUntil(lambda: deeds.model.rowCount() >= 5)
    deeds.model.fetchMore()  # (the view asks for more pages too, while it has room to show them)
    qtbot.waitUntil(lambda: deeds.model.rowCount() == 15 and not deeds.model.canFetchMore())
    assert cells(qtbot, deeds.model, DeedColumn.PARCEL, 10)[0] == "P-0000"
    qtbot.keyClicks(deeds.search, "G-1")
    qtbot.waitUntil(lambda: deeds.model.search == "G-1" and deeds.model.rowCount() == 1)
    deeds.table.sortByColumn(DeedColumn.ADDRESS, Qt.SortOrder.DescendingOrder)
    window.show_deed(3)  # clears the search that hides it, pages in until it is there
    qtbot.waitUntil(lambda: deeds.detail.deed is not None and deeds.detail.deed.deed_id == 3)
    qtbot.waitUntil(
        lambda: deeds.model.row_of(3) is not None and deeds.table.currentIndex().row() == deeds.model.row_of(3)
    )
    window.show_deed(15)
    qtbot.waitUntil(lambda: deeds.detail.deed is not None and deeds.detail.deed.deed_id == 15)
    assert [item.title.split()[0] for item in deeds.detail.timeline.items()][:2] == ["Lien", "Sold"]

    # every other pane, shown
    for key in ("register", "keys", "notary", "valuation", "ledger", "documents", "witnesses"):
        window.show_pane(key)
        qtbot.waitUntil(lambda: not ctx.ops.busy, timeout=20_000)

    ledger = window.panes["ledger"]
    qtbot.waitUntil(lambda: "checkpoint: entry" in ledger.info.text())
    ledger.kind.setCurrentIndex(ledger.kind.findData("Transfer"))
    qtbot.waitUntil(lambda: ledger.model.rowCount() == 1)
    ledger.kind.setCurrentIndex(0)
    window.deed_action("ledger", 15)
    qtbot.waitUntil(lambda: ledger.model.rowCount() == 3)  # registration, sale, lien
    ledger.reveal(0)  # hidden by the filters: they are cleared, then it is shown
    qtbot.waitUntil(lambda: ledger.model.entry_index_at(ledger.table.currentIndex().row()) == 0)
    qtbot.waitUntil(lambda: '"LedgerGenesis"' in ledger.detail.toPlainText())
    assert cells(qtbot, ledger.model, EntryColumn.KIND, 1) == ["LedgerGenesis"]

    notary = window.panes["notary"]
    notary.select_entry(15)
    qtbot.waitUntil(lambda: "RegisterDeed" in notary.entry_preview.text())

    valuation = window.panes["valuation"]
    valuation.deed.setValue(15)
    qtbot.waitUntil(lambda: "G-1" in valuation.deed_label.text())

    # a contact added from the keys pane: the names are read again, and every pane relabels
    keys = window.show_pane("keys")
    keys.tabs.setCurrentIndex(1)

    def add(dialog: Any) -> None:
        qtbot.keyClicks(dialog.name, "Harbor Bank")
        qtbot.keyClicks(dialog.address.combo.lineEdit(), OWNERS[0])

    def exec_(dialog: Any) -> int:
        add(dialog)
        return 1

    monkeypatch.setattr(key_dialogs.ContactDialog, "exec", exec_)
    qtbot.mouseClick(keys.add_contact, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ctx.name_for(OWNERS[0]) == "Harbor Bank")
    window.show_pane("deeds")
    qtbot.waitUntil(lambda: "Harbor Bank" in cells(qtbot, deeds.model, DeedColumn.OWNER))

    # a transfer through the wizard, to the review
    wizard = window.open_transfer(15)
    qtbot.addWidget(wizard)
    qtbot.waitUntil(lambda: wizard.terms.seller.currentData() is not None)
    qtbot.keyClicks(wizard.terms.buyer.combo.lineEdit(), world.key("carol").address)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.signatures)
    for row in range(wizard.signatures.table.rowCount()):
        request = wizard.signatures.requests()[row]
        name = {world.key(n).address: n for n in ("bob", "carol", "bank")}[request.signer]
        wizard.signatures.table.selectRow(row)
        answer_key_dialog(name)
        qtbot.mouseClick(wizard.signatures.sign_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda r=row: r in wizard.responses)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(wizard.review.isComplete, timeout=10_000)

    # a document (a checkpoint asked for first), and another data folder opened
    answer_key_dialog("operator")
    guard.on = False
    world.register("G-2", OWNERS[1])  # a newer entry (by another program): the certificate needs a new checkpoint
    guard.on = True
    with qtbot.waitSignal(ctx.events.show_document, timeout=60_000):
        window.panes["documents"].certificate(15)
    guard.on = False
    other = make_world(tmp_path / "other", name="Other County")
    guard.on = True
    prompt_log.folders.append(other.home.root)
    window.open_folder()
    qtbot.waitUntil(lambda: "Other County" in window.windowTitle() and not ctx.ops.busy, timeout=10_000)
    guard.on = False
    assert guard.offences == [], guard.report()
    assert prompt_log.errors == []
