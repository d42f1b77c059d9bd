"""What every command needs: the data folder, the ledger, passwords, output."""
from __future__ import annotations

import getpass
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import DeedbookError
from core.paths import DataDir

if TYPE_CHECKING:
    from core.keys import KeyStore, UnlockedKey
    from core.ledger import Ledger


@dataclass
class CliContext:
    data_dir: str | None = None
    db_url: str | None = None
    _ledger: "Ledger | None" = field(default=None, repr=False)

    @property
    def home(self) -> DataDir:
        return DataDir.resolve(self.data_dir)

    @property
    def keys(self) -> "KeyStore":
        from core.keys import KeyStore

        return KeyStore(self.home.keys)

    def ledger(self) -> "Ledger":
        """The ledger in the data folder (or at --db-url); a clear error if there is none."""
        if self._ledger is None:
            from core.ledger import Ledger

            self._ledger = Ledger.open(self.home, self.db_url)
        return self._ledger

    def data_dir_is_parent_of(self, path: object) -> bool:
        """Whether `path` lies in the data folder (to say which folder a refused write was in)."""
        try:
            return Path(str(path)).resolve().is_relative_to(self.home.root)
        except (OSError, ValueError):
            return False

    def unlock(self, key_name: str, password_file: str | None) -> "UnlockedKey":
        info = self.keys.get(key_name)  # fail on an unknown key before asking for a password
        return self.keys.unlock(info.name, read_password(password_file, f"Password for key '{key_name}': "))


def read_password(password_file: str | None, prompt: str, *, confirm: bool = False) -> str:
    """The first line of --password-file, or a prompt; never a command-line argument."""
    if password_file:
        from core.userfiles import read_first_line

        line = read_first_line(password_file, "a password file")
        if not line:
            raise DeedbookError(f"The password file {password_file} is empty.")
        return line
    if not sys.stdin.isatty():
        raise DeedbookError("No password given: use --password-file FILE when not at a terminal.")
    password = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat the password: ") != password:
        raise DeedbookError("The two passwords differ; nothing was created.")
    return password


def print_json(value: Any) -> None:
    """JSON on stdout; characters that could steer a terminal are \\u-escaped (the same JSON value)."""
    from core.display import terminal_safe_json

    sys.stdout.write(terminal_safe_json(json.dumps(value, indent=2, ensure_ascii=False)) + "\n")


def add_password_file(parser: Any) -> None:
    parser.add_argument("--password-file", metavar="F", help="read the password from the first line of F")


def existing_file(path: str, what: str = "a file to read") -> Path:
    """A regular file to read, checked before a password is asked (its contents are read later)."""
    from core.userfiles import check_user_file

    return check_user_file(path, what)


def add_force(parser: Any) -> None:
    parser.add_argument("--force", action="store_true", help="replace the output file if it exists")
