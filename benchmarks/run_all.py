"""Run every benchmark script in this folder, one after the other, printing their figures.

Some scripts measure what only the user can give them: a PostgreSQL server (`--db-url`) or a
1,000,000-deed data folder (`--folder`).  Run without it, argparse stops them with its usage and
exit code 2; they are listed as skipped at the end, not as failures.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
USAGE_ERROR = 2  # argparse's exit code when a required argument is missing

if __name__ == "__main__":
    failed: list[str] = []
    skipped: list[str] = []
    for script in sorted(HERE.glob("*.py")):
        if script.name == "run_all.py" or script.name.startswith("_"):
            continue
        print(f"== {script.name}", flush=True)
        code = subprocess.call([sys.executable, str(script), *sys.argv[1:]])
        if code == USAGE_ERROR:
            skipped.append(script.name)
        elif code != 0:
            failed.append(script.name)
    if skipped:
        print(f"skipped (they need arguments: see each one's --help): {', '.join(skipped)}")
    if failed:
        print(f"failed: {', '.join(failed)}")
    sys.exit(1 if failed else 0)
