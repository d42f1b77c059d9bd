"""A transfer from the wizard: terms, requests out, one signed here, one signed offline, review, record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QWizard

from core.keys import KeyStore
from desktop.gui.signer import SignerWindow
from tests.gui.conftest import PASSWORD, Prompts, loaded
from tests.helpers import World


def _click_next(wizard: QWizard, qtbot: Any) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def alice_to_bob(window: Any, world: World, qtbot: Any, parcel: str) -> tuple[Any, int]:
    """The transfer wizard on a new deed `parcel` of alice's, once the deed is read (on a worker), with bob
    typed as the buyer; and the deed's number."""
    deed_id = world.register(parcel, world.key("alice").address)
    wizard = window.open_transfer(deed_id)
    qtbot.addWidget(wizard)
    qtbot.waitUntil(lambda: wizard.terms.seller.currentData() is not None)
    qtbot.keyClicks(wizard.terms.buyer.combo.lineEdit(), world.key("bob").address)
    return wizard, deed_id


def test_transfer_end_to_end(
    window: Any, world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts, answer_key_dialog: Any
) -> None:
    alice, bob = world.key("alice"), world.key("bob")
    deed_id = world.register("T-1", alice.address)
    wizard = window.open_transfer(deed_id)
    qtbot.addWidget(wizard)
    terms = wizard.terms
    qtbot.waitUntil(lambda: terms.seller.currentData() is not None)  # the deed is read on a worker
    assert terms.seller.currentData()[0] == alice.address
    qtbot.keyClicks(terms.buyer.combo.lineEdit(), bob.address)
    terms.price.setValue(250_000)
    _click_next(wizard, qtbot)
    page = wizard.signatures
    qtbot.waitUntil(lambda: wizard.currentPage() is page)  # the requests are prepared on a worker
    assert page.table.rowCount() == 2
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()

    # the seller signs here, with the key on this machine
    page.table.selectRow(0)
    answer_key_dialog("alice")
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: 0 in wizard.responses, timeout=10_000)

    # the buyer's request goes to an offline laptop that has only bob's key
    prompt_log.folders.append(tmp_path / "out")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(list((tmp_path / "out").glob("*.json"))) == 2, timeout=10_000)
    buyer_request = next((tmp_path / "out").glob("*-buyer.json"))
    offline_keys = KeyStore(tmp_path / "laptop" / "keys")
    offline_keys.import_keystore("bob", world.keys.get("bob").path, PASSWORD)
    signer = SignerWindow(world.home, None, offline_keys)
    qtbot.addWidget(signer)
    signer.show()
    assert loaded(qtbot, signer, buyer_request)
    assert "buyer" in signer.role_line.text().lower() and signer.warnings.isVisible()  # no ledger there
    qtbot.keyClicks(signer.picker.password, PASSWORD)
    response = tmp_path / "bob-signed.json"
    prompt_log.files.append(response)
    qtbot.mouseClick(signer.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: response.exists() and signer.last_response == response, timeout=10_000)

    # ... and comes back by drag and drop
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(response))])
    drop = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    page.dropEvent(drop)  # Qt delivers drops only during a real drag session; hand it over as Qt would
    qtbot.waitUntil(lambda: set(wizard.responses) == {0, 1}, timeout=10_000)  # read on a worker
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    _click_next(wizard, qtbot)
    qtbot.waitUntil(wizard.review.isComplete)  # checked against the ledger's rules on a worker
    _click_next(wizard, qtbot)
    record = wizard.record_page
    qtbot.mouseClick(record.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.recorded is not None, timeout=10_000)
    deed = world.ledger.deed(deed_id)
    assert deed.holders == {bob.address: 10_000} and deed.last_price == 25_000_000
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()


