"""The application shell: the Qt GUI and its command-line twin. No business rules here."""
