"""What the rules & claims dialogs share: a form, the key that signs, a note saying what is still needed
(or what went wrong, or what was done), and one action run as a workspace operation on a worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.gui import a11y, prompts
from desktop.gui.context import AppContext
from desktop.gui.operations import describe_error
from desktop.gui.widgets.basics import banner, button, enter_presses, label, set_role
from desktop.gui.widgets.fields import KeyPicker
from desktop.workspace import Done


class ActDialog(QDialog):
    """A form, the key that signs, a note saying what is still needed or what went wrong, and one action."""

    action_text = "Sign"
    yes_text = ""  # the question's yes button, where it is not the action's own label
    key_hint = ""  # a key name or address to choose first

    def __init__(self, ctx: AppContext, parent: QWidget | None, title: str, intro: str) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.setMinimumWidth(620)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(label(intro, wrap=True))
        self.form = QFormLayout()
        self.form.setVerticalSpacing(8)
        self.layout_.addLayout(self.form)
        self.key = KeyPicker(lambda: [(k.name, k.address) for k in ctx.keys.list()])
        self.note, note_layout = banner("warn")
        self.note_text = label("", wrap=True, selectable=True)
        note_layout.addWidget(self.note_text, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.go: QPushButton = button(self.action_text, primary=True)
        self.buttons.addButton(self.go, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.go.clicked.connect(self.act)
        self.key.changed.connect(self.validate)
        self._busy = self._finished = False

    def finish_layout(self, key_label: str) -> None:
        self.form.addRow(key_label, self.key)
        if self.key_hint:
            from desktop.gui.panes.ledger import preferred_key

            self.key.select(preferred_key(self.ctx, self.key_hint))
        self.layout_.addWidget(self.note)
        self.layout_.addStretch(1)
        self.layout_.addWidget(self.buttons)
        enter_presses(self, self.go)
        a11y.prepare(self)
        self.validate()

    def say(self, text: str, tone: str = "warn") -> None:
        set_role(self.note, f"banner-{tone}")
        self.note_text.setText(prompts.readable(text))

    def missing(self) -> list[str]:
        return [] if self.key.ready() else ["the signing key and its password"]

    def validate(self) -> None:
        if self._finished:
            return  # what was done stays said; the dialog is for one act
        gaps = self.missing()
        self.go.setEnabled(not gaps and not self._busy)
        if gaps:
            self.say("Still needed: " + ", ".join(gaps) + ".")
        elif not self._busy:
            self.say("Ready.", "good")

    def work(self) -> Callable[[], Done[Any]]:
        raise NotImplementedError

    def done_text(self, value: Any) -> str:
        return "Done."

    def question(self) -> str | None:
        """What the act will record, asked first with the action's own label; None where the dialog's
        text already is that question (revoking claim 3) or a subclass asks in its own `act`."""
        return None

    def check(self) -> Callable[[], object] | None:
        """The workspace's check of what the act would be refused for without the key, run on a worker before
        the question (a refusal the ledger can foresee is said, and nothing asked); None where there is none."""
        return None

    def act(self) -> None:
        check = self.check()
        if check is None:
            self._ask()
            return
        self._busy = True
        self.validate()
        self.say("Checking\u2026", "good")
        (
            self.ctx.ops.op(self, check, title=self.windowTitle())
            .success(lambda _none: self._checked())
            .failure(self._check_refused)
            .run()
        )

    def _checked(self) -> None:
        self._busy = False
        self.validate()
        self._ask()

    def _check_refused(self, error: BaseException) -> None:
        self._refused(error)
        self._idle()

    def _ask(self) -> None:
        question = self.question()
        if question is not None and not prompts.ask(self, question, yes=self.yes_text or self.action_text):
            return  # nothing signed, the form kept as filled
        fn = self.work()
        self._busy = True
        self.validate()
        self.say("Working\u2026", "good")
        (
            self.ctx.ops.op(self, fn, write=True, title=self.windowTitle())
            .success(self._done)
            .failure(self._refused)
            .done(self._idle)
            .run()
        )

    def _done(self, value: Any) -> None:
        self._finished = True
        self.key.clear_password()
        self.say(self.done_text(value), "good")

    def _refused(self, error: BaseException) -> None:
        self.say(describe_error(error), "bad")

    def _idle(self) -> None:
        self._busy = False
        self.go.setEnabled(not self._finished and not self.missing())


def folder_row(dialog: QWidget, edit: QLineEdit) -> QHBoxLayout:
    row = QHBoxLayout()
    choose = button("Choose\u2026", "folder")
    row.addWidget(edit, 1)
    row.addWidget(choose)

    def pick() -> None:
        folder = prompts.choose_folder(dialog, "Folder for the request files")
        if folder is not None:
            edit.setText(str(folder))

    choose.clicked.connect(pick)
    return row
