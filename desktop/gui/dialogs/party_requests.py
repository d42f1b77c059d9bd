"""The agency's requests to other parties: a lien signature, a lien release, a notarisation; and submitting responses.

Each dialog collects plain values and calls one workspace operation on a worker
(`prepare_lien_request`, `prepare_release_request`, `prepare_attestation_request`);
the request file goes to the folder chosen, for the bank or the notary to sign
on its own machine.  `submit_responses_dialog` reads signed responses of any
kind, says what they will record, asks, and records them all or none.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.gui import a11y, fmt, prompts
from desktop.gui.widgets.basics import button, label
from desktop.gui.widgets.fields import AddressField

if TYPE_CHECKING:
    from core.party_requests import PreparedRequest
    from desktop.gui.context import AppContext

KINDS = ("lien", "release", "notarise")
TITLES = {"lien": "Request a lien signature", "release": "Request a lien release", "notarise": "Request notarisation"}
INTROS = {
    "lien": "Writes the lienholder's signing request. The bank signs it on its own machine (deedbook sign, the "
    "offline signer, or any EIP-712 wallet) and sends the response back to submit. The lien number and the "
    "deed's version are fixed now: if the deed changes first, prepare a new request.",
    "release": "Writes the lienholder's request to release an open lien.",
    "notarise": "Writes the notary's request with the entry's proof (a checkpoint must cover the entry), so the notary "
    "checks it on their own machine with no copy of this ledger, attests, and keeps their own journal.",
}


class PartyRequestDialog(QDialog):
    def __init__(
        self,
        ctx: "AppContext",
        kind: str,
        parent: QWidget | None = None,
        *,
        deed: int | None = None,
        entry: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.kind = ctx, kind
        self.prepared: "PreparedRequest | None" = None
        self.setWindowTitle(TITLES[kind])
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(label(TITLES[kind], "title"))
        layout.addWidget(label(INTROS[kind], "muted", wrap=True))
        form = QFormLayout()
        names = [(k.name, k.address) for k in ctx.keys.list()]
        self.number = QSpinBox()
        self.number.setRange(0 if kind == "notarise" else 1, 2_000_000_000)
        self.party = AddressField()
        self.party.set_choices(names)
        self.amount, self.currency, self.lien_kind, self.act, self.place = (
            QLineEdit(),
            QLineEdit("USD"),
            QComboBox(),
            QComboBox(),
            QLineEdit(),
        )
        self.lien_kind.setEditable(True)
        self.lien_kind.addItems(["mortgage", "home equity", "tax", "judgment", "mechanic's"])
        self.act.setEditable(True)
        self.act.addItems(["acknowledgment", "jurat"])
        self.amount.setPlaceholderText(fmt.amount_example(200_000))
        self.place.setPlaceholderText("City, county, state")
        if kind == "lien":
            self.number.setValue(deed or 1)
            form.addRow("Deed", self.number)
            form.addRow("Lienholder", self.party)
            form.addRow("Amount", self.amount)
            form.addRow("Currency", self.currency)
            form.addRow("Kind", self.lien_kind)
        elif kind == "release":
            form.addRow("Lien number", self.number)
        else:
            self.number.setValue(entry or 0)
            form.addRow("Entry", self.number)
            form.addRow("Notary", self.party)
            form.addRow("Act", self.act)
            form.addRow("Place", self.place)
        self.folder = QLineEdit(str(Path.home() / "Deedbook requests"))
        pick = button("Choose\u2026", "folder")
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(pick)
        form.addRow("Folder", row)
        layout.addLayout(form)
        a11y.prepare(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.write_button = button("Write request", primary=True)
        self.buttons.addButton(self.write_button, QDialogButtonBox.ButtonRole.AcceptRole)
        layout.addWidget(self.buttons)
        pick.clicked.connect(self._pick)
        self.buttons.rejected.connect(self.reject)
        self.write_button.clicked.connect(self.write)

    def _pick(self) -> None:
        folder = prompts.choose_folder(self, "Folder for the request", self.folder.text())
        if folder is not None:
            self.folder.setText(str(folder))

    def _work(self) -> Callable[[], Any]:
        ws, number, folder = self.ctx.ws, self.number.value(), self.folder.text()
        if self.kind == "lien":
            holder, amount, currency = self.party.address() or "", self.amount.text(), self.currency.text()
            lien_kind, read = self.lien_kind.currentText(), fmt.amount_reader()
            return lambda: ws.prepare_lien_request(
                number, holder, read(amount, currency), lien_kind, currency, out_dir=folder
            )
        if self.kind == "release":
            return lambda: ws.prepare_release_request(number, out_dir=folder)
        notary, act, place = self.party.address() or "", self.act.currentText(), self.place.text()
        return lambda: ws.prepare_attestation_request(number, notary, act=act, place=place, out_dir=folder)

    def write(self) -> None:
        if self.kind != "release" and not self.party.is_valid():
            prompts.show_error(self, "Give the other party's address (or choose a name).")
            return
        self.write_button.setEnabled(False)
        (
            self.ctx.ops.op(self, self._work(), title=TITLES[self.kind])
            .success(self._written)
            .done(lambda: self.write_button.setEnabled(True))
            .run()
        )

    def _written(self, prepared: "PreparedRequest") -> None:
        self.prepared = prepared
        prompts.inform(
            self,
            f"Wrote {prepared.path}. Send it to {prepared.request.signer} ({prepared.request.role}); "
            "submit the signed response when it comes back.",
        )
        self.accept()


def submit_responses_dialog(ctx: "AppContext", parent: QWidget) -> None:
    """Open signed responses (any kinds), check them on a worker, ask, then record them all or none."""
    paths = prompts.open_files(parent, "Submit signed responses", "Signing responses (*.json);;All files (*)")
    if not paths:
        return

    def read() -> list[Any]:
        from core.requests import load_response

        return [load_response(p) for p in paths]

    ctx.ops.op(parent, read, title="Reading the responses").success(
        lambda responses: submit_responses(ctx, parent, responses)
    ).run()


def what_it_records(response: Any, identity: Any) -> str:
    """A signed response's entry in one line for a question: the title and terms its signer read, less the
    lines that name the signature itself (ledger, signer, digests)."""
    from core.requests import summarize

    summary = summarize(response, identity, warn_ledger=False, notation=fmt.notation())
    terms = [f"{k.lower()} {v}" for k, v in summary.lines if k not in ("Ledger", "Signer", "Digest", "Domain hash")]
    return f"{summary.title.splitlines()[0]} ({', '.join(terms)})" if terms else summary.title.splitlines()[0]


def submit_responses(ctx: "AppContext", parent: QWidget, responses: list[Any]) -> None:
    """Check `responses` against the ledger on a worker, say what they make, ask, record them all or none."""
    ws = ctx.ws

    def check() -> tuple[int, list[str]]:
        count = ws.check_responses(responses)
        identity = ws.ledger.identity
        # each entry once, however many parties signed it
        return count, list(dict.fromkeys(what_it_records(r, identity) for r in responses))

    def confirm(checked: tuple[int, list[str]]) -> None:
        count, titles = checked
        kinds = ", ".join(sorted({r.kind for r in responses}))
        if not prompts.ask(
            parent,
            f"The {fmt.count(len(responses))} signed response(s) ({kinds}) check and make {fmt.count(count)} ledger "
            f"entr{'y' if count == 1 else 'ies'}: {fmt.plain('; '.join(titles), 600)}. Record them now? "
            "This cannot be undone.",
            yes="Record",
        ):
            return
        (
            ctx.ops.op(parent, lambda: ws.submit_responses(responses), write=True, title="Recording responses")
            .success(
                lambda indexes: prompts.inform(
                    parent,
                    f"Recorded as entr{'y' if len(indexes) == 1 else 'ies'} {', '.join(f'#{i}' for i in indexes)}.",
                )
            )
            .run()
        )

    ctx.ops.op(parent, check, title="Checking the responses").success(confirm).run()
