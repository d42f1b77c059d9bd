"""A painted chart's parts as children in the accessibility tree, so a screen reader can walk them.

Qt gives a painted widget one accessible object.  `install` (once, by the app and the tests' app fixture) adds
a factory that gives each `FigureChart` a `ChartAccess`, role Chart, whose children are its parts in the order
the arrows take: each a `PartAccess`, role ListItem, named with the figure's words as the chart writes them
("Estimate: USD 215,000"), described by its place ("2 of 5"), on its `part_box` in screen coordinates, and
focused while the keyboard is on it.  A Focus event naming the part follows the arrows, and an ObjectReorder
event says the children changed when the chart shows new figures.

Who frees what, as PySide6 6.12 does it (tests/gui/test_chart_access.py holds each point):
- Qt's accessibility cache deletes the chart's interface with its widget.  The Python object stays (PySide
  keeps a reference to what the factory returns), marked invalid, and `_kept` holds it too, so that it can
  never be freed from Python while the cache still points at it; `_kept` lets go of it once Qt has deleted it.
- A part has no QObject, so Qt deletes it only when told (`deleteAccessibleInterface`), and a Python part freed
  while registered left the cache a dangling pointer (the next lookup crashed).  So `_Parts` keeps each part
  it registered until it has unregistered it: when the chart's figures change and when the chart is destroyed.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, QRect
from PySide6.QtGui import QAccessible, QAccessibleEvent, QAccessibleInterface, QWindow
from PySide6.QtWidgets import QAccessibleWidget
from shiboken6 import Shiboken

if TYPE_CHECKING:
    from desktop.gui.widgets.figures import FigureChart

_installed = False
_kept: list[ChartAccess] = []  # each chart's interface, until Qt has deleted it (see above)


def install() -> None:
    """The factory, once per process (installing it twice would ask it twice for every widget)."""
    global _installed
    if not _installed:
        QAccessible.installFactory(_factory)
        _installed = True


def _factory(class_name: str, widget: QObject) -> QAccessibleInterface | None:
    # Qt asks with each class name up the widget's hierarchy ("RangeChart", "FigureChart", "QWidget"): matching
    # the base's name needs no import of figures.py (and its charts) at start-up
    if class_name != "FigureChart":
        return None
    _kept[:] = [kept for kept in _kept if Shiboken.isValid(kept)]
    access = ChartAccess(widget)  # type: ignore[arg-type]  # (a FigureChart: its class name says so)
    _kept.append(access)
    return access


def tell(event: QAccessibleEvent) -> None:
    """`event` to the screen reader, if one is listening (none is offscreen: the tests listen here instead)."""
    if QAccessible.isActive():
        QAccessible.updateAccessibility(event)


class ChartAccess(QAccessibleWidget):
    """The chart itself, role Chart; its name and description are the widget's, its children its parts."""

    def __init__(self, chart: FigureChart) -> None:
        super().__init__(chart, QAccessible.Role.Chart)
        self.parts = _Parts(chart)

    def childCount(self) -> int:
        return self.parts.count()

    def child(self, index: int) -> QAccessibleInterface | None:  # type: ignore[override]  # (None: no such part)
        return self.parts.at(index)

    def indexOfChild(self, child: QAccessibleInterface) -> int:
        return child.index if isinstance(child, PartAccess) and child.parts is self.parts else -1

    def focusChild(self) -> QAccessibleInterface | None:  # type: ignore[override]
        chart = self.parts.chart()
        if chart is None or not chart.hasFocus() or chart.part < 0:
            return None
        return self.parts.at(chart.part)

    def childAt(self, x: int, y: int) -> QAccessibleInterface | None:  # type: ignore[override]
        chart = self.parts.chart()
        if chart is None:
            return None
        at = chart.mapFromGlobal(QPoint(x, y)).toPointF()
        for index in range(self.parts.count()):
            box = chart.part_box(index)
            if box is not None and box.contains(at):
                return self.parts.at(index)
        return None


