"""What every pane needs: the workspace (data folder, keys, ledger, settings), the operation
runner, the event bus, and the names this machine knows addresses by.  Plain attributes, no globals.

The GUI is an adapter over `desktop.workspace.Workspace`: panes call its operations
through `ctx.ops` (off the UI thread) and never open or read the ledger themselves.
"""

from __future__ import annotations

import contextlib
import logging
import time
from logging.handlers import RotatingFileHandler
from typing import TYPE_CHECKING

from core.display import clean, short_address
from core.errors import DeedbookError
from core.paths import DataDir
from core.settings import Settings
from desktop.gui.events import Change, Changes, Events
from desktop.gui.operations import Operations
from desktop.workspace import Workspace

if TYPE_CHECKING:
    from core.keys import KeyStore
    from core.ledger import Ledger


class AppContext:
    def __init__(
        self, home: DataDir, settings: Settings, ledger: "Ledger | None" = None, db_url: str | None = None
    ) -> None:
        self.events = Events()
        self.ws = Workspace(home, db_url, settings=settings, ledger=ledger, on_upgrade=self.events.upgrading.emit)
        self.opening = False  # the ledger is being opened in the background
        self.remember_folders = True  # unattended runs (--smoke, --screenshots) leave the settings alone
        self.ops = Operations(self.events)
        self._names: dict[str, str] = {}
        self._names_asked = 0
        self.events.changed.connect(self._on_changed)
        self.load_names()

    # -- the workspace's parts ------------------------------------------------------
    @property
    def home(self) -> DataDir:
        return self.ws.home

    @property
    def db_url(self) -> str | None:
        return self.ws.db_url

    @property
    def settings(self) -> Settings:
        return self.ws.settings

    @property
    def ledger(self) -> "Ledger | None":
        """The open ledger, or None (never opens one: the GUI opens it in the background)."""
        return self.ws.opened

    @property
    def keys(self) -> "KeyStore":
        return self.ws.keys

    def require_ledger(self) -> "Ledger":
        if self.ledger is None:
            raise DeedbookError("No ledger is open: create one, or open a data folder that holds one.")
        return self.ledger

    # -- names ------------------------------------------------------------------------
    def load_names(self) -> None:
        """Read the key and contact names on a worker; the panes relabel when they are in (Changes.NAMES)."""
        ws = self.ws
        self._names_asked += 1
        asked = self._names_asked

        def names() -> dict[str, str]:
            # shown everywhere: escaped once, here
            return {address: clean(name, 80) for address, name in ws.names().items()}

        def loaded(found: dict[str, str]) -> None:
            if asked == self._names_asked and ws is self.ws:
                self._names = found
                self.events.announce(Changes.NAMES)

        self.ops.op(None, names, title="Reading names").success(loaded).failure(lambda _e: None).run()

    def name_for(self, address: str) -> str | None:
        """The contact or key name for an address, if this machine knows one (as last read)."""
        return self._names.get(address.lower())

    def label_for(self, address: str) -> str:
        name = self.name_for(address)
        short = short_address(address)
        return f"{name} ({short})" if name else short

    def full_label(self, address: str) -> str:
        """The name and the whole address, for a question before a change (no room for a look-alike)."""
        name = self.name_for(address)
        return f"{name} ({address})" if name else address

    def short_label(self, address: str) -> str:
        """The name alone if known (tables), else the shortened address."""
        return self.name_for(address) or short_address(address)

    def _on_changed(self, change: Change) -> None:
        if change.what & (Changes.CONTACTS | Changes.KEYS | Changes.DATA_FOLDER):
            self.load_names()

    # -- switching ledgers ------------------------------------------------------------
    def use(self, ws: Workspace, *, announce: bool = False) -> None:
        """Work on `ws` from now on (another data folder, or this one's new ledger).  The operation that
        opened or made it broadcasts the change (its receipt says `folder`); `announce` is for a switch
        no operation made (an empty folder chosen)."""
        if ws is not self.ws:
            self.ws.close()
            self.ws = ws
        self._names = {}
        if self.remember_folders:
            self.settings.remember_data_dir(ws.home.root)
            with contextlib.suppress(OSError):  # a read-only config folder must not stop the switch
                self.settings.save()
        if announce:
            self.events.announce(Changes.DATA_FOLDER)

    def workspace_for(self, home: DataDir) -> Workspace:
        """A workspace on another data folder, with these settings (not opened yet)."""
        return Workspace(home, None, settings=self.settings, on_upgrade=self.events.upgrading.emit)

    def close(self) -> None:
        self.ops.shutdown()
        self.ws.close()


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
    # in UTC and saying so, as the ledger's and the command line's times: a log read beside them, or sent from
    # another zone, is not hours off
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S UTC")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if os.environ.get("DEEDBOOK_DEBUG") else logging.INFO)
