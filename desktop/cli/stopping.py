"""Ctrl+C as a request to stop at the next whole step, for a job that can stop between its steps.

A replica sync appends in batches, each one transaction: Python's own Ctrl+C (KeyboardInterrupt, wherever the
program happens to be) would end it anywhere, and a first sync would then take away the whole batches it had
written.  While `ctrl_c_asks_to_stop()` holds, Ctrl+C only sets the event the job's `cancelled` reads; the job
stops at its next batch (or ends its wait for another sync), and says how far it got.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator


@contextlib.contextmanager
def ctrl_c_asks_to_stop() -> Iterator[threading.Event]:
    asked = threading.Event()
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set a handler
        yield asked
        return
    previous = signal.signal(signal.SIGINT, lambda _signum, _frame: asked.set())
    try:
        yield asked
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)
