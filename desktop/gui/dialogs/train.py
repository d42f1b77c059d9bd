"""Retrain the valuation model: the bundled market or a CSV of your own, with its price column."""

from __future__ import annotations


from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.gui import a11y, prompts
from desktop.gui.context import AppContext
from desktop.gui.operations import Latest, report_error
from desktop.gui.widgets.basics import button, label

PRICE_WORDS = ("sale_price", "saleprice", "price", "sold_price", "close_price", "amount")


class TrainDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reads = Latest(ctx.ops, self)  # another file chosen meanwhile replaces the first one's header
        self.setWindowTitle("Train the valuation model")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(
            label(
                "Training runs in the background; you can keep working, or cancel it. The current "
                "model stays until the new one is stored.",
                "muted",
                wrap=True,
            )
        )
        self.bundled = QRadioButton("The bundled Ames, Iowa market (2,930 sales, 2006\u20132010)")
        self.own = QRadioButton("My own sales table (CSV)")
        self.bundled.setChecked(True)
        layout.addWidget(self.bundled)
        layout.addWidget(self.own)
        form = QFormLayout()
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        browse = button("Choose\u2026", "folder")
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.price = QComboBox()
        form.addRow("File", row)
        form.addRow("Price column", self.price)
        layout.addLayout(form)
        a11y.prepare(self)
        self.with_ledger = QCheckBox("Add this ledger's recorded sales")
        self.with_ledger.setChecked(ctx.ledger is not None)
        self.with_ledger.setEnabled(ctx.ledger is not None)
        self.quick = QCheckBox("Quick (a smaller model, for a preview)")
        layout.addWidget(self.with_ledger)
        layout.addWidget(self.quick)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.button(QDialogButtonBox.StandardButton.Ok).setText("Train")
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        self.ok = box.button(QDialogButtonBox.StandardButton.Ok)
        layout.addWidget(box)
        browse.clicked.connect(self._browse)
        self.own.toggled.connect(lambda _c: self._update())
        self.price.currentIndexChanged.connect(lambda _i: self._update())
        self._update()

    def _browse(self) -> None:
        path = prompts.open_file(self, "Choose a sales table", "Sales tables (*.csv *.csv.gz *.txt);;All files (*)")
        if path is None:
            return
        self.path.setText(str(path))
        self.own.setChecked(True)
        self.price.clear()
        self.price.setPlaceholderText("Reading the file\u2026")
        self._update()
        from valuation.csvio import read_header

        def refused(error: BaseException) -> None:
            self._columns([])
            report_error(self, error)

        # the header is read on a worker: the file may be large, compressed, or on a slow disk
        self.reads.read("header", lambda: read_header(path), self._columns, failed=refused, title="Reading the table")

    def _columns(self, columns: list[str]) -> None:
        self.price.setPlaceholderText("")
        self.price.clear()
        self.price.addItems(columns)
        for index, name in enumerate(columns):
            if name.strip().lower() in PRICE_WORDS:
                self.price.setCurrentIndex(index)
                break
        self._update()

    def _update(self) -> None:
        own = self.own.isChecked()
        self.price.setEnabled(own)
        self.ok.setEnabled(not own or bool(self.path.text() and self.price.currentText()))

    def csv_path(self) -> str | None:
        return self.path.text() if self.own.isChecked() else None

    def target(self) -> str | None:
        return self.price.currentText() if self.own.isChecked() else None
