"""QR codes in the GUI: the animated player, the offline signer reading a request and showing its
response, a QR wallet's signature read back, and the transfer wizard showing and reading them.

Reading a dialog's images is driven as a person would (files chosen, a folder watched);
what the player draws is scanned back with zxing-cpp, so the pixels shown really carry the parts.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from core import airgap
from core.keys import KeyStore
from core.paths import DataDir
from core.requests import load_request, load_response
from core.transactions import prepare_transfer
from core.ur.eth import EthSignature
from core.ur.ur import UR, UrDecoder, encode_single
from desktop.gui.dialogs.qr_read import QrReadDialog
from desktop.gui.signer import SignerWindow
from desktop.gui.widgets.qr_player import QrPlayer
from desktop.qr.render import frame_image, png_bytes
from desktop.qr.scan import texts_in_image
from tests.gui.conftest import PASSWORD, Prompts, loaded
from tests.gui.test_transfer import alice_to_bob
from tests.helpers import World

SHOTS = os.environ.get("DEEDBOOK_QR_SHOTS")  # a folder to keep the screenshots in, to look at them


def _shot(widget: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def _scan_pixmap(player: QrPlayer) -> list[str]:
    from PIL import Image

    image = player.image.pixmap().toImage().convertToFormat(player.image.pixmap().toImage().Format.Format_Grayscale8)
    data = bytes(image.constBits())[: image.bytesPerLine() * image.height()]
    return texts_in_image(Image.frombytes("L", (image.width(), image.height()), data, "raw", "L", image.bytesPerLine()))


def _frames(texts: list[str], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, text in enumerate(texts):
        path = folder / f"frame-{i:03d}.png"
        path.write_bytes(png_bytes(frame_image(text)))
        paths.append(path)
    return paths


@pytest.fixture
def read_images(monkeypatch: pytest.MonkeyPatch, qtbot: Any) -> list[list[Path]]:
    """Answer each QR-reading dialog with the next list of images, as if chosen in it."""
    queue: list[list[Path]] = []

    def exec_(dialog: QrReadDialog) -> int:
        dialog.show()
        dialog.read_files(queue.pop(0))
        qtbot.waitUntil(lambda: not dialog.status.text().startswith("Reading"), timeout=15_000)  # the worker is done
        _shot(dialog, "qr-read-dialog")
        return 1 if dialog.received is not None else 0

    monkeypatch.setattr(QrReadDialog, "exec", exec_)
    return queue


def test_the_player_cycles_scannable_frames(qtbot: Any, world: World, tmp_path: Path) -> None:
    prepared = prepare_transfer(
        world.ledger,
        world.register("Q-1", world.key("alice").address),
        world.key("bob").address,
        "99000",
        out_dir=tmp_path,
    )
    ur, _ = airgap.file_ur(prepared.paths[0].read_bytes())
    player = QrPlayer(ur, fps=20)
    qtbot.addWidget(player)
    player.show()
    decoder = UrDecoder()
    first = _scan_pixmap(player)
    assert first == [player.text.upper()] and player.text.startswith("ur:deedbook-request/1-")
    decoder.receive(first[0])
    qtbot.waitUntil(lambda: player.shown >= 3, timeout=5_000)  # the timer moves on by itself
    while not decoder.complete:
        player.advance()
        for text in _scan_pixmap(player):
            decoder.receive(text)
    assert decoder.result() == ur
    player.toggle()
    shown = player.shown
    qtbot.wait(300)
    assert player.shown == shown and player.pause_button.text() == "Play"  # paused: no more frames
    player.next_button.click()
    assert player.shown == shown + 1 and "fragments in all" in player.counter.text()


def test_offline_signer_reads_a_request_from_qr_and_shows_its_response(
    world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts, read_images: list[list[Path]]
) -> None:
    alice = world.key("alice")
    prepared = prepare_transfer(
        world.ledger, world.register("Q-2", alice.address), world.key("bob").address, "99000", out_dir=tmp_path / "req"
    )
    seller_file = prepared.paths[0]
    laptop = DataDir.resolve(tmp_path / "laptop")
    keys = KeyStore(laptop.keys)
    keys.import_keystore("alice", world.keys.get("alice").path, PASSWORD)
    window = SignerWindow(laptop, None, keys)
    qtbot.addWidget(window)
    window.resize(980, 760)
    window.show()

    # A camera watching the animation for a while: 60 fountain parts.  One loop's worth without its first two
    # fragments rebuilds the file only most of the time (random payloads of 0.9-4 KB: 9-44% of loops lack the
    # mixes for two lost fragments; the player and the GIF loop, so a real camera sees them again).
    texts = airgap.parts(airgap.file_ur(seller_file.read_bytes())[0], count=60)
    images = _frames(texts, tmp_path / "camera")
    read_images.append(list(reversed(images[2:])))  # out of order, the first two frames never caught
    qtbot.mouseClick(window.read_qr_button, Qt.MouseButton.LeftButton)
    assert window.request is not None and window.request_bytes == seller_file.read_bytes()
    assert "Transfer of deed" in window.summary_title.text()

    qtbot.mouseClick(window.show_qr_button, Qt.MouseButton.LeftButton)
    dialog = window.qr_dialog
    assert dialog is not None and dialog.tabs.count() == 2  # Deedbook's own, and a QR wallet's
    _shot(dialog, "qr-show-request")
    assert _scan_pixmap(dialog.players[1])[0].startswith("UR:ETH-SIGN-REQUEST/")
    dialog.close()

    qtbot.keyClicks(window.picker.password, PASSWORD)
    out = tmp_path / "alice-signed.json"
    prompt_log.files.append(out)
    qtbot.mouseClick(window.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.last_response == out, timeout=10_000)
    assert window.response_qr_button.isEnabled()
    _shot(window, "qr-signer-signed")
    qtbot.mouseClick(window.response_qr_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.qr_dialog is not dialog)  # the response is read again on a worker
    shown = window.qr_dialog
    assert shown is not None and shown.tabs.count() == 1  # a response has nothing left for a wallet
    decoder = UrDecoder()
    player = shown.players[0]
    while not decoder.complete:
        for text in _scan_pixmap(player):
            decoder.receive(text)
        player.advance()
    assert decoder.result().cbor == airgap.file_ur(out.read_bytes())[0].cbor
    shown.close()


def test_offline_signer_saves_a_qr_wallets_signature(
    world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts, read_images: list[list[Path]]
) -> None:
    bob = world.key("bob")
    prepared = prepare_transfer(
        world.ledger, world.register("Q-3", world.key("alice").address), bob.address, "5000", out_dir=tmp_path / "req"
    )
    buyer_file = prepared.paths[1]
    request = load_request(buyer_file)
    window = SignerWindow(DataDir.resolve(tmp_path / "relay"), None, KeyStore(tmp_path / "relay" / "keys"))
    qtbot.addWidget(window)
    window.show()
    assert loaded(qtbot, window, buyer_file)
    wrong = encode_single(UR("eth-signature", EthSignature(b"\x01" * 16, bob.sign(request.digest)).cbor()))
    read_images.append(_frames([wrong], tmp_path / "wrong"))
    qtbot.mouseClick(window.wallet_button, Qt.MouseButton.LeftButton)
    assert prompt_log.errors and "answers none of these requests" in prompt_log.errors[-1]
    right = encode_single(
        UR("eth-signature", EthSignature(airgap.request_id(request), bob.sign(request.digest)).cbor())
    )
    read_images.append(_frames([right], tmp_path / "right"))
    out = tmp_path / "bob-signed.json"
    prompt_log.files.append(out)
    qtbot.mouseClick(window.wallet_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: out.exists(), timeout=10_000)
    response = load_response(out)
    assert response.signer == bob.address and json.loads(out.read_text())["createdAt"] == request.extra["createdAt"]


def test_wizard_shows_requests_and_reads_responses_as_qr(
    window: Any, world: World, qtbot: Any, tmp_path: Path, read_images: list[list[Path]]
) -> None:
    alice, bob = world.key("alice"), world.key("bob")
    wizard, _deed = alice_to_bob(window, world, qtbot, "Q-4")
    terms = wizard.terms
    terms.price.setValue(180_000)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    page = wizard.signatures
    qtbot.waitUntil(lambda: wizard.currentPage() is page)
    page.table.selectRow(1)
    qtbot.mouseClick(page.qr_button, Qt.MouseButton.LeftButton)
    assert page.qr_dialog is not None and page.qr_dialog.tabs.count() == 2
    _shot(page.qr_dialog, "qr-wizard-show")
    page.qr_dialog.close()
    _shot(wizard, "qr-wizard-signatures")

    from core.requests import sign_request

    seller, buyer = page.requests()
    signed = sign_request(seller, alice)
    raw = (json.dumps(signed.as_json(), indent=2) + "\n").encode()
    read_images.append(_frames(airgap.parts(airgap.file_ur(raw)[0]), tmp_path / "seller"))
    qtbot.mouseClick(page.read_qr_button, Qt.MouseButton.LeftButton)
    assert 0 in wizard.responses and wizard.responses[0].signature == signed.signature
    wallet = encode_single(UR("eth-signature", EthSignature(airgap.request_id(buyer), bob.sign(buyer.digest)).cbor()))
    read_images.append(_frames([wallet], tmp_path / "wallet"))
    qtbot.mouseClick(page.read_qr_button, Qt.MouseButton.LeftButton)
    assert 1 in wizard.responses and "2 of 2 signatures in" in page.hint.text()
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
