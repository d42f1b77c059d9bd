"""About Deedbook: version, the libraries inside and their licences, the data set's attribution."""

from __future__ import annotations

import platform
from importlib import metadata

from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core import __version__
from desktop.gui import a11y, theme
from desktop.gui.widgets.basics import label

# (distribution, licence as its authors state it); versions are read from the installed metadata
COMPONENTS = (
    ("PySide6-Essentials", "LGPL-3.0 (Qt for Python)"),
    ("PySide6-Pdf", "LGPL-3.0 (Qt for Python)"),
    ("shiboken6", "LGPL-3.0"),
    ("SQLAlchemy", "MIT"),
    ("sqlmodel", "MIT"),
    ("alembic", "MIT"),
    ("coincurve", "MIT or Apache-2.0 (libsecp256k1: MIT)"),
    ("safe-pysha3", "PSF-2.0"),
    ("pycryptodome", "BSD-2-Clause and public domain"),
    ("cryptography", "Apache-2.0 or BSD-3-Clause"),
    ("msgspec", "BSD-3-Clause"),
    ("platformdirs", "MIT"),
    ("numpy", "BSD-3-Clause"),
    ("scipy", "BSD-3-Clause"),
    ("scikit-learn", "BSD-3-Clause"),
    ("reportlab", "BSD-3-Clause"),
    ("qrcode", "BSD-3-Clause"),
    ("Pillow", "MIT-CMU"),
    ("zxing-cpp", "Apache-2.0"),
    ("pypdf", "BSD-3-Clause"),
    ("pikepdf", "MPL-2.0 (qpdf: Apache-2.0)"),
    ("fonttools", "MIT"),
    ("pypdfium2", "Apache-2.0 or BSD-3-Clause (PDFium: BSD-3-Clause)"),
    ("pyHanko", "MIT"),
)


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Deedbook")
        self.setMinimumSize(640, 560)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        icon = label()
        icon.setPixmap(theme.app_icon().pixmap(72, 72))
        head.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.addWidget(label(f"Deedbook {__version__}", "title"))
        text.addWidget(
            label(
                "Real-estate tokenization on the desktop: signed deeds, offline transfers, valuations "
                "and PDF records anyone can verify. MIT licence.",
                "subtitle",
                wrap=True,
            )
        )
        text.addWidget(
            label(
                f"Python {platform.python_version()} \u2022 Qt {qVersion()} \u2022 "
                f"{platform.system()} {platform.machine()}",
                "muted",
                selectable=True,
            )
        )
        head.addLayout(text, 1)
        layout.addLayout(head)
        layout.addWidget(label("Inside", "section"))
        table = a11y.name(QTableWidget(len(COMPONENTS), 3), "Components and licences")
        table.setHorizontalHeaderLabels(["Component", "Version", "Licence"])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setShowGrid(False)
        table.setAlternatingRowColors(True)
        header = table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, (name, licence) in enumerate(COMPONENTS):
            for column, value in enumerate((name, _version(name), licence)):
                table.setItem(row, column, QTableWidgetItem(value))
        layout.addWidget(table, 1)
        layout.addWidget(
            label(
                "Market data: Ames, Iowa residential sales 2006\u20132010, Dean De Cock, Journal of "
                "Statistics Education 19(3), 2011, from the Ames City Assessor's Office. Icons: "
                "Deedbook's own (MIT).",
                "muted",
                wrap=True,
            )
        )
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        box.accepted.connect(self.accept)
        layout.addWidget(box)
