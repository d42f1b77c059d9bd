"""Entry point of `deedbook` (and of the bundled `Deedbook` executable).

With no command it opens the GUI on the embedded default data folder; with a
command it is the command line.  Imports stay light here: Qt, scikit-learn and
reportlab are imported only by the commands that need them.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    try:
        import multiprocessing

        multiprocessing.freeze_support()  # the frozen app re-enters here in verification's worker processes
        from desktop.cli.main import run
    except KeyboardInterrupt:  # Ctrl+C while the command line loads: nothing has started
        print("deedbook: Interrupted; nothing was changed.", file=sys.stderr)
        return 130
    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    raise SystemExit(main())
