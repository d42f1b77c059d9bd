"""Where Deedbook keeps its files.

The data folder comes from, in order: an explicit argument (`--data-dir`), the
`DEEDBOOK_HOME` environment variable (tests use it), or the platform's user data
directory.  Everything else — keys, the SQLite ledger, the checkpoint witness,
the trained model — lives below it.
"""
from __future__ import annotations

import os
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
        root = Path(explicit).expanduser() if explicit else default_data_dir()
        return cls(root.resolve())

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

    def ensure(self) -> "DataDir":
        self.root.mkdir(parents=True, exist_ok=True)
        return self
