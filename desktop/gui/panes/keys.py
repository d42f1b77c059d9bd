"""Keys (create, import, export keystores) and the address book (named contacts with roles)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget

from core.contacts import ROLES, Contact
from core.display import short_address
from core.keys import KeyInfo
from desktop.gui import a11y, fmt, prompts, theme
from desktop.gui.context import AppContext
from desktop.gui.dialogs.keys import ContactDialog, ImportKeyDialog, NewKeyDialog
from desktop.gui.events import Change, Changes
from desktop.gui.operations import Latest
from desktop.gui.panes.base import Pane
from desktop.gui.widgets.basics import button, label
from desktop.gui.widgets.plain_table import table
from desktop.workspace import Done
from desktop.gui.widgets.fields import asked_once


def _item(text: str, data: Any = None, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(fmt.plain(text))  # a contact's name or note is shown as typed, escaped
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    if tip:
        item.setToolTip(tip)
    return item


class KeysPane(Pane):
    title = "Keys & contacts"
    subtitle = (
        "Keys that sign on this machine (encrypted keystore files), and the people you deal with. "
        "Private keys never leave this machine."
    )
    icon = "keys"
    listens_to = Changes.KEYS | Changes.CONTACTS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._keys_tab(), theme.icon("keys"), "Keys")
        self.tabs.addTab(self._contacts_tab(), theme.icon("contacts"), "Address book")
        self.body.addWidget(self.tabs, 1)
        self._latest = Latest(ctx.ops, self)
        self.reload()

    # -- keys -------------------------------------------------------------------------------------------
    def _keys_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 12, 12, 12)
        row = QHBoxLayout()
        self.new_key = button("New key\u2026", "add")
        self.import_keystore = button("Import keystore\u2026", "import")
        self.import_raw = button("Import private key\u2026", "import")
        self.export_key = button("Export\u2026", "export", tip="Save the encrypted keystore (geth/MetaMask format)")
        self.copy_address = button("Copy address", "copy")
        for widget in (self.new_key, self.import_keystore, self.import_raw):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.copy_address)
        row.addWidget(self.export_key)
        layout.addLayout(row)
        self.keys_table = table(["Name", "Address", "Role on this ledger", "Keystore file"], "Keys")
        layout.addWidget(self.keys_table, 1)
        layout.addWidget(label(f"Keystore files live in {self.ctx.home.keys}.", "muted", wrap=True, selectable=True))
        self.new_key.clicked.connect(self.create_key)
        self.import_keystore.clicked.connect(lambda: self.import_key(raw=False))
        self.import_raw.clicked.connect(lambda: self.import_key(raw=True))
        self.export_key.clicked.connect(self.export)
        self.copy_address.clicked.connect(self._copy_key_address)
        return page

    def _selected_key(self) -> str | None:
        row = self.keys_table.currentRow()
        item = self.keys_table.item(row, 0) if row >= 0 else None
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def _copy_key_address(self) -> None:
        item = self.keys_table.item(self.keys_table.currentRow(), 1)
        if item is not None:
            QGuiApplication.clipboard().setText(item.text())

    def create_key(self) -> None:
        with asked_once(NewKeyDialog(self)) as dialog:
            if not dialog.exec():
                return
            ws, name, password = self.ctx.ws, dialog.name.text().strip(), dialog.password.password() or ""
        self.ctx.ops.op(self, lambda: ws.create_key(name, password), write=True, title="Creating a key").success(
            self._key_added
        ).run()

    def import_key(self, *, raw: bool) -> None:
        with asked_once(ImportKeyDialog(self, raw=raw)) as dialog:
            if not dialog.exec():
                return
            ws, name, path, password = self.ctx.ws, dialog.name.text().strip(), dialog.file(), dialog.secret()

        def work() -> Done[KeyInfo]:
            return ws.import_private_key(name, path, password) if raw else ws.import_keystore(name, path, password)

        self.ctx.ops.op(self, work, write=True, title="Importing a key").success(self._key_added).run()

    def _key_added(self, info: KeyInfo) -> None:
        prompts.inform(self, f"The key '{info.name}' ({info.address}) is ready.")

    def export(self) -> None:
        name = self._selected_key()
        if name is None:
            prompts.show_error(self, "Select the key to export first.")
            return
        path = prompts.save_file(self, "Export keystore", f"{name}.json", "Keystore files (*.json)")
        if path is None:
            return
        ws = self.ctx.ws
        # The save dialog asked before replacing a file.
        self.ctx.ops.op(self, lambda: ws.export_key(name, path, force=True), title="Exporting a key").success(
            lambda out: prompts.inform(
                self, f"The keystore of '{name}' is saved in {out}; it is still encrypted with the key's password."
            )
        ).run()

    # -- contacts -----------------------------------------------------------------------------------------
    def _contacts_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 12, 12, 12)
        row = QHBoxLayout()
        self.contact_search = a11y.name(QLineEdit(), "Search contacts")
        self.contact_search.setPlaceholderText("Search names, addresses and notes\u2026")
        self.contact_search.setClearButtonEnabled(True)
        self.role_filter = a11y.name(QComboBox(), "Role")
        self.role_filter.addItem("All roles", "")
        for role in ROLES:
            self.role_filter.addItem(role.capitalize(), role)
        self.add_contact = button("Add\u2026", "add")
        self.edit_contact = button("Edit\u2026", "edit")
        self.remove_contact = button("Remove", "remove")
        row.addWidget(self.contact_search, 1)
        row.addWidget(self.role_filter)
        row.addWidget(self.add_contact)
        row.addWidget(self.edit_contact)
        row.addWidget(self.remove_contact)
        layout.addLayout(row)
        self.contacts_table = table(["Name", "Role", "Address", "Note"], "Address book")
        layout.addWidget(self.contacts_table, 1)
        self.contact_search.textChanged.connect(lambda _t: self._load_contacts())
        self.role_filter.currentIndexChanged.connect(lambda _i: self._load_contacts())
        self.add_contact.clicked.connect(self.new_contact)
        self.edit_contact.clicked.connect(self.change_contact)
        self.contacts_table.doubleClicked.connect(lambda _i: self.change_contact())
        self.remove_contact.clicked.connect(self.delete_contact)
        return page

    def _selected_contact(self) -> Contact | None:
        row = self.contacts_table.currentRow()
        item = self.contacts_table.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def new_contact(self) -> None:
        dialog = ContactDialog(self)
        if not dialog.exec():
            return
        ws, (name, address, role, note) = self.ctx.ws, dialog.values()
        self.ctx.ops.op(
            self, lambda: ws.add_contact(name, address, role, note), write=True, title="Adding a contact"
        ).run()

    def change_contact(self) -> None:
        contact = self._selected_contact()
        if contact is None:
            return
        dialog = ContactDialog(self, contact)
        if not dialog.exec():
            return
        ws, (name, address, role, note) = self.ctx.ws, dialog.values()

        def undo() -> None:  # the fields as they were before this edit
            if self._other_folder(ws):
                return
            self.ctx.ops.op(
                self,
                lambda: ws.update_contact(
                    contact.id, name=contact.name, address=contact.address, role=contact.role, note=contact.note
                ),
                write=True,
                title="Restoring a contact",
            ).run()

        def saved(updated: Any) -> None:
            if updated != contact:
                prompts.offer_undo(
                    self, f"Saved {updated.name} (was {contact.name}, {short_address(contact.address)}).", undo
                )

        self.ctx.ops.op(
            self,
            lambda: ws.update_contact(contact.id, name=name, address=address, role=role, note=note),
            write=True,
            title="Saving a contact",
        ).success(saved).run()

    def _other_folder(self, ws: Any) -> bool:
        """An Undo pressed after another data folder was opened: its address book is not the one changed."""
        if self.ctx.ws is ws:
            return False
        prompts.show_error(self, "That contact was changed in another data folder, no longer open: nothing was undone.")
        return True

    def delete_contact(self) -> None:
        """Remove at once, then offer Undo: the address book is this machine's, so it can be put back exactly."""
        contact = self._selected_contact()
        if contact is None:
            return
        ws = self.ctx.ws

        def undo() -> None:
            if self._other_folder(ws):
                return
            self.ctx.ops.op(self, lambda: ws.restore_contact(contact), write=True, title="Restoring a contact").run()

        (
            self.ctx.ops.op(self, lambda: ws.remove_contact(contact.id), write=True, title="Removing a contact")
            .success(
                lambda _none: prompts.offer_undo(
                    self, f"Removed {contact.name} ({short_address(contact.address)}) from the address book.", undo
                )
            )
            .run()
        )

    # -- loading ------------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self._load_keys()
        self._load_contacts()

    def _load_keys(self) -> None:
        keys = self.ctx.keys.list()  # the keystore files: no ledger read
        self._show_keys(keys, set(), "")
        ledger = self.ctx.ledger
        if ledger is None:
            return

        def read() -> tuple[set[str], str]:
            return {r.lower() for r in ledger.registrars()}, ledger.identity.operator.lower()

        self._latest.read("roles", read, lambda found: self._show_keys(keys, *found), title="Reading the registrars")

    def _show_keys(self, keys: list[KeyInfo], registrars: set[str], operator: str) -> None:
        keys = sorted(keys, key=lambda info: fmt.name_order(info.name))
        self.keys_table.setRowCount(len(keys))
        for row, info in enumerate(keys):
            role = (
                "operator, registrar"
                if info.address.lower() == operator
                else "registrar"
                if info.address.lower() in registrars
                else ""
            )
            self.keys_table.setItem(row, 0, _item(info.name, info.name))
            self.keys_table.setItem(row, 1, _item(info.address))
            self.keys_table.setItem(row, 2, _item(role))
            self.keys_table.setItem(row, 3, _item(info.path.name, tip=str(info.path)))

    def _load_contacts(self) -> None:
        if self.ctx.ledger is None:
            self.contacts_table.setRowCount(0)
            return
        ws, search, role = self.ctx.ws, self.contact_search.text() or None, self.role_filter.currentData() or None
        self._latest.read(
            "contacts",
            lambda: ws.address_book().list(search=search, role=role),
            self._show_contacts,
            title="Reading the address book",
        )

    def _show_contacts(self, contacts: list[Contact]) -> None:
        self.contacts_table.setRowCount(len(contacts))
        for row, contact in enumerate(contacts):
            self.contacts_table.setItem(row, 0, _item(contact.name, contact))
            self.contacts_table.setItem(row, 1, _item(contact.role.capitalize()))
            self.contacts_table.setItem(row, 2, _item(contact.address))
            self.contacts_table.setItem(row, 3, _item(contact.note))

    def on_changed(self, change: Change) -> None:
        self.reload()
