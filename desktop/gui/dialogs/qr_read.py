"""Read QR codes into a request or response: from image files, a pasted image, or a watched folder.

Qt's camera (QtMultimedia) lives in PySide6-Addons, which the release leaves
out, so frames come as images: screenshots, photos of the other screen, a
phone's pictures dropped in a folder, or a GIF of the animation.  Images are
read on a worker (zxing-cpp, desktop/qr/scan.py); every QR text goes into one
`core.airgap.Collector`, which takes parts in any order and says how far it is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from core.errors import DeedbookError
from desktop.gui import fmt, prompts, theme
from desktop.gui.widgets.basics import button, label

if TYPE_CHECKING:
    from PIL import Image

    from core.airgap import Received
    from desktop.gui.operations import Operations

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.gif);;All files (*)"


def _pil_from_qimage(image: QImage) -> Image.Image:
    from PIL import Image

    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    data = bytes(gray.constBits())[: gray.bytesPerLine() * gray.height()]
    return Image.frombytes("L", (gray.width(), gray.height()), data, "raw", "L", gray.bytesPerLine())


class QrReadDialog(QDialog):
    """Collects QR codes until one request, response or wallet signature is complete (`received`)."""

    def __init__(
        self,
        ops: Operations,
        title: str,
        intro: str,
        parent: QWidget | None = None,
        accept_result: Callable[[Received], None] | None = None,
    ) -> None:
        from core.airgap import Collector

        super().__init__(parent)
        self.ops = ops
        self.collector = Collector()
        self.received: Received | None = None
        self.accept_result = accept_result
        self.seen: set[tuple[str, int]] = set()  # (file, modification time) already read from the watched folder
        self.setWindowTitle(title)
        self.setWindowIcon(theme.icon("qr"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(label(intro, wrap=True))
        layout.addWidget(
            label(
                "No camera here (Deedbook's build leaves Qt's camera module out): take screenshots or "
                "photos of the other screen, open them, paste one, or watch the folder your phone or "
                "scanner saves them in.",
                "muted",
                wrap=True,
            )
        )
        row = QHBoxLayout()
        self.open_button = button("Open images\u2026", "import")
        self.paste_button = button("Paste image", "clipboard")
        self.watch_button = button("Watch a folder\u2026", "folder")
        for widget in (self.open_button, self.paste_button, self.watch_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("no QR code read yet")
        layout.addWidget(self.progress)
        self.status = label("", "muted", wrap=True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._folder_changed)
        self.open_button.clicked.connect(self._open)
        self.paste_button.clicked.connect(self.paste)
        self.watch_button.clicked.connect(self._choose_folder)

    # -- sources ------------------------------------------------------------------------------------
    def _open(self) -> None:
        self.read_files(prompts.open_files(self, "Images of the QR codes", IMAGE_FILTER))

    def read_files(self, paths: list[Path]) -> None:
        if not paths:
            return
        from desktop.qr.scan import scan_files

        self.status.setText(f"Reading {fmt.count(len(paths))} image(s)\u2026")
        self.ops.op(self, lambda: scan_files(paths), title="Reading QR codes").success(
            lambda scanned: self.take(scanned.texts, len(scanned.without_code))
        ).failure(self._failed).run()

    def paste(self) -> None:
        image = QGuiApplication.clipboard().image()
        if image.isNull():
            self.status.setText("The clipboard holds no image; copy a screenshot of the QR code first.")
            return
        from desktop.qr.scan import texts_in_image

        picture = _pil_from_qimage(image)

        def read() -> list[str]:
            return texts_in_image(picture)

        self.ops.op(self, read, title="Reading QR codes").success(
            lambda texts: self.take(texts, 0 if texts else 1)
        ).failure(self._failed).run()

    def _choose_folder(self) -> None:
        folder = prompts.choose_folder(self, "Watch this folder for images of the QR codes", str(Path.home()))
        if folder is not None:
            self.watch(folder)

    def watch(self, folder: Path) -> None:
        for path in self.watcher.directories():
            self.watcher.removePath(path)
        self.watcher.addPath(str(folder))
        self.status.setText(prompts.readable(f"Watching {folder}: new images are read as they arrive."))
        self._folder_changed(str(folder))

    def _folder_changed(self, folder: str) -> None:
        from desktop.qr.scan import images_in_folder

        try:
            images = images_in_folder(folder)
        except DeedbookError as error:
            self.status.setText(prompts.readable(str(error)))
            return
        new = [(p, mtime) for p, mtime in images if (str(p), mtime) not in self.seen]
        self.seen.update((str(p), mtime) for p, mtime in new)
        self.read_files([p for p, _mtime in new])

    # -- collecting -----------------------------------------------------------------------------------
    def take(self, texts: list[str], without_code: int = 0) -> None:
        """Feed scanned texts to the collector (on the UI thread: it is quick) and show how far it is."""
        if self.received is not None:
            return
        try:
            for text in texts:
                self.collector.add(text)
                if self.collector.complete:
                    break
            if self.collector.complete:
                received = self.collector.result()
                if self.accept_result is not None:
                    self.accept_result(received)  # may refuse it in a sentence (another request's signature)
                self.received = received
        except DeedbookError as error:
            self.status.setText(prompts.readable(str(error)))
            prompts.show_error(self, str(error))
            return
        known, needed = self.collector.progress
        if needed:
            self.progress.setRange(0, needed)
            self.progress.setValue(known)
            self.progress.setFormat(f"{known} of {needed} fragments")
        note = f" {without_code} image(s) had no readable QR code." if without_code else ""
        self.status.setText(f"{self.collector.scanned} QR code(s) read.{note}")
        if self.received is not None:
            self.accept()

    def _failed(self, error: BaseException) -> None:
        from desktop.gui.operations import describe_error

        self.status.setText(prompts.readable(describe_error(error)))
        prompts.show_error(self, describe_error(error))

    def done(self, result: int) -> None:
        for path in self.watcher.directories():
            self.watcher.removePath(path)
        super().done(result)
