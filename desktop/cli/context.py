"""What every command needs: the workspace on the data folder, passwords, output."""

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
    from core.keys import KeyStore
    from core.ledger import Ledger
    from desktop.workspace import Signer, Workspace


@dataclass
class CliContext:
    data_dir: str | None = None
    db_url: str | None = None
    _workspace: Workspace | None = field(default=None, repr=False)

    @property
    def ws(self) -> Workspace:
        """The workspace on --data-dir (or $DEEDBOOK_HOME, or the user data folder) and --db-url."""
        if self._workspace is None:
            from desktop.workspace import Workspace  # on first use: `deedbook gui` shows its window without it

            self._workspace = Workspace.open(self.data_dir, self.db_url, on_upgrade=say_on_a_terminal)
        return self._workspace

    def close(self) -> None:
        """Close the ledger a command opened: its connections, and SQLite's -wal and -shm with them, go when the
        command ends, not when a garbage collector finds them (a command run in a longer-lived process)."""
        if self._workspace is not None:
            self._workspace.close()

    @property
    def home(self) -> DataDir:
        return self.ws.home

    @property
    def keys(self) -> "KeyStore":
        return self.ws.keys

    def ledger(self) -> "Ledger":
        """The ledger in the data folder (or at --db-url); a clear error if there is none."""
        return self.ws.ledger

    def data_dir_is_parent_of(self, path: object) -> bool:
        """Whether `path` lies in the data folder (to say which folder a refused write was in)."""
        try:
            return Path(str(path)).resolve().is_relative_to(self.home.root)
        except (OSError, ValueError):
            return False

    def signer(self, key: str, password_file: str | None) -> Signer:
        """The local key --key names (or its address); its password is read only when it is unlocked."""
        from desktop.workspace import Signer

        return Signer(key, lambda: read_password(password_file, f"Password for key '{key}': "))


def say_on_a_terminal(sentence: str) -> None:
    """A note for a person waiting at a terminal (a long upgrade of an older ledger); scripts reading
    stderr see only errors there, one sentence each."""
    if sys.stderr.isatty():
        print(f"deedbook: {sentence}", file=sys.stderr, flush=True)


def say_waiting(sentence: str) -> None:
    """Why a command seems to hang: it waits for another process (a writer in the notary's journal, a sync into
    the same folder).  Said once on stderr, also when it is not a terminal: a script's log shows why it took long."""
    print(f"deedbook: {sentence}", file=sys.stderr, flush=True)


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


def say(line: str) -> None:
    """A note on stderr (what is about to take a while), so stdout stays the command's output."""
    print(line, file=sys.stderr, flush=True)


def print_json(value: Any) -> None:
    """JSON on stdout; characters that could steer a terminal are \\u-escaped (the same JSON value)."""
    from core.display import terminal_safe_json

    try:
        text = json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError:  # NaN or Infinity somewhere: JSON has neither, so that figure is null
        from core.finite_json import finite

        text = json.dumps(finite(value), indent=2, ensure_ascii=False, allow_nan=False)
    sys.stdout.write(terminal_safe_json(text) + "\n")


def add_password_file(parser: Any) -> None:
    parser.add_argument("--password-file", metavar="F", help="read the password from the first line of F")


def existing_file(path: str, what: str = "a file to read") -> Path:
    """A regular file to read, checked before a password is asked (its contents are read later)."""
    from core.userfiles import check_user_file

    return check_user_file(path, what)


def add_force(parser: Any) -> None:
    parser.add_argument("--force", action="store_true", help="replace the output file if it exists")
