"""What the theme's application event filter (desktop/gui/style_events.py: a spin box's text inset, the
keyboard's focus ring) costs each event the application delivers: every event passes through it, a paint or a
timer as much as a key.  Events are sent to a button (a control keyboard_focus watches) with and without the
filter, alternating rounds; the figure is the difference per event, and at a busy window's rate (5,000 events
a second: a scroll or a resize) the share of one second that is.

    python benchmarks/gui_event_filters.py [--events 100000] [--rounds 5]

Goal: under 5 µs an event (a fortieth of each busy second).  An empty Python filter costs about 1 µs, asking the
event its type() about 1.5 µs more: most of the figure is PySide's, not the filter's work.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QPushButton

from desktop.gui.style_events import StyleEvents

GOAL_US = 5.0
BUSY_RATE = 5_000


def deliver(app: QApplication, target: QPushButton, kind: QEvent.Type, count: int) -> float:
    """Seconds to send `count` events of `kind` to `target` (each through the application's filters)."""
    started = time.perf_counter()
    for _ in range(count):
        app.sendEvent(target, QEvent(kind))
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    target = QPushButton("Record on ledger\u2026")
    filters = [StyleEvents(app)]
    kinds = {"an event they skip (User)": QEvent.Type.User, "a key release": QEvent.Type.KeyRelease}
    worst = 0.0
    for name, kind in kinds.items():
        bare, filtered = [], []
        for _ in range(args.rounds):
            bare.append(deliver(app, target, kind, args.events))
            for watcher in filters:
                app.installEventFilter(watcher)
            filtered.append(deliver(app, target, kind, args.events))
            for watcher in filters:
                app.removeEventFilter(watcher)
        cost_us = (statistics.median(filtered) - statistics.median(bare)) / args.events * 1e6
        worst = max(worst, cost_us)
        print(
            f"{name}: {statistics.median(bare) / args.events * 1e6:.2f} µs bare, "
            f"{statistics.median(filtered) / args.events * 1e6:.2f} µs with the filter: +{cost_us:.2f} µs an event, "
            f"{cost_us * BUSY_RATE / 1e4:.2f}% of a second at {BUSY_RATE:,} events a second"
        )
    print(f"goal: under {GOAL_US:g} µs an event: {'met' if worst < GOAL_US else 'NOT met'} ({worst:.2f} µs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
