"""A transfer's screen as people read it: its level in a coloured banner, then each reason with its weight.

Shared by the transfer wizard, the notary desk and the Review pane.  The texts come
from the screen (core.screening, valuation.screening) and are shown as plain text.
Screening results are internal: this widget is for the agency's eyes only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop.gui import a11y, fmt
from desktop.gui.widgets.basics import banner, label, set_role

if TYPE_CHECKING:
    from core.requests import SigningRequest
    from core.screening.combine import Assessment
    from desktop.gui.context import AppContext
    from desktop.gui.operations import Latest

TONES = {"low": "banner-good", "review": "banner-warn", "high": "banner-bad"}
HEADLINES = {"low": "Low risk", "review": "Review before going on", "high": "High risk"}


def headline(a: "Assessment") -> str:
    return f"{HEADLINES[a.level]} \u2022 screening score {fmt.decimal(a.score, 2)}"


class ScreenView(QWidget):
    """The level and the reasons of one screen (or a sentence when there is none)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.banner, banner_layout = banner("warn")
        self.title = label("", wrap=True)
        self.title.setProperty("role", "section")
        banner_layout.addWidget(self.title, 1)
        layout.addWidget(self.banner)
        self.reasons = QVBoxLayout()
        self.reasons.setSpacing(4)
        layout.addLayout(self.reasons)
        self.note = label("", "muted", wrap=True)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.assessment: Assessment | None = None
        self.show_message("Not screened yet.")

    def _clear(self) -> None:
        while self.reasons.count():
            item = self.reasons.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # gone now, not when the event loop gets to deleting it
                widget.deleteLater()

    def show_message(self, text: str, tone: str = "banner-warn") -> None:
        self.assessment = None
        set_role(self.banner, tone, verdict=False)  # a note (reading, nothing selected), not a level
        self.title.setText(text)
        self._clear()
        self.note.setText("")

    def show_assessment(self, a: "Assessment", *, limit: int = 8) -> None:
        self.assessment = a
        set_role(self.banner, TONES[a.level])
        self.title.setText(headline(a))
        self._clear()
        shown = [r for r in a.reasons if abs(float(r["weight"])) >= 0.05 or r.get("source") == "history"][:limit]
        for reason in shown:
            self.reasons.addWidget(reason_row(reason))
        review: dict[str, Any] | None = a.extra.get("review")
        notes = []
        if review:
            notes.append(
                f"Reviewed: {review['decision']} (entry #{review['review_entry']}) \u2014 "
                f"{fmt.plain(review['note'], 300)}"
            )
        notes.append("Internal to the agency: screening is never printed on deeds, certificates or requests.")
        self.note.setText("\n".join(notes))


def reason_row(reason: dict[str, Any]) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    weight = float(reason["weight"])
    badge = QLabel(fmt.decimal(weight, 2, signed=True))
    # "strong", not "section": a section heading's top padding set the strong weights lower than their text
    badge.setProperty("role", "muted" if abs(weight) < 1 else "strong")
    badge.setFixedWidth(badge.fontMetrics().horizontalAdvance("+88.88") + 8)  # one column, bold or not
    badge.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    badge.setToolTip("Effect on the log-odds of the score; the pattern's code: " + str(reason["code"]))
    text = label(fmt.reason(reason, 600), wrap=True, plain=True)
    layout.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
    layout.addWidget(text, 1)
    return row


class _FollowsContent(QObject):
    """Grows the scroll area with the reasons in it, from its least height up to `most` (then it scrolls)."""

    def __init__(self, area: QScrollArea, least: int, most: int) -> None:
        super().__init__(area)
        self.area, self.least, self.most = area, least, most

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Resize) and isinstance(watched, QWidget):
            # wrapped reasons: their height at the width they have, not at the narrower one sizeHint assumes
            height = watched.heightForWidth(watched.width()) if watched.hasHeightForWidth() else -1
            height = height if height > 0 else watched.sizeHint().height()
            self.area.setMinimumHeight(max(self.least, min(self.most, height)))
        return False


def scrolled(view: ScreenView, min_height: int = 210, grow_to: int = 0) -> QScrollArea:
    """`view` in a frameless scroll area of at least `min_height`: reasons wrap onto several lines.  With
    `grow_to`, the area is as tall as the reasons up to that height, for a layout that gives it no stretch
    (the room below goes to what follows, not to an empty band under a short screen)."""
    area = a11y.name(QScrollArea(), "Screening")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setMinimumHeight(min_height)
    area.setWidget(view)
    if grow_to:
        view.installEventFilter(_FollowsContent(area, min_height, grow_to))
    return area


def screen_request_into(ctx: "AppContext", reads: "Latest", view: ScreenView, request: "SigningRequest") -> None:
    """Screen a prepared transfer on a worker (training a model first if there is none) and show it in `view`;
    a failure is said in the view, not in a dialog: screening informs, it does not stop the transfer.  `reads`
    (question "screening") keeps only the newest transfer's answer: one prepared again meanwhile replaces it."""
    from desktop.gui.operations import TaskHandle, describe_error

    ws = ctx.ws
    view.show_message("Screening this transfer against the ledger and the valuation model\u2026")

    def work(task: TaskHandle) -> "Assessment":
        return ws.screen_prepared(request, task.fraction, task.should_cancel, train=False)

    def failed(error: BaseException) -> None:
        view.show_message(f"Not screened: {describe_error(error)}", "banner-warn")

    reads.task("screening", work, view.show_assessment, failed=failed, title="Screening the transfer")


def screen_entry_into(ctx: "AppContext", reads: "Latest", view: ScreenView, index: int) -> None:
    """Screen a recorded transfer (as of its recording) on a worker and show it in `view`; no model is
    trained for it (the price is then not screened); on a machine without the ledger, say so.  `reads`
    (question "screening") keeps only the newest entry's answer: an entry chosen again meanwhile replaces it."""
    from desktop.gui.operations import TaskHandle, describe_error

    if ctx.ledger is None:
        reads.forget("screening")
        view.show_message(
            "Screening is not available here: this machine holds no copy of the agency's ledger.", "banner-warn"
        )
        return
    ws = ctx.ws
    view.show_message(f"Screening transfer #{index}\u2026")

    def work(task: TaskHandle) -> "Assessment":
        return ws.screen_entry(index, task.fraction, task.should_cancel, train=False)

    def failed(error: BaseException) -> None:
        view.show_message(f"Not screened: {describe_error(error)}", "banner-warn")

    reads.task("screening", work, view.show_assessment, failed=failed, title="Screening the transfer")
