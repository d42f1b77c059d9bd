"""The document types Deedbook draws, each declared by its own module.

A document type is one module in this package that calls `register` with a
`DocumentType`: the name its records carry (`document.type`), what a sentence
calls it, the parameters its record names and their JSON types (the record it
needs), and its drawing functions by layout number.  A layout is a format: a
document is verified by drawing it again, so every layout ever issued stays
registered under its number and a new drawing takes the next one (new documents
use the newest).  Adding a document type = its module, listed in `TYPE_MODULES`.

`render_record` is the one way from a record to PDF bytes; `check_document` is
what `verify-pdf` asks before checking signatures: does this version know the
record's type, layout and parameters?  The type modules are loaded by name with
importlib (as core.kinds loads entry kinds), so nothing here imports a drawer
and no drawer imports another.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from core.documents.evidence import Record, RecordInvalid
from core.errors import DeedbookError

TYPE_MODULES = [
    "desktop.documents.transfer_deed",
    "desktop.documents.title",
    "desktop.documents.notary_record",
    "desktop.documents.journal",
    "desktop.documents.valuation_report",
    "desktop.documents.statement",
]

Drawer = Callable[[Record], bytes]
ParamCheck = Callable[[Mapping[str, Any]], None]


@dataclass(frozen=True)
class DocumentType:
    name: str  # the record's document.type
    label: str  # what a sentence calls it: "certificate of title"
    params: Mapping[str, tuple[type, ...]]  # the parameters its record names, and their JSON types
    layouts: Mapping[int, Drawer]  # every layout ever issued, by number
    check_params: ParamCheck | None = field(default=None)  # what the types alone cannot say (a period of dates)
    alternatives: tuple[int, ...] = ()  # layouts drawn only when asked for (the recording layout), never by default
    # Parameters added after documents of this type were issued: a new document carries them, an older one
    # may lack them (and is drawn as it was).  Any other parameter makes the record one no genuine document has.
    later_params: Mapping[str, tuple[type, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.layouts or any(not isinstance(n, int) or n < 1 for n in self.layouts):
            raise ValueError(f"document type {self.name!r} needs layouts numbered from 1")

    @property
    def layout(self) -> int:
        """The layout new documents are drawn with: the newest that is not an alternative."""
        return max(n for n in self.layouts if n not in self.alternatives)

    def check(self, record: Record) -> None:
        """Refuse a record this version cannot draw as this type: a layout it does not know (DeedbookError:
        a newer Deedbook's document) or parameters a genuine document does not carry (RecordInvalid)."""
        if record.layout not in self.layouts:
            known = ", ".join(str(n) for n in sorted(self.layouts))
            raise DeedbookError(
                f"This document uses layout {record.layout} of a {self.name}; this version of "
                f"Deedbook draws layout {known}, so it cannot redraw it to compare."
            )
        params, allowed = record.params, {**self.params, **self.later_params}
        if not set(self.params) <= set(params) <= set(allowed) or any(
            not isinstance(params[k], allowed[k]) or isinstance(params[k], bool) for k in params
        ):
            raise RecordInvalid(f"The embedded record's parameters are not those of a {self.name} document.")
        if self.check_params is not None:
            self.check_params(params)


_TYPES: dict[str, DocumentType] = {}
_loaded = False


def register(document_type: DocumentType) -> DocumentType:
    if document_type.name in _TYPES:
        raise ValueError(f"document type {document_type.name!r} is registered twice")
    _TYPES[document_type.name] = document_type
    return document_type


def document_types() -> dict[str, DocumentType]:
    """Every registered type by name (loading the type modules the first time)."""
    global _loaded
    if not _loaded:
        for module in TYPE_MODULES:
            importlib.import_module(module)
        _loaded = True
    return dict(_TYPES)


def document_type(name: str) -> DocumentType:
    """The type a record names; a sentence (DeedbookError) for a type this version does not know."""
    found = document_types().get(name)
    if found is None:
        raise DeedbookError(f"This document is a '{name}', which this version of Deedbook does not know.")
    return found


def label(name: str | None) -> str:
    """What a sentence calls a document of type `name` ("document" when there is none)."""
    found = document_types().get(name or "")
    return found.label if found is not None else "document"


def check_document(record: Record) -> DocumentType:
    """The record's type, when this version draws its layout and its parameters are a genuine document's."""
    found = document_type(record.doc_type)
    found.check(record)
    return found


def render_record(record: Record) -> bytes:
    """The document `record` describes, as deterministic PDF bytes, drawn from its canonical form (what a
    reader of the PDF will parse), so that drawing again from the embedded copy gives the same bytes."""
    from desktop.documents.layout import styles_for

    record = record.canonical()
    drawer = check_document(record).layouts[record.layout]
    with styles_for(record):  # the recording layout's type sizes, for this drawing only
        return drawer(record)
