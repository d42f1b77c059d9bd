"""The main window: a sidebar of panes (each built when first shown), menus, shortcuts, status."""

from __future__ import annotations

import contextlib
import importlib
from functools import partial
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from desktop.gui import a11y, fmt, party_actions, prompts, theme
from desktop.gui.context import AppContext
from desktop.gui.events import Change, Changes
from desktop.gui.live import LiveRefresh
from desktop.gui.operations import Latest, Op
from desktop.gui.panes.base import Pane
from desktop.gui.widgets.basics import label


SHOW_BUSY_AFTER_MS = 300  # a task's progress and Cancel appear in the status bar if it lasts longer
STOPPED_SHOWN_MS = 30_000  # how long the status bar says how far a stopped task got
STOPPING = "Stopping\u2026"


@dataclass(frozen=True)
class PaneSpec:
    key: str
    text: str
    icon: str
    target: str  # "module:Class", imported when the pane is first shown
    shortcut: str  # one key press: "Ctrl+10" is no key sequence at all (Qt reads it as empty)
    menu_text: str  # in the Go menu: "&" before its mnemonic (unique in the menu), "&&" a shown "&"


PANES = (
    PaneSpec("deeds", "Deeds", "deeds", "desktop.gui.panes.deeds:DeedsPane", "Ctrl+1", "&Deeds"),
    PaneSpec(
        "register", "Register deed", "register", "desktop.gui.panes.register:RegisterPane", "Ctrl+2", "&Register deed"
    ),
    PaneSpec("keys", "Keys & contacts", "keys", "desktop.gui.panes.keys:KeysPane", "Ctrl+3", "&Keys && contacts"),
    PaneSpec("notary", "Notary desk", "notary", "desktop.gui.panes.notary:NotaryPane", "Ctrl+4", "&Notary desk"),
    PaneSpec(
        "valuation", "Valuation", "valuation", "desktop.gui.panes.valuation:ValuationPane", "Ctrl+5", "&Valuation"
    ),
    PaneSpec("ledger", "Ledger", "ledger", "desktop.gui.panes.ledger:LedgerPane", "Ctrl+6", "&Ledger"),
    PaneSpec(
        "documents", "Documents", "documents", "desktop.gui.panes.documents:DocumentsPane", "Ctrl+7", "D&ocuments"
    ),
    PaneSpec("rules", "Rules & claims", "rules", "desktop.gui.panes.rules:RulesPane", "Ctrl+8", "R&ules && claims"),
    PaneSpec("servicing", "Servicing", "sale", "desktop.gui.panes.servicing:ServicingPane", "Ctrl+9", "&Servicing"),
    PaneSpec("review", "Review", "warning", "desktop.gui.panes.review:ReviewPane", "Ctrl+0", "Rev&iew"),
    PaneSpec(
        "witnesses",
        "Witness & replicas",
        "witness",
        "desktop.gui.panes.witnesses:WitnessesPane",
        "Ctrl+Shift+W",
        "&Witness && replicas",
    ),
)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(fmt.window_title())
        self.setWindowIcon(theme.app_icon())
        self.setMinimumSize(QSize(980, 620))
        self.panes: dict[str, Pane] = {}
        self._specs = {spec.key: spec for spec in PANES}
        self._latest = Latest(ctx.ops, self)

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        a11y.name(self.sidebar, "Panes", "Ctrl+1 to Ctrl+9, Ctrl+0 and Ctrl+Shift+W go to each pane")
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setFixedWidth(196)
        self.stack = QStackedWidget()
        for spec in PANES:
            item = QListWidgetItem(theme.icon(spec.icon), spec.text)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setToolTip(f"{spec.text} ({spec.shortcut})")
            self.sidebar.addItem(item)
            self.stack.addWidget(QWidget())  # a placeholder until the pane is first shown
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.sidebar.currentRowChanged.connect(self._row_changed)

        self._build_actions()
        self._build_status()
        ctx.events.changed.connect(self._on_changed)
        ctx.events.show_deed.connect(self.show_deed)
        ctx.events.show_entry.connect(self._show_entry)
        ctx.events.show_document.connect(self._show_document)
        self.live = LiveRefresh(ctx, self)  # entries other desktops record, refreshed as our own
        self.sidebar.setCurrentRow(0)
        self._update_title()
        if ctx.settings.window_state:
            self.restoreGeometry(QByteArray.fromBase64(ctx.settings.window_state.encode("ascii")))
        else:
            self.resize(1320, 820)

    # -- panes ----------------------------------------------------------------------------------
    def pane(self, key: str) -> Pane:
        """The pane `key`, built now if it was not yet (its module is imported on first use)."""
        if key not in self.panes:
            spec = self._specs[key]
            module_name, class_name = spec.target.split(":")
            cls = getattr(importlib.import_module(module_name), class_name)
            pane: Pane = cls(self.ctx)
            if hasattr(pane, "action"):
                pane.action.connect(self.deed_action)
            row = [s.key for s in PANES].index(key)
            old = self.stack.widget(row)
            self.stack.insertWidget(row, pane)
            if old is not None:
                self.stack.removeWidget(old)
                old.deleteLater()
            self.panes[key] = pane
        return self.panes[key]

    def show_pane(self, key: str) -> Pane:
        row = [s.key for s in PANES].index(key)
        pane = self.pane(key)
        self.sidebar.setCurrentRow(row)
        return pane

    def go_to(self, key: str) -> Pane:
        """The pane `key` shown by its shortcut or menu, the keyboard on its first control (a click in the
        sidebar keeps the focus there, so the arrow keys go on moving through the panes)."""
        pane = self.show_pane(key)
        target = pane.first_control()
        if target is not None:
            target.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return pane

    def _row_changed(self, row: int) -> None:
        if row < 0:
            return
        pane = self.pane(PANES[row].key)
        self.stack.setCurrentIndex(row)
        pane.activated()

    # -- actions and menus ------------------------------------------------------------------------
    def _action(
        self,
        text: str,
        icon: str,
        shortcut: str | QKeySequence.StandardKey | None,
        slot: Callable[[], Any],
        tip: str = "",
    ) -> QAction:
        action = QAction(theme.icon(icon), text, self)  # text's "&" marks its mnemonic in a menu
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        tip = tip or a11y.without_mnemonic(text)
        action.setToolTip(
            f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})" if shortcut else tip
        )
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.act_register = a("&Register deed", "register", "Ctrl+N", lambda: self.go_to("register"))
        self.act_transfer = a(
            "&Transfer\u2026",
            "transfer",
            "Ctrl+T",
            lambda: self.open_transfer(None),
            "Prepare, sign and record a transfer",
        )
        self.act_signer = a(
            "Offline &signer\u2026", "signer", "Ctrl+Shift+S", self.open_signer, "Read and sign a signing request"
        )
        self.act_verify = a("&Verify ledger", "verify", "Ctrl+Shift+V", self.verify_ledger)
        self.act_settings = a("Se&ttings\u2026", "settings", QKeySequence.StandardKey.Preferences, self.open_settings)
        self.act_about = a("&About Deedbook", "about", None, self.open_about)
        self.act_open = a("&Open data folder\u2026", "folder", QKeySequence.StandardKey.Open, self.open_folder)
        self.act_quit = a("&Quit", "cancel", QKeySequence.StandardKey.Quit, self.close)
        self.act_find = a("&Find deed", "search", QKeySequence.StandardKey.Find, self._find)
        self.pane_actions = {
            spec.key: a(spec.menu_text, spec.icon, spec.shortcut, partial(self.go_to, spec.key)) for spec in PANES
        }

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setIconSize(QSize(20, 20))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.act_register, self.act_transfer, self.act_signer, self.act_verify):
            toolbar.addAction(action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addAction(self.act_settings)

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        for action in (self.act_open, self.act_signer, self.act_settings):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        deed_menu = menu.addMenu("&Deeds")
        for action in (self.act_register, self.act_transfer, self.act_find):
            deed_menu.addAction(action)
        ledger_menu = menu.addMenu("&Ledger")
        ledger_menu.addAction(self.act_verify)
        go_menu = menu.addMenu("&Go")
        for action in self.pane_actions.values():
            go_menu.addAction(action)
        party_actions.install(self)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.act_about)

    def _build_status(self) -> None:
        status = self.statusBar()
        self.ledger_label = label("", "muted", plain=True)  # a ledger's name is stored text
        self._ledger_size: int | None = None  # as last counted
        # it gives way to the progress row, which says for a while what is under way (it keeps the rest)
        self.ledger_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        status.addWidget(self.ledger_label, 1)
        self.busy_label = label("", "muted", plain=True)  # a sync's source, as another process wrote it
        self.busy_bar = QProgressBar()
        self.busy_bar.setFixedWidth(180)
        self.busy_bar.setTextVisible(False)
        a11y.name(self.busy_bar, "Progress of the running task")
        self.busy_cancel = QToolButton()
        self.busy_cancel.setIcon(theme.icon("cancel"))
        self.busy_cancel.setToolTip("Cancel")
        a11y.name(self.busy_cancel, "Cancel the running task")
        self.busy_cancel.setAutoRaise(True)
        for widget in (self.busy_label, self.busy_bar, self.busy_cancel):
            status.addPermanentWidget(widget)
            widget.hide()
        self._tracked: Op[Any] | None = None
        self._upgrading = False  # the opening ledger is being upgraded: the busy bar says so
        self.ctx.ops.started.connect(self._op_started)
        self.ctx.ops.ended.connect(self._op_ended)
        self.ctx.events.upgrading.connect(self._show_upgrade)  # a method: Qt queues it from the worker
        self.busy_cancel.clicked.connect(self._cancel_tracked)
        self.ctx.events.stopped.connect(lambda sentence: self.statusBar().showMessage(sentence, STOPPED_SHOWN_MS))

    def _cancel_tracked(self) -> None:
        """Ask the task to stop; it may first finish a step under way (a sync's batch is one transaction), so
        the row says so until it ends, and the UI thread never waits for it."""
        if self._tracked is None:
            return
        self._tracked.cancel()
        self.busy_label.setText(STOPPING)
        self.busy_cancel.setEnabled(False)

    def _op_started(self, op: Op[Any]) -> None:
        if not op.takes_handle:
            return  # quick reads and writes do not flash a progress bar
        self._tracked = op
        self.busy_label.setText(op.title)
        self.busy_bar.setRange(0, 0)
        op.on_progress(self._op_progress)
        # nor does a task that turns out quick (an estimate whose model needs no training)
        QTimer.singleShot(SHOW_BUSY_AFTER_MS, lambda: self._show_busy(op))

    def _show_busy(self, op: Op[Any]) -> None:
        if op is self._tracked:
            for widget in (self.busy_label, self.busy_bar, self.busy_cancel):
                widget.show()

    def _op_progress(self, fraction: float, message: str) -> None:
        if fraction < 0:  # operations.UNKNOWN: a moving bar, no fraction done
            self.busy_bar.setRange(0, 0)
        else:
            self.busy_bar.setRange(0, 1000)
            self.busy_bar.setValue(int(fraction * 1000))
        if message and not (self._tracked is not None and self._tracked.handle.should_cancel()):
            self.busy_label.setText(message)  # once Cancel was pressed the row keeps saying it is stopping

    def _op_ended(self, op: Op[Any]) -> None:
        if op is self._tracked:
            self._tracked = None
            for widget in (self.busy_label, self.busy_bar, self.busy_cancel):
                widget.hide()
            self.busy_cancel.setEnabled(True)

    def _show_upgrade(self, sentence: str) -> None:
        """Why opening takes long: the ledger is being upgraded (until it opens, or fails to).

        A moving bar beside the sentence says the application is working, not frozen: the migrations
        give no fraction done, and cannot be stopped half way (each runs in one transaction)."""
        if self.ctx.ledger is None:
            self.ledger_label.setText(f"{sentence} \u2022 {self.ctx.home.root}")
            if self._tracked is None:
                self._upgrading = True
                self.busy_label.setText("Upgrading the ledger\u2026")
                self.busy_bar.setRange(0, 0)
                self.busy_label.show()
                self.busy_bar.show()

    def _upgrade_ended(self) -> None:
        if self._upgrading and (self.ctx.ledger is not None or not self.ctx.opening):
            self._upgrading = False
            if self._tracked is None:
                self.busy_label.hide()
                self.busy_bar.hide()

    def _update_title(self) -> None:
        self._upgrade_ended()
        ledger = self.ctx.ledger
        if ledger is None:
            self.setWindowTitle(fmt.window_title())
            state = "Opening the ledger\u2026" if self.ctx.opening else "No ledger"
            self.ledger_label.setText(f"{state} \u2022 {self.ctx.home.root}")
            return
        self.setWindowTitle(fmt.window_title(ledger.identity.name))

        def status(size: int | None) -> None:
            self._ledger_size = size
            self._show_status()

        status(None)
        self._latest.read("size", ledger.size, status, failed=lambda _error: None, title="Counting the entries")

    def _show_status(self) -> None:
        """The status bar's ledger line, its operator by the name the panes show (the address on hover)."""
        ledger = self.ctx.ledger
        if ledger is None:
            return
        identity, size = ledger.identity, self._ledger_size
        entries = fmt.counted(size, 'entry') if size is not None else "counting entries\u2026"
        operator = self.ctx.short_label(identity.operator)
        self.ledger_label.setText(
            f"{identity.name} \u2022 {entries} \u2022 operator {operator} \u2022 {self.ctx.home.root}"
        )
        self.ledger_label.setToolTip(f"The ledger's operator key: {identity.operator}")

    def _on_changed(self, change: Change) -> None:
        if change.concerns(Changes.LEDGER | Changes.DEEDS):
            self._update_title()
        elif change.what & Changes.NAMES:
            self._show_status()

    # -- what the panes ask for ---------------------------------------------------------------------
    def _find(self) -> None:
        pane = self.show_pane("deeds")
        pane.focus_search()  # type: ignore[attr-defined]

    def show_deed(self, deed_id: int) -> None:
        pane = self.show_pane("deeds")
        pane.select_deed(deed_id)  # type: ignore[attr-defined]

    def _show_entry(self, index: int) -> None:
        pane = self.show_pane("ledger")
        pane.reveal(index)  # type: ignore[attr-defined]

    def _show_document(self, path: str) -> None:
        pane = self.show_pane("documents")
        pane.open_path(path)  # type: ignore[attr-defined]

    def deed_action(self, what: str, deed_id: int) -> None:
        if what == "transfer":
            self.open_transfer(deed_id)
        elif what == "value":
            self.show_pane("valuation").value_deed(deed_id)  # type: ignore[attr-defined]
        elif what == "certificate":
            self.show_pane("documents").certificate(deed_id)  # type: ignore[attr-defined]
        elif what == "ledger":
            self.show_pane("ledger").show_deed_entries(deed_id)  # type: ignore[attr-defined]

    def open_transfer(self, deed_id: int | None) -> Any:
        if self.ctx.ledger is None:
            prompts.show_error(self, "Open or create a ledger first.")
            return None
        from desktop.gui.transfer_wizard import TransferWizard

        if deed_id is None and "deeds" in self.panes:
            deed_id = self.panes["deeds"].selected_deed()  # type: ignore[attr-defined]
        wizard = TransferWizard(self.ctx, deed_id, self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()
        return wizard

    def open_signer(self) -> Any:
        from desktop.gui.signer import SignerWindow

        window = SignerWindow(self.ctx.home, self.ctx.ledger.identity if self.ctx.ledger else None, self.ctx.keys)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        self._signer = window
        return window

    def verify_ledger(self) -> None:
        pane = self.show_pane("ledger")
        pane.verify()  # type: ignore[attr-defined]

    def open_settings(self) -> Any:
        from desktop.gui.dialogs.settings import SettingsDialog

        dialog = SettingsDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_about(self) -> Any:
        from desktop.gui.dialogs.about import AboutDialog

        dialog = AboutDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_folder(self) -> None:
        from desktop.gui.dialogs.first_run import open_data_folder

        open_data_folder(self.ctx, self)

    # -- closing ---------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.ctx.ops.busy and not prompts.ask(
            self,
            "An operation is still running. Cancel it and quit? (A write in progress finishes first.)",
            yes="Cancel and quit",
            no="Keep working",
        ):
            event.ignore()
            return
        self.ctx.settings.window_state = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        with contextlib.suppress(OSError):  # a read-only config folder must not stop the quit
            self.ctx.settings.save()
        self.live.stop()
        self.ctx.ops.shutdown()
        event.accept()
