"""First run: create a ledger with a new operator key, open another data folder, or explore a demo."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.errors import DeedbookError
from core.paths import DataDir
from core.userfiles import check_user_folder
from desktop.gui import a11y, prompts, theme
from desktop.gui.context import AppContext
from desktop.gui.operations import TaskHandle
from desktop.gui.widgets.basics import button, label
from desktop.gui.widgets.fields import NewPasswordField
from desktop.workspace import Done, Workspace

if TYPE_CHECKING:
    from core.ledger import Ledger

DEMO_DEEDS = 400
DEMO_TRANSFERS = 60


def demo_home(home: DataDir) -> DataDir:
    return DataDir(home.root / "demo")


class FirstRunDialog(QDialog):
    """Accepted once a ledger is open in `ctx`, or when a window that needs none is asked for
    (`window_requested`: "signer" or "notary")."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.window_requested: str | None = None
        self.setWindowTitle("Welcome to Deedbook")
        self.setWindowIcon(theme.app_icon())
        self.setMinimumSize(QSize(760, 560))
        outer = QHBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 20)
        outer.setSpacing(24)

        choices = QVBoxLayout()
        choices.setSpacing(8)
        logo = label()
        logo.setPixmap(theme.app_icon().pixmap(72, 72))
        choices.addWidget(logo)
        choices.addWidget(label("Welcome to Deedbook", "title"))
        choices.addWidget(label(f"There is no ledger in {ctx.home.root} yet.", "subtitle", wrap=True))
        choices.addSpacing(10)
        self.stack = QStackedWidget()
        self.choice_buttons: dict[str, QCommandLinkButton] = {}
        for key, title, text, icon in (
            ("create", "Create a ledger", "With a new operator key, protected by a password.", "new-ledger"),
            ("open", "Open a data folder", "A folder that already holds a Deedbook ledger.", "folder"),
            ("demo", "Explore a demo", "Ames, Iowa properties with sales, built in a moment.", "demo"),
            ("signer", "Only sign a request", "The offline signer: no ledger needed.", "signer"),
            ("notary", "Notary's desk", "Attest requests and keep your own journal: no ledger needed.", "notary"),
        ):
            link = QCommandLinkButton(title, text)
            link.setIcon(theme.icon(icon))
            link.setIconSize(QSize(24, 24))
            link.setCheckable(True)
            link.setAutoExclusive(True)
            link.clicked.connect(lambda _c=False, k=key: self._choose(k))
            self.choice_buttons[key] = link
            choices.addWidget(link)
        choices.addStretch(1)
        left = QWidget()
        left.setLayout(choices)
        left.setFixedWidth(300)
        outer.addWidget(left)
        outer.addWidget(self.stack, 1)

        self.pages = {"create": self._create_page(), "open": self._open_page(), "demo": self._demo_page()}
        for page in self.pages.values():
            self.stack.addWidget(page)
        self._choose("create")

    # -- pages -----------------------------------------------------------------------------------------
    def _create_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(label("Create a ledger", "title"))
        layout.addWidget(
            label(
                "The operator key signs checkpoints and is the first registrar. Its password "
                "cannot be recovered: keep it somewhere safe.",
                "subtitle",
                wrap=True,
            )
        )
        form = QFormLayout()
        form.setVerticalSpacing(10)
        self.ledger_name = QLineEdit()
        self.ledger_name.setPlaceholderText("e.g. Story County Deeds")
        self.key_name = QLineEdit("operator")
        form.addRow("Ledger name", self.ledger_name)
        form.addRow("Operator key", self.key_name)
        self.new_password = NewPasswordField(page, form)
        layout.addLayout(form)
        self.create_button = button("Create ledger", "new-ledger", primary=True)
        self.create_button.setEnabled(False)
        self.create_button.clicked.connect(self.create_ledger)
        for signal in (self.ledger_name.textChanged, self.key_name.textChanged):
            signal.connect(self._update_create)
        self.new_password.changed.connect(self._update_create)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.create_button)
        layout.addLayout(row)
        return page

    def _open_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(label("Open a data folder", "title"))
        layout.addWidget(
            label(
                "Choose the folder that holds ledger.sqlite and the keys folder (for example a copy "
                "from another machine).",
                "subtitle",
                wrap=True,
            )
        )
        self.open_button = button("Choose folder\u2026", "folder", primary=True)
        self.open_button.clicked.connect(lambda: open_data_folder(self.ctx, self, on_open=self.accept))
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        return page

    def _demo_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(label("Explore a demo ledger", "title"))
        layout.addWidget(
            label(
                f"Real Ames, Iowa properties registered to demo owners, some sold since. It is built in "
                f"{demo_home(self.ctx.home).root}, apart from your own data. Every demo key's password "
                "is \u201cdeedbook-demo\u201d.",
                "subtitle",
                wrap=True,
            )
        )
        form = QFormLayout()
        self.demo_deeds = QSpinBox()
        self.demo_deeds.setRange(10, 100_000)
        self.demo_deeds.setValue(DEMO_DEEDS)
        self.demo_deeds.setSingleStep(100)
        self.demo_transfers = QSpinBox()
        self.demo_transfers.setRange(0, 10_000)
        self.demo_transfers.setValue(DEMO_TRANSFERS)
        form.addRow("Deeds", self.demo_deeds)
        form.addRow("Sales", self.demo_transfers)
        layout.addLayout(form)
        self.demo_progress = a11y.name(QProgressBar(), "Building the demo")
        self.demo_progress.setRange(0, 1000)
        self.demo_progress.hide()
        layout.addWidget(self.demo_progress)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.demo_cancel = button("Cancel", "cancel")
        self.demo_cancel.hide()
        self.demo_button = button("Build demo", "demo", primary=True)
        self.demo_button.clicked.connect(self.build_demo)
        row.addWidget(self.demo_cancel)
        row.addWidget(self.demo_button)
        layout.addLayout(row)
        return page

    def _choose(self, key: str) -> None:
        if key in ("signer", "notary"):
            self.window_requested = key
            self.accept()
            return
        self.choice_buttons[key].setChecked(True)
        self.stack.setCurrentWidget(self.pages[key])
        # Return presses the chosen page's action (a choice still answers Return while it has the focus), and
        # the keyboard goes on to the page's first field
        first, go = {
            "create": (self.ledger_name, self.create_button),
            "open": (self.open_button, self.open_button),
            "demo": (self.demo_deeds, self.demo_button),
        }[key]
        go.setDefault(True)
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- creating ----------------------------------------------------------------------------------------
    def _update_create(self) -> None:
        self.create_button.setEnabled(
            bool(self.ledger_name.text().strip() and self.key_name.text().strip() and self.new_password.password())
        )

    def create_ledger(self) -> None:
        password = self.new_password.password()
        if password is None:
            prompts.show_error(self, "Type the same password of at least 8 characters twice.")
            return
        ws = self.ctx.ws
        name, key_name = self.ledger_name.text(), self.key_name.text().strip()
        self.create_button.setEnabled(False)
        (
            self.ctx.ops.op(
                self, lambda: ws.create_ledger(name, key_name, password), write=True, title="Creating the ledger"
            )
            .success(lambda _ledger: self._opened(ws))
            .done(self._update_create)
            .run()
        )

    def build_demo(self) -> None:
        ws = self.ctx.workspace_for(demo_home(self.ctx.home))
        deeds, transfers = self.demo_deeds.value(), self.demo_transfers.value()

        def job(task: TaskHandle) -> Done["Ledger"]:
            if not ws.home.database.exists():
                built = ws.build_demo(
                    deeds=deeds, transfers=transfers, progress=task.progress, should_cancel=task.should_cancel
                )
                return Done(ws.ledger, built.receipt)
            return ws.open_ledger()

        self.demo_button.setEnabled(False)
        self.demo_progress.setValue(0)
        self.demo_progress.show()
        self.demo_cancel.show()
        op = self.ctx.ops.task(self, job, write=True, title="Building the demo ledger")
        self.demo_cancel.clicked.connect(op.cancel)
        op.on_progress(lambda f, _m: self.demo_progress.setValue(int(f * 1000)))
        op.success(lambda _ledger: self._opened(ws)).done(self._demo_done).run()

    def _demo_done(self) -> None:
        self.demo_button.setEnabled(True)
        self.demo_cancel.hide()
        self.demo_progress.hide()

    def _opened(self, ws: Workspace) -> None:
        self.ctx.use(ws)  # the operation's receipt tells the panes (another ledger is in use)
        self.accept()


