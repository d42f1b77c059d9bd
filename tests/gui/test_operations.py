"""The operation helper: results and failures come back on the GUI thread, by signal."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThread

from core.errors import DeedbookError
from desktop.gui.context import AppContext
from desktop.gui.events import Change, Changes, changes_of
from desktop.gui.operations import Cancelled, TaskHandle, describe_error
from desktop.workspace import Done, Receipt
from tests.gui.conftest import Prompts


def test_success_runs_off_thread_and_broadcasts_the_receipt(ctx: AppContext, qtbot: Any) -> None:
    seen: dict[str, Any] = {}
    changes: list[Change] = []

    def work() -> Done[int]:
        seen["thread"] = threading.current_thread()
        return Done(42, Receipt(entries=(7,), kinds=("Transfer",), deed_ids=frozenset({42})))

    op = ctx.ops.op(None, work, write=True)
    op.success(lambda r: seen.update(result=r, gui=QThread.currentThread(), heard=list(changes)))
    ctx.events.changed.connect(lambda change: change.what != Changes.NAMES and changes.append(change))
    with qtbot.waitSignal(op.finished, timeout=5000):
        op.run()
    assert seen["result"] == 42 and seen["thread"] is not threading.main_thread()  # the value, not the Done
    assert seen["gui"] is QThread.currentThread()
    assert seen["heard"] == []  # the caller has its answer before the panes hear of the change
    assert changes == [Change(Changes.LEDGER | Changes.DEEDS, frozenset({42}))]


@pytest.mark.parametrize(
    "receipt, flags",
    [
        (Receipt(), Changes.NONE),
        (Receipt(entries=(3,), kinds=("Checkpoint",)), Changes.LEDGER),
        (
            Receipt(entries=(4,), kinds=("Attestation",), deed_ids=frozenset({1})),
            Changes.LEDGER | Changes.DEEDS | Changes.JOURNAL,
        ),
        (Receipt(files=(Path("a/title.pdf"),)), Changes.DOCUMENTS),
        (Receipt(files=(Path("requests/transfer-seller.json"),)), Changes.NONE),
        (Receipt(keys=True, contacts=True), Changes.KEYS | Changes.CONTACTS),
        (Receipt(model=True, settings=True, folder=True), Changes.VALUATIONS | Changes.SETTINGS | Changes.DATA_FOLDER),
    ],
)
def test_receipts_map_to_refreshes_in_one_place(receipt: Receipt, flags: Changes) -> None:
    assert changes_of(receipt).what == flags


def test_core_error_is_one_sentence_in_a_dialog(ctx: AppContext, qtbot: Any, prompt_log: Prompts) -> None:
    def refuse() -> None:
        raise DeedbookError("Parcel P-1 is registered already.")

    op = ctx.ops.op(None, refuse, write=True)
    with qtbot.waitSignal(op.finished, timeout=5000) as blocker:
        op.run()
    assert blocker.args == [False]
    assert prompt_log.errors == ["Parcel P-1 is registered already."]


def test_unexpected_error_is_logged_and_shown(
    ctx: AppContext, qtbot: Any, prompt_log: Prompts, caplog: pytest.LogCaptureFixture
) -> None:
    op = ctx.ops.op(None, lambda: 1 / 0)
    with qtbot.waitSignal(op.finished, timeout=5000):
        op.run()
    assert "ZeroDivisionError" in prompt_log.errors[0] and "Traceback" not in prompt_log.errors[0]
    assert "ZeroDivisionError" in caplog.text


def test_an_unexpected_errors_log_keeps_no_urls_password(
    ctx: AppContext, qtbot: Any, prompt_log: Prompts, caplog: pytest.LogCaptureFixture
) -> None:
    def fails() -> None:
        raise ValueError("cannot open http://alice:s3cret@records.example.org:8443/county")

    op = ctx.ops.op(None, fails)
    with qtbot.waitSignal(op.finished, timeout=5000):
        op.run()
    assert "cannot open http://records.example.org:8443/county" in caplog.text and "s3cret" not in caplog.text
    assert "ValueError" in prompt_log.errors[0] and "s3cret" not in prompt_log.errors[0]


def test_task_reports_progress_and_cancels_quietly(ctx: AppContext, qtbot: Any, prompt_log: Prompts) -> None:
    started = threading.Event()
    release = threading.Event()
    fractions: list[float] = []

    def job(task: TaskHandle) -> str:
        task.progress(1, 4)
        started.set()
        release.wait(5)
        task.check()
        return "finished"

    op = ctx.ops.task(None, job).on_progress(lambda f, _m: fractions.append(f))
    op.run()
    qtbot.waitUntil(started.is_set)
    assert ctx.ops.busy
    op.cancel()
    release.set()
    qtbot.waitUntil(lambda: not ctx.ops.busy, timeout=5000)
    assert prompt_log.errors == [] and fractions == [0.25]


def test_a_failure_after_cancel_is_still_said(ctx: AppContext, qtbot: Any, prompt_log: Prompts) -> None:
    """Cancel stops long work at its next check; work that fails before it gets there (a replica sync's
    batch under way, say) failed, and the person must hear it: only the cancellation itself is quiet."""
    started = threading.Event()
    release = threading.Event()

    def job(task: TaskHandle) -> str:
        started.set()
        release.wait(5)
        raise DeedbookError("Another sync appended to this replica meanwhile; nothing more was synced.")

    op = ctx.ops.task(None, job)
    op.run()
    qtbot.waitUntil(started.is_set)
    op.cancel()
    release.set()
    qtbot.waitUntil(lambda: not ctx.ops.busy, timeout=5000)
    assert prompt_log.errors == ["Another sync appended to this replica meanwhile; nothing more was synced."]


def test_describe_error_sentences() -> None:
    assert describe_error(Cancelled()) == "Cancelled; nothing was written."
    assert describe_error(FileNotFoundError(2, "No such file", "/x.json")) == "There is no file /x.json."
