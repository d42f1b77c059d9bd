"""The screens `deedbook gui --screenshots DIR` saves, in order, on whatever ledger is open.

Nothing here writes to the ledger: the transfer stops before recording, the
signer saves nothing.  Two things may be added to the data folder: a quick
valuation model (when there is none) and a certificate of title PDF.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from PySide6.QtWidgets import QApplication

from desktop.gui import theme

if TYPE_CHECKING:
    from desktop.gui.shots import Driver, Wait


@dataclass
class Facts:
    """What the tour reads from the ledger before it starts (on a worker, like every ledger read)."""

    deed: int = 1  # a deed with some history (sold, liens) makes the better picture
    holders: frozenset[str] = frozenset()  # its holders, lower-case
    seller: str | None = None  # the one holding the most shares
    last_transfer: int | None = None  # the newest Transfer entry, if any
    request: Path | None = None  # a transfer request for the offline signer's picture


class Steps:
    def __init__(self, driver: "Driver") -> None:
        self.d = driver
        self.ctx = driver.ctx
        self.ctx.require_ledger()
        self.tmp = Path(tempfile.mkdtemp(prefix="deedbook-shots-"))
        self.facts = Facts()

    def prepare(self) -> Iterator["Wait | None"]:
        ws, tmp = self.ctx.ws, self.tmp

        def read() -> Facts:
            ledger = ws.ledger
            ids = ledger.deed_ids(order_by="version", descending=True, limit=1)
            deed = ids[0] if ids else 1
            state = ledger.deed(deed)
            holders = frozenset(a.lower() for a in state.holders)
            seller = max(state.holders.items(), key=lambda item: item[1])[0] if state.holders else None
            transfers = ledger.entries(kind="Transfer")
            buyer = next((k for k in ws.keys.list() if k.address.lower() not in holders), None)
            request = None
            if buyer is not None and seller is not None:  # files in a temporary folder; the ledger is untouched
                prepared = ws.prepare_transfer(
                    deed, buyer.address, "238500.00", "USD", seller=seller, out_dir=tmp / "requests"
                ).value
                request = prepared.paths[0]
            return Facts(deed, holders, seller, transfers[-1].index if transfers else None, request)

        self.ctx.ops.op(None, read, title="Reading the ledger").success(
            lambda facts: setattr(self, "facts", facts)
        ).run()
        yield None

    def all(self) -> Iterator["Wait | None"]:
        window = self.d._main_window()
        yield None
        deed = self.facts.deed
        yield from self.deeds(window, deed)
        yield from self.register(window)
        yield from self.transfer(window, deed)
        yield from self.signer(deed)
        yield from self.keys(window)
        yield from self.notary(window)
        yield from self.valuation(window, deed)
        yield from self.ledger_verify(window)
        yield from self.document(window, deed)
        yield from self.rules(window)
        yield from self.servicing(window)
        yield from self.review(window)
        yield from self.witnesses(window)
        yield from self.dialogs(window)
        if not self.d.dark:  # a dark tour has shown them all so already
            yield from self.dark(window, deed)
        window.close()

    # -- the screens -------------------------------------------------------------------------------------------
    def deeds(self, window: Any, deed: int) -> Iterator["Wait | None"]:
        window.show_deed(deed)
        yield None
        self.d.shot("deeds", window)

    def register(self, window: Any) -> Iterator["Wait | None"]:
        pane = window.show_pane("register")
        yield None
        pane.parcel.setText("0908225150")
        pane.address.setText("1407 Ridgewood Ave, Ames, IA 50010")
        pane.legal.setPlainText("Lot 12, Block 3, Ridgewood Addition, City of Ames, Story County, Iowa")
        keys = self.ctx.keys.list()
        if keys:
            pane.owner.set_address(keys[-1].address)
        for name, value in (
            ("Gr_Liv_Area", 1640),
            ("Lot_Area", 9600),
            ("Year_Built", 1994),
            ("Overall_Qual", 7),
            ("Bedroom_AbvGr", 3),
            ("Full_Bath", 2),
            ("Garage_Cars", 2),
        ):
            pane.fields[name].setValue(value)
        pane.fields["Neighborhood"].setCurrentText("CollgCr")
        pane.fields["Bldg_Type"].setCurrentText("1Fam")
        yield None
        self.d.shot("register", window)

    def transfer(self, window: Any, deed: int) -> Iterator["Wait | None"]:
        wizard = window.open_transfer(deed)
        yield None
        holders = self.facts.holders
        buyer = next((k for k in self.ctx.keys.list() if k.address.lower() not in holders), None)
        if buyer is not None:
            wizard.terms.buyer.set_address(buyer.address)
        wizard.resize(900, 640)
        yield lambda: "Asking the ledger" not in wizard.terms.check.text.text()  # the check's answer, not its question
        self.d.shot("transfer-wizard", wizard)
        if buyer is not None:
            wizard.next()  # the terms are checked (and the requests made) on a worker, then the next page shows
            yield None
            if wizard.currentPage() is wizard.signatures:
                self.d.shot("transfer-signatures", wizard)
        wizard.close()

    def signer(self, deed: int) -> Iterator["Wait | None"]:
        from desktop.gui.signer import SignerWindow

        if self.facts.request is None:
            return
        window = SignerWindow(self.ctx.home, None, self.ctx.keys)  # as on an air-gapped laptop: no ledger
        window.resize(900, 760)
        window.show()
        window.load(self.facts.request)  # read on the signer's own worker
        window.picker.password.setText("\u2022" * 10)
        yield lambda: window.reading is None
        self.d.shot("offline-signer", window)
        window.close()

    def keys(self, window: Any) -> Iterator["Wait | None"]:
        pane = window.show_pane("keys")
        yield None
        if pane.keys_table.rowCount():
            pane.keys_table.selectRow(0)
        self.d.shot("keys", window)
        pane.tabs.setCurrentIndex(1)
        yield None
        if pane.contacts_table.rowCount():
            self.d.shot("address-book", window)
        pane.tabs.setCurrentIndex(0)

    def notary(self, window: Any) -> Iterator["Wait | None"]:
        pane = window.show_pane("notary")
        if self.facts.last_transfer is not None:
            pane.select_entry(self.facts.last_transfer)
        for key in self.ctx.keys.list():
            if "notary" in key.name:
                pane.key.select(key.name)
        pane.place.setText("Ames, Story County, IA")
        yield None
        self.d.shot("notary-desk", window)

    def valuation(self, window: Any, deed: int) -> Iterator["Wait | None"]:
        pane = window.show_pane("valuation")
        yield None
        if self.ctx.ws.model_state().needs_training:
            pane.train(quick=True)  # quick, for the picture (an estimate alone would train the full model)
            yield None
        pane.value_deed(deed)
        yield None
        self.d.shot("valuation", window)

    def ledger_verify(self, window: Any) -> Iterator["Wait | None"]:
        pane = window.show_pane("ledger")
        pane.verify()
        yield None
        if self.facts.last_transfer is not None:
            pane.reveal(self.facts.last_transfer)
        yield None
        self.d.shot("ledger-verified", window)

    def document(self, window: Any, deed: int) -> Iterator["Wait | None"]:
        pane = window.show_pane("documents")
        pane.certificate(deed)
        yield None
        yield None  # the preview opens on the success signal
        self.d.shot("document-preview", window)

    def rules(self, window: Any) -> Iterator["Wait | None"]:
        window.show_pane("rules")  # the rules in force, or what to do when there are none
        yield None
        self.d.shot("rules-and-claims", window)

    def servicing(self, window: Any) -> Iterator["Wait | None"]:
        window.show_pane("servicing")  # loans, distributions and votes on this ledger
        yield None
        self.d.shot("servicing", window)

    def review(self, window: Any) -> Iterator["Wait | None"]:
        pane = window.show_pane("review")  # screening reads the valuation model trained above
        yield lambda: not pane.empty.text().startswith("Screening")
        self.d.shot("review-queue", window)

    def witnesses(self, window: Any) -> Iterator["Wait | None"]:
        window.show_pane("witnesses")
        yield None
        self.d.shot("witness-and-replicas", window)

    def dialogs(self, window: Any) -> Iterator["Wait | None"]:
        settings = window.open_settings()
        yield None
        self.d.shot("settings", settings)
        settings.reject()
        about = window.open_about()
        yield None
        self.d.shot("about", about)
        about.close()

    def dark(self, window: Any, deed: int) -> Iterator["Wait | None"]:
        app = QApplication.instance()
        theme.apply_theme(app, "dark")  # type: ignore[arg-type]
        window.show_deed(deed)
        yield None
        self.d.shot("deeds-dark", window)
        window.show_pane("valuation")
        yield None
        self.d.shot("valuation-dark", window)
        theme.apply_theme(app, self.ctx.settings.theme)  # type: ignore[arg-type]
