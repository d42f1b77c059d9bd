"""What a screen reader and a keyboard get from every window: a name for each control, a working tab order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.gui.a11y_tour import tour, unnamed
from tests.helpers import World

TOUR = tour()


@pytest.mark.parametrize("where", list(TOUR))
def test_every_control_a_keyboard_reaches_has_a_name(
    where: str, window: Any, world: World, qtbot: Any, tmp_path: Path
) -> None:
    shown = TOUR[where](window, world, qtbot, tmp_path)
    assert unnamed(shown) == []
