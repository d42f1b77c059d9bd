"""What one `deedbook` command costs a user before it does its work: the process's start and imports.

Each command runs as its own process (`python -m desktop`), as a user or a script runs it, on a small ledger
made first; the figure is the child's CPU time (user + system), the median of --runs, which a loaded machine
does not inflate as it does wall time.  Keys use scrypt n = 2**4 unless --standard-kdf, so that the figure is
the start's, not the key derivation's (about 0.8 s at geth's n = 2**18 on this machine).

    python benchmarks/cli_start.py [--runs 7] [--source DIR] [--standard-kdf]

--source runs another checkout's code (say, a worktree of an older commit) for a before/after figure.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"


def child_cpu(argv: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    # run from the source's folder: `python -m` puts the working folder first on sys.path, before PYTHONPATH
    source = env["PYTHONPATH"]
    done = subprocess.run([sys.executable, "-m", "desktop", *argv], env=env, capture_output=True, text=True, cwd=source)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.strip()}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--source", type=Path, default=ROOT, help="the checkout whose code runs")
    parser.add_argument("--standard-kdf", action="store_true", help="keys at geth's scrypt n = 2**18")
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(args.source.resolve()))
    if not args.standard_kdf:
        env["DEEDBOOK_SCRYPT_N"] = "16"
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch) / "home"
        password = Path(scratch) / "password.txt"
        password.write_text(PASSWORD + "\n")
        pw = ["--password-file", str(password)]
        base = ["--data-dir", str(home)]
        child_cpu([*base, "key", "new", "registrar", *pw], env)
        child_cpu([*base, "init", "--name", "Start County", "--operator", "registrar", *pw], env)
        serial = iter(range(10**6))

        def register() -> list[str]:
            parcel = f"05{next(serial):08d}"
            owner = ["--owner", "0x" + "11" * 20, "--key", "registrar", *pw]
            return [*base, "deed", "register", "--parcel", parcel, "--address", "1 Elm St", *owner]

        commands = {
            "deedbook --help": lambda: ["--help"],
            "key list": lambda: [*base, "key", "list"],
            "verify (a few entries)": lambda: [*base, "verify"],
            "deed register (unlocks a key, signs)": register,
        }
        print(f"source: {args.source.resolve()}; scrypt n = {'2**18' if args.standard_kdf else '16'}")
        for name, argv in commands.items():
            times = [child_cpu(argv(), env) for _ in range(args.runs)]
            print(f"{name:40s} median {statistics.median(times) * 1000:6.0f} ms CPU (min {min(times) * 1000:.0f})")


if __name__ == "__main__":
    main()
