"""Operations that append to the ledger (or prepare what others sign), each returning its receipt.

Every one takes plain values and a `Signer`; whatever can be refused without the
key (an unknown deed, an entry that is not there, a key that is not the one a
request names) is refused before the signer's password is asked for.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Required, Sequence, TypedDict, Unpack

from desktop.workspace.base import WorkspaceBase
from desktop.workspace.receipt import Done, Receipt
from desktop.workspace.signers import Signer

if TYPE_CHECKING:
    from core.deeds import Registration
    from core.entries import Entry
    from core.ledger import Ledger, RecordedEntry
    from core.liens import LienRecord
    from core.notary import JournalRecord, NotarialAct
    from core.requests import SigningRequest
    from core.state import DeedState
    from core.transactions import PreparedTransfer
    from core.verify import VerifyReport

Progress = Callable[[int, int], None]


class RegistrationForm(TypedDict, total=False):
    """A deed's registration as the form and `deed register` give it (no shares given: the default)."""

    parcel: Required[str]
    address: Required[str]
    owner: Required[str]
    legal: str
    attributes: Mapping[str, Any] | None
    shares: int | None


def _registration(form: RegistrationForm) -> "Registration":
    """The form as `core.deeds` takes it, for the check and the act alike."""
    from core.kinds.registration import DEFAULT_SHARES

    return {
        "parcel": form["parcel"],
        "address": form["address"],
        "owner": form["owner"],
        "legal": form.get("legal", ""),
        "attributes": dict(form.get("attributes") or {}),
        "shares": form.get("shares") or DEFAULT_SHARES,
    }


