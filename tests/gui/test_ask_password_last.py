"""A key's password is asked last: a GUI action that signs with a key reads and checks its file first (on a
worker, with the workspace function the command line uses), so a bad file is one sentence and no password
prompt is ever shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from core.checkpoints import make_checkpoint
from core.witness_requests import build_request
from desktop.gui.panes import ledger as ledger_pane
from tests.gui.conftest import Prompts
from tests.helpers import PASSWORD, World, make_world


def _not_json(tmp: Path, followed: World) -> Path:
    path = tmp / "request.json"
    path.write_text("this is not a checkpoint request")
    return path


def _unfollowed_ledger(tmp: Path, followed: World) -> Path:
    other = make_world(tmp / "elsewhere", "Elsewhere Ledger")  # a ledger this witness does not follow
    path = tmp / "request.json"
    path.write_text(build_request(other.ledger, make_checkpoint(other.ledger, other.operator)).to_text())
    return path


def _not_the_operators(tmp: Path, followed: World) -> Path:
    followed.register("C-2", followed.operator.address)
    text = build_request(followed.ledger, make_checkpoint(followed.ledger, followed.operator)).to_text()
    path = tmp / "request.json"
    path.write_text(text.replace('\\n4\\n', '\\n5\\n', 1))  # the signed size altered: the signature no longer holds
    assert path.read_text() != text
    return path


@pytest.mark.parametrize("bad", [_not_json, _unfollowed_ledger, _not_the_operators])
def test_a_bad_checkpoint_request_is_said_before_the_witness_key_password_is_asked(
    window: Any,
    world: World,
    qtbot: Any,
    tmp_path: Path,
    prompt_log: Prompts,
    monkeypatch: pytest.MonkeyPatch,
    bad: Callable[[Path, World], Path],
) -> None:
    ws = window.ctx.ws
    world.key("notary")
    ws.witness_init("notary.example/w1", "notary")
    county = make_world(tmp_path / "county", "County Ledger")
    county.register("C-1", county.operator.address)
    follow = tmp_path / "follow.json"
    follow.write_text(build_request(county.ledger, make_checkpoint(county.ledger, county.operator)).to_text())
    ws.witness_follow(str(follow))

    pane = window.show_pane("witnesses")
    pane.reload()
    qtbot.waitUntil(lambda: pane.overview is not None and bool(pane.overview.followed), timeout=10_000)
    qtbot.waitUntil(lambda: not window.ctx.ops.busy, timeout=10_000)

    asked: list[str] = []
    monkeypatch.setattr(ledger_pane.KeyDialog, "exec", lambda dialog: asked.append(dialog.windowTitle()) or 0)
    cosignature = tmp_path / "cosignature.txt"
    prompt_log.files += [bad(tmp_path, county), cosignature]
    pane.cosign()
    qtbot.waitUntil(lambda: bool(prompt_log.errors), timeout=10_000)
    qtbot.waitUntil(lambda: not window.ctx.ops.busy, timeout=10_000)

    assert asked == [], "the password dialog was shown for a bad request"
    assert len(prompt_log.errors) == 1 and "Traceback" not in prompt_log.errors[0]
    assert "\n" not in prompt_log.errors[0].strip()
    assert not cosignature.exists()


@pytest.mark.parametrize("name", ["not a name!", "office"])
def test_a_bad_or_taken_seal_name_is_said_before_any_password_is_asked(
    window: Any, world: World, qtbot: Any, prompt_log: Prompts, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from desktop.gui import prompts, seal_dialogs
    from desktop.workspace import Signer

    world.key("operator")
    window.ctx.ws.new_seal(Signer("operator", PASSWORD), "office", Signer("office", "seal password 1"))
    entries = window.ctx.ledger.size()
    asked: list[str] = []
    monkeypatch.setattr(prompts, "password", lambda _p, prompt, *_a, **_k: asked.append(prompt))
    monkeypatch.setattr(ledger_pane.KeyDialog, "exec", lambda dialog: asked.append(dialog.windowTitle()) or 0)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a, **_k: (name, True)))
    seal_dialogs.new_seal(window.ctx, window)
    qtbot.waitUntil(lambda: bool(prompt_log.errors), timeout=10_000)
    qtbot.waitUntil(lambda: not window.ctx.ops.busy, timeout=10_000)

    assert asked == [] and len(prompt_log.errors) == 1 and name in prompt_log.errors[0]
    assert window.ctx.ws.seals.names() == ["office"] and window.ctx.ledger.size() == entries


def test_a_short_seal_password_is_said_before_the_operator_password_is_asked(
    window: Any, qtbot: Any, prompt_log: Prompts, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from desktop.gui import seal_dialogs

    asked: list[str] = []
    monkeypatch.setattr(ledger_pane.KeyDialog, "exec", lambda dialog: asked.append(dialog.windowTitle()) or 0)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a, **_k: ("office", True)))
    prompt_log.passwords += ["short", "short"]
    seal_dialogs.new_seal(window.ctx, window)
    qtbot.waitUntil(lambda: bool(prompt_log.errors), timeout=10_000)
    qtbot.waitUntil(lambda: not window.ctx.ops.busy, timeout=10_000)

    assert asked == [] and prompt_log.errors == ["A seal's password must be at least 8 characters."]
    assert window.ctx.ws.seals.names() == []


def test_a_checkpoint_the_witness_refuses_is_said_before_the_operator_password_is_asked(
    window: Any, world: World, qtbot: Any, prompt_log: Prompts, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.witness import witness_path

    make_checkpoint(world.ledger, world.operator)
    witness_path(world.home, world.ledger.identity).unlink()  # the witness lost, the ledger has checkpoints
    size = world.ledger.size()
    asked: list[str] = []
    monkeypatch.setattr(ledger_pane.KeyDialog, "exec", lambda dialog: asked.append(dialog.windowTitle()) or 0)
    pane = window.show_pane("ledger")
    pane.checkpoint()
    qtbot.waitUntil(lambda: bool(prompt_log.errors), timeout=10_000)
    qtbot.waitUntil(lambda: not window.ctx.ops.busy, timeout=10_000)

    assert asked == [] and len(prompt_log.errors) == 1 and "There is no witness file" in prompt_log.errors[0]
    assert world.ledger.size() == size


def test_a_document_needing_a_checkpoint_the_witness_refuses_asks_no_password(
    window: Any, world: World, qtbot: Any, prompt_log: Prompts, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A certificate about a deed newer than the latest checkpoint offers to sign one: with the witness gone, that
    is said before the operator's password is asked, and no document is written."""
    from core.witness import witness_path
    from desktop.gui.panes.documents import generate
    from desktop.workspace import Document

    make_checkpoint(world.ledger, world.operator)
    deed = world.register("D-9", world.operator.address)  # not covered by the checkpoint
    witness_path(world.home, world.ledger.identity).unlink()
    size = world.ledger.size()
    asked: list[str] = []
    monkeypatch.setattr(ledger_pane.KeyDialog, "exec", lambda dialog: asked.append(dialog.windowTitle()) or 0)
    out = tmp_path / "title.pdf"
    generate(window.ctx, window, Document.title(deed), out=out)
    qtbot.waitUntil(lambda: bool(prompt_log.errors), timeout=30_000)
    qtbot.waitUntil(lambda: not window.ctx.ops.busy, timeout=10_000)

    assert any("Sign a checkpoint now" in q for q in prompt_log.questions)
    assert asked == [] and len(prompt_log.errors) == 1 and "There is no witness file" in prompt_log.errors[0]
    assert world.ledger.size() == size and not out.exists()
