"""Instants on screen in a zone other than UTC: each names its offset, and a deadline reads both ways."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


from core.dates import format_instant, format_local, parse_deadline
from desktop.gui import fmt
from desktop.gui.events import Changes
from desktop.gui.models.entries import EntryColumn
from desktop.gui.widgets.deadline import DeadlineField
from tests.gui.conftest import cells, loaded
from tests.helpers import World

LATE = 1_796_687_940  # 2026-12-07 23:59 UTC: already the 8th in Auckland, still the 7th in Honolulu


def test_a_time_on_screen_names_its_offset(zone_here: Callable[[str], None]) -> None:
    """The GUI showed time.localtime bare: '2026-12-08 12:59' beside the command line's '2026-12-07 23:59 UTC'
    read as another moment, and a day later."""
    zone_here("Pacific/Auckland")
    assert fmt.when(LATE) == "2026-12-08 12:59 UTC+13"
    zone_here("Pacific/Honolulu")
    assert fmt.when(LATE, seconds=True) == "2026-12-07 13:59:00 UTC-10"
    zone_here("America/Chicago")  # daylight time in June, standard time in December: the offset of that instant
    assert fmt.when(LATE) == "2026-12-07 17:59 UTC-6" and fmt.when(LATE - 180 * 86_400).endswith("UTC-5")
    zone_here("UTC")
    assert fmt.when(LATE) == "2026-12-07 23:59 UTC"


def test_the_deadline_field_says_the_moment_in_utc_and_here(qtbot: Any, zone_here: Callable[[str], None]) -> None:
    """What the signer in another zone reads (UTC, as the request prints it) and what the agent's clock says."""
    zone_here("Pacific/Kiritimati")
    field = DeadlineField(7)
    qtbot.addWidget(field)
    seconds = field.seconds()
    shown = field.until.text()
    assert shown == f"until {format_instant(seconds)} ({format_local(seconds)} here)" and "UTC+14 here" in shown
    utc, here = shown.removeprefix("until ").removesuffix(" here)").split(" (")
    assert parse_deadline(utc) == parse_deadline(here) == seconds - seconds % 60  # one instant, two clocks


def test_the_entries_table_names_the_offset(
    window: Any, world: World, qtbot: Any, zone_here: Callable[[str], None]
) -> None:
    zone_here("Etc/GMT+12")
    world.register("Z-1", world.key("alice").address)
    window.ctx.events.announce(Changes.LEDGER)
    model = window.show_pane("ledger").model
    qtbot.waitUntil(lambda: model.rowCount() >= 2, timeout=10_000)
    shown = cells(qtbot, model, EntryColumn.RECORDED, 2)
    assert all(text.endswith(" UTC-12") for text in shown), shown


def test_the_signer_in_another_zone_reads_the_deadline_in_utc_and_on_their_clock(
    world: World, qtbot: Any, tmp_path: Path, zone_here: Callable[[str], None]
) -> None:
    """The agent in Auckland sets the deadline; the buyer signs in Honolulu: the same instant, the UTC moment the
    request and the command line give, and the buyer's own clock beside it."""
    from PySide6.QtWidgets import QLabel

    from core.party_requests import write_request
    from core.transactions import prepare_transfer
    from desktop.gui.signer import SignerWindow

    zone_here("Pacific/Auckland")
    deed = world.register("Z-2", world.key("alice").address)
    prepared = prepare_transfer(world.ledger, deed, world.key("bob").address, "1000", "USD", deadline="2099-06-30")
    request = write_request(prepared.requests[1], tmp_path / "out")
    zone_here("Pacific/Honolulu")
    window = SignerWindow(world.home, None, world.keys)
    qtbot.addWidget(window)
    assert loaded(qtbot, window, request)
    shown = [w.text() for w in window.findChildren(QLabel)]
    assert any(t.startswith("2099-06-30 23:59 UTC (2099-06-30 13:59 UTC-10 here; in ") for t in shown), shown


def test_the_log_names_its_zone(tmp_path: Path, zone_here: Callable[[str], None]) -> None:
    """The log wrote local time unnamed ('2026-12-08 09:00:00,123'): beside the ledger's UTC times, hours off."""
    import logging
    from logging.handlers import RotatingFileHandler

    from core.paths import DataDir
    from desktop.gui.context import setup_logging

    zone_here("Pacific/Auckland")
    logger = logging.getLogger("deedbook")
    before = list(logger.handlers)
    for handler in before:
        logger.removeHandler(handler)
    try:
        setup_logging(DataDir(tmp_path / "data"))
        hours = {time.strftime("%Y-%m-%d %H:", time.gmtime())}  # the hour before and after: one may turn
        logging.getLogger("deedbook.test").warning("a line")
        hours.add(time.strftime("%Y-%m-%d %H:", time.gmtime()))
        [handler] = [h for h in logger.handlers if isinstance(h, RotatingFileHandler)]
        handler.flush()
        line = (tmp_path / "data" / "logs" / "deedbook.log").read_text().splitlines()[-1]
        assert line[:14] in hours and " UTC WARNING deedbook.test: a line" in line, line
    finally:
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
            handler.close()
        for handler in before:
            logger.addHandler(handler)
