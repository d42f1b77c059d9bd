"""What a new user's walk through the desktop found, each fixed and checked here (pytest-qt, offscreen)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from desktop.gui.main_window import PANES
from tests.gui.conftest import PASSWORD
from tests.helpers import World


def test_every_pane_has_a_shortcut_that_is_one_key_press(window: Any, qtbot: Any) -> None:
    # "Ctrl+10" and "Ctrl+11" were read by Qt as empty: Review and Witness & replicas had no shortcut
    shortcuts = [action.shortcut() for action in window.actions() if not action.shortcut().isEmpty()]
    texts = [s.toString() for s in shortcuts]
    assert all(texts) and len(set(texts)) == len(texts)  # none empty, none taken twice
    for spec in PANES:
        sequence = window.pane_actions[spec.key].shortcut()
        assert sequence == QKeySequence(spec.shortcut) and sequence.count() == 1 and sequence.toString()
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.panes["review"]
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.stack.currentWidget() is window.panes["witnesses"]
    tips = [window.sidebar.item(row).toolTip() for row in range(window.sidebar.count())]
    assert tips[-2:] == ["Review (Ctrl+0)", "Witness & replicas (Ctrl+Shift+W)"]


def test_the_register_form_writes_years_without_a_thousands_separator(window: Any, qtbot: Any) -> None:
    pane = window.show_pane("register")
    year, area, lot = pane.fields["Year_Built"], pane.fields["Gr_Liv_Area"], pane.fields["Lot_Area"]
    year.setValue(1994)
    area.setValue(1640)
    lot.setValue(12500)
    # as the certificate prints them (core.attributes.number_text): grouped from 10,000 up
    assert (year.text(), area.text(), lot.text()) == ("1994", "1640 sq ft", "12,500 sq ft")
    year.lineEdit().selectAll()
    qtbot.keyClicks(year, "2003")
    lot.lineEdit().selectAll()
    qtbot.keyClicks(lot, "23,456")
    year.interpretText()
    lot.interpretText()
    assert (year.value(), lot.value()) == (2003, 23456)
    assert pane.attributes()["Year_Built"] == 2003


def test_the_register_form_starts_on_the_operators_key(ctx: Any, world: World, qtbot: Any) -> None:
    from desktop.gui.panes.register import RegisterPane

    world.keys.create("bank", PASSWORD)  # sorts before "operator": the picker's first key
    pane = RegisterPane(ctx)
    qtbot.addWidget(pane)
    assert pane.key.combo.itemData(0) == "bank"
    assert pane.key.key_name() == "operator"  # the registrar, not whichever key sorts first


def test_a_chain_of_title_line_cut_short_reads_whole_in_its_tooltip(ctx: Any, qtbot: Any) -> None:
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtGui import QFontMetrics, QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    from desktop.gui.widgets.timeline import ROW, Timeline, TimelineItem

    title = "2,400 shares sold to demo-owner-10 (0x1EF7…Df8D)"
    detail = "from demo-owner-8 • USD 87,312.00 • closing 2026-03-22 • entry #44"
    timeline = Timeline()
    qtbot.addWidget(timeline)
    timeline.set_items([TimelineItem(44, "2026-03-22 12:00", title, detail, "sale")])
    timeline.resize(360, ROW + 8)  # the detail pane's width in the window: the line is elided
    timeline.show()
    assert QFontMetrics(timeline.font()).horizontalAdvance(title) > 360 - 52
    middle = QPoint(100, 4 + ROW // 2)
    QApplication.sendEvent(timeline, QHelpEvent(QEvent.Type.ToolTip, middle, timeline.mapToGlobal(middle)))
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text() == f"{title}\n{detail}\n2026-03-22 12:00"
    assert timeline.tooltip_at(4 + 2 * ROW) == ""  # below the last line: nothing


def test_the_signatures_page_puts_the_signers_right_under_a_short_screen(ctx: Any, qtbot: Any) -> None:
    from PySide6.QtWidgets import QTableWidget, QVBoxLayout, QWidget

    from core.screening.combine import Assessment
    from desktop.gui.widgets.screening import ScreenView, scrolled

    page = QWidget()  # the transfer wizard's Signatures page, as it lays out its screen and its table
    qtbot.addWidget(page)
    layout = QVBoxLayout(page)
    view = ScreenView()
    area = scrolled(view, min_height=80, grow_to=300)
    layout.addWidget(area, 0)
    table = QTableWidget(2, 3)
    layout.addWidget(table, 1)
    page.resize(900, 520)
    page.show()
    reasons = [
        {"code": "season", "weight": 0.42, "text": "The sale closes in November, outside the spring months."},
        {"code": "round", "weight": -0.38, "text": "The price USD 363,800 is a round amount."},
    ]
    view.show_assessment(Assessment(0.04, "low", reasons))
    qtbot.waitUntil(lambda: area.height() >= view.heightForWidth(view.width()) - 2)
    shown = view.heightForWidth(view.width())
    assert area.height() <= max(80, shown + 12)  # no empty band between the reasons and the signers
    assert table.height() > area.height()  # the room left goes to the signers
    many = [{"code": f"r{i}", "weight": 1.0, "text": "A long reason. " * 12} for i in range(8)]
    view.show_assessment(Assessment(0.9, "high", many))
    qtbot.waitUntil(lambda: area.height() == 300)  # at most 300 px: then it scrolls
    assert area.verticalScrollBar().maximum() > 0


def test_a_signer_is_named_once_then_shown_in_full(
    ctx: Any, world: World, qtbot: Any, prompt_log: Any, tmp_path: Any
) -> None:
    import json

    from PySide6.QtWidgets import QWizard

    from core.requests import sign_request

    from desktop.gui.transfer_wizard import TransferWizard

    alice, bob = world.key("alice"), world.key("bob")
    deed = world.register("S-1", alice.address)
    ctx.load_names()
    qtbot.waitUntil(lambda: ctx.name_for(alice.address) == "alice")
    wizard = TransferWizard(ctx, deed)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(lambda: wizard.terms.seller.currentData() is not None)
    qtbot.keyClicks(wizard.terms.buyer.combo.lineEdit(), bob.address)
    wizard.terms.price.setValue(250_000)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.waitUntil(next_button.isEnabled, timeout=10_000)  # the terms are checked on a worker
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.signatures or bool(prompt_log.errors), timeout=10_000)
    assert not prompt_log.errors
    signers = [wizard.signatures.table.item(row, 1).text() for row in range(2)]
    assert signers == [f"alice  {alice.address}", f"bob  {bob.address}"]  # not "alice (0x…)  0x…"
    page = wizard.signatures
    keys = {k.address.lower(): k for k in (alice, bob)}
    responses = []
    for number, request in enumerate(wizard.prepared.requests):
        response = tmp_path / f"signed-{number}.json"
        response.write_text(json.dumps(sign_request(request, keys[request.signer.lower()]).as_json()))
        responses.append(response)
    page.import_files(responses)
    qtbot.waitUntil(lambda: len(wizard.responses) == 2, timeout=10_000)  # read on a worker
    assert [page.table.item(row, 2).text() for row in range(2)] == ["signed", "signed"]  # the icon is the tick
    assert not page.table.item(0, 2).icon().isNull()


def test_the_notary_desk_fits_the_windows_least_size(window: Any, qtbot: Any) -> None:
    from PySide6.QtCore import QPoint

    window.resize(window.minimumSize())  # 980 x 620
    pane = window.show_pane("notary")
    qtbot.waitUntil(lambda: pane.isVisible() and pane._form.width() > 0)
    qtbot.wait(50)  # the layouts settle
    for widget in (pane.date_from, pane.date_to, pane.mine, pane.record_pdf, pane.export_button):
        assert widget.width() >= widget.sizeHint().width(), widget  # were cut to "201", "Recor", "Expo"
    form, journal = pane._form, pane.table.parentWidget()
    form_right = form.mapTo(pane, QPoint(form.width(), 0)).x()
    assert journal.mapTo(pane, QPoint(0, 0)).x() >= form_right  # side by side, not over each other
    assert form.widget().width() <= form.viewport().width()  # the form is not cut on the right...
    assert form.verticalScrollBar().maximum() > 0  # ...it scrolls down instead of squeezing its lines
    assert journal.mapTo(window, QPoint(journal.width(), 0)).x() <= window.width()
    window.resize(1440, 900)
    preview = pane.entry_preview
    qtbot.waitUntil(lambda: preview.width() > 300)
    qtbot.wait(20)
    assert preview.height() <= preview.heightForWidth(preview.width()) + 4  # no empty band around its lines


def test_an_empty_documents_list_says_what_to_do(window: Any, world: World, qtbot: Any) -> None:
    from desktop.gui.events import Changes

    docs = window.show_pane("documents")
    qtbot.waitUntil(lambda: "New document" in docs.empty.text())  # the folder is listed on a worker
    assert docs.empty.isVisible() and not docs.files.isVisible()
    assert "New document" in docs.empty.text() and "Open PDF" in docs.empty.text()
    world.home.documents.mkdir(parents=True, exist_ok=True)
    (world.home.documents / "title-deed1.pdf").write_bytes(b"%PDF-1.7\n")  # listed by name; opened when chosen
    window.ctx.events.announce(Changes.DOCUMENTS)
    qtbot.waitUntil(lambda: docs.files.count() == 1)
    assert docs.files.isVisible() and not docs.empty.isVisible()


def test_a_panes_buttons_go_under_its_titles_when_the_window_is_narrow(window: Any, qtbot: Any) -> None:
    pane = window.show_pane("ledger")  # five buttons beside the titles
    window.resize(1440, 900)
    qtbot.waitUntil(lambda: pane.width() > 1100 and not pane.actions_below)
    # beside (the layout settles after the move)
    qtbot.waitUntil(lambda: pane.header_bar.geometry().top() < pane.subtitle_label.geometry().bottom())
    window.resize(window.minimumSize())
    qtbot.waitUntil(lambda: pane.actions_below and pane.subtitle_label.width() >= 420)
    # the subtitle keeps the width of the header instead of wrapping a word a line beside the buttons
    assert pane.subtitle_label.height() < 3 * pane.subtitle_label.fontMetrics().lineSpacing()
    bar = pane.header_bar.mapTo(pane, pane.header_bar.rect().topLeft())
    assert bar.y() >= pane.subtitle_label.mapTo(pane, pane.subtitle_label.rect().bottomLeft()).y()
    assert pane.header_bar.width() >= pane.header_bar.sizeHint().width()  # no button cut
    window.resize(1440, 900)
    qtbot.waitUntil(lambda: not pane.actions_below)


def test_return_in_a_dialog_presses_its_action_not_choose_or_close(ctx: Any, qtbot: Any, monkeypatch: Any) -> None:
    from desktop.gui import prompts
    from desktop.gui.dialogs.compliance import IssuerDialog, RulesDialog
    from desktop.gui.dialogs.settings import SettingsDialog

    asked: list[str] = []
    monkeypatch.setattr(prompts, "open_file", lambda *_a, **_k: asked.append("open_file"))
    monkeypatch.setattr(prompts, "choose_folder", lambda *_a, **_k: asked.append("choose_folder"))
    for dialog in (IssuerDialog(ctx), RulesDialog(ctx)):
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.go.isDefault() and not dialog.go.isEnabled()  # nothing to sign yet
        qtbot.keyClicks(dialog.key.password, "not yet")
        qtbot.keyClick(dialog.key.password, Qt.Key.Key_Return)
        assert dialog.isVisible() and not asked  # was: Close (the form thrown away), or Choose file… (a chooser)
    settings = SettingsDialog(ctx)
    qtbot.addWidget(settings)
    settings.show()
    qtbot.keyClick(settings, Qt.Key.Key_Return)
    assert not asked and not settings.isVisible()  # OK, not "Change…" (a folder chooser)


def test_the_notary_desk_opens_on_the_newest_transfer(ctx: Any, world: World, qtbot: Any) -> None:
    from desktop.gui.panes.notary import NotaryPane

    alice, bob = world.key("alice"), world.key("bob")
    deed = world.register("N-1", alice.address)
    sale = world.sell(deed, alice, bob, "250000", "USD")
    world.register("N-2", bob.address)  # a newer entry, but no transfer
    pane = NotaryPane(ctx)
    qtbot.addWidget(pane)
    pane.show()
    qtbot.waitUntil(lambda: pane.entry.value() == sale)  # not entry 0, the genesis, which is never attested
    qtbot.waitUntil(lambda: pane.entry_preview.text().startswith("Transfer:"))
    chosen = NotaryPane(ctx)  # an entry chosen before the newest transfer is found stays chosen
    qtbot.addWidget(chosen)
    chosen.select_entry(1)
    qtbot.waitUntil(lambda: not ctx.ops.busy)
    assert chosen.entry.value() == 1


def test_the_empty_issuers_holds_and_recoveries_tabs_say_what_would_fill_them(
    window: Any, world: World, qtbot: Any, tmp_path: Any
) -> None:
    from desktop.gui.events import Changes
    from tests.compliance_helpers import Office

    pane = window.show_pane("rules")
    qtbot.waitUntil(lambda: pane.overview is not None and not window.ctx.ops.busy, timeout=10_000)
    assert pane.issuers_note.text().startswith("No trusted issuers") and "Trust an issuer" in pane.issuers_note.text()
    assert pane.holds_note.text().startswith("No holds") and "Freeze" in pane.holds_note.text()
    assert pane.recoveries_note.text().startswith("No key recoveries") and "Recovery" in pane.recoveries_note.text()
    Office(world, tmp_path / "requests").trust()  # an issuer is trusted: its tab has rows, no sentence
    window.ctx.events.announce(Changes.LEDGER)
    qtbot.waitUntil(lambda: pane.issuers_table.rowCount() == 1, timeout=10_000)
    assert pane.issuers_note.text() == "" and pane.holds_note.text().startswith("No holds")


def test_keys_are_listed_as_people_count_them(window: Any, world: World, qtbot: Any) -> None:
    from desktop.gui.events import Changes
    from desktop.gui.widgets.fields import KeyPicker

    for name in ("owner-10", "owner-2", "owner-1"):
        world.keys.create(name, PASSWORD)
    window.ctx.events.announce(Changes.KEYS)
    pane = window.show_pane("keys")
    qtbot.waitUntil(lambda: pane.keys_table.rowCount() == 4)
    names = [pane.keys_table.item(row, 0).text() for row in range(4)]
    assert names == ["operator", "owner-1", "owner-2", "owner-10"]  # owner-2 was after owner-10
    picker = KeyPicker(lambda: [(k.name, k.address) for k in world.keys.list()])
    qtbot.addWidget(picker)
    assert [picker.combo.itemData(i) for i in range(4)] == names


def test_a_deeds_last_sale_reads_on_its_closing_day_west_of_greenwich(
    window: Any, world: World, qtbot: Any, monkeypatch: Any
) -> None:
    import time

    from PySide6.QtWidgets import QLabel

    monkeypatch.setenv("TZ", "America/Chicago")  # Ames, Iowa: UTC-6
    time.tzset()
    try:
        alice, bob = world.key("alice"), world.key("bob")
        deed = world.register("L-1", alice.address)
        world.sell(deed, alice, bob, "179600", "USD", closing_date="2016-01-14")
        window.show_deed(deed)
        detail = window.panes["deeds"].detail
        qtbot.waitUntil(lambda: detail.deed is not None and detail.deed.version == 2, timeout=10_000)
        texts = [label.text() for label in detail.findChildren(QLabel)]
        assert any("on 2016-01-14" in t for t in texts), [t for t in texts if "USD" in t]  # was "on 13 Jan 2016"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_a_screens_weights_are_one_column_and_level_with_their_reasons(ctx: Any, qtbot: Any) -> None:
    from PySide6.QtWidgets import QApplication, QLabel

    from core.screening.combine import Assessment
    from desktop.gui import theme
    from desktop.gui.widgets.screening import ScreenView

    app = QApplication.instance()
    before = app.styleSheet()
    theme.apply_theme(app, "light")  # the house style: its roles set weights' fonts and paddings
    try:
        view = ScreenView()
        qtbot.addWidget(view)
        reasons = [
            {"code": "price", "weight": 3.9, "text": "A loan far beyond the price. " * 6},  # strong: bold
            {"code": "season", "weight": 0.38, "text": "The sale closes in December."},
            {"code": "round", "weight": -0.38, "text": "The price is a round amount."},
        ]
        view.show_assessment(Assessment(0.97, "high", reasons))
        view.resize(700, 400)
        view.show()
        qtbot.waitExposed(view)
        rows = [view.reasons.itemAt(i).widget() for i in range(view.reasons.count())]
        pairs = [row.findChildren(QLabel) for row in rows]
        badges = [next(lb for lb in labels if lb.text().startswith(("+", "-"))) for labels in pairs]
        texts = [next(lb for lb in labels if lb is not badge) for labels, badge in zip(pairs, badges, strict=True)]
        assert badges[0].font().bold() or badges[0].font().weight() > badges[1].font().weight()
        assert len({t.mapTo(view, t.rect().topLeft()).x() for t in texts}) == 1  # the reasons start in one column
        for badge, text in zip(badges, texts, strict=True):  # each weight on its reason's first line
            assert badge.mapTo(view, badge.contentsRect().topLeft()).y() == text.mapTo(view, text.rect().topLeft()).y()
    finally:
        app.setStyleSheet(before)
