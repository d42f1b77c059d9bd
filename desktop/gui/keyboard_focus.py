"""Whether a control's focus came from the keyboard, for the style sheet's focus ring (a :focus-visible).

Desktop platforms (and WCAG's focus-visible idea) ring a button when the keyboard brought the focus to it,
not when it was clicked: the pointer is where the user looks already.  Qt style sheets have no :focus-visible,
so the application's filter (style_events.py) keeps a dynamic property, `keyboardFocus`, on the controls that act on a click
(buttons, check boxes, radio buttons, tabs, the sidebar's pages) and base.qss rings them only on
`[keyboardFocus="true"]:focus`.  Fields, spin, combo and date boxes, tables and the charts keep their ring on
a click too: they take typing or arrow keys after it, and the ring (like a caret) says where those keys go,
as platforms and browsers ring a clicked text field.

Where the focus came from: Tab, Backtab and a shortcut or mnemonic are the keyboard, a click the pointer.
Focus set by the program (a dialog opening on its default button, a pane on its first field) follows the
last input, a key or a click (before any, the keyboard: a window opens showing where its focus is);
a window activated again gives back the look its control had.  A key pressed on a clicked button rings it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QListWidget, QTabBar, QWidget

PROPERTY = "keyboardFocus"
CLICKED_ONLY = (QAbstractButton, QTabBar, QListWidget)  # what base.qss rings on [keyboardFocus="true"] only

_BY_KEYBOARD = {Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason, Qt.FocusReason.ShortcutFocusReason}
_MODIFIERS = {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr}


def mark(widget: QWidget, keyboard: bool) -> None:
    """Set the property and restyle the widget when it changes (a style sheet reads properties on polish)."""
    if widget.property(PROPERTY) == keyboard:
        return
    widget.setProperty(PROPERTY, keyboard)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


# the events that say where the focus came from, and what the last input was
WATCHED = frozenset({QEvent.Type.FocusIn, QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress})


class KeyboardFocus:
    """Told each WATCHED event the application delivers (style_events.StyleEvents, installed by the theme)."""

    def __init__(self) -> None:
        self.keyboard_last = True  # the last input was a key (before any: as if)

    def seen(self, watched: QObject, kind: QEvent.Type, event: QEvent) -> None:
        if kind == QEvent.Type.FocusIn:
            if isinstance(watched, CLICKED_ONLY):
                assert isinstance(event, QFocusEvent)
                self._focused(watched, event.reason())
        elif kind == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() not in _MODIFIERS:  # Ctrl held for a Ctrl+click is not the keyboard's focus
                self.keyboard_last = True
                focused = QApplication.focusWidget()
                if isinstance(focused, CLICKED_ONLY):
                    mark(focused, True)
        else:  # a mouse button pressed
            self.keyboard_last = False
            if watched is QApplication.focusWidget() and isinstance(watched, CLICKED_ONLY):
                mark(watched, False)  # a click on the ringed button: the pointer took over

    def _focused(self, widget: QWidget, reason: Qt.FocusReason) -> None:
        if reason in _BY_KEYBOARD:
            mark(widget, True)
        elif reason == Qt.FocusReason.MouseFocusReason:
            mark(widget, False)
        elif reason != Qt.FocusReason.ActiveWindowFocusReason or widget.property(PROPERTY) is None:
            mark(widget, self.keyboard_last)
