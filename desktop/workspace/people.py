"""Keys and contacts: create, import and export keystores; the address book."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.workspace.base import WorkspaceBase
from desktop.workspace.receipt import Done, Receipt
from desktop.workspace.signers import Password

if TYPE_CHECKING:
    from core.contacts import Contact
    from core.keys import KeyInfo


def _secret(password: Password) -> str:
    return password() if callable(password) else password


class PeopleOps(WorkspaceBase):
    def create_key(self, name: str, password: Password) -> Done["KeyInfo"]:
        """A new key; the folder's writability and the name are checked before the password is asked for."""
        from core.keys import check_key_name

        check_key_name(name)
        self.home.require_writable("creating a key")
        secret = _secret(password)
        self.home.ensure()  # the first key often makes the data folder: owner-only, like the key
        return Done(self.keys.create(name, secret), Receipt(keys=True))

    def import_keystore(self, name: str, path: str | os.PathLike[str], password: Password) -> Done["KeyInfo"]:
        from core.userfiles import check_user_file

        self.home.require_writable("importing a key")
        keystore = check_user_file(path, "a keystore file")
        secret = _secret(password)
        self.home.ensure()
        return Done(self.keys.import_keystore(name, keystore, secret), Receipt(keys=True))

    def import_private_key(self, name: str, path: str | os.PathLike[str], password: Password) -> Done["KeyInfo"]:
        from core.userfiles import check_user_file

        self.home.require_writable("importing a key")
        key_file = check_user_file(path, "a private key file")
        secret = _secret(password)
        self.home.ensure()
        return Done(self.keys.import_private_key(name, key_file, secret), Receipt(keys=True))

    def export_key(self, name: str, out: str | os.PathLike[str], *, force: bool = False) -> Done[Path]:
        path = self.keys.export(name, Path(out), force=force)
        return Done(path, Receipt(files=(path,)))

    def add_contact(self, name: str, address: str, role: str = "", note: str = "") -> Done["Contact"]:
        return Done(self.address_book().add(name, address, role, note), Receipt(contacts=True))

    def update_contact(
        self,
        contact_id: int,
        *,
        name: str | None = None,
        address: str | None = None,
        role: str | None = None,
        note: str | None = None,
    ) -> Done["Contact"]:
        contact = self.address_book().update(contact_id, name=name, address=address, role=role, note=note)
        return Done(contact, Receipt(contacts=True))

    def restore_contact(self, contact: "Contact") -> Done["Contact"]:
        """Undo `remove_contact`: the contact back as it was."""
        return Done(self.address_book().restore(contact), Receipt(contacts=True))

    def remove_contact(self, contact_id: int) -> Done[None]:
        self.address_book().remove(contact_id)
        return Done(None, Receipt(contacts=True))
