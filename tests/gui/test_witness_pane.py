"""The Witness & replicas pane: this ledger's witnesses, becoming a witness, following, cosigning, keeping
cosignatures, syncing a replica and checking a fork proof, through the pane's own buttons and dialogs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from core.checkpoints import make_checkpoint
from core.paths import DataDir
from core.replica import LedgerSource, sync
from core.settings import Settings
from core.witness_requests import build_request
from desktop.gui.context import AppContext
from desktop.gui.dialogs import witness as dialogs
from desktop.gui.panes import ledger as ledger_pane
from tests.gui.conftest import Prompts, populate
from tests.helpers import World, make_world


def answer(monkeypatch: pytest.MonkeyPatch, dialog: type, fill: Any) -> None:
    """Make the next `dialog` filled by `fill(dialog)` and accepted, as a person would."""

    def exec_(self: Any) -> int:
        fill(self)
        return 1 if self.ok.isEnabled() else 0

    monkeypatch.setattr(dialog, "exec", exec_)


def shown(qtbot: Any, pane: Any) -> None:
    qtbot.waitUntil(lambda: pane.overview is not None and not pane.ctx.ops.busy, timeout=10_000)


def test_an_office_becomes_a_witness_and_cosigns_another_ledger(
    window: Any,
    world: World,
    qtbot: Any,
    tmp_path: Path,
    prompt_log: Prompts,
    monkeypatch: pytest.MonkeyPatch,
    answer_key_dialog: Any,
) -> None:
    pane = window.show_pane("witnesses")
    shown(qtbot, pane)
    assert "follows no other ledger" in pane.followed_info.text() and pane.become_button.isVisible()
    world.key("notary")

    def become(d: Any) -> None:
        d.name.setText("notary.example/w1")
        d.key.setCurrentIndex(d.key.findData("notary"))

    answer(monkeypatch, dialogs.BecomeWitnessDialog, become)
    qtbot.mouseClick(pane.become_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "the witness <b>notary.example/w1</b>" in pane.followed_info.text(), timeout=10_000)
    assert pane.follow_button.isVisible() and not pane.cosign_button.isEnabled()

    other = make_world(tmp_path / "county", "County Ledger")
    other.register("C-1", other.operator.address)
    request = tmp_path / "request.json"
    request.write_text(build_request(other.ledger, make_checkpoint(other.ledger, other.operator)).to_text())
    answer(monkeypatch, dialogs.FollowDialog, lambda d: d.source.setText(str(request)))
    qtbot.mouseClick(pane.follow_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.followed_table.rowCount() == 1 and pane.cosign_button.isEnabled(), timeout=10_000)
    assert pane.followed_table.item(0, 1).text() == "County Ledger"
    assert any(other.operator.address in info for info in prompt_log.infos)

    cosignature = tmp_path / "cosignature.txt"
    said: list[str] = []

    def decline(dialog: Any) -> int:  # the witness reads what it would vouch for, and declines
        said.extend(w.text() for w in dialog.findChildren(QLabel))
        return 0

    monkeypatch.setattr(ledger_pane.KeyDialog, "exec", decline)
    prompt_log.files.append(request)
    qtbot.mouseClick(pane.cosign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(said), timeout=10_000)  # the request read first, off the UI thread
    text = " ".join(said)  # the old dialog named only the witness, not the checkpoint
    assert "\u201cCounty Ledger\u201d" in text and other.operator.address in text and "at 2 entries" in text
    assert not cosignature.exists() and pane.followed_table.item(0, 4).text() != "2"
    prompt_log.files += [request, cosignature]
    answer_key_dialog("notary")
    qtbot.mouseClick(pane.cosign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(cosignature.exists, timeout=10_000)
    qtbot.waitUntil(lambda: pane.followed_table.item(0, 4).text() == "2", timeout=10_000)
    assert "\u2014 notary.example/w1 " in cosignature.read_text() and prompt_log.errors == []


def test_the_operator_keeps_cosignatures_and_sees_its_witnesses(
    window: Any, world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts
) -> None:
    from core.witnessing import add_checkpoint, follow, init_role
    from core.witness_requests import read_request

    populate(world, 2)
    make_checkpoint(world.ledger, world.operator)
    pane = window.show_pane("witnesses")
    shown(qtbot, pane)
    assert "cosigned by no witness yet" in pane.own_info.text() and pane.witness_table.rowCount() == 0
    request = tmp_path / "request.json"
    prompt_log.files.append(request)
    qtbot.mouseClick(pane.request_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(request.exists, timeout=10_000)
    home = DataDir.resolve(tmp_path / "bank")
    key = world.key("bank")
    init_role(home, "bank.example/w1", "bank", key.address)
    follow(home, world.ledger.identity)
    parsed = read_request(request)
    result = add_checkpoint(home, parsed.note, parsed.candidates, lambda: key, any_candidate=True)
    cosignature = tmp_path / "bank.txt"
    assert result.note is not None
    cosignature.write_text(result.note.serialize())
    prompt_log.files.append(cosignature)
    qtbot.mouseClick(pane.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.witness_table.rowCount() == 1, timeout=10_000)
    assert [pane.witness_table.item(0, c).text() for c in (0, 2, 4)] == ["bank.example/w1", "3", "yes"]
    assert "cosigned by bank.example/w1" in pane.own_info.text()


def test_a_replica_syncs_and_a_fork_proof_is_checked(
    qtbot: Any, tmp_path: Path, prompt_log: Prompts, monkeypatch: pytest.MonkeyPatch, world: World
) -> None:
    from desktop.gui.main_window import MainWindow
    from tests.witness.rewrite import rewrite_entry

    populate(world, 3)
    make_checkpoint(world.ledger, world.operator)
    home = DataDir.resolve(tmp_path / "replica")
    assert sync(home, None, LedgerSource(world.ledger, str(world.home.root))).ok
    from core.ledger import Ledger

    ctx = AppContext(home, Settings.load(), Ledger.open(home))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    try:
        pane = window.show_pane("witnesses")
        shown(qtbot, pane)
        assert pane.followed_table.item(0, 0).text() == "Replica" and "is a replica" in pane.followed_info.text()
        world.register("L-1", world.operator.address)
        world.register("L-2", world.operator.address)
        make_checkpoint(world.ledger, world.operator)
        answer(monkeypatch, dialogs.SyncDialog, lambda d: None)  # the source it synced from last time
        qtbot.mouseClick(pane.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: any("new entries checked" in i for i in prompt_log.infos), timeout=20_000)
        qtbot.waitUntil(lambda: pane.followed_table.item(0, 3).text() == str(world.ledger.size()), timeout=10_000)

        rewrite_entry(world.ledger, 2, {"propertyAddress": "Rewritten"}, world.operator)
        make_checkpoint(world.ledger, world.operator, new_witness=True)
        qtbot.mouseClick(pane.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: any("rewrote history" in e for e in prompt_log.errors), timeout=20_000)
        assert "entry 2" in prompt_log.errors[-1]
        [fork] = (home.root / "replica-forks").glob("*.json")
        prompt_log.files.append(fork)
        qtbot.mouseClick(pane.check_fork_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: any("proves a fork" in e for e in prompt_log.errors), timeout=10_000)
    finally:
        ctx.ops.shutdown()
        window.close()


def test_a_replica_whose_first_sync_did_not_finish_is_said_and_finished_from_the_pane(
    qtbot: Any, tmp_path: Path, prompt_log: Prompts, monkeypatch: pytest.MonkeyPatch, world: World
) -> None:
    """A first sync refused at its fourth entry keeps the three checked before it (one batch each): the pane
    says the replica is not finished, shows no ledger, and its sync, from the offered source changed to a
    good one, finishes it."""
    import copy
    import json

    import core.replica
    from core.bundles import build_bundle, parse_bundle
    from core.replica import BundleSource
    from desktop.gui.main_window import MainWindow

    populate(world, 3)
    make_checkpoint(world.ledger, world.operator)
    data = build_bundle(world.ledger, 0)
    bad = copy.deepcopy(data)
    signature = bad["entries"][3]["signatures"][0]["signature"]
    bad["entries"][3]["signatures"][0]["signature"] = (
        signature[:-4] + ("00" if signature[-4:-2] != "00" else "11") + signature[-2:]
    )
    home = DataDir.resolve(tmp_path / "replica")
    monkeypatch.setattr(core.replica, "BATCH", 1)
    report = sync(home, None, BundleSource(parse_bundle(bad), "bad.json"))
    assert not report.ok and report.size == 3
    good = tmp_path / "good.json"
    good.write_text(json.dumps(data))

    ctx = AppContext(home, Settings.load(), None)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    try:
        from desktop.gui.app import open_in_background

        open_in_background(ctx, window)  # as at start-up: said in a dialog, and no ledger in use
        qtbot.waitUntil(lambda: not ctx.opening, timeout=10_000)
        assert ctx.ledger is None and len(prompt_log.errors) == 1 and "is not finished" in prompt_log.errors[0]
        pane = window.show_pane("witnesses")
        shown(qtbot, pane)
        assert "first sync did not finish" in pane.followed_info.text() and "bad.json" in pane.followed_info.text()
        assert "not finished" in pane.own_info.text()
        # its state, in a row of its own (not the replica's: it is no ledger yet); it held no row before
        row = [pane.followed_table.item(0, c).text() for c in range(pane.followed_table.columnCount())]
        assert pane.followed_table.rowCount() == 1 and row[0] == "Replica (unfinished)" and row[3] == "3", row
        assert row[-1] == "first sync did not finish; sync again to finish it (from bad.json)", row
        pane.grab().save(str(tmp_path / "unfinished.png"))
        offered: list[str] = []

        def fill(d: Any) -> None:
            offered.append(d.value())
            d.source.setText(str(good))

        answer(monkeypatch, dialogs.SyncDialog, fill)
        qtbot.mouseClick(pane.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: any("new entries checked" in i for i in prompt_log.infos), timeout=20_000)
        assert offered == ["bad.json"] and prompt_log.questions == []  # no "start a replica here?": it is finishing one
        qtbot.waitUntil(lambda: pane.followed_table.item(0, 0).text() == "Replica", timeout=10_000)
        assert pane.followed_table.rowCount() == 1 and pane.followed_table.item(0, 3).text() == str(world.ledger.size())
        assert "is a replica" in pane.followed_info.text()
        pane.grab().save(str(tmp_path / "finished.png"))
    finally:
        ctx.ops.shutdown()
        window.close()
