"""What every pane needs: the data folder, the open ledger, keys, contacts, settings,
the operation runner and the event bus.  Plain attributes, no globals."""
from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from typing import TYPE_CHECKING

from core.display import clean, short_address
from core.errors import DeedbookError
from core.paths import DataDir
from core.settings import Settings
from desktop.gui.events import Change, Changes, Events
from desktop.gui.operations import Operations

if TYPE_CHECKING:
    from core.contacts import AddressBook
    from core.keys import KeyStore
    from core.ledger import Ledger


class AppContext:
    def __init__(self, home: DataDir, settings: Settings, ledger: "Ledger | None" = None,
                 db_url: str | None = None) -> None:
        self.home = home
        self.settings = settings
        self.ledger = ledger
        self.db_url = db_url
        self.opening = False  # the ledger is being opened in the background
        self.remember_folders = True  # unattended runs (--smoke, --screenshots) leave the settings alone
        self.events = Events()
        self.ops = Operations(self.events)
        self._names: dict[str, str] | None = None
        self.events.changed.connect(self._on_changed)

    # -- services -----------------------------------------------------------
    @property
    def keys(self) -> "KeyStore":
        from core.keys import KeyStore

        return KeyStore(self.home.keys)

    def require_ledger(self) -> "Ledger":
        if self.ledger is None:
            raise DeedbookError("No ledger is open: create one, or open a data folder that holds one.")
        return self.ledger

    def address_book(self) -> "AddressBook":
        from core.contacts import AddressBook

        return AddressBook(self.require_ledger().engine)

    def name_for(self, address: str) -> str | None:
        """The contact or key name for an address, if this machine knows one."""
        if self._names is None:
            names: dict[str, str] = {}
            try:
                names.update({k.address.lower(): k.name for k in self.keys.list()})
            except OSError:
                pass
            if self.ledger is not None:
                try:
                    names.update(self.address_book().names_by_address())  # a contact's name wins over a key file's
                except DeedbookError:
                    pass
            self._names = {address: clean(name, 80) for address, name in names.items()}  # shown everywhere: escaped
        return self._names.get(address.lower())

    def label_for(self, address: str) -> str:
        name = self.name_for(address)
        short = short_address(address)
        return f"{name} ({short})" if name else short

    def short_label(self, address: str) -> str:
        """The name alone if known (tables), else the shortened address."""
        name = self.name_for(address)
        return name or short_address(address)

    def _on_changed(self, change: Change) -> None:
        if change.concerns(Changes.CONTACTS | Changes.KEYS):
            self._names = None

    # -- switching ledgers ------------------------------------------------------
    def open_folder(self, home: DataDir, ledger: "Ledger | None") -> None:
        if self.ledger is not None and self.ledger is not ledger:
            self.ledger.close()
        self.home, self.ledger = home, ledger
        if self.remember_folders:
            self.settings.remember_data_dir(home.root)
            try:
                self.settings.save()
            except OSError:
                pass  # a read-only config folder must not stop the switch
        self._names = None
        self.events.announce(Changes.DATA_FOLDER)

    def close(self) -> None:
        self.ops.shutdown()
        if self.ledger is not None:
            self.ledger.close()


def setup_logging(home: DataDir) -> None:
    """A rotating log in <data>/logs; errors only unless DEEDBOOK_DEBUG is set. Never passwords."""
    import os

    logger = logging.getLogger("deedbook")
    if any(isinstance(h, RotatingFileHandler) for h in logger.handlers):
        return
    try:
        folder = home.root / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(folder / "deedbook.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if os.environ.get("DEEDBOOK_DEBUG") else logging.INFO)