def open_data_folder(ctx: AppContext, parent: QWidget | None, on_open: Any = None) -> None:
    """Ask for a folder, open its ledger off the UI thread, switch the window to it."""
    folder = prompts.choose_folder(parent, "Open a Deedbook data folder", str(ctx.home.root))
    if folder is None:
        return
    try:  # a file, a FIFO or a folder gone since it was chosen is no place to offer a ledger
        check_user_folder(folder, "a data folder")
    except DeedbookError as error:
        prompts.show_error(parent, str(error))
        return
    ws = ctx.workspace_for(DataDir.resolve(Path(folder)))

    def opened(_ledger: "Ledger") -> None:
        ctx.use(ws)
        if on_open is not None:
            on_open()

    def failed(error: BaseException) -> None:
        from core.errors import NotFound
        from desktop.gui.operations import report_error

        if not isinstance(error, NotFound) or isinstance(parent, FirstRunDialog):
            report_error(parent, error)
        elif prompts.ask(parent, f"There is no ledger in {ws.home.root}. Create one there?", yes="Create a ledger"):
            ctx.use(ws, announce=True)  # no operation opened it: say so here
            FirstRunDialog(ctx, parent).exec()
            if on_open is not None and ctx.ledger is not None:
                on_open()

    ctx.ops.op(parent, ws.open_ledger, title="Opening the ledger").success(opened).failure(failed).run()
