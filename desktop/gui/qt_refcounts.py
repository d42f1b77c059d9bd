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

The same fault, wider: on Python 3.11 every method that returns None (each void one: `update`,
`setPen`, `QRectF.moveTo`..., and a pointer one finding nothing, `parent()`) takes a reference to
None it does not give back, one a call.  None has 5,000 to 50,000 references in a session, so the
interpreter aborts ("Fatal Python error: none_dealloc") once the calls add up: reading a chart's
parts' rectangles 1,000 times did (each asks `part_box`, three void calls).  No list of methods
could be wrapped, so where the fault is measured (a void call, PROBES times) None is given
`BALLAST` references once, as Python 3.12 makes None immortal (there the fault costs nothing): a
void call each microsecond would take nine years to spend them.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import sys
from typing import Any, Callable

from PySide6.QtCore import QObject, QRectF, Signal, SignalInstance

PROBES = 16
BALLAST = 1 << 48

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


def none_lost(call: Callable[[], object]) -> int:
    """References to None that PROBES calls of `call` took and did not give back (given back here)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        before = sys.getrefcount(None)
        for _ in range(PROBES):
            call()
        lost = before - sys.getrefcount(None)
    finally:
        if enabled:
            gc.enable()
    for _ in range(max(lost, 0)):
        _incref(None)
    return lost


def _probe_void() -> int:
    rect = QRectF()
    return none_lost(lambda: rect.moveTo(0.0, 0.0))


def shield_none() -> bool:
    """Give None `BALLAST` references where void calls lose them (once); whether None has them now."""
    if sys.getrefcount(None) > BALLAST // 2:
        return True
    layout_known = sys.implementation.name == "cpython" and not hasattr(sys, "getobjects")  # (no debug refs list)
    if sys.version_info >= (3, 12) or not layout_known or _probe_void() < PROBES:
        return False  # immortal already, an object layout not known here, or no fault
    ctypes.c_ssize_t.from_address(id(None)).value += BALLAST  # ob_refcnt, a PyObject's first field
    return True


REPAIRED = repair()
NONE_SHIELDED = shield_none()
