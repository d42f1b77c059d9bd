"""The PyInstaller bundle: size, file count, optionally build time, and start time against source.

    python benchmarks/bundle.py                  # size + start times of the existing dist/Deedbook
    python benchmarks/bundle.py --build          # also time a clean build first (about a minute)
    python benchmarks/bundle.py --runs 7 --deeds 10000

Start time is `Deedbook gui --smoke` (bundle) against `deedbook gui --smoke` (source, from
compiled bytecode as an installed app runs), started alternately in fresh processes on the
same demo ledger: the moment the main window is shown (and "ready": ledger open, first page
of deeds listed, idle), minus the moment just before the process was launched.  Also the
command line's start (`--version`).  Medians.  Without a bundle it says so and exits 0.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "Deedbook"
EXE = BUNDLE / ("Deedbook.exe" if os.name == "nt" else "Deedbook")
SOURCE = Path(sys.executable).parent / ("deedbook.exe" if os.name == "nt" else "deedbook")
CACHE = Path(os.environ.get("DEEDBOOK_BENCH_DIR", "/tmp/deedbook-bench"))


def size(folder: Path) -> tuple[int, int, int]:
    """(bytes on disk, apparent bytes, files); symbolic links count as links."""
    disk = apparent = files = 0
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        stat = path.stat()
        files += 1
        apparent += stat.st_size
        disk += getattr(stat, "st_blocks", 0) * 512 or stat.st_size
    return disk, apparent, files


def build() -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "build.spec"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def demo_ledger(deeds: int) -> Path:
    folder = CACHE / f"demo-{deeds}"
    if not (folder / "ledger.sqlite").exists():
        print(f"building a {deeds:,}-deed demo ledger in {folder} (cached for next time)...", flush=True)
        subprocess.run(
            [str(EXE), "--data-dir", str(folder), "demo", "--deeds", str(deeds), "--transfers", str(deeds // 50)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return folder


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # source runs from compiled bytecode, as installed
    env["PYTHONPYCACHEPREFIX"] = str(CACHE / "pycache")
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def launch(command: list[str], env: dict[str, str]) -> dict[str, float]:
    started = time.time()
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    ended = time.time()
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    times = {k: float(v) - started for k, v in re.findall(r"(shown_at|ready_at)=([0-9.]+)", result.stdout)}
    times["exit"] = ended - started
    return times


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="time a clean build first")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--deeds", type=int, default=10_000)
    args, _ = parser.parse_known_args(argv)  # run_all.py passes every benchmark the same arguments

    if args.build:
        seconds = build()
        print(f"build: {seconds:.0f} s  (python -m PyInstaller --noconfirm --clean build.spec, {os.cpu_count()} cores)")
    if not EXE.exists():
        print(f"no bundle in {BUNDLE}: build it with `python3 dev.py bundle` (or pass --build)")
        return 0
    disk, apparent, files = size(BUNDLE)
    print(f"bundle: {disk / 2**20:.0f} MB on disk ({apparent / 2**20:.0f} MB apparent), {files} files  ({BUNDLE})")

    env = environment()
    cli = {"bundle": [str(EXE), "--version"], "source": [str(SOURCE), "--version"]}
    cli_times: dict[str, list[float]] = {"bundle": [], "source": []}
    for _ in range(args.runs):
        for name, command in cli.items():
            cli_times[name].append(launch(command, env)["exit"])
    print(
        f"--version: bundle {statistics.median(cli_times['bundle']):.2f} s, "
        f"source {statistics.median(cli_times['source']):.2f} s  (median of {args.runs})"
    )

    if subprocess.run([str(EXE), "gui", "--help"], capture_output=True).returncode != 0:
        print("no gui command in this build: start time of the window not measured")
        return 0
    ledger = demo_ledger(args.deeds)
    commands = {
        "bundle": [str(EXE), "--data-dir", str(ledger), "gui", "--smoke"],
        "source": [str(SOURCE), "--data-dir", str(ledger), "gui", "--smoke"],
    }
    for command in commands.values():  # warm the file cache and the bytecode cache once
        launch(command, env)
    runs: dict[str, list[dict[str, float]]] = {"bundle": [], "source": []}
    for _ in range(args.runs):
        for name, command in commands.items():
            runs[name].append(launch(command, env))
    print(
        f"gui --smoke on a {args.deeds:,}-deed demo ledger, median of {args.runs} alternating runs "
        f"(QT_QPA_PLATFORM={env.get('QT_QPA_PLATFORM', 'native')}):"
    )
    for name in ("bundle", "source"):
        shown = statistics.median(r["shown_at"] for r in runs[name])
        ready = statistics.median(r.get("ready_at", float("nan")) for r in runs[name])
        print(f"  {name:6s}  window shown {shown:.2f} s, ready {ready:.2f} s")
    ratio = statistics.median(r["shown_at"] for r in runs["bundle"]) / statistics.median(
        r["shown_at"] for r in runs["source"]
    )
    print(f"  bundle/source (shown): {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
