"""The notary's desk on a machine with no ledger, the bank's lien signing, and the agency's request dialogs.

Each step is also saved as a PNG when DEEDBOOK_SHOTS names a folder (for looking at the windows)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from core.attestation_requests import attestation_request
from core.checkpoints import make_checkpoint
from core.keys import KeyStore
from core.liens import add_lien
from core.paths import DataDir
from core.party_requests import prepare_lien, write_request
from core.requests import load_response
from core.settings import Settings
from desktop.gui.context import AppContext
from desktop.gui.dialogs.party_requests import PartyRequestDialog
from desktop.gui.notary_desk import NotaryDeskWindow
from desktop.gui.signer import SignerWindow
from tests.gui.conftest import PASSWORD, Prompts, loaded
from tests.gui.older_answers import older_answers_last
from tests.helpers import World


def _shot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("DEEDBOOK_SHOTS")
    if folder:
        from PySide6.QtWidgets import QApplication

        from desktop.gui import theme

        theme.apply_theme(QApplication.instance(), "light")  # type: ignore[arg-type]  # as the app looks
        widget.repaint()
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}.png"))


def _attestation_file(world: World, folder: Path, notary: str) -> Path:
    deed = world.register("N-1", world.key("alice").address)
    lien = add_lien(world.ledger, deed, world.key("bank"), "200000", "mortgage")
    make_checkpoint(world.ledger, world.operator)
    request = attestation_request(world.ledger, lien.index, notary, act="acknowledgment", place="Ames, Iowa")
    return write_request(request, folder)


def desk_with_a_request(world: World, qtbot: Any, tmp_path: Path) -> NotaryDeskWindow:
    """A notary's desk on its own machine, shown at its own size, with an attestation request loaded and checked."""
    home, keys, notary = _notary_machine(tmp_path)
    request = _attestation_file(world, tmp_path / "requests", notary)
    desk = NotaryDeskWindow(home, keys)
    qtbot.addWidget(desk)
    desk.show()
    desk.load(request)
    qtbot.waitUntil(lambda: desk.report is not None, timeout=10_000)  # checked on a worker
    return desk


def _notary_machine(tmp_path: Path) -> tuple[DataDir, KeyStore, str]:
    home = DataDir.resolve(tmp_path / "notary-machine").ensure()
    keys = KeyStore(home.keys)
    info = keys.create("notary", PASSWORD)
    return home, keys, info.address


def _fill_california(desk: NotaryDeskWindow, qtbot: Any) -> None:
    desk.form.select_profile("california")
    qtbot.keyClicks(desk.form.document, "Deed of trust")
    qtbot.keyClicks(desk.form.fee, "15.00")
    row = desk.form.rows[0]
    for widget, text in (
        (row.name, "Ana Banker"),
        (row.address, "2 Bank St, Ames"),
        (row.id_type, "driver licence"),
        (row.issuer, "California DMV"),
        (row.number, "D1234567"),
        (row.issued, "2020-01-02"),
        (row.expires, "2028-01-02"),
    ):
        qtbot.keyClicks(widget, text)


