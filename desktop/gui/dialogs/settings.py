"""Settings: the data folder, the paper size of documents, the theme (applied at once)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from core.settings import PAPER_SIZES, THEMES
from desktop.gui import prompts, theme
from desktop.gui.context import AppContext
from desktop.gui.widgets.basics import button, enter_presses, label

THEME_NAMES = {"system": "Follow the system", "light": "Light", "dark": "Dark"}
PAPER_NAMES = {"A4": "A4 (210 \u00d7 297 mm)", "Letter": "US Letter (8.5 \u00d7 11 in)"}


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Settings")
        self.setWindowIcon(theme.icon("settings"))
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(label("Settings", "title"))
        form = QFormLayout()
        form.setVerticalSpacing(12)
        folder_row = QHBoxLayout()
        self.folder = label(str(ctx.home.root), wrap=True, selectable=True)
        change = button("Change\u2026", "folder")
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(change)
        form.addRow("Data folder", folder_row)
        self.paper = QComboBox()
        for size in PAPER_SIZES:
            self.paper.addItem(PAPER_NAMES.get(size, size), size)
        self.paper.setCurrentIndex(max(0, self.paper.findData(ctx.settings.paper_size)))
        form.addRow("Paper size", self.paper)
        self.theme = QComboBox()
        for name in THEMES:
            self.theme.addItem(THEME_NAMES.get(name, name), name)
        self.theme.setCurrentIndex(max(0, self.theme.findData(ctx.settings.theme)))
        form.addRow("Theme", self.theme)
        layout.addLayout(form)
        layout.addWidget(
            label(
                f"Keys: {ctx.home.keys}\nDocuments: {ctx.home.documents}\nLogs: {ctx.home.root / 'logs'}\n"
                f"Settings file: {ctx.settings.path or '(not saved yet)'}",
                "muted",
                wrap=True,
                selectable=True,
            )
        )
        layout.addStretch(1)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        ok = box.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            enter_presses(self, ok)  # Return was "Change…", which opened a folder chooser
        self.theme.currentIndexChanged.connect(lambda _i: self._preview_theme())
        change.clicked.connect(self._change_folder)
        self._original_theme = ctx.settings.theme

    def _preview_theme(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply_theme(app, str(self.theme.currentData()))

    def _change_folder(self) -> None:
        from desktop.gui.dialogs.first_run import open_data_folder

        open_data_folder(self.ctx, self, on_open=lambda: self.folder.setText(str(self.ctx.home.root)))

    def accept(self) -> None:
        settings = self.ctx.settings
        settings.set_paper_size(str(self.paper.currentData()))
        settings.set_theme(str(self.theme.currentData()))
        saved = self.ctx.ws.save_settings()  # a small file, written here: nothing to wait for
        if saved.value:
            prompts.show_error(self, saved.value)
        self.ctx.events.announce_receipt(saved.receipt)
        super().accept()

    def reject(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication) and self.theme.currentData() != self._original_theme:
            theme.apply_theme(app, self._original_theme)
        super().reject()