class RecordOps(WorkspaceBase):
    # -- the ledger itself ---------------------------------------------------------------------------
    def init_ledger(self, name: str, operator: Signer, *, chain_id: int = 1) -> Done["Ledger"]:
        """A new ledger operated by a key already here (the operator is its first registrar)."""
        from core.errors import DeedbookError, NotFound, Remedy
        from core.ledger import Ledger

        if self.db_url is None:
            self.home.require_writable("creating a ledger")
        if self.ledger_may_exist():  # said before the password (Ledger.create checks again, in its lock)
            try:
                _ = self.ledger  # opening it is the question
            except NotFound:
                pass
            else:
                raise DeedbookError(f"There is a ledger in {self.home.root} already.", remedy=Remedy.OTHER_DATA_FOLDER)
        key = self.unlock(operator)
        ledger = Ledger.create(self.home, self.db_url, name, key, chain_id=chain_id)
        self.close()
        self._ledger = ledger
        return Done(ledger, Receipt(entries=(0,), kinds=("LedgerGenesis",), folder=True))

    def create_ledger(self, name: str, key_name: str, password: str) -> Done["Ledger"]:
        """A new operator key and a ledger it operates; the key is removed again if the ledger cannot be made."""
        from core.errors import DeedbookError
        from core.keys import check_key_name, check_password
        from core.ledger import Ledger

        if not name.strip():
            raise DeedbookError("A ledger needs a name.")
        check_key_name(key_name)
        check_password(password)
        self.home.ensure()
        info = self.keys.create(key_name, password)
        try:
            ledger = Ledger.create(self.home, self.db_url, name, self.keys.unlock(key_name, password))
        except BaseException:
            info.path.unlink(missing_ok=True)
            raise
        self.close()
        self._ledger = ledger
        return Done(ledger, Receipt(entries=(0,), kinds=("LedgerGenesis",), keys=True, folder=True))

    def build_demo(
        self,
        *,
        deeds: int,
        transfers: int = 0,
        progress: Progress | None = None,
        should_cancel: Callable[[], bool] | None = None,
        suspicious: int = 0,
    ) -> Done[dict[str, Any]]:
        from core.demo import build_demo

        summary = build_demo(
            self.home,
            deeds=deeds,
            transfers=transfers,
            db_url=self.db_url,
            progress=progress,
            should_cancel=should_cancel,
            suspicious=suspicious,
        )
        return Done(summary, Receipt(keys=True, folder=True))

    def check_checkpoint(self, *, new_witness: bool = False) -> None:
        """Whether a checkpoint can be signed now, as far as that is known without the operator's key."""
        from core.checkpoints import check_checkpoint

        check_checkpoint(self.ledger, new_witness=new_witness)

    def checkpoint(self, operator: Signer, *, new_witness: bool = False) -> Done["RecordedEntry"]:
        from core.checkpoints import make_checkpoint

        ledger = self.ledger
        self.check_checkpoint(new_witness=new_witness)  # before the password is read (the CLI reads it late)
        key = self.unlock(operator, must_be=ledger.identity.operator, what="A checkpoint")
        recorded = make_checkpoint(ledger, key, new_witness=new_witness)
        return Done(recorded, Receipt(entries=(recorded.index,), kinds=(recorded.kind,)))

    def add_registrar(self, operator: Signer, address: str) -> Done[str]:
        from core.signing import checksum_address, parse_address

        ledger = self.ledger
        registrar = checksum_address(parse_address(address))  # a mistyped address is said before the password
        key = self.unlock(operator)
        indexes = ledger.append(
            [
                ledger.sign(
                    "AddRegistrar", {"ledgerId": ledger.identity.ledger_id_hex, "registrar": registrar}, key, "operator"
                )
            ]
        )
        return Done(registrar, self.recorded(indexes))

    def verify(
        self,
        *,
        jobs: int | None = None,
        progress: Progress | None = None,
        should_cancel: Callable[[], bool] | None = None,
        since_checkpoint: bool = False,
    ) -> "VerifyReport":
        """Verify the ledger (only what is new since the last checkpoint verified in full here, if asked);
        one that cannot even be opened is a failed verification, not an error."""
        from core.errors import LedgerDamaged
        from core.verify import damaged_report, verify_ledger
        from core.verify_since import verify_since_checkpoint

        try:
            ledger = self.ledger
        except LedgerDamaged as damage:
            return damaged_report(damage)
        run = verify_since_checkpoint if since_checkpoint else verify_ledger
        return run(ledger, jobs=jobs, progress=progress, should_cancel=should_cancel)

    def write_proof(self, index: int, out: str | os.PathLike[str], *, force: bool = False) -> Done[Path]:
        import json

        from core.proofs import build_proof

        proof = build_proof(self.ledger, index)
        return self.write_file(out, json.dumps(proof, indent=2, ensure_ascii=False) + "\n", force=force)

    # -- deeds ---------------------------------------------------------------------------------------
    def register_deed(self, registrar: Signer, **form: Unpack[RegistrationForm]) -> Done["DeedState"]:
        from core.deeds import register_deed

        ledger = self.ledger
        self.check_registration(registrar, **form)  # a refusal is said before the password is asked
        deed = register_deed(ledger, self.unlock(registrar), **_registration(form))
        return Done(deed, self.recorded([deed.registered_index]))

    def check_registration(self, registrar: Signer, **form: Unpack[RegistrationForm]) -> None:
        """Whatever `register_deed` would refuse without the key (the fields, a parcel registered already,
        a key that is no registrar, the ledger's rules), as a DeedbookError; nothing is unlocked or written."""
        from core.deeds import check_registration

        check_registration(self.ledger, self.resolve_key(registrar.key).address, **_registration(form))

    # -- transfers -------------------------------------------------------------------------------------
    def prepare_transfer(
        self,
        deed: str | int,
        to: str,
        price: int | str,
        currency: str = "USD",
        shares: int | None = None,
        deadline: int | str | None = None,
        closing_date: date | str | None = None,
        *,
        out_dir: str | os.PathLike[str] | None = None,
        seller: str | None = None,
    ) -> Done["PreparedTransfer"]:
        """The signing requests of a transfer (one per party), written to `out_dir` if given."""
        from core.transactions import prepare_transfer

        prepared = prepare_transfer(
            self.ledger, deed, to, price, currency, shares, deadline, closing_date, out_dir=out_dir, seller=seller
        )
        return Done(prepared, Receipt(files=tuple(prepared.paths)))

    def write_requests(self, requests: Sequence["SigningRequest"], folder: str | os.PathLike[str]) -> Done[list[Path]]:
        from core.transactions import write_requests

        paths = write_requests(requests, folder)
        return Done(paths, Receipt(files=tuple(paths)))

    def check_transfer(self, responses: Sequence["SigningRequest"]) -> "Entry":
        """The entry the responses make, checked against the ledger's rules as it is now (a dry run of its
        kind's rules: the deed's version, the shares, the deadline, the liens); nothing is written."""
        from core.compliance.acts import dry_run
        from core.transactions import build_entry

        entry = build_entry(self.ledger, responses)
        dry_run(self.ledger, entry)
        return entry

    def submit(self, responses: Sequence["SigningRequest"]) -> Done[int]:
        """Record a transaction from its signed responses (a transfer, or a request signed in a wallet)."""
        from core.transactions import submit

        index = submit(self.ledger, responses)
        return Done(index, self.recorded([index]))

    def sign(self, request: "SigningRequest", signer: Signer) -> "SigningRequest":
        """The signed response to `request`, by the local key it names (nothing is written)."""
        from core.requests import sign_request

        return sign_request(request, self.unlock(signer, must_be=request.signer, what="This request"))

    def sign_to_file(
        self, request: "SigningRequest", signer: Signer, out: str | os.PathLike[str], *, force: bool = False
    ) -> Done[Path]:
        from core.outfiles import check_output
        from core.requests import write_json

        check_output(out, force=force)  # a taken name is said before the password
        response = self.sign(request, signer)
        path = write_json(out, response.as_json(), overwrite=force)
        return Done(path, Receipt(files=(path,)))

    # -- liens -----------------------------------------------------------------------------------------
    def add_lien(
        self, deed: str | int, holder: Signer, amount: int | str, kind: str, currency: str = "USD"
    ) -> Done["LienRecord"]:
        from core.liens import add_lien

        ledger = self.ledger
        ledger.deed(deed)  # an unknown deed is said before the password is asked
        record = add_lien(ledger, deed, self.unlock(holder), amount, kind, currency)
        return Done(record, self.recorded([record.index]))

    def release_lien(self, deed: str | int, lien_id: int, holder: Signer) -> Done["LienRecord"]:
        from core.liens import release_lien, release_message

        ledger = self.ledger
        info = self.resolve_key(holder.key)
        release_message(ledger, deed, lien_id, info.address)  # refused before the password is asked
        record = release_lien(ledger, deed, lien_id, self.unlock(holder))
        return Done(record, self.recorded([record.index]))

    # -- the notary --------------------------------------------------------------------------------------
    def check_attestation(self, index: int, notary: Signer, **act: Unpack["NotarialAct"]) -> None:
        """What `attest` would refuse without the notary's key, as a DeedbookError; nothing is written."""
        from core.notary import check_attestation

        check_attestation(self.ledger, index, self.resolve_key(notary.key).address, **act)

    def attest(
        self, index: int, notary: Signer, *, id_number: str | None = None, **act: Unpack["NotarialAct"]
    ) -> Done[int]:
        from core.notary import attest

        ledger = self.ledger
        self.check_attestation(index, notary, **act)  # an unknown entry, a date to come, the rules: before the password
        attestation = attest(ledger, index, self.unlock(notary), id_number=id_number, **act)
        return Done(attestation, self.recorded([attestation]))

    def journal(
        self, notary: str | None = None, date_from: date | str | None = None, date_to: date | str | None = None
    ) -> list["JournalRecord"]:
        from core.notary import journal

        return journal(self.ledger, notary, date_from, date_to)

    def write_journal_csv(
        self, out: str | os.PathLike[str], records: list["JournalRecord"], *, force: bool = False
    ) -> Done[Path]:
        from core.notary import write_journal_csv

        path = write_journal_csv(out, records, force=force)
        return Done(path, Receipt(files=(path,)))
