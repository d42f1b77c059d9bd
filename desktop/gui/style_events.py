"""One application event filter for what the style sheet cannot say: where a spin box's text starts
(field_inset.py) and whether the keyboard brought the focus (keyboard_focus.py).

Every event the application delivers passes an application filter, a paint or a timer as much as a key, and
each filter written in Python costs a call into Python per event: one filter for both jobs, not one each
(benchmarks/gui_event_filters.py measures what it costs).  theme.apply_theme installs it once.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractSpinBox

from desktop.gui.field_inset import inset_text
from desktop.gui.keyboard_focus import WATCHED, KeyboardFocus


class StyleEvents(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.focus = KeyboardFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish:
            if isinstance(watched, QAbstractSpinBox):  # before it is first shown
                inset_text(watched)
        elif kind in WATCHED:
            self.focus.seen(watched, kind, event)
        return False