def test_the_notary_desk_attests_with_no_ledger(
    world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts, monkeypatch: Any
) -> None:
    home, keys, notary = _notary_machine(tmp_path)
    request = _attestation_file(world, tmp_path / "requests", notary)
    settings = Settings(path=tmp_path / "settings.json")
    desk = NotaryDeskWindow(home, keys, settings=settings)
    qtbot.addWidget(desk)
    desk.resize(1180, 900)
    desk.show()
    assert desk.form.profile_name() == "generic"  # as the command line's default
    _shot(desk, "notary-desk-1-empty")
    desk.load(request)
    qtbot.waitUntil(lambda: desk.report is not None, timeout=10_000)
    assert desk.report is not None and desk.report.ok and not prompt_log.errors
    assert "request checks" in desk.verdict_text.text()
    _shot(desk, "notary-desk-2-checked")
    assert not desk.attest_button.isEnabled() and "Still needed" in desk.problem.text()
    _fill_california(desk, qtbot)
    assert "thumbprint" in desk.problem.text()  # California: a document affecting real property
    desk.form.thumbprint.setChecked(True)
    qtbot.keyClicks(desk.picker.password, PASSWORD)
    assert desk.attest_button.isEnabled(), desk.problem.text()
    _shot(desk, "notary-desk-3-form")
    out = tmp_path / "attested.json"
    prompt_log.files.append(out)
    qtbot.mouseClick(desk.attest_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: out.exists() and len(desk.rows) == 1, timeout=10_000)
    assert not prompt_log.errors, prompt_log.errors
    response = load_response(out)
    assert response.message["idEvidence"] == "driver licence"
    assert Settings.load(settings.path).journal_profile == "california"  # remembered for the next act
    again = NotaryDeskWindow(home, keys, settings=Settings.load(settings.path))
    qtbot.addWidget(again)
    assert again.form.profile_name() == "california"
    assert not (home.root / "ledger.sqlite").exists()
    desk.tabs.setCurrentIndex(1)
    assert desk.table.item(0, 2).text() == "act" and desk.table.item(0, 6).text() == "Ana Banker"
    desk.verify_journal()
    qtbot.waitUntil(lambda: "intact" in desk.journal_state.text(), timeout=10_000)
    _shot(desk, "notary-desk-4-journal")
    # a void is a new row naming the act
    from PySide6.QtWidgets import QInputDialog

    asked: list[str] = []

    def why(_parent: Any, _title: str, text: str, *_a: Any, **_k: Any) -> tuple[str, bool]:
        asked.append(text)
        return ("", False) if len(asked) == 1 else ("wrong fee", True)  # Cancel first: nothing voided

    monkeypatch.setattr(QInputDialog, "getText", why)
    desk.table.selectRow(0)
    qtbot.mouseClick(desk.void_button, Qt.MouseButton.LeftButton)
    assert len(desk.rows) == 1 and not prompt_log.errors
    assert asked[0].startswith("Void row 0 (") and "Ana Banker" in asked[0] and "'notary'" in asked[0]
    prompt_log.passwords.append(PASSWORD)
    qtbot.mouseClick(desk.void_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(desk.rows) == 2, timeout=10_000)
    assert desk.table.item(1, 2).text() == "void (row 0)" and not prompt_log.errors
    pdf = tmp_path / "journal.pdf"
    prompt_log.files.append(pdf)
    qtbot.mouseClick(desk.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pdf.exists(), timeout=10_000)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_desk_refuses_a_request_whose_evidence_fails(
    world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts, monkeypatch: Any
) -> None:
    home, keys, notary = _notary_machine(tmp_path)
    request = _attestation_file(world, tmp_path / "requests", notary)
    data = json.loads(request.read_text())
    data["evidence"]["auditPath"][0] = "0x" + "22" * 32
    request.write_text(json.dumps(data))
    desk = NotaryDeskWindow(home, keys)
    qtbot.addWidget(desk)
    desk.resize(1180, 900)
    desk.show()
    desk.load(request)
    qtbot.waitUntil(lambda: desk.report is not None, timeout=10_000)
    assert "Do not attest" in desk.verdict_text.text()
    _fill_california(desk, qtbot)
    desk.form.thumbprint.setChecked(True)
    qtbot.keyClicks(desk.picker.password, PASSWORD)
    assert not desk.attest_button.isEnabled()
    _shot(desk, "notary-desk-failed-check")
    from PySide6.QtWidgets import QInputDialog

    asked: list[str] = []

    def why(_parent: Any, _title: str, text: str, *_a: Any, **_k: Any) -> tuple[str, bool]:
        asked.append(text)
        return ("", False) if len(asked) == 1 else ("the evidence does not match the ledger", True)

    monkeypatch.setattr(QInputDialog, "getText", why)
    desk.refuse()  # cancelled: no journal row
    assert asked[0].startswith("Refuse \u201cNotarial attestation of entry 2 (Lien)") and "'notary'" in asked[0]
    assert "act acknowledgment" in asked[0] and "place Ames, Iowa" in asked[0]  # the old one: "Why is it refused?"
    assert not desk.rows and not prompt_log.infos
    desk.refuse()
    qtbot.waitUntil(lambda: bool(prompt_log.infos), timeout=10_000)
    assert "Refused; the refusal is journal row 0" in prompt_log.infos[-1]


def test_the_bank_signs_a_lien_request_in_the_offline_signer(
    world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts
) -> None:
    deed = world.register("B-1", world.key("alice").address)
    bank_home = DataDir.resolve(tmp_path / "bank").ensure()
    keys = KeyStore(bank_home.keys)
    bank = keys.create("bank", PASSWORD).address
    path = prepare_lien(world.ledger, deed, bank, "312,500.00", "mortgage", "EUR", out_dir=tmp_path / "req").path
    assert path is not None
    window = SignerWindow(bank_home, None, keys)
    qtbot.addWidget(window)
    window.resize(900, 760)
    window.show()
    assert loaded(qtbot, window, path)
    shown = [window.grid.itemAt(i).widget().text() for i in range(window.grid.count())]
    assert "EUR\u00a0312,500.00" in shown and any("B-1" in text for text in shown)
    assert "Lien on deed" in window.summary_title.text()
    qtbot.keyClicks(window.picker.password, PASSWORD)
    _shot(window, "bank-signs-lien")
    out = tmp_path / "lien-signed.json"
    prompt_log.files.append(out)
    qtbot.mouseClick(window.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.last_response == out, timeout=10_000)
    assert load_response(out).kind == "Lien"


