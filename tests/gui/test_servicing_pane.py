"""The Servicing pane and its dialogs, driven offscreen as a person would: a distribution previewed with its
rounding, confirmed and signed, every holder's statement written with progress; a proposal, ballot requests,
signed ballots imported and the tally against the threshold line.  Reads run off the UI thread."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import Engine, event

from core.checkpoints import make_checkpoint
from core.requests import load_request, sign_request
from core.servicing import distributions as dist
from core.servicing import votes
from core.transactions import prepare_transfer, submit
from core.documents.evidence import parse_record
from desktop.documents.verify import verify_pdf
from desktop.gui.events import Changes
from tests.documents import tampering
from tests.gui.conftest import PASSWORD, Prompts
from tests.gui.test_reads_off_ui_thread import Guard
from tests.helpers import World


@pytest.fixture
def thirds(world: World) -> World:
    alice, bob, carol = world.key("alice"), world.key("bob"), world.key("carol")
    deed = world.register("0526301100", alice.address, shares=3)
    for buyer in (bob, carol):
        prepared = prepare_transfer(
            world.ledger, deed, buyer.address, "100", "USD", shares=1, closing_date="2026-03-31", seller=alice.address
        )
        submit(world.ledger, [sign_request(r, alice if r.role == "seller" else buyer) for r in prepared.requests])
    make_checkpoint(world.ledger, world.operator)
    return world


@pytest.fixture
def pane(window: Any, thirds: World, qtbot: Any) -> Any:
    window.ctx.events.announce(Changes.LEDGER | Changes.KEYS)
    shown = window.show_pane("servicing")
    qtbot.waitUntil(lambda: shown.data is not None and not window.ctx.ops.busy, timeout=10_000)
    return shown


def cell(table: Any, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text() if item is not None else ""


def sign_with(dialog: Any, name: str) -> None:
    dialog.key.select(name)
    dialog.key.password.setText(PASSWORD)


def test_a_distribution_is_previewed_confirmed_recorded_and_its_statements_written(
    pane: Any, thirds: World, qtbot: Any, prompt_log: Prompts, tmp_path: Path, answer_key_dialog: Any
) -> None:
    assert not pane.distributions_empty.isHidden() and not pane.votes_empty.isHidden()  # the empty states
    dialog = pane.dialog("DistributionDialog")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.record_date.count() == 1)
    dialog.deed.setText("1")
    dialog.amount.setText("1,000.00")
    sign_with(dialog, "operator")
    assert not dialog.go.isEnabled() and "a preview of the payouts" in dialog.note_text.text()
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.payouts.rowCount() == 4)
    paid = sorted(cell(dialog.payouts, r, 3) for r in range(3))
    assert paid == ["USD\u00a0333.33", "USD\u00a0333.33", "USD\u00a0333.34"]
    assert [cell(dialog.payouts, r, 4) for r in range(3)].count("+1 unit") == 1
    assert cell(dialog.payouts, 3, 3) == "USD\u00a01,000.00" and "Largest remainder" in dialog.rule.text()
    size = thirds.ledger.size()
    prompt_log.answer = False
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)  # checked, asked, declined: nothing signed
    qtbot.waitUntil(lambda: bool(prompt_log.questions), timeout=10_000)
    assert "cannot be undone" in prompt_log.questions[-1] and thirds.ledger.size() == size
    assert prompt_log.options[-1]["yes"] == "Record"
    qtbot.waitUntil(dialog.go.isEnabled)
    prompt_log.answer = True
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Recorded as entry" in dialog.note_text.text(), timeout=10_000)
    qtbot.waitUntil(lambda: pane.distributions_table.rowCount() == 1, timeout=10_000)
    assert cell(pane.distributions_table, 0, 2) == "USD\u00a01,000.00"
    qtbot.waitUntil(lambda: pane.payouts_table.rowCount() == 3)
    dialog.amount.setText("5")  # a changed term needs a new preview
    assert dialog.plan is None and dialog.payouts.rowCount() == 0
    # Statements are proved against a checkpoint covering the distribution: none does yet, so the pane asks to
    # sign one with the operator key, then writes them.
    answer_key_dialog("operator")
    prompt_log.folders.append(tmp_path / "statements")
    pane.write_statements()
    qtbot.waitUntil(lambda: any("Sign a checkpoint now" in q for q in prompt_log.questions), timeout=30_000)
    qtbot.waitUntil(lambda: bool(prompt_log.infos) and "Wrote 3 statements" in prompt_log.infos[-1], timeout=30_000)
    written = sorted((tmp_path / "statements").glob("*.pdf"))
    assert len(written) == 3 and all(verify_pdf(p.read_bytes()).ok for p in written)
    assert prompt_log.errors == []
    # one holder's statement: the selected payout row, saved where asked, then shown in Documents
    assert not pane.statement_button.isEnabled()  # no holder selected yet
    pane.payouts_table.selectRow(1)
    assert pane.statement_button.isEnabled()
    holder = thirds.ledger.entry(thirds.ledger.size() - 2).message["payouts"][1]["holder"]
    one = tmp_path / "one.pdf"
    prompt_log.files.append(one)
    with qtbot.waitSignal(pane.ctx.events.show_document, timeout=30_000) as shown:
        qtbot.mouseClick(pane.statement_button, Qt.MouseButton.LeftButton)
    assert Path(shown.args[0]) == one and verify_pdf(one.read_bytes()).ok
    assert parse_record(tampering.record_bytes(one.read_bytes())).params["holder"].lower() == holder.lower()
    assert prompt_log.errors == []


@pytest.mark.parametrize("name", ["ProposalDialog", "DistributionDialog"])
def test_a_key_that_is_no_registrar_is_refused_before_the_question(
    pane: Any, thirds: World, qtbot: Any, prompt_log: Prompts, name: str
) -> None:
    """A proposal or a distribution is a registrar's act: another key is said in the dialog, and nothing is
    asked. Fails on the old code ('Put …?' or 'Record a distribution …?' came first)."""
    dialog = pane.dialog(name)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.record_date.count() == 1)
    dialog.deed.setText("1")
    if name == "ProposalDialog":
        dialog.text.setPlainText("Replace the roof?")
    else:
        dialog.amount.setText("1,000.00")
        dialog.preview()
        qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10_000)
    dialog.key.reload()
    sign_with(dialog, "alice")
    qtbot.waitUntil(dialog.go.isEnabled)
    size = thirds.ledger.size()
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "not a registrar" in dialog.note_text.text(), timeout=10_000)
    assert prompt_log.questions == [] and thirds.ledger.size() == size
    qtbot.waitUntil(dialog.go.isEnabled)


def test_a_proposal_ballots_imported_and_the_tally_passes(
    pane: Any, thirds: World, qtbot: Any, prompt_log: Prompts, tmp_path: Path
) -> None:
    dialog = pane.dialog("ProposalDialog")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.record_date.count() == 1)
    dialog.deed.setText("1")
    dialog.text.setPlainText("Replace the roof?")
    dialog.threshold.setValue(60.0)
    sign_with(dialog, "operator")
    size = thirds.ledger.size()
    prompt_log.answer = False  # asked first (the old code recorded at once): Cancel signs nothing
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(prompt_log.questions), timeout=10_000)  # asked once the ledger allows it
    qtbot.waitUntil(lambda: not pane.ctx.ops.busy, timeout=10_000)
    question = prompt_log.questions[-1]
    assert "\u201cReplace the roof?\u201d" in question and "deed 1" in question and "60.00% of all shares" in question
    assert prompt_log.options[-1]["yes"] == "Put the proposal" and "'operator'" in question
    assert thirds.ledger.size() == size and dialog.go.isEnabled() and not pane.ctx.ops.busy
    prompt_log.answer = True
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Proposal 1 recorded" in dialog.note_text.text(), timeout=10_000)
    qtbot.waitUntil(lambda: pane.proposals_table.rowCount() == 1, timeout=10_000)
    assert cell(pane.proposals_table, 0, 5) == "open" and cell(pane.proposals_table, 0, 6) == "pending"
    prompt_log.folders.append(tmp_path / "ballots")
    pane.write_requests()
    qtbot.waitUntil(lambda: bool(prompt_log.infos) and "Wrote 9 ballot requests" in prompt_log.infos[-1])
    for name in ("alice", "bob"):  # signed on the holders' machines; here, with their keys
        key = thirds.key(name)
        request = load_request(next((tmp_path / "ballots").glob(f"*-{key.address[2:10].lower()}-yes.json")))
        signed = tmp_path / f"{name}.signed.json"
        from core.requests import write_json

        write_json(signed, sign_request(request, key).as_json())
        if name == "alice":  # asked first, once the file is read (the old code recorded at once): Cancel records none
            size, asked = thirds.ledger.size(), len(prompt_log.questions)
            prompt_log.answer = False
            prompt_log.files.append(signed)
            pane.import_ballots()
            qtbot.waitUntil(lambda n=asked: len(prompt_log.questions) > n, timeout=10_000)
            question = prompt_log.questions[-1]
            assert f"({key.address}) votes yes on proposal 1 (deed 1," in question
            assert question.startswith("Record 1 ballot: ") and prompt_log.options[-1]["yes"] == "Record the ballot"
            qtbot.waitUntil(lambda: not pane.ctx.ops.busy)
            assert thirds.ledger.size() == size
            prompt_log.answer = True
        prompt_log.files.append(signed)
        pane.import_ballots()
        qtbot.waitUntil(lambda: bool(prompt_log.infos) and prompt_log.infos[-1] == "Recorded 1 ballot.", timeout=10_000)
        prompt_log.infos.append("-")
    qtbot.waitUntil(lambda: "passed" in pane.tally_text.text(), timeout=10_000)
    assert "yes 2, no 0, abstain 0 of 3 shares" in pane.tally_text.text()
    assert pane.tally_bar.tally is not None and pane.tally_bar.tally.reached
    assert pane.ballots_table.rowCount() == 2 and prompt_log.errors == []


@pytest.fixture
def guard() -> Iterator[Guard]:
    watching = Guard()
    event.listen(Engine, "before_cursor_execute", watching)
    yield watching
    event.remove(Engine, "before_cursor_execute", watching)


def test_the_pane_and_its_dialogs_read_the_ledger_off_the_ui_thread(
    window: Any, thirds: World, qtbot: Any, guard: Guard, prompt_log: Prompts
) -> None:
    ledger = thirds.ledger
    dist.record_distribution(ledger, thirds.operator, dist.preview(ledger, 1, "10", "USD"))
    votes.propose(ledger, thirds.operator, dist.snapshot(ledger, 1), "Sell?", 6000, int(time.time()) + 3600)
    guard.on = True
    window.ctx.events.announce(Changes.LEDGER)
    pane = window.show_pane("servicing")
    qtbot.waitUntil(lambda: pane.data is not None and pane.proposals_table.rowCount() == 1, timeout=10_000)
    for index in range(pane.tabs.count()):
        pane.tabs.setCurrentIndex(index)
    for name in ("DistributionDialog", "ProposalDialog"):
        dialog = pane.dialog(name)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda d=dialog: d.record_date.count() == 1)
    dialog = pane.dialog("DistributionDialog")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.record_date.count() == 1)
    dialog.deed.setText("1")
    dialog.amount.setText("7")
    dialog.preview()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10_000)
    qtbot.waitUntil(lambda: not window.ctx.ops.busy, timeout=10_000)
    guard.on = False
    assert guard.offences == [], guard.report()
    assert prompt_log.errors == []


def test_an_amount_typed_with_a_decimal_comma_is_read_as_meant(
    pane: Any, qtbot: Any, prompt_log: Prompts, desktop_locale: Any
) -> None:
    """On a de_DE desktop '2.450,00' is two thousand four hundred and fifty; the old dialog passed the text to a
    reader that dropped commas and previewed USD 2.45.  An amount in the other convention is refused in a
    sentence, not read as another number."""
    desktop_locale("de_DE")  # a bank in Germany
    dialog = pane.dialog("DistributionDialog")
    qtbot.addWidget(dialog)
    assert dialog.amount.placeholderText() == "e.g. 2.450,00"
    qtbot.waitUntil(lambda: dialog.record_date.count() == 1)
    dialog.deed.setText("1")
    dialog.amount.setText("2.450,00")
    dialog.preview()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10_000)
    # shown as typed (it read back "USD 2,450.00" to the German who typed 2.450,00)
    assert dialog.plan.amount == 245_000 and cell(dialog.payouts, 3, 3) == "USD\u00a02.450,00"
    dialog.amount.setText("2,450.00")  # written the English way on a German desktop
    dialog.preview()
    qtbot.waitUntil(lambda: "not a valid amount" in dialog.note_text.text(), timeout=10_000)
    assert "'2,450.00' is not a valid amount: write digits, with ',' before the decimals" in dialog.note_text.text()
    assert dialog.plan is None and prompt_log.errors == []
