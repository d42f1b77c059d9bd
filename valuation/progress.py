"""Progress reporting and cancellation for long jobs (training, evaluation).

The GUI runs these jobs on a worker thread: it passes a `progress(fraction, message)`
callback and a `should_cancel()` check.  Jobs call `Steps.check()` between
units of work (one model fit each), so a cancel is honoured within about a second.
"""

from __future__ import annotations

from typing import Callable

from core.errors import Cancelled

__all__ = ["Cancelled", "CancelFn", "ProgressFn", "Steps"]

ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], bool]


class Steps:
    """Maps the progress of a sub-job onto a slice [start, end] of the whole bar."""

    def __init__(
        self,
        progress: ProgressFn | None = None,
        should_cancel: CancelFn | None = None,
        start: float = 0.0,
        end: float = 1.0,
    ) -> None:
        self._progress = progress
        self._cancel = should_cancel
        self.start = start
        self.end = end

    def report(self, fraction: float, message: str) -> None:
        self.check()
        if self._progress is not None:
            fraction = min(max(fraction, 0.0), 1.0)
            self._progress(self.start + (self.end - self.start) * fraction, message)

    def check(self) -> None:
        if self._cancel is not None and self._cancel():
            raise Cancelled()

    def sub(self, lo: float, hi: float) -> "Steps":
        """The part of this job between fractions lo and hi of it."""
        width = self.end - self.start
        return Steps(self._progress, self._cancel, self.start + width * lo, self.start + width * hi)
