"""Races between two reads of the same thing: the older one delayed so that it answers last."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable


def older_answers_last(
    fn: Callable[..., Any], slow: Callable[[Any], bool]
) -> tuple[Callable[..., Any], threading.Event, threading.Event]:
    """`fn`, except that a call whose answer `slow(answer)` picks answers half a second late; with an event set
    once that call has read (what it read may be changed then) and one set once it has answered."""
    read, answered = threading.Event(), threading.Event()

    def delayed(*args: Any, **kwargs: Any) -> Any:
        answer = fn(*args, **kwargs)
        if slow(answer):
            read.set()
            time.sleep(0.5)
            answered.set()
        return answer

    return delayed, read, answered
