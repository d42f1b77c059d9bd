"""The main window's "Parties" menu: requests for other parties' signatures, submitting responses, the notary's desk."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from desktop.gui.main_window import MainWindow


def install(window: "MainWindow") -> None:
    """Add the menu and its actions (called once the window's own menus exist)."""
    a = window._action
    menu = window.menuBar().addMenu("&Parties")
    actions = [
        a(
            "Request a &lien signature\u2026",
            "lien",
            None,
            lambda: open_request(window, "lien"),
            "Write a signing request for a bank's lien",
        ),
        a("Request a lien &release\u2026", "release", None, lambda: open_request(window, "release")),
        a(
            "Request &notarisation\u2026",
            "notary",
            None,
            lambda: open_request(window, "notarise"),
            "Write a notary's request, with the entry's proof",
        ),
        a(
            "&Submit signed responses\u2026",
            "import",
            None,
            lambda: submit(window),
            "Record signed responses of any kind (transfer, lien, release, attestation)",
        ),
        a(
            "Notary's own &desk\u2026",
            "notary",
            None,
            lambda: open_notary_desk(window),
            "Attest from request files and keep your own journal (no ledger needed)",
        ),
    ]
    for number, action in enumerate(actions):
        if number == 3:
            menu.addSeparator()
        menu.addAction(action)


def open_request(window: "MainWindow", kind: str) -> Any:
    from desktop.gui.dialogs.party_requests import PartyRequestDialog

    window.ctx.require_ledger()
    dialog = PartyRequestDialog(window.ctx, kind, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def submit(window: "MainWindow") -> None:
    from desktop.gui.dialogs.party_requests import submit_responses_dialog

    window.ctx.require_ledger()
    submit_responses_dialog(window.ctx, window)


def open_notary_desk(window: "MainWindow") -> Any:
    from desktop.gui.notary_desk import NotaryDeskWindow

    desk = NotaryDeskWindow(window.ctx.home, window.ctx.keys, settings=window.ctx.settings)
    desk.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    desk.show()
    window._notary_desk = desk  # type: ignore[attr-defined]  # kept alive while open
    return desk
