"""deedbook gui [--smoke] [--screenshots DIR [--dark]]   (also what `deedbook` alone runs)"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from core.errors import DeedbookError
from desktop.cli.context import CliContext


def register(commands: Any) -> None:
    gui = commands.add_parser("gui", help="open the desktop application (the default with no command)")
    gui.add_argument(
        "--smoke",
        action="store_true",
        help="open the main window, wait until it is shown and idle, print the time, exit 0",
    )
    gui.add_argument(
        "--screenshots", metavar="DIR", help="open each main screen in turn, save a PNG of each in DIR, exit 0"
    )
    gui.add_argument(
        "--dark",
        action="store_true",
        help="with --screenshots: every screen in the dark palette (the saved theme is unchanged)",
    )
    gui.add_argument(
        "--notary-desk",
        action="store_true",
        help="open the notary's desk alone (attest from request files; no ledger needed)",
    )
    gui.set_defaults(handler=_gui)


def require_display() -> None:
    """A sentence before Qt starts where it has no display to start on: on Linux without an X11 or Wayland
    session (and no QT_QPA_PLATFORM chosen, e.g. offscreen) Qt's xcb plugin aborts the process (exit 134)."""
    if not sys.platform.startswith("linux"):
        return
    if any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        return
    raise DeedbookError(
        "There is no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set): run it in a "
        "desktop session, or give a command ('deedbook --help' lists them)."
    )


def _gui(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.dark and not args.screenshots:
        raise DeedbookError("--dark is for the screenshot tour: use it with --screenshots DIR.")
    if args.screenshots:  # a file there, or a folder nothing can be written in: a sentence, not a failed step
        from core.outfiles import writable_folder

        writable_folder(args.screenshots)
    require_display()
    from desktop.gui.app import run  # Qt is imported only when the GUI is wanted

    return run(
        ctx.data_dir,
        ctx.db_url,
        smoke=args.smoke,
        screenshots=args.screenshots,
        notary=args.notary_desk,
        dark=args.dark,
    )
