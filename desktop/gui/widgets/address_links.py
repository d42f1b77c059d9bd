"""Names where a rich-text label mentions an account, the address one hover or click away.

The label shows the name the address book or a local key gives (else the short
address) as a link whose target is the full address: hovering shows it, clicking
copies it.  Core keeps addresses; only what is shown changes.
"""

from __future__ import annotations

import html
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QLabel, QToolTip

from core.display import short_address
from core.hexes import ADDRESS

SCHEME = "address:"


def address_link(address: str, name: Callable[[str], str | None]) -> str:
    """`address` as a link reading its name (escaped), or its short form when no name is known."""
    shown = name(address) or short_address(address)
    return f"<a href='{SCHEME}{html.escape(address)}' style='text-decoration:none'>{html.escape(shown)}</a>"


def _address_of(link: str) -> str | None:
    address = link[len(SCHEME) :] if link.startswith(SCHEME) else ""
    return address if ADDRESS.fullmatch(address) else None


def link_addresses(widget: QLabel) -> QLabel:
    """Make `widget` show an address link's full address on hover and copy it on a click."""
    widget.setTextFormat(Qt.TextFormat.RichText)
    widget.setOpenExternalLinks(False)
    # by keyboard too: Tab reaches each name, Return copies its address (a mouse was the only way)
    flags = Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
    widget.setTextInteractionFlags(widget.textInteractionFlags() | flags)

    def hovered(link: str) -> None:
        address = _address_of(link)
        if address is None:
            QToolTip.hideText()
            return
        QToolTip.showText(QCursor.pos(), f"{address}\nClick to copy the address.", widget)

    def activated(link: str) -> None:
        address = _address_of(link)
        if address is not None:
            QGuiApplication.clipboard().setText(address)
            QToolTip.showText(QCursor.pos(), f"Copied {address}", widget)

    widget.linkHovered.connect(hovered)
    widget.linkActivated.connect(activated)
    return widget