def test_the_agency_writes_a_notarisation_request(
    ctx: AppContext, world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts
) -> None:
    deed = world.register("R-1", world.key("alice").address)
    make_checkpoint(world.ledger, world.operator)
    notary = world.key("notary").address
    dialog = PartyRequestDialog(ctx, "notarise", entry=world.ledger.history(deed)[0].index)
    qtbot.addWidget(dialog)
    dialog.party.set_address(notary)
    dialog.place.setText("Ames")
    dialog.folder.setText(str(tmp_path / "out"))
    dialog.show()
    _shot(dialog, "agency-request-notarisation")
    qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.prepared is not None, timeout=10_000)
    assert not prompt_log.errors
    [written] = list((tmp_path / "out").glob("*.json"))
    assert json.loads(written.read_text())["evidence"]["entry"]["kind"] == "RegisterDeed"


def test_a_lien_request_reads_the_amount_as_a_german_desktop_writes_it(
    ctx: AppContext, world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts, desktop_locale: Any
) -> None:
    """'97.600,00' on a de_DE desktop is 97,600.00; the old dialog handed the text to a reader that dropped the
    comma and asked the bank to sign a lien of USD 97.60."""
    desktop_locale("de_DE")
    deed = world.register("L-1", world.key("alice").address)
    dialog = PartyRequestDialog(ctx, "lien", deed=deed)
    qtbot.addWidget(dialog)
    assert dialog.amount.placeholderText() == "e.g. 200.000,00"
    dialog.party.set_address(world.key("bank").address)
    dialog.amount.setText("97.600,00")
    dialog.folder.setText(str(tmp_path / "out"))
    qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.prepared is not None, timeout=10_000)
    [written] = list((tmp_path / "out").glob("*.json"))
    assert json.loads(written.read_text())["typedData"]["message"]["amount"] == 9_760_000 and not prompt_log.errors


def test_the_offline_signer_sends_an_attestation_to_the_notary_desk(world: World, qtbot: Any, tmp_path: Path) -> None:
    home, keys, notary = _notary_machine(tmp_path)
    request = _attestation_file(world, tmp_path / "requests", notary)
    window = SignerWindow(home, None, keys)
    qtbot.addWidget(window)
    window.show()
    assert loaded(qtbot, window, request)
    qtbot.keyClicks(window.picker.password, PASSWORD)
    assert not window.sign_button.isEnabled() and "notary's desk" in window.key_note.text()


def test_the_agency_submits_a_lien_response_after_asking(
    ctx: AppContext, world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts
) -> None:
    from core.requests import sign_request
    from desktop.gui.dialogs.party_requests import submit_responses

    deed = world.register("S-9", world.key("alice").address)
    bank = world.key("bank")
    lien = sign_request(prepare_lien(world.ledger, deed, bank.address, "1000", "tax").request, bank)
    parent = QWidget()
    qtbot.addWidget(parent)
    prompt_log.answer = False  # asked first: nothing is recorded when the agent says no
    submit_responses(ctx, parent, [lien])
    qtbot.waitUntil(lambda: bool(prompt_log.questions), timeout=10_000)
    assert "Lien" in prompt_log.questions[0] and world.ledger.size() == 2
    assert "Lien on deed 1 (parcel S-9)" in prompt_log.questions[0]  # the old question named only the kind
    assert (
        f"lienholder {bank.address}" in prompt_log.questions[0]
        and "amount USD\u00a01,000.00" in prompt_log.questions[0]
    )
    prompt_log.answer = True
    submit_responses(ctx, parent, [lien])
    qtbot.waitUntil(lambda: bool(prompt_log.infos), timeout=10_000)
    assert world.ledger.entry(2).kind == "Lien" and "#2" in prompt_log.infos[-1]


