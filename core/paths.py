"""Where Deedbook keeps its files.

The data folder comes from, in order: an explicit argument (`--data-dir`), the
`DEEDBOOK_HOME` environment variable (tests use it), or the platform's user data
directory.  Everything else — keys, the SQLite ledger, the checkpoint witness,
the trained model — lives below it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def default_data_dir() -> Path:
    env = os.environ.get("DEEDBOOK_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("Deedbook", "Deedbook"))


@dataclass(frozen=True)
class DataDir:
    root: Path

    @classmethod
    def resolve(cls, explicit: str | os.PathLike[str] | None = None) -> "DataDir":
        """The data folder named (or the default); a sentence if a file or anything but a folder is there, said
        before any command reads or writes in it (it said there was no ledger, or could not make keys/)."""
        root = (Path(explicit).expanduser() if explicit else default_data_dir()).resolve()
        try:
            mode = root.stat().st_mode
        except OSError:  # nothing there yet (made when first written), or unreadable: said when it is used
            return cls(root)
        if not stat.S_ISDIR(mode):
            from core.errors import DeedbookError, Remedy
            from core.userfiles import describe_kind

            raise DeedbookError(
                f"{root} is {describe_kind(mode)}, not a folder, so it cannot be the data folder.",
                remedy=Remedy.DATA_FOLDER_PATH,
            )
        return cls(root)

    @property
    def keys(self) -> Path:
        return self.root / "keys"

    @property
    def database(self) -> Path:
        return self.root / "ledger.sqlite"

    @property
    def default_db_url(self) -> str:
        return f"sqlite:///{self.database}"

    @property
    def witness(self) -> Path:
        return self.root / "witness"

    @property
    def models(self) -> Path:
        return self.root / "models"

    @property
    def documents(self) -> Path:
        return self.root / "documents"

    @property
    def read_only(self) -> bool:
        """Whether this folder (or its ledger file) cannot be written: a read-only mount,
        an auditor's DVD, or permissions. (root passes permission checks; a read-only
        mount still binds it.)"""
        if not self.root.is_dir():
            return False
        if not os.access(self.root, os.W_OK):
            return True
        return self.database.exists() and not os.access(self.database, os.W_OK)

    def require_writable(self, doing: str) -> None:
        """Refuse, in one sentence, to start `doing` ("recording a checkpoint") here if nothing can be written."""
        from core.errors import ReadOnlyFolder

        if self.read_only:
            raise ReadOnlyFolder(
                f"The data folder {self.root} is read-only; {doing} needs to write there (nothing was written)."
            )

    def ensure(self) -> "DataDir":
        """Create the folder if needed, readable by its owner alone (like the keystores in it)."""
        if not self.root.is_dir():
            try:
                self.root.parent.mkdir(parents=True, exist_ok=True)
                self.root.mkdir(mode=0o700)
                os.chmod(self.root, 0o700)  # mkdir's mode is narrowed by the umask, never widened: be exact
            except FileExistsError:
                pass  # made by someone else meanwhile (or a file is in the way: the next step says so)
            except OSError as error:
                from core.errors import DeedbookError

                raise DeedbookError(f"Cannot create the data folder {self.root} ({error.strerror or error}).") from None
        return self

    def ensure_database_file(self) -> None:
        """Create the SQLite file owner-only before SQLite does (its -wal and -shm files copy its mode)."""
        try:
            fd = os.open(self.database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return
        except OSError as error:
            from core.errors import DeedbookError

            raise DeedbookError(
                f"Cannot create the ledger database {self.database} ({error.strerror or error})."
            ) from None
        os.close(fd)
        os.chmod(self.database, 0o600)
