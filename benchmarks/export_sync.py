"""Export bundles at county scale: bytes an entry, and time and peak memory of `export` and of a first sync.

    python benchmarks/export_sync.py [--deeds 20000] [--transfers 400] [--before DIR]

Builds (and caches) a demo ledger, then runs `deedbook export --since 0` and `deedbook replica sync --from`
into an empty folder, each in its own process: wall time and the process's peak resident memory (wait4's
ru_maxrss, what `/usr/bin/time -v` prints as "Maximum resident set size").  `--before DIR` runs the same two
commands with the code in DIR as well (`git archive main | tar -x -C DIR`), on the same ledger, for the
figures before a change.  docs/scale.md quotes them ("Export bundles").
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("DEEDBOOK_BENCH_DIR", Path(tempfile.gettempdir()) / "deedbook-bench"))


def run(code: Path, argv: list[str]) -> tuple[float, float, int, str]:
    """(seconds, CPU seconds, peak RSS in bytes, stdout) of `python -m desktop ARGV` with the code in `code`."""
    env = dict(os.environ, PYTHONPATH=str(code))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:  # files, not pipes: wait4 reaps it
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "desktop", *argv], cwd=code, env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it again
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise SystemExit(f"deedbook {' '.join(argv)} failed:\n{err.read().decode(errors='replace')[-2000:]}")
        return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, out.read().decode()


def demo_ledger(deeds: int, transfers: int) -> Path:
    folder = CACHE / f"export-{deeds}-{transfers}"
    if not (folder / "ledger.sqlite").exists():
        print(f"building a {deeds:,}-deed demo ledger in {folder} (cached for next time)...", flush=True)
        shutil.rmtree(folder, ignore_errors=True)
        run(ROOT, ["--data-dir", str(folder), "demo", "--deeds", str(deeds), "--transfers", str(transfers)])
    return folder


def measure(name: str, code: Path, ledger: Path, work: Path) -> None:
    bundle, replica = work / f"{name}.bundle", work / f"{name}-replica"
    export = run(code, ["--data-dir", str(ledger), "export", "--since", "0", "--out", str(bundle)])
    size = bundle.stat().st_size
    synced = run(code, ["--data-dir", str(replica), "replica", "sync", "--from", str(bundle)])
    entries = int(synced[3].split(" new entries")[0].rsplit(" ", 1)[-1].replace(",", ""))
    print(
        f"  {name:6s}  {entries:,} entries, bundle {size / 2**20:,.1f} MB ({size / entries:,.0f} bytes an entry); "
        f"export {export[0]:.1f} s, peak RSS {export[2] / 2**20:,.0f} MB; "
        f"first sync {synced[0]:.1f} s, peak RSS {synced[2] / 2**20:,.0f} MB"
    )
    bundle.unlink()
    shutil.rmtree(replica)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deeds", type=int, default=20_000)
    parser.add_argument("--transfers", type=int, default=400)
    parser.add_argument("--before", type=Path, help="a copy of the code before the change, to measure it too")
    args, _ = parser.parse_known_args(argv)  # run_all.py passes every benchmark the same arguments
    ledger = demo_ledger(args.deeds, args.transfers)
    print(f"export --since 0 and a first replica sync of a demo ledger ({args.deeds:,} deeds), one process each:")
    with tempfile.TemporaryDirectory(dir=CACHE) as folder:
        if args.before is not None:
            measure("before", args.before.resolve(), ledger, Path(folder))
        measure("after", ROOT, ledger, Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