def test_bad_terms_stay_on_the_page(window: Any, world: World, qtbot: Any, prompt_log: Prompts) -> None:
    alice = world.key("alice")
    deed_id = world.register("T-2", alice.address)
    wizard = window.open_transfer(deed_id)
    qtbot.addWidget(wizard)
    qtbot.waitUntil(lambda: wizard.terms.seller.currentData() is not None)
    qtbot.keyClicks(wizard.terms.buyer.combo.lineEdit(), alice.address)  # to the seller herself
    _click_next(wizard, qtbot)
    qtbot.waitUntil(lambda: bool(prompt_log.errors))
    assert wizard.currentPage() is wizard.terms
    assert len(prompt_log.errors) == 1


def test_a_price_in_the_other_convention_is_refused_not_misread(
    window: Any, world: World, qtbot: Any, desktop_locale: Any
) -> None:
    """QDoubleSpinBox dropped a misplaced group separator: on an English desktop a German's '250000,50' became
    USD 25,000,050.00 (and on a German desktop '250000.50' the same).  The price field takes the desktop's own
    convention and refuses the other in a sentence, keeping the last price."""
    for name, own, other in (("en_US", "250,000.50", "250000,50"), ("de_DE", "250.000,50", "250000.50")):
        desktop_locale(name)
        wizard = window.open_transfer(world.register(f"P-{name}", world.key("alice").address))
        qtbot.addWidget(wizard)
        price, note = wizard.terms.price, wizard.terms.price_note
        for typed in (own, other):
            price.lineEdit().selectAll()
            qtbot.keyClicks(price.lineEdit(), typed)
            qtbot.keyClick(price.lineEdit(), Qt.Key.Key_Return)
        assert price.value() == 250_000.5 and wizard.terms.price_text() == "250000.50"
        assert f"'{other}' is not a valid amount" in note.text() and not note.isHidden()
        price.setValue(1_000)  # a price taken clears the sentence
        assert note.isHidden()
    price.lineEdit().selectAll()
    qtbot.keyClicks(price.lineEdit(), "1,234")  # on the German desktop: three decimals of dollars
    qtbot.keyClick(price.lineEdit(), Qt.Key.Key_Return)
    assert price.value() == 1_000 and "'1,234' has 3 decimals; this currency has 2 at most" in note.text()


def test_a_response_for_another_transfer_is_refused(
    window: Any, world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts
) -> None:
    wizard, _deed = alice_to_bob(window, world, qtbot, "T-3")
    _click_next(wizard, qtbot)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.signatures)
    junk = tmp_path / "junk.json"
    junk.write_text('{"format": "something else"}')
    wizard.signatures.import_files([junk])
    qtbot.waitUntil(lambda: bool(prompt_log.errors))  # read on a worker
    assert wizard.responses == {}


def test_an_indian_desktop_types_lakhs_and_reads_them_back(
    window: Any, world: World, qtbot: Any, desktop_locale: Any
) -> None:
    """Qt writes 25,00,000.50 on en_IN; the price field refused that (groups of three only), its own text too.
    The request's words for the signer read in lakhs as well; what core gets, and what is signed, is canonical."""
    from desktop.gui.transfer_signatures import request_summary

    desktop_locale("en_IN")
    wizard, _deed = alice_to_bob(window, world, qtbot, "IN-1")
    terms = wizard.terms
    terms.price.lineEdit().selectAll()
    qtbot.keyClicks(terms.price.lineEdit(), "25,00,000.50")
    qtbot.keyClick(terms.price.lineEdit(), Qt.Key.Key_Return)
    assert terms.price.value() == 2_500_000.5 and terms.price_note.isHidden()
    assert terms.price.text().endswith("25,00,000.50") and terms.price_text() == "2500000.50"
    _click_next(wizard, qtbot)
    page = wizard.signatures
    qtbot.waitUntil(lambda: wizard.currentPage() is page)
    request = page.requests()[0]
    assert request.message["price"] == 250_000_050
    assert "Price: USD\u00a025,00,000.50" in request_summary(request, window.ctx)
    assert "USD 2,500,000.50" in request.extra["summary"]  # the file's own summary: canonical
