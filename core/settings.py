"""The user's preferences: paper size, theme, the data folder opened last.

They live in a small JSON file outside any ledger (the data folder itself is one
of them), in the user's configuration directory; `DEEDBOOK_CONFIG` names another
folder, and when `DEEDBOOK_HOME` is set (tests, portable installs) the file sits
there.  A damaged or hand-edited file never stops the application: unknown keys
are ignored and bad values fall back to the defaults.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from core.jurisdictions import NAMES as JOURNAL_PROFILES

PaperSize = Literal["A4", "Letter"]
Theme = Literal["system", "light", "dark"]
PAPER_SIZES: tuple[str, ...] = get_args(PaperSize)
THEMES: tuple[str, ...] = get_args(Theme)
MAX_RECENT = 8
FILE_NAME = "settings.json"


def config_dir() -> Path:
    explicit = os.environ.get("DEEDBOOK_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    home = os.environ.get("DEEDBOOK_HOME")
    if home:
        return Path(home).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("Deedbook", "Deedbook"))


@dataclass
class Settings:
    paper_size: PaperSize = "A4"
    theme: Theme = "system"
    last_data_dir: str | None = None
    recent_data_dirs: list[str] = field(default_factory=list)
    last_key: str | None = None  # the signing key chosen last, preselected in forms
    journal_profile: str = "generic"  # the notary desk's last profile; the command line's default is generic
    notary_certificate: dict[str, str] = field(default_factory=dict)  # the last notary record's commission
    window_state: str | None = None  # opaque (the GUI's saved geometry), never interpreted here
    path: Path | None = field(default=None, repr=False, compare=False)

    # -- typed changes -----------------------------------------------------
    def set_paper_size(self, value: str) -> None:
        if value not in PAPER_SIZES:
            from core.errors import DeedbookError

            raise DeedbookError(f"'{value}' is not a paper size (use {' or '.join(PAPER_SIZES)}).")
        self.paper_size = value  # type: ignore[assignment]

    def set_theme(self, value: str) -> None:
        if value not in THEMES:
            from core.errors import DeedbookError

            raise DeedbookError(f"'{value}' is not a theme (use {', '.join(THEMES)}).")
        self.theme = value  # type: ignore[assignment]

    def remember_data_dir(self, folder: str | os.PathLike[str]) -> None:
        text = str(Path(folder).expanduser().resolve())
        self.last_data_dir = text
        self.recent_data_dirs = [text, *[d for d in self.recent_data_dirs if d != text]][:MAX_RECENT]

    # -- storage -------------------------------------------------------------
    @classmethod
    def load(cls, path: Path | None = None) -> "Settings":
        path = path or config_dir() / FILE_NAME
        settings = cls(path=path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return settings
        if not isinstance(data, dict):
            return settings
        if data.get("paper_size") in PAPER_SIZES:
            settings.paper_size = data["paper_size"]
        if data.get("theme") in THEMES:
            settings.theme = data["theme"]
        for name in ("last_data_dir", "last_key", "window_state"):
            if isinstance(data.get(name), str):
                setattr(settings, name, data[name])
        if data.get("journal_profile") in JOURNAL_PROFILES:
            settings.journal_profile = data["journal_profile"]
        certificate = data.get("notary_certificate")
        if isinstance(certificate, dict):
            settings.notary_certificate = {k: v for k, v in certificate.items() if isinstance(v, str)}
        recent = data.get("recent_data_dirs")
        if isinstance(recent, list):
            settings.recent_data_dirs = [d for d in recent if isinstance(d, str)][:MAX_RECENT]
        return settings

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("path", None)
        return data

    def save(self) -> None:
        """Write atomically (a crash mid-write leaves the old file)."""
        path = self.path or config_dir() / FILE_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self.as_json(), handle, indent=2)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.path = path
