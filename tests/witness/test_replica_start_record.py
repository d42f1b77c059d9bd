"""replica-start.json read as written: whatever the file holds, a first sync either gets back what the folder
held before it (folders at or above the data folder, files among those a start writes) or hears one sentence.
It decides what a refused sync removes, so nothing else may pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DeedbookError
from core.paths import DataDir
from core.replica_start import LOCK_FILE, START_FILE, START_FORMAT, Before, read_start, start_path

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
NAMES = st.sampled_from(["ledger.sqlite", "replica.json", "witness", START_FILE, LOCK_FILE, "keys", "../x", "/etc"])


def _record(made: Any, files: Any, tables: Any, extensions: Any) -> dict[str, Any]:
    return {
        "format": START_FORMAT,
        "source": "bundle.json",
        "startedAt": 1,
        "madeFolders": made,
        "hadFiles": files,
        "hadTables": tables,
        "hadExtensions": extensions,
    }


def test_what_a_start_notes_reads_back_the_same(tmp_path: Path) -> None:
    home = DataDir.resolve(tmp_path / "a" / "replica")
    before = Before.note(home, None)
    home.ensure()
    start_path(home).write_text(json.dumps(_record(**_fields(before.as_json()))))
    assert read_start(home, None) == before


def _fields(noted: dict[str, Any]) -> dict[str, Any]:
    return {
        "made": noted["madeFolders"],
        "files": noted["hadFiles"],
        "tables": noted["hadTables"],
        "extensions": noted["hadExtensions"],
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    made=st.one_of(JSON, st.lists(st.sampled_from(["ROOT", "PARENT", "/", "/tmp/elsewhere", "ROOT/sub"]))),
    files=st.one_of(JSON, st.lists(NAMES)),
    tables=st.one_of(st.none(), JSON, st.lists(st.text(max_size=8))),
    extensions=st.one_of(st.none(), JSON, st.lists(st.text(max_size=8))),
)
def test_any_record_reads_as_a_folder_state_of_this_folder_or_a_sentence(
    tmp_path: Path, made: Any, files: Any, tables: Any, extensions: Any
) -> None:
    home = DataDir.resolve(tmp_path / "parent" / "replica")
    home.ensure()
    if isinstance(made, list):
        where = {"ROOT": str(home.root), "PARENT": str(home.root.parent), "ROOT/sub": str(home.root / "sub")}
        made = [where.get(m, m) if isinstance(m, str) else m for m in made]
    start_path(home).write_text(json.dumps(_record(made, files, tables, extensions)))
    try:
        before = read_start(home, None)
    except DeedbookError as said:
        assert "is damaged" in str(said)
        return
    assert before is not None
    assert all(d == home.root or d in home.root.parents for d in before.missing_dirs)
    assert {p.parent for p in before.files} <= {home.root}
    assert {p.name for p in before.files} <= {
        "ledger.sqlite",
        "ledger.sqlite-wal",
        "ledger.sqlite-shm",
        "ledger.sqlite-journal",
        "replica.json",
        "witness",
        START_FILE,
        LOCK_FILE,
    }
    assert (before.tables is None) == (before.extensions is None)
