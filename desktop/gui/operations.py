"""Run a workspace call off the UI thread and route its outcome back by signal.

    ops.op(self, lambda: ws.register_deed(signer, parcel=...), write=True) \
       .success(self.on_registered).run()

    ops.task(self, lambda task: ws.verify(progress=task.progress, should_cancel=task.should_cancel)) \
       .on_progress(bar.update).success(show_report).run()

Writes go to a one-thread pool, so they are serialised; reads and model fitting
run in parallel on a second pool, each with its own database connection.  The
function receives plain values (and, for `task`, a `TaskHandle` of plain
callables), never a widget.  A function that returns the workspace's
`Done(value, receipt)` has its receipt broadcast (`Events.announce_receipt`, after
the success callbacks, which get the value): no caller declares what changed.
Every ledger read goes through here too (`Latest` keeps only the newest answer
to a question asked again meanwhile).  A failure becomes one sentence in a
dialog (`describe_error` is the one place that decides the sentence); an
unexpected exception is logged with its traceback and shown as a dialog too.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
import traceback
from typing import Any, Callable, Generic, TypeVar, overload

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Qt, Signal, Slot
from PySide6.QtWidgets import QWidget

from core.errors import Cancelled, DeedbookError, VerificationFailed, database_error_sentence
from core.shown_urls import shown_url
from desktop.gui import prompts
from desktop.gui.events import Events
from desktop.workspace.receipt import Done

T = TypeVar("T")
log = logging.getLogger("deedbook.gui")


def describe_error(error: BaseException) -> str:
    """The one sentence a person sees for `error` (any URL in it without its user:password)."""
    return shown_url(_sentence_for(error))


def _sentence_for(error: BaseException) -> str:
    if isinstance(error, DeedbookError):
        return str(error) or "The operation was refused; nothing was written."
    if isinstance(error, VerificationFailed):
        return error.reason
    if (sentence := database_error_sentence(error)) is not None:
        return sentence
    if isinstance(error, OSError) and error.errno == errno.EROFS:
        return f"Deedbook cannot write {error.filename or 'there'}: it is on a read-only disk or folder."
    if isinstance(error, PermissionError):
        return f"Deedbook may not use {error.filename or 'that file'}: permission denied."
    if isinstance(error, FileNotFoundError):
        return f"There is no file {error.filename}."
    if isinstance(error, OSError):
        where = f" {error.filename}" if error.filename else ""
        return f"Cannot use the file{where}: {error.strerror or error}."
    if isinstance(error, MemoryError):
        return "Deedbook ran out of memory; nothing was written."
    return (
        f"Something went wrong inside Deedbook ({type(error).__name__}); nothing was written. "
        "The details are in the log file."
    )


def is_expected(error: BaseException) -> bool:
    return isinstance(error, (DeedbookError, VerificationFailed, OSError))


def report_error(parent: QWidget | None, error: BaseException, title: str = "Deedbook") -> None:
    """Log an unexpected error with its traceback, then show the sentence."""
    if not is_expected(error):
        # an exception's words may quote an address a person typed: its user:password stays out of the log
        log.error("Unexpected error: %s", shown_url("".join(traceback.format_exception(error)).rstrip()))
    if isinstance(error, Cancelled):
        return  # the person asked for it; a dialog would only get in the way
    prompts.show_error(parent, describe_error(error), title)


UNKNOWN = -1.0  # a progress fraction that says "no fraction": waiting, with a sentence for why


class TaskHandle:
    """What a long job sees: progress and cancel as plain callables (no Qt)."""

    def __init__(self, report: Callable[[float, str], None]) -> None:
        self._report = report
        self._cancel = threading.Event()

    def progress(self, done: float, total: float = 1.0, message: str = "") -> None:
        """core style: progress(done, total)."""
        self._report(done / total if total else 0.0, message)

    def fraction(self, fraction: float, message: str = "") -> None:
        """valuation style: progress(fraction, message)."""
        self._report(fraction, message)

    def should_cancel(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()


class _Runner(QRunnable):
    def __init__(self, op: "Op[Any]") -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.op = op

    def run(self) -> None:
        op = self.op
        try:
            op.handle.check()
            result = op.fn(op.handle) if op.takes_handle else op.fn()
        except BaseException as error:  # noqa: BLE001 - every failure goes back to the GUI thread
            op._failed.emit(error)
        else:
            op._succeeded.emit(result)


class Op(QObject, Generic[T]):
    """One operation; build it with `Operations.op` / `Operations.task`, chain callbacks, `run()`."""

    _succeeded = Signal(object)
    _failed = Signal(object)
    _progressed = Signal(float, str)
    finished = Signal(bool)  # True on success

    def __init__(
        self,
        ops: "Operations",
        parent: QWidget | None,
        fn: Callable[..., Any],
        *,
        write: bool,
        takes_handle: bool,
        title: str,
    ) -> None:
        super().__init__()
        self.ops, self.parent_widget, self.fn = ops, parent, fn
        self.write, self.takes_handle = write, takes_handle
        self.title = title
        self.handle = TaskHandle(self._progressed.emit)
        self._on_success: list[Callable[[T], Any]] = []
        self._on_failure: Callable[[BaseException], Any] | None = None
        self._on_progress: list[Callable[[float, str], Any]] = []
        self._on_done: list[Callable[[], Any]] = []
        # queued: the worker emits, the GUI thread runs the slots
        self._succeeded.connect(self._success, Qt.ConnectionType.QueuedConnection)
        self._failed.connect(self._failure, Qt.ConnectionType.QueuedConnection)
        self._progressed.connect(self._progress, Qt.ConnectionType.QueuedConnection)

    def success(self, callback: Callable[[T], Any]) -> "Op[T]":
        self._on_success.append(callback)
        return self

    def failure(self, callback: Callable[[BaseException], Any]) -> "Op[T]":
        """Replace the default (a dialog with the sentence)."""
        self._on_failure = callback
        return self

    def on_progress(self, callback: Callable[[float, str], Any]) -> "Op[T]":
        self._on_progress.append(callback)
        return self

    def done(self, callback: Callable[[], Any]) -> "Op[T]":
        """Called after success or failure (re-enable buttons, hide progress)."""
        self._on_done.append(callback)
        return self

    def cancel(self) -> None:
        self.handle.cancel()

    def run(self) -> "Op[T]":
        self.ops._start(self)
        return self

    @Slot(object)
    def _success(self, result: Any) -> None:
        value = result.value if isinstance(result, Done) else result
        try:
            for callback in self._on_success:
                callback(value)
        except BaseException as error:  # noqa: BLE001 - a bug in a callback still ends the operation
            report_error(self.parent_widget, error, self.title)
        finally:
            try:
                if isinstance(result, Done):  # what changed is said once the caller has its answer
                    self.ops.events.announce_receipt(result.receipt)
            finally:
                self._finish(True)

    @Slot(object)
    def _failure(self, error: BaseException) -> None:
        try:
            if isinstance(error, Cancelled):
                pass  # the person asked for it (core's and valuation's "cancelled" are this one class)
            elif self._on_failure is not None:
                self._on_failure(error)
            else:
                report_error(self.parent_widget, error, self.title)
        finally:
            self._finish(False)

    @Slot(float, str)
    def _progress(self, fraction: float, message: str) -> None:
        for callback in self._on_progress:
            callback(fraction, message)

    def _finish(self, ok: bool) -> None:
        for callback in self._on_done:
            try:
                callback()
            except BaseException as error:  # noqa: BLE001 - a bug in a "done" callback is reported, and the operation still ends
                report_error(self.parent_widget, error, self.title)
        self.finished.emit(ok)
        self.ops._ended(self)


class Operations(QObject):
    """The two pools and the operations in flight; `shutdown()` cancels and joins them."""

    busy_changed = Signal(bool)
    started = Signal(object)  # Op
    ended = Signal(object)  # Op

    def __init__(self, events: Events) -> None:
        super().__init__()
        self.events = events
        self.writes = QThreadPool()
        self.writes.setMaxThreadCount(1)
        self.reads = QThreadPool()
        self.reads.setMaxThreadCount(max(2, min(8, os.cpu_count() or 2)))
        self.active: list[Op[Any]] = []  # also keeps each Op alive until it ends
        self._closed = False

    @overload
    def op(
        self, parent: QWidget | None, fn: Callable[[], Done[T]], *, write: bool = False, title: str = "Deedbook"
    ) -> Op[T]: ...

    @overload
    def op(
        self, parent: QWidget | None, fn: Callable[[], T], *, write: bool = False, title: str = "Deedbook"
    ) -> Op[T]: ...

    def op(
        self, parent: QWidget | None, fn: Callable[[], Any], *, write: bool = False, title: str = "Deedbook"
    ) -> Op[Any]:
        """`fn` on a worker; callbacks get its result (a `Done`'s value, its receipt broadcast)."""
        return Op(self, parent, fn, write=write, takes_handle=False, title=title)

    @overload
    def task(
        self,
        parent: QWidget | None,
        fn: Callable[[TaskHandle], Done[T]],
        *,
        write: bool = False,
        title: str = "Deedbook",
    ) -> Op[T]: ...

    @overload
    def task(
        self, parent: QWidget | None, fn: Callable[[TaskHandle], T], *, write: bool = False, title: str = "Deedbook"
    ) -> Op[T]: ...

    def task(
        self, parent: QWidget | None, fn: Callable[[TaskHandle], Any], *, write: bool = False, title: str = "Deedbook"
    ) -> Op[Any]:
        """A long `fn(handle)`: progress and Cancel in the status bar."""
        return Op(self, parent, fn, write=write, takes_handle=True, title=title)

    @property
    def busy(self) -> bool:
        return bool(self.active)

    def _start(self, op: Op[Any]) -> None:
        if self._closed:
            log.debug("closing: %s not started", op.title)  # a late timer after the window closed
            op.deleteLater()
            return
        self.active.append(op)
        if len(self.active) == 1:
            self.busy_changed.emit(True)
        self.started.emit(op)
        (self.writes if op.write else self.reads).start(_Runner(op))

    def _ended(self, op: Op[Any]) -> None:
        if op in self.active:
            self.active.remove(op)
        self.ended.emit(op)
        if not self.active:
            self.busy_changed.emit(False)
        op.deleteLater()

    def cancel_all(self) -> None:
        for op in list(self.active):
            op.cancel()

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel everything, then join both pools (a write in progress finishes: it is one transaction)."""
        self._closed = True
        self.cancel_all()
        done = self.writes.waitForDone(timeout_ms) and self.reads.waitForDone(timeout_ms)
        self.writes.clear()
        self.reads.clear()
        return bool(done)


class Latest:
    """Ledger reads whose answers replace each other: only the newest answer to each question is shown.

    A pane asks "deed 12's history" and, before the answer is back, "deed 13's":
    the first answer arrives late and is dropped.  Failures of a stale read are
    dropped too; the newest one's go to `failed` (default: a dialog)."""

    def __init__(self, ops: Operations, parent: QWidget | None) -> None:
        self.ops, self.parent = ops, parent
        self._asked: dict[str, int] = {}

    # a `Done[T]` is answered as its T (the op unwraps it and broadcasts its receipt), as `Operations.op` types it
    @overload
    def read(
        self,
        question: str,
        fn: Callable[[], Done[T]],
        then: Callable[[T], Any],
        *,
        failed: Callable[[BaseException], Any] | None = None,
        title: str = "Reading the ledger",
    ) -> Op[T]: ...

    @overload
    def read(
        self,
        question: str,
        fn: Callable[[], T],
        then: Callable[[T], Any],
        *,
        failed: Callable[[BaseException], Any] | None = None,
        title: str = "Reading the ledger",
    ) -> Op[T]: ...

    def read(
        self,
        question: str,
        fn: Callable[[], Any],
        then: Callable[[Any], Any],
        *,
        failed: Callable[[BaseException], Any] | None = None,
        title: str = "Reading the ledger",
    ) -> Op[Any]:
        return self._ask(question, self.ops.op(self.parent, fn, title=title), then, failed, title)

    @overload
    def task(
        self,
        question: str,
        fn: Callable[[TaskHandle], Done[T]],
        then: Callable[[T], Any],
        *,
        failed: Callable[[BaseException], Any] | None = None,
        title: str = "Reading the ledger",
    ) -> Op[T]: ...

    @overload
    def task(
        self,
        question: str,
        fn: Callable[[TaskHandle], T],
        then: Callable[[T], Any],
        *,
        failed: Callable[[BaseException], Any] | None = None,
        title: str = "Reading the ledger",
    ) -> Op[T]: ...

    def task(
        self,
        question: str,
        fn: Callable[[TaskHandle], Any],
        then: Callable[[Any], Any],
        *,
        failed: Callable[[BaseException], Any] | None = None,
        title: str = "Reading the ledger",
    ) -> Op[Any]:
        """`read` for a long job: its progress and Cancel in the status bar (`Operations.task`)."""
        return self._ask(question, self.ops.task(self.parent, fn, title=title), then, failed, title)

    def _ask(
        self,
        question: str,
        op: Op[T],
        then: Callable[[T], Any],
        failed: Callable[[BaseException], Any] | None,
        title: str,
    ) -> Op[T]:
        token = self._asked.get(question, 0) + 1
        self._asked[question] = token

        def current() -> bool:
            return self._asked.get(question) == token

        def answer(result: T) -> None:
            if current():
                then(result)

        def refused(error: BaseException) -> None:
            if not current():
                return
            if failed is not None:
                failed(error)
            else:
                report_error(self.parent, error, title)

        return op.success(answer).failure(refused).run()

    def forget(self, question: str) -> None:
        """Drop whatever answer to `question` is still coming."""
        self._asked[question] = self._asked.get(question, 0) + 1
