"""Valuation: a deed's estimate with its range drawn, comparable sales, reasons, the model card,
and retraining in the background.  valuation/ (and scikit-learn) load in the worker, never at start.
An estimate asked for with no usable model trains one first (the workspace's `ensure_model`)."""

from __future__ import annotations

import contextlib
from typing import Any, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core import attributes
from core.money import to_minor
from desktop.gui import a11y, fmt, prompts, theme
from desktop.gui.context import AppContext
from desktop.gui.events import Change, Changes
from desktop.gui.operations import Latest, TaskHandle
from desktop.gui.panes.base import Pane, ProgressRow
from desktop.gui.widgets.basics import ElidedLabel, banner, button, card, label
from desktop.gui.widgets.charts import DriverChart, RangeChart
from desktop.workspace import Document, Done, Valued
from desktop.gui.widgets.fields import asked_once
from valuation.wording import as_of_text, sold_text


class ValuationPane(Pane):
    title = "Valuation"
    subtitle = (
        "An automated estimate with a calibrated 90% range, the comparable sales behind it and the reasons, "
        "in money, why it differs from a typical sale."
    )
    icon = "valuation"
    listens_to = Changes.VALUATIONS | Changes.DEEDS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        top = QHBoxLayout()
        self.deed = QSpinBox()
        self.deed.setRange(1, 2_000_000_000)
        self.deed.setPrefix("Deed ")
        self.deed.setMinimumWidth(130)
        a11y.name(self.deed, "Deed number")
        # the deed's parcel and address: cut with an ellipsis (whole on hover) when a small window has no room
        self.deed_label = ElidedLabel("", "muted")
        self.value_button = button("Estimate", primary=True)
        self.record_button = button("Record on ledger\u2026", "ledger", tip="Sign this valuation into the ledger")
        self.record_button.setEnabled(False)
        self.pdf_button = button("Report PDF", "documents")
        self.pdf_button.setEnabled(False)
        top.addWidget(self.deed)
        top.addWidget(self.value_button)
        top.addWidget(self.deed_label, 1)
        top.addWidget(self.record_button)
        top.addWidget(self.pdf_button)
        self.body.addLayout(top)

        self.no_model, no_model_layout = banner("warn")
        self.no_model_text = label(
            "There is no valuation model in this data folder yet. Train one on the bundled "
            "Ames, Iowa market and this ledger's sales (about a minute; quick: ~10 s).",
            wrap=True,
        )
        self.train_quick = button("Quick model", "train")
        self.train_full = button("Train model", "train")
        no_model_layout.addWidget(self.no_model_text, 1)
        no_model_layout.addWidget(self.train_quick)
        no_model_layout.addWidget(self.train_full)
        self.no_model.hide()
        self.body.addWidget(self.no_model)
        self.progress_row = ProgressRow()
        self.progress, self.progress_text = self.progress_row.bar, self.progress_row.text
        self.cancel_button = self.progress_row.cancel_button
        self.body.addWidget(self.progress_row)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._result_area())
        splitter.addWidget(self._card_area())
        splitter.setSizes([760, 380])
        splitter.setChildrenCollapsible(False)
        self.body.addWidget(splitter, 1)

        self.value_button.clicked.connect(lambda: self.value_deed(self.deed.value()))
        self.deed.valueChanged.connect(self._deed_changed)
        self.train_quick.clicked.connect(lambda: self.train(quick=True))
        self.train_full.clicked.connect(lambda: self.train(quick=False))
        self.retrain.clicked.connect(self.retrain_dialog)
        self.record_button.clicked.connect(self.record)
        self.pdf_button.clicked.connect(self.report_pdf)
        self.result: Valued | None = None
        self._job: Any = None
        self._latest = Latest(ctx.ops, self)
        self._deed_changed(self.deed.value())
        self.load_card()

    # -- layout ---------------------------------------------------------------------------------------------
    def _result_area(self) -> QWidget:
        scroll = a11y.name(QScrollArea(), "Estimate, reasons and comparable sales")
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        scroll.setWidget(inner)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.setSpacing(10)
        estimate_card, estimate_layout = card()
        self.estimate = label("\u2014", "big")
        self.estimate_note = label("Pick a deed and press Estimate.", "muted", wrap=True)
        self.range_chart = RangeChart()
        estimate_layout.addWidget(label("Estimate", "section"))
        estimate_layout.addWidget(self.estimate)
        estimate_layout.addWidget(self.estimate_note)
        estimate_layout.addWidget(self.range_chart)
        layout.addWidget(estimate_card)
        reasons_card, reasons_layout = card()
        reasons_layout.addWidget(label("Why it differs from a typical sale", "section"))
        self.drivers = DriverChart()
        reasons_layout.addWidget(self.drivers)
        self.drivers_note = label("", "muted", wrap=True)
        reasons_layout.addWidget(self.drivers_note)
        layout.addWidget(reasons_card)
        comps_card, comps_layout = card()
        comps_layout.addWidget(label("Comparable sales", "section"))
        self.comps = a11y.name(QTableWidget(0, 5), "Comparable sales")
        self.comps.setHorizontalHeaderLabels(["Property", "Sold", "Price", "Distance", "Adjusted to this one"])
        self.comps.verticalHeader().setVisible(False)
        self.comps.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.comps.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.comps.setAlternatingRowColors(True)
        self.comps.setShowGrid(False)
        header = self.comps.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        comps_layout.addWidget(self.comps)
        self.assumed = label("", "muted", wrap=True)
        comps_layout.addWidget(self.assumed)
        layout.addWidget(comps_card)
        layout.addStretch(1)
        return scroll

    def _card_area(self) -> QWidget:
        frame, layout = card()
        head = QHBoxLayout()
        head.addWidget(label("Model card", "section"), 1)
        self.retrain = button("Retrain\u2026", "train", tip="Train again, on the bundled market or on your own CSV")
        head.addWidget(self.retrain)
        layout.addLayout(head)
        self.card_text = label("", wrap=True, selectable=True)
        self.card_text.setTextFormat(Qt.TextFormat.RichText)
        self.card_text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = a11y.name(QScrollArea(), "Model card")
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.card_text)
        layout.addWidget(scroll, 1)
        frame.setMinimumWidth(330)
        return frame

    # -- the deed and its estimate -------------------------------------------------------------------------------
    def _deed_changed(self, deed_id: int) -> None:
        ledger = self.ctx.ledger
        if ledger is None:
            self.deed_label.setText("No ledger is open.")
            return
        self.deed_label.setText("Reading the deed\u2026")

        def read() -> tuple[int, Any]:
            from core.errors import NotFound

            try:
                return ledger.deed_count(), ledger.deed(deed_id)
            except NotFound:  # an unknown number just shows nothing
                return ledger.deed_count(), None

        self._latest.read(
            "deed", read, self._show_deed, failed=lambda _error: self.deed_label.setText(""), title="Reading the deed"
        )

    def _show_deed(self, found: tuple[int, Any]) -> None:
        count, deed = found
        self.deed.blockSignals(True)
        self.deed.setMaximum(max(1, count))
        self.deed.blockSignals(False)
        shown = f"parcel {fmt.plain(deed.parcel)} \u2022 {fmt.plain(deed.address)}" if deed is not None else ""
        self.deed_label.setText(shown)

    def value_deed(self, deed_id: int) -> None:
        self.ctx.require_ledger()
        ws = self.ctx.ws
        if self.deed.value() != deed_id:
            self.deed.setValue(deed_id)

        def work(task: TaskHandle) -> Done[Valued]:
            return ws.value_deed(
                deed_id, task.fraction, task.should_cancel, before_training=lambda note: task.fraction(0.0, note)
            )

        self.value_button.setEnabled(False)
        self.estimate_note.setText("Estimating\u2026")
        # another deed valued meanwhile (the deed pane's Value, twice): only the newest estimate is shown
        self._latest.task("estimate", work, self.show_result, title="Estimating the value").done(
            lambda: self.value_button.setEnabled(True)
        )

    def show_result(self, result: Valued) -> None:
        deed, valuation = result.deed, cast(Any, result.valuation)  # its comparables are plain dicts
        self.result = result
        self.record_button.setEnabled(True)
        self.pdf_button.setEnabled(True)
        self.estimate.setText(fmt.money(valuation.estimate, whole=True))
        self.estimate_note.setText(
            f"Deed {deed.deed_id}, parcel {deed.parcel}, {as_of_text(valuation.as_of)}. {fmt.percent(90)} range {fmt.money(valuation.low, whole=True)} to "
            f"{fmt.money(valuation.high, whole=True)}; a typical sale in this market: {fmt.money(valuation.typical, whole=True)}."
            + confidence_line(valuation)
        )
        self.range_chart.set_range(
            valuation.estimate, valuation.low, valuation.high, [c.price for c in valuation.comparables]
        )
        self.drivers.set_drivers(
            [
                (f"{attributes.label(d.feature)} = {fmt.figure(d.value)}", d.effect, fmt.figure(d.value))
                for d in valuation.drivers
            ]
        )
        warnings = " \u26a0 " + "; ".join(valuation.warnings) if valuation.warnings else ""
        self.drivers_note.setText(
            f"Everything else: {fmt.money(valuation.other_effects, whole=True, signed=True)}.{warnings}"
        )
        self.comps.setRowCount(len(valuation.comparables))
        for row, comp in enumerate(valuation.comparables):
            distance = f"{fmt.decimal(comp.distance_km, 1)} km" if comp.distance_km is not None else ""
            cells = [
                comp.label,
                sold_text(comp.sold),
                fmt.money(comp.price, whole=True),
                distance,
                fmt.money(comp.adjusted_price, whole=True),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(fmt.plain(text))  # labels come from a CSV or a ledger
                if column >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if comp.differences and column == 0:
                    item.setToolTip(
                        "\n".join(
                            f"{attributes.label(d['feature'])}: {fmt.figure(d['comparable'])} "
                            f"(this one: {fmt.figure(d['subject'])})"
                            for d in comp.differences
                        )
                    )
                self.comps.setItem(row, column, item)
        self.comps.setFixedHeight(self.comps.horizontalHeader().height() + 30 * max(1, len(valuation.comparables)) + 4)
        assumed = ", ".join(attributes.label(a) for a in valuation.assumed[:12])
        more = f" and {fmt.count(len(valuation.assumed) - 12)} more" if len(valuation.assumed) > 12 else ""
        self.assumed.setText(f"Assumed typical (not recorded on the deed): {assumed}{more}." if assumed else "")

    # -- recording and reports -------------------------------------------------------------------------------------
    def record(self) -> None:
        if self.result is None:
            return
        from desktop.gui.panes.ledger import KeyDialog

        valued, ws = self.result, self.ctx.ws
        deed, valuation = valued.deed, valued.valuation
        with asked_once(
            KeyDialog(
                self.ctx,
                "Record the valuation",
                f"Sign the estimate {fmt.money(valuation.estimate, whole=True)} ({fmt.percent(90)} range "
                f"{fmt.money(valuation.low, whole=True)} to {fmt.money(valuation.high, whole=True)}) for deed "
                f"{deed.deed_id} into the ledger.",
                self,
            )
        ) as dialog:
            signer = dialog.signer() if dialog.exec() else None
        if signer is None:
            return
        (
            self.ctx.ops.op(
                self, lambda: ws.record_valuation(valued, signer), write=True, title="Recording the valuation"
            )
            .success(lambda index: prompts.inform(self, f"Valuation recorded as entry #{index}."))
            .run()
        )

    def report_pdf(self) -> None:
        if self.result is None:
            return
        from desktop.gui.panes.documents import generate

        generate(self.ctx, self, Document.valuation(self.result.deed.deed_id, self.result))

    # -- the model ---------------------------------------------------------------------------------------------------
    def load_card(self) -> None:
        ws = self.ctx.ws
        # read again on each change (a model trained, another data folder): the newest read's card is shown
        self._latest.read("card", ws.model_card, self.show_card, title="Reading the model card")

    def show_card(self, model_card: dict[str, Any] | None) -> None:
        self.no_model.setVisible(model_card is None)
        if model_card is None:
            theme.set_rich(self.card_text, "<p>No model yet.</p>")
            return
        data, metrics, model = model_card.get("data", {}), model_card.get("metrics", {}), model_card.get("model", {})
        features = [f for f in model_card.get("features", []) if f.get("used")][:8]
        currency = str(model_card.get("currency") or "USD")  # cards from before they named it were USD
        rows = "".join(
            f"<tr><td>{fmt.rich(attributes.label(f['name']))}</td><td align='right'>"
            f"{fmt.amount(to_minor(f['importance'], currency), currency, whole=True)}</td></tr>"
            for f in features
        )
        html = f"""
        <p><b>Trained</b> {model_card.get('created', '')[:16].replace('T', ' ')} on
        {fmt.counted(int(data.get('sales_used', 0)), 'sale')} ({fmt.rich(data.get('name', ''))}{
            ', + ' + fmt.count(int(data['ledger_sales'])) + ' from this ledger' if data.get('ledger_sales') else ''
        }), valuations {as_of_text(model_card.get('valuation_date'))}.</p>
        <p><b>Accuracy</b> (each sale valued by a model that never saw it): median error
        {fmt.apart(fmt.percent(metrics.get('mdape', 0), 1))}, {fmt.percent(100 * metrics.get('within_10', 0))} within
        {fmt.apart(fmt.percent(10))}, {fmt.percent(90)} range covers {
            fmt.percent(100 * metrics.get('coverage', 0))
        } of sales;
        COD {fmt.decimal(metrics.get('cod', 0), 1)}, PRD {fmt.decimal(metrics.get('prd', 0), 3)}.</p>
        <p><b>Model</b> {model.get('kind', '')}.</p>
        <p><b>What matters most</b> (average effect)</p><table width='100%'>{rows}</table>
        <p><b>Limits</b><br>{'<br>'.join(model_card.get('limits', []))}</p>
        <p class='muted'>{data.get('attribution', '')}</p>"""
        theme.set_rich(self.card_text, html)

    def train(
        self, *, quick: bool, csv: str | None = None, target: str | None = None, with_ledger: bool = True
    ) -> None:
        if self._job is not None:
            return
        ws = self.ctx.ws

        def job(task: TaskHandle) -> Done[dict[str, Any]]:
            return ws.train(
                csv=csv,
                target=target,
                with_ledger=with_ledger,
                quick=quick,
                progress=task.fraction,
                should_cancel=task.should_cancel,
            )

        self.progress.setValue(0)
        self.progress_text.setText("Training\u2026")
        self.progress_row.show()
        for widget in (self.train_quick, self.train_full, self.retrain):
            widget.setEnabled(False)
        op = self.ctx.ops.task(self, job, title="Training the valuation model")
        op.on_progress(self._train_progress)
        self.cancel_button.clicked.connect(op.cancel)
        self._job = op.success(self.show_card).done(self._train_done).run()

    def _train_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.progress_text.setText(message or "")

    def _train_done(self) -> None:
        with contextlib.suppress(RuntimeError, TypeError):  # nothing was connected: PySide6 says so by raising
            self.cancel_button.clicked.disconnect()
        self._job = None
        self.progress_row.hide()
        for widget in (self.train_quick, self.train_full, self.retrain):
            widget.setEnabled(True)

    def retrain_dialog(self) -> None:
        from desktop.gui.dialogs.train import TrainDialog

        dialog = TrainDialog(self.ctx, self)
        if dialog.exec():
            self.train(
                quick=dialog.quick.isChecked(),
                csv=dialog.csv_path(),
                target=dialog.target(),
                with_ledger=dialog.with_ledger.isChecked(),
            )

    def on_changed(self, change: Change) -> None:
        if change.what & (Changes.VALUATIONS | Changes.DATA_FOLDER):
            self.load_card()
        self._deed_changed(self.deed.value())


def confidence_line(valuation: Any) -> str:
    """ "\nForecast standard deviation 6.8% \u2014 confidence 93, high" (nothing for a model without an FSD)."""
    fsd = getattr(valuation, "fsd", None)
    if fsd is None:
        return ""
    return (
        f"\nForecast standard deviation {fmt.percent(100 * fsd, 1)} \u2014 confidence {fmt.count(int(valuation.confidence or 0))}, "
        f"{valuation.confidence_level} (about two sales in three of properties like this one sell within "
        f"{fmt.percent(100 * fsd)} of their estimate)."
    )
