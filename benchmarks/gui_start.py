"""Cold start to a shown main window on a 10,000-deed demo ledger, against a bare PySide6 window.

Both are started the same way (this interpreter, a fresh process each time,
alternating, in one run) and print the wall-clock time their window is shown;
the figure is that minus the moment just before the process was launched.
Deedbook also reports when its ledger is open, the first page of deeds listed
and no work is left ("ready").

    python benchmarks/gui_start.py [--runs 7] [--deeds 10000]

The demo ledger is built once and cached under /tmp (DEEDBOOK_BENCH_DIR).
Goal: shown within 2x of the bare window.
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
CACHE = Path(os.environ.get("DEEDBOOK_BENCH_DIR", "/tmp/deedbook-bench"))


def bare_window() -> int:
    """The reference: QApplication + a QMainWindow, shown, then exit."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QLabel("bare"))
    window.resize(1440, 900)
    window.show()

    def shown() -> None:
        handle = window.windowHandle()
        if handle is not None and not handle.isExposed():
            QTimer.singleShot(5, shown)
            return
        print(f"shown_at={time.time():.6f}", flush=True)
        app.quit()

    QTimer.singleShot(0, shown)
    return app.exec()


def demo_ledger(deeds: int) -> Path:
    folder = CACHE / f"demo-{deeds}"
    if not (folder / "ledger.sqlite").exists():
        print(f"building a {deeds:,}-deed demo ledger in {folder} (cached for next time)...", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "desktop",
                "--data-dir",
                str(folder),
                "demo",
                "--deeds",
                str(deeds),
                "--transfers",
                str(deeds // 50),
            ],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
    return folder


def launch(command: list[str]) -> dict[str, float]:
    env = dict(os.environ)
    # An installed app runs from compiled bytecode (pip and PyInstaller compile it); a source tree with
    # PYTHONDONTWRITEBYTECODE would recompile every module at every start.  Compile once, outside the repo.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(CACHE / "pycache")
    env.setdefault("QT_QPA_PLATFORM", "offscreen" if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY") else "")
    if not env["QT_QPA_PLATFORM"]:
        del env["QT_QPA_PLATFORM"]
    started = time.time()
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
    times = {k: float(v) - started for k, v in re.findall(r"(shown_at|ready_at)=([0-9.]+)", result.stdout)}
    if "shown_at" not in times:
        raise SystemExit(f"no shown_at in the output of {' '.join(command)}:\n{result.stdout}")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--deeds", type=int, default=10_000)
    parser.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        return bare_window()
    folder = demo_ledger(args.deeds)
    bare_cmd = [sys.executable, str(Path(__file__).resolve()), "--bare"]
    deedbook_cmd = [sys.executable, "-m", "desktop", "--data-dir", str(folder), "gui", "--smoke"]
    launch(bare_cmd), launch(deedbook_cmd)  # compile bytecode, warm the OS file cache: "cold" = a new process
    bare, shown, ready = [], [], []
    for _ in range(args.runs):
        bare.append(launch(bare_cmd)["shown_at"])
        times = launch(deedbook_cmd)
        shown.append(times["shown_at"])
        ready.append(times.get("ready_at", float("nan")))
    b, s, r = statistics.median(bare), statistics.median(shown), statistics.median(ready)
    platform = os.environ.get("QT_QPA_PLATFORM") or ("offscreen" if not os.environ.get("DISPLAY") else "display")
    print(
        f"gui start on {args.deeds:,} deeds, median of {args.runs} runs each, Qt platform {platform}, "
        "bytecode compiled:"
    )
    print(f"  bare PySide6 window shown     {b * 1000:7.0f} ms")
    print(f"  Deedbook main window shown    {s * 1000:7.0f} ms   {s / b:4.2f}x the bare window (goal <= 2x)")
    print(f"  Deedbook ready (ledger open, first deeds listed, idle) {r * 1000:7.0f} ms   {r / b:4.2f}x")
    return 0 if s <= 2 * b else 1


if __name__ == "__main__":
    raise SystemExit(main())
