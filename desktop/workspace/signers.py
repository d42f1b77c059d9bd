"""Which local key signs: one resolver for the command line's --key and the GUI's key pickers.

A `Signer` names a key (by its name in the data folder, or by its address) and
carries its password as the front end has it: the GUI's typed value, or the
command line's callback that reads --password-file or prompts.  The callback is
called only when the key is unlocked, so every check an operation makes before
(an unknown deed, a key that is not the signer a request names) is said before
anyone is asked for a password.  Nothing here keeps a password or a key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from core.errors import NotFound
from core.hexes import ADDRESS

if TYPE_CHECKING:
    from core.keys import KeyInfo, KeyStore

Password = str | Callable[[], str]


@dataclass(frozen=True)
class Signer:
    key: str  # a key name, or the key's 0x address
    password: Password = field(repr=False)

    def secret(self) -> str:
        return self.password() if callable(self.password) else self.password


def resolve_key(keys: "KeyStore", key: str) -> "KeyInfo":
    """The local key named `key`, or else the one whose address it is; a sentence if there is none."""
    text = key.strip()
    if ADDRESS.fullmatch(text):
        by_name = keys.folder / f"{text}.json"
        if not by_name.exists():  # a key may be named like an address; the name wins
            found = keys.find_by_address(text)
            if found is None:
                raise NotFound(f"No key on this machine has the address {text}.")
            return found
    return keys.get(text)
