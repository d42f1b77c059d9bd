"""The main window's panes, one module each."""
