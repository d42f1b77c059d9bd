"""The demo makes the same choices on every run: its keys are new each time, its ledger's story is not.

The screening patterns' figures (benchmarks/screening_patterns.py) are measured on demos, so a demo
that chose differently each run moved them between runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

from core.demo import build_demo
from core.keys import KeyStore
from core.ledger import Ledger
from core.paths import DataDir

TIMESTAMP = re.compile(r"\b1[789]\d{8}\b")  # epoch seconds: the demo is dated from the day it runs
HASH = re.compile(r"0x[0-9a-f]{64}")  # the ledger's id, and what is derived from it or from signatures


def story(folder: Path) -> list[tuple[str, str]]:
    """Each entry's kind and message, with addresses replaced by their key's name."""
    home = DataDir(folder)
    build_demo(home, deeds=60, transfers=150)
    names = {key.address.lower(): key.name for key in KeyStore(home.keys).list()}
    ledger = Ledger.open(home)
    told = []
    for index in range(ledger.size()):
        entry = ledger.entry(index)
        text = json.dumps(entry.message, sort_keys=True).lower()
        for address, name in names.items():
            text = text.replace(address, name)
        told.append((entry.kind, HASH.sub("H", TIMESTAMP.sub("T", text))))
    ledger.close()
    return told


def test_two_demos_tell_the_same_story(tmp_path: Path) -> None:
    first, second = story(tmp_path / "one"), story(tmp_path / "two")
    assert sum(kind == "Transfer" for kind, _ in first) >= 150
    assert "0x" not in "".join(text for _, text in first[1:])  # every address was a demo key's
    assert first == second
