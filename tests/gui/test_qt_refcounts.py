"""PySide6 6.12.0's SignalInstance.emit and .disconnect give away references to True and False they do
not own; desktop.gui repairs them on import (desktop/gui/qt_refcounts.py).  Without the repair the
interpreter aborts after a few thousand emits ("Fatal Python error: bool_dealloc")."""

from __future__ import annotations

import ctypes
import gc
import sys
from typing import Any, Iterator

import pytest
import PySide6
from PySide6.QtCore import QObject, Signal, SignalInstance

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