def test_the_desks_journal_is_in_days_here(qtbot: Any, tmp_path: Path, monkeypatch: Any) -> None:
    """In Auckland a refusal at 10:00 on 2026-11-30 (21:00 UTC on the 29th) showed as '2026-11-29' and a period
    of the 30th left it out (fails on the old code); the period is read by the same core function as the CLI's."""
    import time
    from datetime import UTC, datetime

    from PySide6.QtCore import QDate

    from core.jurisdictions import profile
    from core.notary_journal import NotaryJournal

    home, keys, _notary = _notary_machine(tmp_path)
    morning = int(datetime(2026, 11, 29, 21, 0, tzinfo=UTC).timestamp())
    key = keys.unlock("notary", PASSWORD)
    NotaryJournal(home.root).append(key, row_type="refusal", profile=profile("generic"), reason="no id", now=morning)
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    time.tzset()
    try:
        desk = NotaryDeskWindow(home, keys)
        qtbot.addWidget(desk)
        desk.resize(1180, 700)
        desk.show()
        desk.tabs.setCurrentIndex(1)
        desk.date_to.setDate(QDate(2026, 11, 30))
        desk.date_from.setDate(QDate(2026, 11, 30))
        qtbot.waitUntil(lambda: desk.table.rowCount() == 1, timeout=10_000)
        assert desk.table.item(0, 1).text() == "2026-11-30 (UTC+13)"
        _shot(desk, "notary-desk-5-journal-auckland")
        desk.date_from.setDate(QDate(2026, 11, 29))
        desk.date_to.setDate(QDate(2026, 11, 29))
        qtbot.waitUntil(lambda: "No journal rows" in desk.journal_state.text(), timeout=10_000)
        assert desk.table.rowCount() == 0
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_the_journal_shows_the_newest_period_when_an_older_read_answers_last(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """The period's two dates set one after the other start two reads on a pool of several threads; the
    first (a wider period) answering last showed its rows under the second period (fails on the old code)."""
    import time

    from PySide6.QtCore import QDate

    from core.jurisdictions import profile
    from core.notary_journal import NotaryJournal

    home, keys, _notary = _notary_machine(tmp_path)
    noon = int(time.time()) - 3 * 86_400
    NotaryJournal(home.root).append(
        keys.unlock("notary", PASSWORD), row_type="refusal", profile=profile("generic"), reason="no id", now=noon
    )
    desk = NotaryDeskWindow(home, keys)
    qtbot.addWidget(desk)
    desk.show()
    desk.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: desk.table.rowCount() == 1, timeout=10_000)
    # the wider, older period (the one with rows): its answer comes back last
    journal_rows, _read, slow_done = older_answers_last(desk.ws.journal_rows, bool)
    monkeypatch.setattr(desk.ws, "journal_rows", journal_rows)
    today = QDate.currentDate()
    desk.date_from.setDate(today.addDays(-10))  # still holds the row: the slow read
    desk.date_from.setDate(today)  # the newest period: nothing in it
    qtbot.waitUntil(slow_done.is_set, timeout=10_000)
    qtbot.wait(200)
    assert desk.table.rowCount() == 0 and "No journal rows" in desk.journal_state.text()


def test_the_desk_shows_the_request_chosen_last_when_an_older_check_answers_last(
    world: World, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """Two request files chosen one after the other are checked on the pool's threads; the first (a good
    request) answering last showed, and offered to attest, the file not chosen last (fails on the old code)."""
    home, keys, notary = _notary_machine(tmp_path)
    good = _attestation_file(world, tmp_path / "requests", notary)
    data = json.loads(good.read_text())
    data["evidence"]["auditPath"][0] = "0x" + "22" * 32
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(data))
    desk = NotaryDeskWindow(home, keys)
    qtbot.addWidget(desk)
    desk.show()
    # the good request, chosen first: its answer comes back last
    check_attestation_request, _read, slow_done = older_answers_last(
        desk.ws.check_attestation_request, lambda report: report.ok
    )
    monkeypatch.setattr(desk.ws, "check_attestation_request", check_attestation_request)
    desk.load(good)
    desk.load(bad)  # the file chosen last
    qtbot.waitUntil(slow_done.is_set, timeout=10_000)
    qtbot.wait(200)
    assert desk.source == bad and desk.report is not None and not desk.report.ok
    assert "Do not attest" in desk.verdict_text.text()


def test_two_refusals_in_a_row_are_both_journaled(
    world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts, monkeypatch: Any
) -> None:
    """A journal append reads the rows and writes them back with one more; the desk ran its appends on the read
    pool's threads, so two at once read the same rows and the second write lost the first's row (fails on the
    old code: one row of two)."""
    import time

    from PySide6.QtWidgets import QInputDialog

    from core.notary_journal import NotaryJournal

    desk = desk_with_a_request(world, qtbot, tmp_path)
    qtbot.keyClicks(desk.picker.password, PASSWORD)
    reading = NotaryJournal._raw

    def slow_raw(self: NotaryJournal) -> bytes:
        raw = reading(self)
        time.sleep(0.3)  # long enough for another append to read the same rows
        return raw

    monkeypatch.setattr(NotaryJournal, "_raw", slow_raw)
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("no identity shown", True))
    desk.refuse()
    desk.refuse()
    qtbot.waitUntil(lambda: len(prompt_log.infos) == 2, timeout=10_000)
    monkeypatch.setattr(NotaryJournal, "_raw", reading)
    rows = desk.ws.journal_rows(None, None)
    assert sorted(row.seq for row in rows) == [0, 1]
