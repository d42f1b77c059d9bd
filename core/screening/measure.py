"""How well the history patterns find injected cases: recall per pattern, false alarms per 1,000 honest transfers.

Shared by benchmarks/screening_patterns.py and its test.  A case is found when its
target transfer carries the pattern's code and is at least `review`; an honest
transfer (neither a target nor a case's setup) is a false alarm when any history
pattern fires on it.  The combined level's rate on honest transfers (the price
screen included, which flags about 5% of market sales by design) is reported beside.
"""

from __future__ import annotations

from typing import Any, Sequence

from core.screening.combine import Assessment
from core.screening.history import PATTERNS


def measure(assessments: Sequence[Assessment], manifest: Sequence[dict[str, Any]]) -> dict[str, Any]:
    by_entry = {a.entry: a for a in assessments}
    targets = {int(c["entry"]): c["pattern"] for c in manifest}
    setup = {int(i) for c in manifest for i in c.get("setup", [])}
    recall: dict[str, dict[str, Any]] = {}
    for pattern in PATTERNS:
        cases = [e for e, p in targets.items() if p == pattern]
        found = [e for e in cases if e in by_entry and pattern in by_entry[e].patterns and by_entry[e].flagged]
        recall[pattern] = {
            "cases": len(cases),
            "found": len(found),
            "recall": (len(found) / len(cases)) if cases else None,
            "missed": sorted(set(cases) - set(found)),
        }
    honest = [a for a in assessments if a.entry not in targets and a.entry not in setup]
    alarms = [a for a in honest if a.patterns]
    flagged = [a for a in honest if a.flagged]
    per_code: dict[str, int] = {}
    for a in alarms:
        for code in a.patterns:
            per_code[code] = per_code.get(code, 0) + 1
    return {
        "recall": recall,
        "honest_transfers": len(honest),
        "false_alarms": len(alarms),
        "false_alarms_per_1000": round(1000 * len(alarms) / len(honest), 2) if honest else None,
        "false_alarms_by_pattern": per_code,
        "honest_flagged_any_reason_per_1000": round(1000 * len(flagged) / len(honest), 1) if honest else None,
    }
