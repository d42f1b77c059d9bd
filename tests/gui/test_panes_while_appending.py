"""What the GUI's panes read together is of one moment while another program appends: the ledger line
(latest checkpoint and length), the deeds pane's "n of m deeds", a deed's detail (its state and its
history) and the rules pane's overview (the rules in force and their versions).  Each pane's worker function runs in a loop here, on its own `Ledger` as the GUI's worker
thread would, while a writer process appends (tests/core/busy_ledger.py); what it gives must hold
together.  Read on separate connections, each of these could show two moments side by side.  SQLite only:
each pane's reads are separate `Ledger` calls, each on its own connection, on either engine, so SQLite
catches a reader left unpinned as PostgreSQL does (the snapshot itself is tested on both engines in
tests/core/test_snapshot_reads.py), at a third of the time."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.gui.panes.deed_detail import read_deed
from desktop.gui.panes.deeds import count_deeds
from desktop.gui.panes.ledger import read_summary
from desktop.gui.panes.rules import read_overview
from desktop.workspace import Workspace
from tests.core.busy_ledger import busy_office, while_appending

CHECKPOINTING = ("register", "checkpoint") * 30  # a checkpoint every other entry


@pytest.mark.slow
def test_the_ledger_line_shows_the_latest_checkpoint_of_the_length_it_shows(tmp_path: Path) -> None:
    office = busy_office(tmp_path, None, 5)
    summaries = while_appending(office, CHECKPOINTING, lambda: read_summary(office.open()))

    checkpoints = [e.index for e in office.open().entries(kind="Checkpoint")]
    for checkpoint, length, kinds in summaries:
        assert checkpoint is not None and "Checkpoint" in kinds
        # "n entries, latest checkpoint #k": no checkpoint among those n entries is later than #k
        assert checkpoint.index == max(i for i in checkpoints if i < length)


@pytest.mark.slow
def test_n_of_m_deeds_counts_both_at_one_moment(tmp_path: Path) -> None:
    office = busy_office(tmp_path, None, 5)
    # every deed the writers register is on "... Writer St": the search matches them all
    counts = while_appending(office, ("register",) * 45, lambda: count_deeds(office.open(), "writer st"))

    assert len({total for _, _, _, total in counts}) >= 2  # deeds were registered while it counted
    for search, matching, at_most, total in counts:
        assert search == "writer st" and total <= at_most
        assert matching == total  # never "35 of 36 deeds" for a search every deed matches


@pytest.mark.slow
def test_a_deeds_detail_is_the_state_its_history_leaves(tmp_path: Path) -> None:
    office = busy_office(tmp_path, None, 3)
    details = while_appending(office, ("lien",) * 45, lambda: read_deed(office.open(), 1), seeded_deeds=1)

    assert len({len(history) for _, history in details}) >= 2  # liens were recorded while it read
    for deed, history in details:
        liens = [e for e in history if e.kind == "Lien"]
        # the deed's last change is its history's last entry, and each lien it holds is in that history
        assert deed.updated_index == history[-1].index
        assert len(deed.liens) == len(liens)


@pytest.mark.slow
def test_the_rules_in_force_are_the_last_of_the_versions_listed(tmp_path: Path) -> None:
    office = busy_office(tmp_path, None, 0)
    ws = Workspace(office.home, None, ledger=office.open())
    overviews = while_appending(office, ("rules",) * 30, lambda: read_overview(ws))

    assert len({len(o.versions) for o in overviews}) >= 2  # rules were recorded while it read
    for overview in overviews:
        if not overview.versions:
            assert overview.rules.version == 0
            continue
        last = overview.versions[-1]  # "in force: version n" above a list whose last is version n
        assert overview.rules.recorded is not None and overview.rules.recorded.index == last.index
        assert overview.rules.version == last.version
