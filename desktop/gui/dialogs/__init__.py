"""Dialogs: first run, settings, about, passwords, contacts."""
