"""A demo with suspicious cases keeps the deeds the cases need out of its honest sales: `deedbook demo --deeds 300
--transfers 200 --with-suspicious 10` was refused (the honest sales had touched all but 99 of the 150 deeds the
cases need); a demo too small for its cases is refused before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.demo import build_demo
from core.demo_suspicious import deeds_needed
from core.errors import DeedbookError
from core.ledger import Ledger
from core.paths import DataDir


def test_the_cases_have_their_deeds_however_many_honest_sales(tmp_path: Path) -> None:
    home = DataDir(tmp_path / "demo")
    summary = build_demo(home, deeds=30, transfers=60, suspicious=1)  # 60 sales on the 15 deeds left
    assert summary["transfers"] == 60 and len(summary["suspicious"]) == 11
    ledger = Ledger.open(home)
    try:
        kept = set(range(30 - deeds_needed(1) + 1, 31))
        cases = {e for c in summary["suspicious"] for e in (c["entry"], *c["setup"])}
        honest = [e for e in ledger.entries(kind="Transfer") if e.index not in cases]
        assert len(honest) == 60 and not {e.deed_id for e in honest} & kept
        times = [ledger.entry(i).recorded_at for i in range(ledger.size())]
        assert times == sorted(times)
    finally:
        ledger.close()


def test_a_demo_too_small_for_its_cases_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    home = DataDir(tmp_path / "small")
    with pytest.raises(DeedbookError, match=r"need 15 deeds of their own.*ask for 17 deeds or more"):
        build_demo(home, deeds=16, transfers=5, suspicious=1)
    assert not (tmp_path / "small").exists()
