"""A URL made safe to show or store: the one place a `user:password@` is taken out of an address.

A person may type `http://user:password@host:port` (a `serve` behind a proxy that asks for a password,
a witness's address); what is written to a file, a log, a sentence or a window is the address without
its user part.  Only the request itself carries the credentials (desktop.serve.client).
"""

from __future__ import annotations

import re

# scheme "://", then the user part: anything up to the last "@" before the authority ends (at /, ?, # or
# a space), as RFC 3986 splits it ("http://a:b@c@host" is user "a", password "b@c")
_USER_PART = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)[^/?#\s]*@")


def shown_url(text: str) -> str:
    """`text` with each URL's user:password (its whole user part) left out; text holding none as it is."""
    return _USER_PART.sub(r"\g<scheme>", text) if "@" in text else text


def shown_if_plain(text: str) -> str | None:
    """`text` as shown_url shows it, or None when an "@" is still in it after any scheme: text that is not a
    well-formed URL (no scheme, a password holding "/" unescaped) whose user part cannot be told from the rest,
    and which a refusal then does not repeat at all."""
    shown = shown_url(text)
    return None if "@" in shown.split("://", 1)[-1] else shown
