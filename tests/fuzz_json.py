"""One value of a valid JSON document replaced by a look-alike of another JSON type, for fuzzing readers.

Python reads leniently where JSON does not: int() takes true, 1.0 and "1"; true == 1 and 1.0 == 1 compare
equal (and hash alike); a string is iterable; a missing key may fall back to a default.  A reader that lets
such a value through may take an altered file for the genuine one.  `mutations(document)` draws the
document with one change at a random place: a value swapped for one of another type that Python may
confuse with it (`confusions`), a key deleted, or an unknown key added.  `same_meaning` compares two
documents as JSON does, type for type, so a reader that accepted a change can be checked to have been
given nothing different.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

Path = tuple[Any, ...]


@dataclass(frozen=True)
class Mutation:
    """The document after one change, and the change in words (hypothesis prints it when a test fails)."""

    document: Any
    change: str
    kind: str  # "retyped" (another JSON type), "revalued" (same type, other value), "deleted" or "added"
    value: Any = None  # the value put in, for "retyped", "revalued" and "added"
    path: Path = ()  # where: the key or position changed, deleted, or added to


def paths(value: Any, prefix: Path = ()) -> list[Path]:
    """Every place in a document below its root: dict keys and list positions, depth first."""
    found: list[Path] = []
    if isinstance(value, dict):
        for key, child in value.items():
            found += [(*prefix, key), *paths(child, (*prefix, key))]
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += [(*prefix, i), *paths(child, (*prefix, i))]
    return found


def at(document: Any, path: Path) -> Any:
    for step in path:
        document = document[step]
    return document


def confusions(value: Any) -> list[Any]:
    """Values of other JSON types that a lenient reader could take for `value`, or for a valid one."""
    found: list[Any] = [None, "", [], {}, [value], {"value": value}]
    if type(value) is bool:
        found += [int(value), float(value), str(value).lower(), "1" if value else "0", not value]
    elif type(value) is int:
        found += [float(value), str(value), -value - 1, 2**64 + value, 2**256, -(2**63), value + 1]
        if value in (0, 1):
            found.append(bool(value))
    elif type(value) is float:
        found += [int(value), str(value), -value, 1e308]
    elif isinstance(value, str):
        found += [value + " ", value.upper(), value[:-1], "0", 0, 1, True, 1.5]
        if value.isascii() and value.isdigit():
            found += [int(value), float(int(value))]
        if value.lower() in ("true", "false"):
            found.append(value.lower() == "true")
    elif isinstance(value, list):
        found += [dict(enumerate(value)), value[:-1], value + value[-1:], "".join(map(str, value))]
        found += [value[0]] if value else [0]
    elif isinstance(value, dict):
        found += [list(value.values()), list(value), json.dumps(value)]
    return found


def json_type(value: Any) -> str:
    """The JSON type of a value: a bool is not a number, and an integer is not a float."""
    return "null" if value is None else type(value).__name__


def same_meaning(a: Any, b: Any) -> bool:
    """Equal as JSON values, type for type: true is not 1, 1.0 is not 1, "1" is not 1 (Python's == says
    the first two are)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _changed(document: Any, path: Path, action: str, value: Any) -> Any:
    mutated = copy.deepcopy(document)
    *parents, last = path
    target = at(mutated, tuple(parents))
    if action == "delete":
        del target[last]
    elif action == "add":
        target[last]["zz-unknown"] = value
    else:
        target[last] = value
    return mutated


@st.composite
def mutations(draw: st.DrawFn, document: Any, *, skip: tuple[Path, ...] = ()) -> Mutation:
    """`document` with one change, never one that leaves it the same JSON value.  Places under a path in
    `skip` (free text a reader copies without reading, say) are left alone."""
    places = [p for p in paths(document) if not any(p[: len(s)] == s for s in skip)]
    path = draw(st.sampled_from(places))
    value = at(document, path)
    actions = ["replace", "replace", "replace"]
    if isinstance(path[-1], str):
        actions.append("delete")
    if isinstance(value, dict):
        actions.append("add")
    action = draw(st.sampled_from(actions))
    if action == "delete":
        return Mutation(_changed(document, path, "delete", None), f"deleted {path!r}", "deleted", path=path)
    replacement = draw(st.sampled_from([c for c in confusions(value) if not same_meaning(c, value)]))
    if action == "add":
        added = _changed(document, path, "add", replacement)
        return Mutation(added, f"added zz-unknown={replacement!r} at {path!r}", "added", replacement, path)
    kind = "revalued" if json_type(replacement) == json_type(value) else "retyped"
    changed = _changed(document, path, "replace", replacement)
    return Mutation(changed, f"{path!r}: {value!r} -> {replacement!r}", kind, replacement, path)
