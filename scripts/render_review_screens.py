"""Render the Review pane to PNG (offscreen) for docs/screening.md.

    QT_QPA_PLATFORM=offscreen python scripts/render_review_screens.py [--out docs/screenshots] [--dark]

A throwaway demo in a temporary folder (800 deeds, 400 transfers, one injected case of each
pattern: `deedbook demo --with-suspicious 1`) and the default valuation model trained on the
bundled Ames data (about a minute), all through the real services.  Writes review-queue.png
(the queue, a deed gone back to a former holder selected) and review-loan-after-sale.png.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHOTS = {"review-queue.png": "circular_transfer", "review-loan-after-sale.png": "loan_after_sale"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--dark", action="store_true", help="in the dark palette (QT_SCALE_FACTOR=2: a 200%% screen)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from PySide6.QtWidgets import QAbstractItemView, QApplication

    app = QApplication([])
    from core.ledger import Ledger
    from core.paths import DataDir
    from core.settings import Settings
    from desktop.gui import theme
    from desktop.gui.context import AppContext
    from desktop.gui.main_window import MainWindow
    from desktop.gui.panes.review import ReviewPane
    from desktop.workspace import Workspace
    from valuation import service

    def settle_until(done: Any, limit: float = 120) -> None:
        end = time.time() + limit
        while not done() and time.time() < end:
            app.processEvents()
            time.sleep(0.02)
        if not done():
            raise SystemExit("the Review pane did not finish screening in time")

    with tempfile.TemporaryDirectory() as folder:
        os.environ["DEEDBOOK_HOME"] = str(Path(folder) / "home")
        ws = Workspace.open(Path(folder) / "office")
        summary = ws.build_demo(deeds=800, transfers=400, suspicious=1).value
        ws.close()
        home = DataDir.resolve(Path(folder) / "office")
        service.train(home)
        targets = {c["pattern"]: int(c["entry"]) for c in summary["suspicious"]}
        ctx = AppContext(home, Settings.load(), Ledger.open(home))
        theme.apply_theme(app, "dark" if args.dark else "light")
        window = MainWindow(ctx)
        window.resize(1280, 860)
        window.show()
        pane = window.show_pane("review")
        assert isinstance(pane, ReviewPane)
        settle_until(lambda: bool(pane.found))
        for name, pattern in SHOTS.items():
            entries = [a.entry for a in pane.found]
            if targets[pattern] not in entries:
                raise SystemExit(f"the injected {pattern} case (entry {targets[pattern]}) was not flagged")
            row = entries.index(targets[pattern])
            pane.queue.selectRow(row)
            pane.queue.scrollTo(pane.queue.model().index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
            settle_until(lambda: not ctx.ops.busy, 10)
            app.processEvents()
            window.grab().save(str(out / name))
        ctx.ops.shutdown()
        ctx.close()
    print(f"wrote {', '.join(SHOTS)} to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
