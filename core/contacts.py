"""The address book: named counterparties (buyers, sellers, notaries, lenders...).

Contacts live in the ledger database's `contacts` table but are not part of the
ledger: they are the agent's own notes, never signed, never verified.  Every
address is stored in its EIP-55 checksummed form; a mistyped mixed-case address
is refused by `core.signing.parse_address` before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlmodel import col

from core.errors import DeedbookError, NotFound
from core.signing import checksum_address, parse_address
from core.store import ContactRow

ROLES = ("buyer", "seller", "notary", "lienholder", "agent", "registrar", "other")
MAX_NAME = 80


@dataclass(frozen=True)
class Contact:
    id: int
    name: str
    address: str  # EIP-55
    role: str
    note: str

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "address": self.address, "role": self.role, "note": self.note}


def _contact(row: object) -> Contact:
    return Contact(row.id, row.name, row.address, row.role, row.note)  # type: ignore[attr-defined]


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DeedbookError("A contact needs a name.")
    if len(name) > MAX_NAME:
        raise DeedbookError(f"A contact's name has at most {MAX_NAME} characters.")
    return name


def _clean_role(role: str) -> str:
    role = (role or "").strip().lower()
    if role and role not in ROLES:
        raise DeedbookError(f"'{role}' is not a contact role (use one of: {', '.join(ROLES)}).")
    return role


class AddressBook:
    """Add, list, update and remove contacts; reads and writes are single statements."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def list(self, *, search: str | None = None, role: str | None = None) -> list[Contact]:
        query = select(ContactRow).order_by(func.lower(col(ContactRow.name)), col(ContactRow.id))
        if search and search.strip():
            pattern = f"%{search.strip().lower()}%"
            query = query.where(
                func.lower(col(ContactRow.name)).like(pattern)
                | func.lower(col(ContactRow.address)).like(pattern)
                | func.lower(col(ContactRow.note)).like(pattern)
            )
        if role:
            query = query.where(col(ContactRow.role) == _clean_role(role))
        with self.engine.connect() as conn:
            return [_contact(row) for row in conn.execute(query)]

    def get(self, contact_id: int) -> Contact:
        with self.engine.connect() as conn:
            row = conn.execute(select(ContactRow).where(col(ContactRow.id) == contact_id)).first()
        if row is None:
            raise NotFound(f"There is no contact {contact_id} in the address book.")
        return _contact(row)

    def find_by_address(self, address: str) -> Contact | None:
        wanted = checksum_address(parse_address(address))
        with self.engine.connect() as conn:
            row = conn.execute(select(ContactRow).where(col(ContactRow.address) == wanted)).first()
        return None if row is None else _contact(row)

    def names_by_address(self) -> dict[str, str]:
        """Lower-case address -> name, for showing names instead of hex in lists."""
        with self.engine.connect() as conn:
            return {a.lower(): n for n, a in conn.execute(select(col(ContactRow.name), col(ContactRow.address)))}

    def _refuse_duplicate(self, address: str, except_id: int | None = None) -> None:
        existing = self.find_by_address(address)
        if existing is not None and existing.id != except_id:
            raise DeedbookError(f"{address} is in the address book already, as '{existing.name}'.")

    def add(self, name: str, address: str, role: str = "", note: str = "") -> Contact:
        name, role = _clean_name(name), _clean_role(role)
        address = checksum_address(parse_address(address))
        self._refuse_duplicate(address)
        with self.engine.begin() as conn:
            result = conn.execute(
                insert(ContactRow).values(name=name, address=address, role=role, note=(note or "").strip())
            )
            new_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        return self.get(new_id)

    def update(
        self,
        contact_id: int,
        *,
        name: str | None = None,
        address: str | None = None,
        role: str | None = None,
        note: str | None = None,
    ) -> Contact:
        self.get(contact_id)
        values: dict[str, str] = {}
        if name is not None:
            values["name"] = _clean_name(name)
        if address is not None:
            values["address"] = checksum_address(parse_address(address))
            self._refuse_duplicate(values["address"], except_id=contact_id)
        if role is not None:
            values["role"] = _clean_role(role)
        if note is not None:
            values["note"] = note.strip()
        if values:
            with self.engine.begin() as conn:
                conn.execute(update(ContactRow).where(col(ContactRow.id) == contact_id).values(**values))
        return self.get(contact_id)

    def restore(self, contact: Contact) -> Contact:
        """Put back a contact just removed, as it was: its id (unless taken since), name, address, role, note.
        Refused in one sentence if its address was added again meanwhile."""
        address = checksum_address(parse_address(contact.address))
        self._refuse_duplicate(address)
        values = {
            "name": _clean_name(contact.name),
            "address": address,
            "role": _clean_role(contact.role),
            "note": contact.note,
        }
        with self.engine.begin() as conn:
            taken = conn.execute(select(col(ContactRow.id)).where(col(ContactRow.id) == contact.id)).first()
            # an id comes from the table's own sequence, so one given back never collides with a later add
            result = conn.execute(insert(ContactRow).values(**values, **({} if taken else {"id": contact.id})))
            new_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        return self.get(new_id)

    def remove(self, contact_id: int) -> None:
        with self.engine.begin() as conn:
            if conn.execute(delete(ContactRow).where(col(ContactRow.id) == contact_id)).rowcount == 0:
                raise NotFound(f"There is no contact {contact_id} in the address book.")
