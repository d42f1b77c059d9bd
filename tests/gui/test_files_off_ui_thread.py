"""No file a person chooses is opened on the UI thread: every entry point of the bad-files catalogue,
handed a genuine file, reads it on a worker.

The guard is an audit hook (sys.addaudithook): Python raises an "open" event for every open(),
os.open and io.open_code, whoever calls them, so it sees the read whatever the path (core.userfiles,
json.load, PIL, pypdf). It records the stack of any open of the chosen file on the main thread.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.gui.conftest import Prompts, loaded
from tests.helpers import World
from tests.gui.test_bad_files import FILE_ENTRIES, Entry, Env, _other_kind, env, file_case  # noqa: F401


class OpenGuard:
    """Records opens, on the main thread, of a path under `watched` while it is on."""

    def __init__(self) -> None:
        self.watched: str | None = None
        self.offences: list[str] = []
        self.opened = 0  # on any thread: a test whose file was never opened proves nothing

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if event != "open" or self.watched is None:
            return
        path = args[0]
        if isinstance(path, int):
            return  # an opened descriptor: the open that made it was seen
        try:
            name = os.fsdecode(path)
        except TypeError:
            return
        if name.startswith(self.watched):
            self.opened += 1
        if name.startswith(self.watched) and threading.current_thread() is threading.main_thread():
            ours = [f for f in traceback.extract_stack()[:-1] if "site-packages" not in f.filename]
            self.offences.append(f"{name} opened on the UI thread, from:\n" + "".join(traceback.format_list(ours[-6:])))


GUARD = OpenGuard()
sys.addaudithook(GUARD)  # hooks cannot be removed: it does nothing while `watched` is None


def test_the_guard_sees_an_open_on_the_ui_thread(tmp_path: Path) -> None:
    path = tmp_path / "chosen.json"
    path.write_text("{}")
    GUARD.watched, GUARD.offences = str(tmp_path), []
    try:
        path.read_bytes()
        worker = threading.Thread(target=path.read_bytes)
        worker.start()
        worker.join()
    finally:
        GUARD.watched = None
    assert len(GUARD.offences) == 1 and "test_the_guard_sees" in GUARD.offences[0]


@pytest.mark.parametrize("entry", FILE_ENTRIES, ids=[e.name for e in FILE_ENTRIES])
def test_a_chosen_file_is_read_off_the_ui_thread(env: Env, entry: Entry) -> None:  # noqa: F811 - the fixture
    folder = env.tmp / "chosen"
    folder.mkdir()
    other = _other_kind(entry, env)
    if entry.setup is not None:
        entry.setup(env)
    path = file_case("other_kind", folder, env.world, other, other)
    GUARD.watched, GUARD.offences, GUARD.opened = str(folder), [], 0
    try:
        entry.drive(env, path)
        env.qtbot.waitUntil(lambda: not env.ctx.ops.busy, timeout=60_000)
    finally:
        GUARD.watched = None
    assert GUARD.offences == [], "\n".join(GUARD.offences[:2])
    assert GUARD.opened, "the file was never read"


class StuckDisk:
    """`read_user_file` as on a disk that does not answer (a network share gone away) until released."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
        import core.userfiles

        self.path = path
        self.real = core.userfiles.read_user_file
        self.release = threading.Event()
        self.threads: list[threading.Thread] = []
        monkeypatch.setattr(core.userfiles, "read_user_file", self)

    def __call__(self, path: Any, *args: Any, **kwargs: Any) -> bytes:
        if Path(path) == self.path:  # the request, not the keystores the key picker lists
            self.threads.append(threading.current_thread())
            self.release.wait(timeout=5)  # bounded, so that the old code (a read on the UI thread) fails, not hangs
        return self.real(path, *args, **kwargs)


def test_the_signer_reads_a_request_on_a_worker_and_cancel_drops_it(
    world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request on a stuck disk held the offline signer's UI thread until the disk answered; now the window
    says what it reads, keeps running, and Cancel gives it back at once (the late answer is not shown).
    Fails on the old code (the read ran on the UI thread, and load returned only after it)."""
    from desktop.gui.signer import PLACEHOLDER, SignerWindow
    from tests.gui.test_bad_files import Heartbeat, _a_request

    path = _a_request(world, tmp_path / "requests")
    disk = StuckDisk(monkeypatch, path)
    window = SignerWindow(world.home, world.ledger.identity, world.keys)
    qtbot.addWidget(window)
    window.show()
    heart = Heartbeat()
    beats = [0]
    heart.timer.timeout.connect(lambda: beats.__setitem__(0, beats[0] + 1))
    op = window.load(path)
    qtbot.waitUntil(lambda: bool(disk.threads))
    assert disk.threads[0] is not threading.main_thread()
    assert window.placeholder.text() == f"Reading {path.name}\u2026" and window.cancel_button.isVisible()
    assert not window.open_button.isEnabled()
    qtbot.waitUntil(lambda: beats[0] >= 10)  # the UI thread runs its event loop while the disk is stuck
    assert heart.longest < 1.0

    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    assert window.placeholder.text() == PLACEHOLDER and not window.cancel_button.isVisible()
    assert window.open_button.isEnabled() and window.reading is None
    with qtbot.waitSignal(op.finished, timeout=10_000):
        disk.release.set()  # the disk answers late: its answer is dropped
    heart.timer.stop()
    assert window.request is None and window.content.isHidden()
    assert prompt_log.errors == [] and prompt_log.infos == []

    assert loaded(qtbot, window, path)  # and the same file, read again, is shown
    assert window.request is not None and window.request.kind == "Transfer"


def test_closing_the_signer_while_it_reads_shows_nothing_after(
    world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Closing the window while a request is read cancels it: no dialog over a closed window, no request shown."""
    from desktop.gui.signer import SignerWindow
    from tests.gui.test_bad_files import _a_request

    path = _a_request(world, tmp_path / "requests")
    disk = StuckDisk(monkeypatch, path)
    window = SignerWindow(world.home, world.ledger.identity, world.keys)
    qtbot.addWidget(window)
    window.show()
    window.load(path)
    qtbot.waitUntil(lambda: bool(disk.threads))
    threading.Timer(0.2, disk.release.set).start()  # the disk answers while the window joins its worker
    window.close()
    assert not window.ops.busy or window.ops._closed
    qtbot.wait(100)  # the queued answer, had it been kept, would be delivered now
    assert window.request is None and prompt_log.errors == [] and prompt_log.infos == []
