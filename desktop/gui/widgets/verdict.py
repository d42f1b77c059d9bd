"""'Can this transfer happen?': the ledger's answer (holds and the rules in force), shown inline while
the terms of a transfer are typed, before any request is written.  The question is asked on a worker
(the workspace's can_transfer, the same judge submit and verify run), a quarter of a second after the
terms stop changing; only the newest answer is shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel

from desktop.gui import a11y, fmt, theme
from desktop.gui.context import AppContext
from desktop.gui.operations import Latest, describe_error
from desktop.gui.widgets.basics import TONE_MARKS, label, set_role

if TYPE_CHECKING:
    from core.compliance.judge import Verdict

DELAY_MS = 250


class TransferCheck(QFrame):
    """A banner: allowed under rules vN (with what it still needs), refused with the code and the reason."""

    answered = Signal(object)  # True allowed, False refused, None not known (asking, or the terms are incomplete)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setProperty("role", "banner-warn")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.icon = QLabel()
        self.text = label("", wrap=True, selectable=True)
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)
        self.allowed: bool | None = None
        self.verdict: Verdict | None = None
        self._terms: tuple[int, str, int, str] | None = None
        self._latest = Latest(ctx.ops, self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._ask)
        self._show(None, "Can this transfer happen? Choose the deed, the seller and the buyer.", "warn", "warning")

    def check(self, deed: int, buyer: str | None, shares: int, seller: str | None) -> None:
        """The terms changed: ask again shortly (or say what is missing)."""
        self._latest.forget("verdict")
        if not buyer or not seller:
            self._terms = None
            self._timer.stop()
            self._show(None, "Can this transfer happen? Choose the deed, the seller and the buyer.", "warn", "warning")
            return
        self._terms = (deed, buyer, shares, seller)
        self._show(None, "Can this transfer happen? Asking the ledger\u2026", "warn", "warning")
        self._timer.start()

    def _ask(self) -> None:
        if self._terms is None:
            return
        deed, buyer, shares, seller = self._terms
        ws = self.ctx.ws
        self._latest.read(
            "verdict",
            lambda: ws.can_transfer(deed, buyer, shares=shares, frm=seller),
            self._answer,
            failed=lambda error: self._show(False, fmt.rich(describe_error(error)), "bad", "error"),
            title="Checking the ledger's rules",
        )

    def _answer(self, verdict: Verdict) -> None:
        self.verdict = verdict
        if verdict.allowed:
            needs = "".join(f"<br>It still needs {fmt.rich(n)}." for n in verdict.needs)
            version = (
                f"allowed under rules v{verdict.rules_version}"
                if verdict.rules_version
                else "allowed (this ledger has no transfer rules; holds and liens still apply)"
            )
            self._show(True, f"<b>Can this transfer happen?</b> Yes: {version}.{needs}", "good", "ok")
        else:
            self._show(
                False,
                f"<b>Can this transfer happen?</b> No \u2014 {fmt.rich(verdict.code)} "
                f"({fmt.rich(verdict.status)}): {fmt.rich(verdict.reason)}",
                "bad",
                "error",
            )

    def _show(self, allowed: bool | None, text: str, tone: str, icon: str) -> None:
        self.allowed = allowed
        set_role(self, f"banner-{tone}")
        self.icon.setPixmap(theme.icon(icon).pixmap(20, 20))
        a11y.name(self.icon, TONE_MARKS[tone][1])  # the icon's shape says it beside the colour; its name says it aloud
        self.text.setText(text)
        self.answered.emit(allowed)
