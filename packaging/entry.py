"""PyInstaller entry script of the bundled `Deedbook` executable.

It only adds what a frozen program needs before the ordinary entry point
`desktop.app:main` runs: `freeze_support()` lets worker processes started with
the "spawn" method (Windows, macOS; `deedbook verify --jobs N`, scikit-learn's
joblib) re-enter this executable as workers instead of starting a second app.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from desktop.app import main

    sys.exit(main())
