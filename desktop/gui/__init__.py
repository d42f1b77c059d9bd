"""Deedbook's Qt GUI: a thin shell over core/ and valuation/.

Every action calls a core (or valuation) function through `operations.Op`, off
the UI thread; panes listen to `events.Events.changed` and refresh only what
concerns them.  Nothing here decides a business rule.
"""

from desktop.gui import qt_refcounts as _qt_refcounts  # noqa: F401 - before any signal is emitted (see its docstring)
