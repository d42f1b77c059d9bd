"""PySide6 6.12.0's SignalInstance.emit and .disconnect give away references to True and False they do
not own, and every method returning None one to None; desktop.gui repairs both on import
(desktop/gui/qt_refcounts.py).  Without the repair the interpreter aborts after a few thousand emits
("Fatal Python error: bool_dealloc") or void calls ("none_dealloc")."""

from __future__ import annotations

import ctypes
import gc
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
import PySide6
from PySide6.QtCore import QObject, QRectF, Signal, SignalInstance

from desktop.gui import qt_refcounts

CALLS = 500  # fewer than True's references, so that an unrepaired fault fails here instead of aborting


class Emitter(QObject):
    text = Signal(str)
    bare = Signal()


@pytest.fixture
def no_gc() -> Iterator[None]:
    gc.disable()
    yield
    gc.enable()


def bools() -> tuple[int, int]:
    return sys.getrefcount(True), sys.getrefcount(False)


def kept(before: tuple[int, int]) -> bool:
    """True and False kept their references, give or take the few that Qt's own bookkeeping may
    hold (the fault takes one a call: CALLS or more)."""
    now = bools()
    return all(abs(n - b) <= 10 for n, b in zip(now, before, strict=True))


def test_emitting_and_disconnecting_keep_true_and_false_alive(qapp: Any, no_gc: None) -> None:
    emitter = Emitter()
    heard: list[int] = []
    emitter.text.connect(lambda text: text == "yes")  # a slot that returns a bool, as lambdas often do
    emitter.bare.connect(lambda: heard.append(1))
    before = bools()
    for _ in range(CALLS):
        emitter.text.emit("yes")
        emitter.text.emit("no")
        emitter.bare.emit()
    for _ in range(CALLS):

        def slot() -> None:
            pass

        emitter.bare.connect(slot)
        emitter.bare.disconnect(slot)
    assert len(heard) == CALLS
    assert kept(before), (before, bools())


def test_a_signal_relayed_by_another_signals_emit_keeps_them_alive(qapp: Any, no_gc: None) -> None:
    source, relay = Emitter(), Emitter()
    source.bare.connect(relay.bare.emit)  # what the recovery wizard does with completeChanged
    heard: list[int] = []
    relay.bare.connect(lambda: heard.append(1))
    before = bools()
    for _ in range(CALLS):
        source.bare.emit()
    assert len(heard) == CALLS
    assert kept(before), (before, bools())


def test_the_probe_counts_references_taken_and_gives_them_back() -> None:
    decref = ctypes.pythonapi.Py_DecRef
    decref.argtypes = [ctypes.py_object]
    decref.restype = None
    before = bools()
    assert qt_refcounts.references_lost(lambda: decref(False)) == (0, qt_refcounts.PROBES)
    assert qt_refcounts.references_lost(lambda: None) == (0, 0)
    assert bools() == before


def test_the_repair_is_applied_once() -> None:
    assert qt_refcounts.repair() == []  # already done on import
    for name in ("emit", "disconnect"):
        method = getattr(SignalInstance, name)
        assert not getattr(getattr(method, "__wrapped__", None), "repaired", False)  # not wrapped twice
    if PySide6.__version__ == "6.12.0":  # the version the fault was found in
        assert qt_refcounts.REPAIRED == ["emit", "disconnect"]


VOID_CALLS = 100_000  # twenty times None's references in a bare interpreter


def void_calls(first_import: str) -> subprocess.CompletedProcess[str]:
    """VOID_CALLS calls of a void method in a fresh interpreter that imported `first_import` first."""
    code = f"import {first_import}\nfrom PySide6.QtCore import QRectF\nr = QRectF()\n"
    code += f"for _ in range({VOID_CALLS}):\n    r.moveTo(1.0, 2.0)\nprint('done')\n"
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": root, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def test_void_calls_no_longer_abort_the_interpreter_once_desktop_gui_is_imported() -> None:
    shielded = void_calls("desktop.gui")
    assert (shielded.returncode, shielded.stdout) == (0, "done\n"), shielded.stderr
    if qt_refcounts.NONE_SHIELDED:  # the fault is here: the same calls without the shield abort
        bare = void_calls("PySide6.QtCore")
        assert bare.returncode != 0 and "none_dealloc" in bare.stderr


def test_the_none_probe_counts_what_void_calls_take_and_gives_it_back(no_gc: None) -> None:
    rect = QRectF()
    before = sys.getrefcount(None)
    lost = qt_refcounts.none_lost(lambda: rect.moveTo(0.0, 0.0))
    assert abs(sys.getrefcount(None) - before) <= 2  # (given back: the fault takes PROBES, 16)
    assert lost == (qt_refcounts.PROBES if qt_refcounts.NONE_SHIELDED else 0)
    assert qt_refcounts.none_lost(lambda: None) == 0


def test_the_shield_is_given_once() -> None:
    before = sys.getrefcount(None)
    assert qt_refcounts.shield_none() == qt_refcounts.NONE_SHIELDED
    assert abs(sys.getrefcount(None) - before) < qt_refcounts.BALLAST // 2
    if PySide6.__version__ == "6.12.0" and sys.version_info < (3, 12):  # the versions the fault was found in
        assert qt_refcounts.NONE_SHIELDED and sys.getrefcount(None) > qt_refcounts.BALLAST
