"""Races between two reads of the same thing: the older one held back so that it answers last."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

# How long the older call waits for a newer one; under the tests' 10 s wait for `answered`.
NEWER_WAIT_S = 8.0
# The older answer comes this long after the newer one has, so the newer one's signal is sent first.
AFTER_NEWER_S = 0.2


def older_answers_last(
    fn: Callable[..., Any],
    slow: Callable[[Any], bool] | None = None,
    *,
    called_with: Callable[..., bool] | None = None,
) -> tuple[Callable[..., Any], threading.Event, threading.Event]:
    """`fn`, except that the first call picked — by its answer (`slow(answer)`) or by its arguments
    (`called_with(*args, **kwargs)`) — answers only once another call has answered (or after 8 s).

    Returns it with an event set once that call has read (what it read may be changed then) and one set once
    it has answered. Waiting for the newer call, not a fixed half second, keeps the order on a loaded machine,
    where the newer read itself can take longer than any fixed delay. Any call not picked counts, even one that
    answered before the older one had read: the pool's threads may start the two in either order, and the tests
    install this just before the two reads they race."""
    read, answered = threading.Event(), threading.Event()
    other_answered = threading.Event()

    def picked(answer: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        if called_with is not None:
            return called_with(*args, **kwargs)
        return slow is None or slow(answer)

    def delayed(*args: Any, **kwargs: Any) -> Any:
        answer = fn(*args, **kwargs)
        if not read.is_set() and picked(answer, args, kwargs):
            read.set()
            other_answered.wait(NEWER_WAIT_S)
            time.sleep(AFTER_NEWER_S)
            answered.set()
        else:
            other_answered.set()
        return answer

    return delayed, read, answered
