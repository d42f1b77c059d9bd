"""An animated QR code: a Qt timer shows the next UR part at the chosen rate; pause, step, frame counter.

Parts come from `core.airgap.PartStream`: the plain fragments first, then
fountain mixes without end, so a camera that missed frames catches up on the
next ones instead of waiting for the loop to come round.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QSlider, QVBoxLayout, QWidget

from core.airgap import PartStream
from core.ur.ur import UR
from desktop.gui import a11y
from desktop.gui.widgets.basics import button, label


def qr_pixmap(text: str, side: int, ratio: float = 1.0) -> QPixmap:
    """One part as a crisp QR code about `side` pixels wide on a screen of device pixel `ratio`: whole device
    pixels per module (at 150% a 1x image drawn 1.5 times as big has modules of 1 and 2 pixels, a blur to
    misread)."""
    from desktop.qr.render import frame_image

    image = frame_image(text, module_px=1)
    scale = max(1, int(side * ratio) // image.width)
    big = image.resize((image.width * scale, image.height * scale), resample=0)
    data = big.tobytes()
    qimage = QImage(data, big.width, big.height, big.width, QImage.Format.Format_Grayscale8)
    pixmap = QPixmap.fromImage(qimage.copy())
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


class QrPlayer(QWidget):
    def __init__(self, ur: UR, fps: float = 5.0, side: int = 420, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stream = PartStream(ur)
        self.side = side
        self.shown = 0  # parts shown so far
        self.text = ""
        layout = QVBoxLayout(self)
        self.image = label()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setMinimumSize(side, side)
        self.image.setStyleSheet("background: white; border-radius: 6px;")
        layout.addWidget(self.image, 1)
        n = self.stream.seq_len  # said once: a description changed with every frame would be read out each time
        a11y.name(
            self.image,
            "QR code",
            "One QR code holding the whole file" if n == 1 else f"An animated QR code: {n} fragments shown in turn",
        )
        self.counter = label("", "muted")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.counter)
        row = QHBoxLayout()
        self.pause_button = button("Pause")
        self.next_button = button("Next frame")
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(1, 20)
        self.speed.setValue(max(1, min(20, round(fps))))
        self.speed_label = label("", "muted")
        row.addWidget(self.pause_button)
        row.addWidget(self.next_button)
        row.addStretch(1)
        row.addWidget(a11y.buddy(label("Speed", "muted"), self.speed))
        row.addWidget(self.speed)
        row.addWidget(self.speed_label)
        layout.addLayout(row)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.advance)
        self.pause_button.clicked.connect(self.toggle)
        self.next_button.clicked.connect(self.advance)
        self.speed.valueChanged.connect(self._set_speed)
        self._set_speed(self.speed.value())
        self.advance()
        if self.stream.seq_len > 1:
            self.timer.start()
        else:  # one code holds it all: nothing to animate
            for widget in (self.pause_button, self.next_button, self.speed, self.speed_label):
                widget.setEnabled(False)

    @property
    def fps(self) -> float:
        return float(self.speed.value())

    def _set_speed(self, value: int) -> None:
        self.timer.setInterval(round(1000 / value))
        self.speed_label.setText(f"{value} frames/s")

    def advance(self) -> None:
        self.text = self.stream.next()
        self.shown += 1
        self.image.setPixmap(qr_pixmap(self.text, self.side, self.devicePixelRatioF()))
        n = self.stream.seq_len
        if n == 1:
            self.counter.setText("One QR code holds it all.")
        else:
            seq = self.text.split("/")[1].split("-")[0]
            kind = "fragment" if int(seq) <= n else "fountain mix"
            self.counter.setText(
                f"Frame {seq} ({kind}) \u2022 {n} fragments in all \u2022 keep the camera on it "
                "until the other side says it has them"
            )

    def toggle(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            self.pause_button.setText("Play")
        elif self.stream.seq_len > 1:
            self.timer.start()
            self.pause_button.setText("Pause")

    def hideEvent(self, event: object) -> None:  # no ticking behind a closed dialog
        self.timer.stop()
        super().hideEvent(event)  # type: ignore[arg-type]
