"""The GUI's offline signer refuses a crafted checkpoint request, however it arrives, and writes nothing.

The attack: an operator is handed a request that asks for a Checkpoint (or an
AddRegistrar) and, shown only "You sign as operator" and a root hash, signs it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QWizard

from core.kinds import digest_for, get_kind, typed_data
from core.requests import FORMAT
from desktop.gui.signer import SignerWindow
from tests.gui.conftest import PASSWORD, Prompts
from tests.helpers import World


def _crafted(world: World, folder: Path, kind: str, *, signed: bool = False) -> Path:
    identity = world.ledger.identity
    message: dict[str, Any] = (
        {
            "ledgerId": identity.ledger_id_hex,
            "size": world.ledger.size(),
            "root": "0x" + "ab" * 32,
            "timestamp": 1_750_000_000,
        }
        if kind == "Checkpoint"
        else {"ledgerId": identity.ledger_id_hex, "registrar": world.key("mallory").address}
    )
    data: dict[str, Any] = {
        "format": FORMAT,
        "typedData": typed_data(identity, kind, message),
        "signer": identity.operator,
        "role": "operator",
        "summary": "Routine ledger upkeep.",
    }
    if signed:
        data["signature"] = "0x" + world.operator.sign(digest_for(identity, get_kind(kind), message, kind)).hex()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind.lower()}-request.json"
    path.write_text(json.dumps(data))
    return path


def _signer(world: World, qtbot: Any) -> SignerWindow:
    window = SignerWindow(world.home, world.ledger.identity, world.keys)  # the operator's own machine and key
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_signer_refuses_a_checkpoint_request_opened_or_dropped(
    world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts
) -> None:
    folder = tmp_path / "inbox"
    window = _signer(world, qtbot)
    prompt_log.files.append(_crafted(world, folder, "Checkpoint"))
    qtbot.mouseClick(window.open_button, Qt.MouseButton.LeftButton)  # Open request… in the file dialog
    qtbot.waitUntil(lambda: len(prompt_log.errors) == 1)  # read on a worker
    assert "Checkpoint, the ledger operator's own act" in prompt_log.errors[0]
    assert "'deedbook checkpoint' on the ledger's machine, never by request" in prompt_log.errors[0]
    assert window.request is None and not window.content.isVisible() and window.placeholder.isVisible()

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(_crafted(world, folder, "AddRegistrar")))])
    window.dropEvent(
        QDropEvent(
            QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        )
    )
    qtbot.waitUntil(lambda: len(prompt_log.errors) == 2)
    assert "AddRegistrar, the ledger operator's own act" in prompt_log.errors[1]
    assert window.request is None

    # Nothing to sign: the button stays off, and signing anyway writes no response.
    qtbot.keyClicks(window.picker.password, PASSWORD)
    assert not window.sign_button.isEnabled()
    prompt_log.files.append(folder / "checkpoint-signed.json")
    window.sign()
    assert window.last_response is None
    assert sorted(p.name for p in folder.iterdir()) == ["addregistrar-request.json", "checkpoint-request.json"]


def test_the_transfer_wizard_refuses_a_signed_ledger_act(
    window: Any, world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts
) -> None:
    alice, bob = world.key("alice"), world.key("bob")
    deed_id = world.register("T-9", alice.address)
    size = world.ledger.size()
    wizard = window.open_transfer(deed_id)
    qtbot.addWidget(wizard)
    qtbot.keyClicks(wizard.terms.buyer.combo.lineEdit(), bob.address)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    wizard.signatures.import_files([_crafted(world, tmp_path, "AddRegistrar", signed=True)])
    qtbot.waitUntil(lambda: len(prompt_log.errors) == 1)  # read on a worker
    assert "carries a signature over an AddRegistrar" in prompt_log.errors[0]
    assert wizard.responses == {} and world.ledger.size() == size