class _Parts:
    """The part interfaces of one chart, made as Qt asks for them, kept until unregistered (see the module)."""

    def __init__(self, chart: FigureChart) -> None:
        self.chart = weakref.ref(chart)  # (a strong one would keep a dropped chart's widget alive)
        self.made: dict[int, PartAccess] = {}
        self.ids: list[int] = []
        chart.parts_changed.connect(self.renew)
        chart.part_reached.connect(self.reached)
        chart.destroyed.connect(self.forget)

    def count(self) -> int:
        chart = self.chart()
        return len(chart.figure_rows()) if chart is not None and Shiboken.isValid(chart) else 0

    def at(self, index: int) -> PartAccess | None:
        if not 0 <= index < self.count():
            return None
        if index not in self.made:
            part = PartAccess(self, index)
            self.ids.append(QAccessible.registerAccessibleInterface(part))
            self.made[index] = part
        return self.made[index]

    def renew(self) -> None:
        """New figures: the old parts go (a screen reader asks for the new ones), and the children changed."""
        self.forget()
        chart = self.chart()
        if chart is not None:
            tell(QAccessibleEvent(chart, QAccessible.Event.ObjectReorder))

    def reached(self, index: int) -> None:
        """The keyboard onto part `index`: the focus, for a screen reader, is that child."""
        chart = self.chart()
        if chart is not None and self.at(index) is not None:
            event = QAccessibleEvent(chart, QAccessible.Event.Focus)
            event.setChild(index)
            tell(event)

    def forget(self) -> None:
        """Qt deletes each part (its Python object is marked invalid); only then are they let go of."""
        for part_id in self.ids:
            QAccessible.deleteAccessibleInterface(part_id)
        self.ids.clear()
        self.made.clear()


class PartAccess(QAccessibleInterface):
    """One part of a chart: a figure, read by its words, where it is drawn."""

    def __init__(self, parts: _Parts, index: int) -> None:
        super().__init__()
        self.parts, self.index = parts, index

    def _chart(self) -> FigureChart | None:
        chart = self.parts.chart()
        return chart if chart is not None and Shiboken.isValid(chart) else None

    def isValid(self) -> bool:
        return self._chart() is not None and self.index < self.parts.count()

    def object(self) -> QObject | None:  # type: ignore[override]  # (a part is painted, no QObject)
        return None

    def window(self) -> QWindow | None:  # type: ignore[override]
        chart = self._chart()
        return chart.window().windowHandle() if chart is not None else None

    def relations(
        self, match: QAccessible.RelationFlag = QAccessible.RelationFlag.AllRelations
    ) -> list[tuple[QAccessibleInterface, QAccessible.RelationFlag]]:
        return []

    def focusChild(self) -> QAccessibleInterface | None:  # type: ignore[override]
        return None

    def childAt(self, x: int, y: int) -> QAccessibleInterface | None:  # type: ignore[override]
        return None

    def parent(self) -> QAccessibleInterface | None:  # type: ignore[override]
        chart = self._chart()
        return QAccessible.queryAccessibleInterface(chart) if chart is not None else None

    def child(self, index: int) -> QAccessibleInterface | None:  # type: ignore[override]
        return None

    def childCount(self) -> int:
        return 0

    def indexOfChild(self, child: QAccessibleInterface) -> int:
        return -1

    def text(self, t: QAccessible.Text) -> str:
        chart = self._chart()
        if chart is None or not self.isValid():
            return ""
        if t == QAccessible.Text.Name:
            return chart.part_words(self.index)
        if t == QAccessible.Text.Description:
            return f"{self.index + 1} of {self.parts.count()}"
        return ""

    def setText(self, t: QAccessible.Text, text: str) -> None:
        pass  # a figure is read, not written

    def rect(self) -> QRect:
        """The part's box in screen coordinates (the chart's own when the part has none)."""
        chart = self._chart()
        if chart is None:
            return QRect()
        box = chart.part_box(self.index)
        local = box.toAlignedRect() if box is not None else chart.rect()
        return local.translated(chart.mapToGlobal(QPoint(0, 0)))

    def role(self) -> QAccessible.Role:
        return QAccessible.Role.ListItem

    def state(self) -> QAccessible.State:
        state = QAccessible.State()
        chart = self._chart()
        if chart is None:
            return state
        state.focusable = True
        state.readOnly = True
        state.focused = chart.hasFocus() and chart.part == self.index
        state.invisible = not chart.isVisible()
        return state
