"""A reference-count fault in PySide6 6.12.0, and the repair Deedbook applies where it is present.

`SignalInstance.emit` and `SignalInstance.disconnect` return True or False without a reference
of their own: each call hands its caller a reference it then gives back, so one of the
interpreter's own references to True (or False) is lost per call.  After as many calls as True
has references (about 1,600 when the main window has just opened) Python aborts with "Fatal Python error:
bool_dealloc", in the middle of a session or while it exits: every signal the GUI emits from
Python counts, progress included.

Whether the installed PySide6 has the fault is measured once, when this package is imported:
both methods are called PROBES times with the garbage collector paused and the references to
True and False are counted before and after.  Where they drop by one a call, the method is
wrapped so that its result carries a reference of its own; where they do not (a PySide6 without
the fault), nothing is changed.  Either way the probe gives back what it took.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import sys
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal, SignalInstance

PROBES = 16

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class _Probe(QObject):
    fired = Signal()


def _bools() -> tuple[int, int]:
    return sys.getrefcount(True), sys.getrefcount(False)


def references_lost(call: Callable[[], object]) -> tuple[int, int]:
    """References to True and to False that PROBES calls of `call` took and did not give back
    (given back here, so that measuring does no harm)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        before = _bools()
        for _ in range(PROBES):
            call()
        after = _bools()
    finally:
        if enabled:
            gc.enable()
    lost = (before[0] - after[0], before[1] - after[1])
    for value, count in zip((True, False), lost, strict=True):
        for _ in range(max(count, 0)):
            _incref(value)
    return lost


def _with_own_reference(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = method(self, *args, **kwargs)
        _incref(result)  # the reference the caller will give back
        return result

    call.repaired = True  # type: ignore[attr-defined]
    return call


def _probe_emit() -> tuple[int, int]:
    probe = _Probe()
    return references_lost(probe.fired.emit)


def _probe_disconnect() -> tuple[int, int]:
    probe = _Probe()

    def slot() -> None:
        pass

    def connect_and_disconnect() -> None:
        probe.fired.connect(slot)
        probe.fired.disconnect(slot)

    return references_lost(connect_and_disconnect)


def repair() -> list[str]:
    """Wrap each faulty method (once); the names of those wrapped by this call."""
    repaired = []
    for name, probe in (("emit", _probe_emit), ("disconnect", _probe_disconnect)):
        method = getattr(SignalInstance, name)
        if getattr(method, "repaired", False):
            continue
        if sum(probe()) >= PROBES:  # a reference lost on every call: the fault
            setattr(SignalInstance, name, _with_own_reference(method))
            repaired.append(name)
    return repaired


REPAIRED = repair()
