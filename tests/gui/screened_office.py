"""The `office` fixture of the screening GUI tests: a copy of the suspicious demo, opened as the desktop
opens a data folder (import it, with tests.screening.conftest's fixtures, into a test module)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.ledger import Ledger
from core.paths import DataDir
from core.settings import Settings
from desktop.gui.context import AppContext
from tests.screening.conftest import SuspiciousDemo


@pytest.fixture
def office(suspicious_demo: SuspiciousDemo, tmp_path: Path, qtbot: Any) -> Iterator[AppContext]:
    root = tmp_path / "office"
    shutil.copytree(suspicious_demo.root, root)
    home = DataDir.resolve(root)
    context = AppContext(home, Settings.load(), Ledger.open(home))
    yield context
    context.ops.shutdown()
