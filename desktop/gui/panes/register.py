"""Register a deed: a validated form whose attributes are the valuation model's features."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.attributes import Attribute, form_attributes, number_text
from core.errors import DeedbookError
from core.state import DeedState
from desktop.gui import a11y, fmt, prompts
from desktop.gui.context import AppContext
from desktop.gui.events import Change, Changes
from desktop.gui.operations import Latest, report_error
from desktop.gui.panes.base import Pane
from desktop.gui.widgets.basics import Columns, banner, button, card, label
from desktop.gui.widgets.fields import AddressField, KeyPicker
from desktop.workspace import Done, Signer


# The attributes an appraiser fills first, as core.attributes describes them (the valuation model's features).
ATTRIBUTES = form_attributes()
NOT_GIVEN = "\u2014"
COLUMN_STRETCH = (5, 4)  # the deed's column and the attributes', side by side


class AttributeSpin(QSpinBox):
    """A whole-number attribute written as the certificate will print it (core.attributes.number_text):
    grouped from 10,000 up, so a year reads 1994, not 1,994."""

    def textFromValue(self, value: int) -> str:
        return number_text(value)

    def valueFromText(self, text: str) -> int:
        digits = text.removesuffix(self.suffix()).replace(",", "").replace(self.locale().groupSeparator(), "")
        return int(digits.strip() or self.minimum())


def _choices() -> dict[str, list[str]]:
    """Values seen in the bundled market data, most common first (read off the UI thread)."""
    from collections import Counter

    from core.marketdata import ames_rows

    rows = ames_rows()
    out = {}
    for field in ATTRIBUTES:
        if field.kind == "choice":
            counts = Counter(r.get(field.name, "") for r in rows)
            out[field.name] = [v for v, _n in counts.most_common() if v and v != "NA"]
    return out


class RegisterPane(Pane):
    title = "Register a deed"
    subtitle = "Record a property as a token held by its owner. The registrar's key signs the registration."
    icon = "register"
    listens_to = Changes.KEYS | Changes.CONTACTS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        scroll = a11y.form_area(QScrollArea())
        scroll.setWidgetResizable(True)
        inner = QWidget()
        scroll.setWidget(inner)
        columns = Columns(COLUMN_STRETCH, inner)  # the attributes under the deed in a small window
        columns.setContentsMargins(0, 0, 4, 0)
        columns.setSpacing(14)
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, COLUMN_STRETCH[0])
        columns.addLayout(right, COLUMN_STRETCH[1])
        self.body.addWidget(scroll, 1)
        self._scroll, self._columns = scroll, columns

        deed_card, deed_layout = card()
        deed_layout.addWidget(label("The deed", "section"))
        form = QFormLayout()
        form.setVerticalSpacing(8)
        self.parcel = QLineEdit()
        self.parcel.setPlaceholderText("County parcel number, e.g. 0526301100")
        self.address = QLineEdit()
        self.address.setPlaceholderText("Street, city, state, postcode")
        self.legal = QPlainTextEdit()
        self.legal.setPlaceholderText("Legal description (lot, block, subdivision\u2026)")
        self.legal.setFixedHeight(64)
        self.owner = AddressField()
        self.shares = QSpinBox()
        self.shares.setRange(1, 1_000_000_000)
        self.shares.setValue(10_000)
        self.shares.setGroupSeparatorShown(True)
        self.shares.setToolTip("Every deed is divisible into shares; a whole-deed transfer moves them all.")
        form.addRow("Parcel", self.parcel)
        form.addRow("Address", self.address)
        form.addRow("Legal", self.legal)
        form.addRow("Owner", self.owner)
        form.addRow("Shares", self.shares)
        deed_layout.addLayout(form)
        left.addWidget(deed_card)

        sign_card, sign_layout = card()
        sign_layout.addWidget(label("Registrar signature", "section"))
        self.key = KeyPicker(lambda: [(k.name, k.address) for k in self.ctx.keys.list()])
        sign_layout.addWidget(self.key)
        row = QHBoxLayout()
        self.problem = label("", "muted", wrap=True)
        row.addWidget(self.problem, 1)
        self.submit = button("Register deed", "register", primary=True)
        self.submit.setEnabled(False)
        row.addWidget(self.submit)
        sign_layout.addLayout(row)
        left.addWidget(sign_card)
        self.result, result_layout = banner("good")
        self.result_text = label("", wrap=True)
        self.show_button = button("Show deed", "deeds")
        result_layout.addWidget(self.result_text, 1)
        result_layout.addWidget(self.show_button)
        self.result.hide()
        left.addWidget(self.result)
        left.addStretch(1)

        attr_card, attr_layout = card()
        attr_layout.addWidget(label("Attributes (used by the valuation model)", "section"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        self.fields: dict[str, QWidget] = {}
        for i, field in enumerate(ATTRIBUTES):
            widget = self._field_widget(field)
            self.fields[field.name] = widget
            grid.addWidget(a11y.buddy(label(field.label, "muted"), widget), i, 0)
            grid.addWidget(widget, i, 1)
        attr_layout.addLayout(grid)
        self.extra = QPlainTextEdit()
        attr_layout.addWidget(a11y.buddy(label("Other attributes, one KEY=VALUE per line", "muted"), self.extra))
        self.extra.setPlaceholderText("Pool_Area=0\nFence=MnPrv")
        self.extra.setFixedHeight(70)
        attr_layout.addWidget(self.extra)
        right.addWidget(attr_card)
        right.addStretch(1)

        for signal in (self.parcel.textChanged, self.address.textChanged, self.key.changed):
            signal.connect(self._validate)
        self.owner.validity_changed.connect(lambda _v: self._validate())
        self.submit.clicked.connect(self.register)
        self._new_deed: int | None = None
        self.show_button.clicked.connect(lambda: self._new_deed and self.ctx.events.show_deed.emit(self._new_deed))
        self._latest = Latest(ctx.ops, self)
        self._reload_choices()
        if ctx.settings.last_key:
            self.key.select(ctx.settings.last_key)
        elif ctx.ledger is not None:  # registering is a registrar's act: start on the operator's key, the first one
            from desktop.gui.panes.ledger import preferred_key

            self.key.select(preferred_key(ctx, ctx.ledger.identity.operator))
        ctx.ops.op(self, _choices).success(self._fill_choices).failure(lambda _e: None).run()
        self._validate()

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)
        self._place_columns()

    def _place_columns(self) -> None:
        """The attributes beside the deed when both fit, else under it (980 x 620: they were cut on the right,
        behind a horizontal scroll bar). From the pane's width, a vertical scroll bar counted as shown."""
        outer = self._outer.contentsMargins()
        self._columns.fit_in(self._scroll, self.width() - outer.left() - outer.right())

    def _field_widget(self, field: Attribute) -> QWidget:
        if field.kind == "choice":
            combo = QComboBox()
            combo.setEditable(True)
            combo.addItem(NOT_GIVEN)
            return combo
        if field.kind == "float":
            spin: QDoubleSpinBox | QSpinBox = QDoubleSpinBox()
            spin.setDecimals(6)  # type: ignore[union-attr]
        else:
            spin = AttributeSpin()
        low, high = field.low or 0, field.high or 0
        spin.setRange(low - 1, high)  # type: ignore[arg-type]
        spin.setValue(low - 1)  # type: ignore[arg-type]
        spin.setSpecialValueText(NOT_GIVEN)  # the value below the range means "not given"
        spin.setSuffix(f" {field.unit}" if field.unit else "")
        return spin

    def _fill_choices(self, choices: dict[str, list[str]]) -> None:
        for name, values in choices.items():
            combo = self.fields[name]
            assert isinstance(combo, QComboBox)
            current = combo.currentText()
            combo.clear()
            combo.addItem(NOT_GIVEN)
            combo.addItems(values)
            combo.setCurrentText(current)

    def _reload_choices(self) -> None:
        names = [(k.name, k.address) for k in self.ctx.keys.list()]
        self.owner.set_choices(names)
        self.key.reload()
        if self.ctx.ledger is not None:  # the address book's names come first, once read
            ws = self.ctx.ws
            self._latest.read(
                "contacts",
                lambda: [(c.name, c.address) for c in ws.address_book().list()],
                lambda contacts: self.owner.set_choices(contacts + names),
                title="Reading the address book",
            )

    def on_changed(self, change: Change) -> None:
        self._reload_choices()

    # -- the form ----------------------------------------------------------------------------------
    def attributes(self) -> dict[str, Any]:
        from core.deeds import parse_attribute_pairs

        values: dict[str, Any] = {}
        for field in ATTRIBUTES:
            widget = self.fields[field.name]
            if isinstance(widget, QComboBox):
                text = widget.currentText().strip()
                if text and text != NOT_GIVEN:
                    values[field.name] = text
            elif isinstance(widget, (QSpinBox, QDoubleSpinBox)) and widget.value() >= (field.low or 0):
                values[field.name] = widget.value()
        lines = [line for line in self.extra.toPlainText().splitlines() if line.strip()]
        values.update(parse_attribute_pairs(lines))
        return values

    def _validate(self) -> None:
        missing = []
        if not self.parcel.text().strip():
            missing.append("a parcel number")
        if not self.address.text().strip():
            missing.append("an address")
        if not self.owner.is_valid():
            missing.append("the owner's address")
        if not self.key.ready():
            missing.append("the registrar's key and password")
        self.problem.setText("Still needed: " + ", ".join(missing) + "." if missing else "Ready to register.")
        self.submit.setEnabled(not missing and self.ctx.ledger is not None)

    def register(self) -> None:
        try:
            attributes = self.attributes()
        except DeedbookError as error:
            prompts.show_error(self, str(error))
            return
        self.ctx.require_ledger()
        ws, signer = self.ctx.ws, self.key.signer()
        owner = self.owner.address() or ""
        parcel, address, legal = self.parcel.text(), self.address.text(), self.legal.toPlainText()
        shares = self.shares.value()
        fields: dict[str, Any] = dict(
            parcel=parcel, address=address, owner=owner, legal=legal, attributes=attributes, shares=shares
        )

        def check() -> None:  # a parcel registered already, a key that is no registrar, the rules: before asking
            ws.check_registration(signer, **fields)

        def refused(error: BaseException) -> None:
            report_error(self, error, "Registering the deed")
            self._validate()

        self.submit.setEnabled(False)
        self.problem.setText("Checking the registration against the ledger\u2026")
        (
            self.ctx.ops.op(self, check, title="Checking the registration")
            .success(lambda _none: self._confirm(signer, fields))
            .failure(refused)
            .run()
        )

    def _confirm(self, signer: Signer, fields: dict[str, Any]) -> None:
        parcel, address, owner, shares = fields["parcel"], fields["address"], fields["owner"], fields["shares"]
        count = len(fields["attributes"])
        if not prompts.ask(
            self,
            f"Register parcel {' '.join(parcel.split())} at {' '.join(address.split())}: {fmt.count(shares)} shares held by "
            f"{self.ctx.full_label(owner)}, with {fmt.count(count)} attribute"
            f"{'' if count == 1 else 's'}, signed by the key '{signer.key}'? A registered deed is "
            "recorded in the ledger and never removed.",
            yes="Register the deed",
        ):
            self._validate()
            return  # nothing signed, the form kept as filled
        ws = self.ctx.ws

        def work() -> Done[DeedState]:  # checked again in the write lock: another registrar may have been first
            return ws.register_deed(signer, **fields)

        self.ctx.settings.last_key = signer.key
        (
            self.ctx.ops.op(self, work, write=True, title="Registering the deed")
            .success(self._registered)
            .done(self._validate)
            .run()
        )

    def _registered(self, deed: DeedState) -> None:
        self._new_deed = deed.deed_id
        self.result_text.setText(
            f"Deed {deed.deed_id} registered: parcel {deed.parcel}, {deed.address}, "
            f"{fmt.count(deed.total_shares)} shares held by {self.ctx.label_for(deed.owner)}."
        )
        self.result.show()
        self.parcel.clear()
        self.address.clear()
        self.legal.clear()
        self.extra.clear()
        self.key.clear_password()
