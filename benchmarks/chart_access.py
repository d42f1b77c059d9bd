"""What the charts' accessible children cost (desktop/gui/widgets/chart_access.py).

Qt asks the installed factory first for every widget whose accessible interface is first needed (a name or a
description set sends an event that resolves it, a screen reader or not), with each class name up the widget's
hierarchy until a factory answers (Qt's own answers at a label's own name): a Python call or more per widget.
Figures printed:

- the first interface of 3,000 fresh labels, without the factory and with it, each in a
  fresh process (a factory cannot be taken out again), best of the runs;
- reading a range chart's whole tree as a screen reader does (each part's name, description, role, state and
  box), and the same with new figures before each read (the old parts unregistered, new ones made).

    python benchmarks/chart_access.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = 3_000
READS = 1_000


def first_interfaces(with_factory: bool) -> float:
    """Seconds to resolve the first interface of LABELS fresh labels."""
    from PySide6.QtGui import QAccessible
    from PySide6.QtWidgets import QApplication, QLabel

    from desktop.gui.widgets import chart_access

    app = QApplication.instance() or QApplication(sys.argv[:1])
    if with_factory:
        chart_access.install()
    labels = [QLabel(f"label {n}") for n in range(LABELS)]
    start = time.perf_counter()
    for label in labels:
        QAccessible.queryAccessibleInterface(label)
    seconds = time.perf_counter() - start
    del app
    return seconds


def tree_reads() -> tuple[float, float]:
    """Seconds per read of a five-part range chart's tree: figures unchanged, and new figures each time."""
    from PySide6.QtGui import QAccessible

    from core.money import Money
    from desktop.gui.app import make_app
    from desktop.gui.widgets.charts import RangeChart

    make_app()
    chart = RangeChart()
    chart.resize(460, chart.height())
    usd = [Money(units * 100, "USD") for units in (215_000, 190_000, 241_000, 250_000, 180_000)]
    chart.set_range(usd[0], usd[1], usd[2], usd[3:])
    access = QAccessible.queryAccessibleInterface(chart)

    def read() -> None:
        for index in range(access.childCount()):
            part = access.child(index)
            part.text(QAccessible.Text.Name), part.text(QAccessible.Text.Description)
            part.role(), part.state(), part.rect()

    start = time.perf_counter()
    for _ in range(READS):
        read()
    same = (time.perf_counter() - start) / READS
    start = time.perf_counter()
    for n in range(READS):
        chart.set_range(usd[0], usd[1], usd[2], usd[3:] if n % 2 else usd[4:])
        read()
    renewed = (time.perf_counter() - start) / READS
    return same, renewed


def child(mode: str) -> None:
    if mode == "tree":
        same, renewed = tree_reads()
        print(f"{same} {renewed}")
    else:
        print(first_interfaces(mode == "factory"))


def run(mode: str) -> list[float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode], env=env, check=True, capture_output=True, text=True
    ).stdout
    return [float(word) for word in out.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", choices=["bare", "factory", "tree"])
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    bare, factory = [], []
    for _ in range(args.runs):  # alternating, so that a busy moment on the machine falls on both
        bare += run("bare")
        factory += run("factory")
    print(f"first interface of {LABELS:,} labels, best of {args.runs}:")
    print(f"  without the factory  {min(bare) * 1000:7.1f} ms  ({min(bare) / LABELS * 1e6:.1f} us each)")
    print(f"  with it              {min(factory) * 1000:7.1f} ms  ({min(factory) / LABELS * 1e6:.1f} us each)")
    reads = [run("tree") for _ in range(args.runs)]
    same, renewed = min(r[0] for r in reads), min(r[1] for r in reads)
    print(f"a range chart's tree (5 parts: name, description, role, state, box), best of {args.runs}:")
    print(f"  read                 {same * 1e6:7.1f} us")
    print(f"  new figures and read {renewed * 1e6:7.1f} us")


if __name__ == "__main__":
    main()
