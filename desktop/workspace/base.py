"""The workspace's ground floor: a data folder, its keys, its ledger (opened lazily), its address book.

Everything here is plain Python: no Qt, and nothing heavy at import (SQLAlchemy
loads when the ledger is first opened), so the GUI can make a workspace before
its window is shown.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Self

from core.errors import DeedbookError, NotFound
from core.paths import DataDir
from core.settings import Settings
from desktop.workspace.receipt import Done, Receipt
from desktop.workspace.signers import Signer, resolve_key

if TYPE_CHECKING:
    from core.contacts import AddressBook
    from core.keys import KeyInfo, KeyStore, UnlockedKey
    from core.ledger import Ledger


class WorkspaceBase:
    def __init__(
        self,
        home: DataDir,
        db_url: str | None = None,
        *,
        settings: Settings | None = None,
        ledger: "Ledger | None" = None,
        keys: "KeyStore | None" = None,
        on_upgrade: Callable[[str], None] | None = None,
    ) -> None:
        self.home = home
        self.on_upgrade = on_upgrade  # hears one sentence before an older ledger is upgraded (it may take minutes)
        self.db_url = db_url
        self._settings = settings
        self._ledger = ledger
        self._keys = keys  # another folder's keys (an offline signer's), else the data folder's
        self._opening = threading.Lock()  # two workers asking for the ledger at once open it once

    @classmethod
    def open(
        cls,
        data_dir: str | os.PathLike[str] | None = None,
        db_url: str | None = None,
        *,
        on_upgrade: Callable[[str], None] | None = None,
    ) -> Self:
        """The workspace on `data_dir` (else $DEEDBOOK_HOME, else the platform's folder); nothing is read yet."""
        return cls(DataDir.resolve(data_dir), db_url, on_upgrade=on_upgrade)

    # -- what the folder holds ------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings.load()
        return self._settings

    def save_settings(self) -> Done[str | None]:
        """Keep the preferences (changed in `settings`); the value is why they could not be saved, if so
        (they stay changed for this session all the same)."""
        try:
            self.settings.save()
        except OSError as error:
            return Done(f"The settings cannot be saved: {error.strerror or error}.", Receipt(settings=True))
        return Done(None, Receipt(settings=True))

    @property
    def keys(self) -> "KeyStore":
        from core.keys import KeyStore

        return self._keys if self._keys is not None else KeyStore(self.home.keys)

    def ledger_may_exist(self) -> bool:
        """Worth trying to open (a database URL always is; a folder only if it holds the file)."""
        return self.db_url is not None or self.home.database.exists()

    @property
    def ledger(self) -> "Ledger":
        """The ledger, opened on first use (read-only on a read-only folder); a sentence if there is none."""
        if self._ledger is None:
            with self._opening:
                if self._ledger is None:
                    from core.ledger import Ledger

                    self._ledger = Ledger.open(self.home, self.db_url, on_upgrade=self.on_upgrade)
        return self._ledger

    def open_ledger(self) -> Done["Ledger"]:
        """Open the ledger now (the GUI does it on a worker); the receipt says a ledger came into use."""
        return Done(self.ledger, Receipt(folder=True))

    @property
    def opened(self) -> "Ledger | None":
        """The ledger if it is open already (never opens it: safe on a GUI thread)."""
        return self._ledger

    def local_ledger(self) -> "tuple[Ledger | None, str | None]":
        """The ledger here, if there is one, and never creating one: for work that needs none (signing,
        checking a document). A ledger that is there but cannot be opened is said, not raised."""
        if not self.ledger_may_exist():
            return None, None
        try:
            return self.ledger, None
        except NotFound:
            return None, None
        except DeedbookError as error:
            return None, f"The ledger in the data folder could not be opened ({error})"

    def address_book(self) -> "AddressBook":
        from core.contacts import AddressBook

        return AddressBook(self.ledger.engine)

    def names(self) -> dict[str, str]:
        """Lower-case address -> the name this machine knows it by: a key file's, or a contact's (which wins).
        Contacts are read only from a ledger already open (asking for names never opens one)."""
        names: dict[str, str] = {}
        with contextlib.suppress(OSError):  # an unreadable keys folder: names are a nicety
            names.update({k.address.lower(): k.name for k in self.keys.list()})
        if self._ledger is not None:
            from core.contacts import AddressBook

            with contextlib.suppress(DeedbookError):  # nor is a damaged address book a reason to fail
                names.update(AddressBook(self._ledger.engine).names_by_address())
        return names

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None

    # -- keys -------------------------------------------------------------------------------------
    def resolve_key(self, key: str, *, must_be: str | None = None, what: str = "This") -> "KeyInfo":
        """The local key named `key` (or with that address), checked against `must_be` before any password."""
        info = resolve_key(self.keys, key)
        if must_be is not None and info.address.lower() != must_be.lower():
            raise DeedbookError(f"{what} must be signed by {must_be}, but the key '{info.name}' is {info.address}.")
        return info

    def unlock(self, signer: Signer, *, must_be: str | None = None, what: str = "This") -> "UnlockedKey":
        """The signer's key, unlocked: resolved and checked first, the password asked for last."""
        info = self.resolve_key(signer.key, must_be=must_be, what=what)
        return self.keys.unlock(info.name, signer.secret())

    # -- receipts -----------------------------------------------------------------------------------
    def recorded(self, indexes: Iterable[int]) -> Receipt:
        """The receipt of entries just appended: their kinds and deeds, as the ledger recorded them."""
        wanted = sorted(indexes)
        if not wanted:
            return Receipt()
        entries = self.ledger.entries(wanted[0], wanted[-1] + 1)
        chosen = [e for e in entries if e.index in set(wanted)]
        return Receipt(
            entries=tuple(e.index for e in chosen),
            kinds=tuple(e.kind for e in chosen),
            deed_ids=frozenset(e.deed_id for e in chosen if e.deed_id is not None),
        )

    def write_file(
        self, path: str | os.PathLike[str], data: bytes | str, *, force: bool = False, make_folder: bool = False
    ) -> Done[Path]:
        """Write a file a person named, whole or not at all (core.outfiles), and say so in the receipt."""
        from core.outfiles import write_output

        written = write_output(path, data, force=force, make_folder=make_folder)
        return Done(written, Receipt(files=(written,)))
