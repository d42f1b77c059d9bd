"""The offline signer on its own: works with no ledger, warns, refuses what it must."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from core.keys import KeyStore
from core.paths import DataDir
from core.requests import load_response
from core.transactions import prepare_transfer
from desktop.gui.signer import SignerWindow
from tests.gui.conftest import PASSWORD, Prompts, loaded
from tests.helpers import World


def _requests(world: World, folder: Path) -> list[Path]:
    alice, bob = world.key("alice"), world.key("bob")
    deed_id = world.register("S-1", alice.address)
    return prepare_transfer(world.ledger, deed_id, bob.address, "99000", out_dir=folder).paths


def test_sign_on_a_machine_without_a_ledger(world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts) -> None:
    seller_request = _requests(world, tmp_path / "req")[0]
    laptop = DataDir.resolve(tmp_path / "laptop")
    keys = KeyStore(laptop.keys)
    keys.import_keystore("alice", world.keys.get("alice").path, PASSWORD)
    window = SignerWindow(laptop, None, keys)
    qtbot.addWidget(window)
    window.show()
    assert loaded(qtbot, window, seller_request)
    assert "Transfer of deed 1" in window.summary_title.text()
    assert "no Deedbook ledger" in window.warning_text.text()
    assert window.picker.key_name() == "alice" and not window.sign_button.isEnabled()
    qtbot.keyClicks(window.picker.password, PASSWORD)
    assert window.sign_button.isEnabled()
    out = tmp_path / "alice-signed.json"
    prompt_log.files.append(out)
    qtbot.mouseClick(window.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.last_response == out, timeout=10_000)
    assert load_response(out).signer == world.key("alice").address
    assert prompt_log.infos and window.picker.secret() == ""


def test_no_key_for_the_signer_and_a_bad_file(world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts) -> None:
    buyer_request = _requests(world, tmp_path / "req")[1]
    window = SignerWindow(world.home, world.ledger.identity, KeyStore(tmp_path / "empty"))
    qtbot.addWidget(window)
    window.show()
    assert loaded(qtbot, window, buyer_request)
    assert "no key on this machine" in window.key_note.text()
    assert not window.warnings.isVisible()  # same ledger here: nothing to warn about
    assert not window.sign_button.isEnabled()
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2")
    assert not loaded(qtbot, window, bad)
    assert len(prompt_log.errors) == 1 and "Traceback" not in prompt_log.errors[0]
