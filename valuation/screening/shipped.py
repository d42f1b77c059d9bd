"""The price screen that ships with Deedbook: fitted on the labelled Ames sales by
scripts/fit_screening.py, stored as JSON in resources/screening/ (read, never unpickled).

Its inputs are measured in each market's own terms (see features.py), so the same
screen serves the bundled market, the ledger's own sales and a user's table.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import DeedbookError
from valuation.screening.classifier import AdditiveLogit

FORMAT = 1
_lock = threading.Lock()
_cache: dict[Path, "PriceScreen"] = {}


def shipped_path() -> Path:
    from core.paths import RESOURCES

    return RESOURCES / "screening" / "price_screen.json"


@dataclass(frozen=True)
class PriceScreen:
    model: AdditiveLogit
    review: float  # scores at or above this go to review (the top 5% of the labelled sales)
    high: float  # and at or above this are high risk (the top 1%)
    info: dict[str, Any]  # what it was trained on and how it measured

    def level(self, score: float) -> str:
        return "high" if score >= self.high else "review" if score >= self.review else "low"

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "model": self.model.to_json(),
            "thresholds": {"review": self.review, "high": self.high},
            **self.info,
        }


def from_json(data: dict[str, Any]) -> PriceScreen:
    if data.get("format") != FORMAT:
        raise ValueError("unknown format")
    info = {k: v for k, v in data.items() if k not in ("format", "model", "thresholds")}
    return PriceScreen(
        AdditiveLogit.from_json(data["model"]),
        float(data["thresholds"]["review"]),
        float(data["thresholds"]["high"]),
        info,
    )


def load(path: Path | None = None) -> PriceScreen:
    """The shipped screen (cached); a DeedbookError if the file is missing or not this version's."""
    path = path or shipped_path()
    with _lock:
        if path not in _cache:
            try:
                _cache[path] = from_json(json.loads(path.read_text("utf-8")))
            except (OSError, ValueError, KeyError, TypeError):
                raise DeedbookError(
                    f"The price screen {path} is missing or unreadable; reinstall Deedbook "
                    "or run scripts/fit_screening.py."
                ) from None
        return _cache[path]


def save(screen: PriceScreen, path: Path | None = None) -> Path:
    path = path or shipped_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(screen.to_json(), indent=2) + "\n", "utf-8")
    with _lock:
        _cache.pop(path, None)
    return path
