"""A replica's first sync from a local `deedbook serve` (loopback only): time, entries/s and peak memory of the
sync and of the server.

    python benchmarks/serve_sync.py [--deeds 94000] [--transfers 5000] [--before DIR] [--pages 5000,100000]

Builds (and caches) a demo ledger as benchmarks/export_sync.py does, starts `deedbook serve --port 0` on it
(127.0.0.1), then runs `deedbook replica sync --from URL` into an empty folder, each in its own process: wall
time, each process's CPU time (user + system: on a machine others share, wall time says more of them than of
this) and peak resident memory (wait4's rusage).  `--before DIR` runs the same with the
code in DIR as well (`git archive main | tar -x -C DIR`: both its server and its client).  `--pages` measures
the sync with the server's default page (serve.PAGE) set to each size in turn, the figures the default was
chosen by.  docs/scale.md quotes them ("Syncing from serve").
"""

from __future__ import annotations

import argparse
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from export_sync import CACHE, ROOT, demo_ledger, run  # the same ledger, measured the same way

# The server, its default page set first when asked (argv: page or "-", then serve's arguments)
_SERVE = """
import sys
import desktop.serve.server as serve
from desktop.cli.main import run

if sys.argv[1] != "-":
    serve.PAGE = int(sys.argv[1])
sys.exit(run(sys.argv[2:]))
"""


def serving(code: Path, ledger: Path, page: int | None) -> tuple[subprocess.Popen[bytes], str]:
    env = dict(os.environ, PYTHONPATH=str(code))
    argv = [str(page) if page else "-", "--data-dir", str(ledger), "serve", "--port", "0"]
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVE, *argv], cwd=code, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert server.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(server.stdout, selectors.EVENT_READ)
        line = server.stdout.readline().decode() if selector.select(120) else ""
    if " on http://" not in line:
        server.kill()
        raise SystemExit(f"deedbook serve did not start: {line!r}")
    return server, line.split(" on ")[1].split()[0]


def stopped(server: subprocess.Popen[bytes]) -> tuple[float, int]:
    """The server's CPU seconds and peak RSS in bytes, once ended (SIGTERM: a benchmark run in the background has
    SIGINT ignored)."""
    server.send_signal(signal.SIGTERM)
    _pid, status, usage = os.wait4(server.pid, 0)
    server.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def measure(name: str, code: Path, ledger: Path, work: Path, page: int | None = None) -> None:
    replica = work / f"{name}-replica"
    server, url = serving(code, ledger, page)
    try:
        seconds, cpu, rss, out = run(code, ["--data-dir", str(replica), "replica", "sync", "--from", url])
    finally:
        served_cpu, served_rss = stopped(server)
    entries = int(out.split(" new entries")[0].rsplit(" ", 1)[-1].replace(",", ""))
    print(
        f"  {name:14s}  {entries:,} entries in {seconds:.1f} s ({entries / seconds:,.0f} entries/s); "
        f"sync {cpu:.1f} CPU s ({entries / cpu:,.0f} entries a CPU second), peak RSS {rss / 2**20:,.0f} MB; "
        f"server {served_cpu:.1f} CPU s, peak RSS {served_rss / 2**20:,.0f} MB",
        flush=True,
    )
    shutil.rmtree(replica)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deeds", type=int, default=94_000)
    parser.add_argument("--transfers", type=int, default=5_000)
    parser.add_argument("--before", type=Path, help="a copy of the code before the change, to measure it too")
    parser.add_argument("--pages", help="page sizes to measure the sync with, comma-separated (default: serve's)")
    args, _ = parser.parse_known_args(argv)  # run_all.py passes every benchmark the same arguments
    ledger = demo_ledger(args.deeds, args.transfers)
    print(f"a first replica sync from `deedbook serve` on 127.0.0.1, a demo ledger ({args.deeds:,} deeds):")
    with tempfile.TemporaryDirectory(dir=CACHE) as folder:
        if args.before is not None:
            measure("before", args.before.resolve(), ledger, Path(folder))
        if args.pages:
            for page in (int(p) for p in args.pages.split(",")):
                measure(f"page {page:,}", ROOT, ledger, Path(folder), page)
        else:
            measure("after", ROOT, ledger, Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
