"""Witnesses, cosignatures, policies, fork proofs, exports and replicas: what both front ends call.

The operator's side: a checkpoint request for witnesses (by file), cosignatures
added back, or a checkpoint sent to witnesses' `serve --witness` URLs; a policy
naming the ledger and its witnesses.  A witness's side: its own state (init,
follow) and cosigning a request.  Anyone's: checking a fork proof.  A replica's:
syncing from a bundle, a data folder or a URL.  Plain Python; each operation
that writes returns `Done(value, receipt)`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from core.wording import counted
from desktop.workspace.receipt import Done, Receipt
from desktop.workspace.records import RecordOps
from desktop.workspace.signers import Signer

if TYPE_CHECKING:
    from core.checkpoint_note import Cosigner
    from core.cosignatures import Added
    from core.forks import ForkVerdict
    from core.ledger import Ledger, RecordedEntry
    from core.policy import Policy, QuorumCheck
    from core.replica import Held, Source, SyncReport
    from core.replica_start import Unfinished, Wait
    from core.witness_requests import CheckpointRequest
    from core.witnessing import CosignResult, Followed, WitnessRole

MAX_NOTE_FILE = 64 * 1024


NO_ANSWER = 0  # a Sent's status when the witness could not be reached or its answer could not be used


@dataclass(frozen=True)
class CosignPreview:
    """The checkpoint a request asks a witness to cosign, as its file says (checked only when cosigning)."""

    ledger: str
    operator: str
    size: int
    root: str  # hex


@dataclass(frozen=True)
class Sent:
    """What one witness answered to a checkpoint sent to its URL (`status` NO_ANSWER: no usable answer)."""

    url: str
    status: int
    sentence: str
    added: tuple["Added", ...] = ()

    @property
    def cosigned(self) -> bool:
        return self.status == 200

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "status": self.status,
            "sentence": self.sentence,
            "cosignatures": [a.as_json() for a in self.added],
        }


@dataclass(frozen=True)
class WitnessedBy:
    """One witness as this ledger knows it: the largest checkpoint it cosigned here, and when."""

    name: str
    address: str
    size: int
    cosigned_at: int


@dataclass(frozen=True)
class CosignStatus:
    """The ledger's latest checkpoint, the witnesses that cosigned it, and every witness's last cosigned size."""

    checkpoint: "RecordedEntry | None"
    cosigners: tuple["Cosigner", ...]
    witnesses: tuple[WitnessedBy, ...]


@dataclass(frozen=True)
class Overview:
    """Everything the "Witness & replicas" pane shows, read at once (on a worker)."""

    ledger_name: str | None
    operator: str | None  # this folder's ledger's operator
    status: CosignStatus | None  # this folder's ledger's checkpoint and witnesses (None: no ledger)
    role: "WitnessRole | None"  # this folder as a witness
    followed: tuple["Followed", ...]  # the ledgers it witnesses
    replica: dict[str, Any] | None  # this folder as a replica: its last sync
    problem: str | None = None  # why the ledger could not be read, if it could not
    unfinished: "Unfinished | None" = None  # a first sync into this folder that did not finish
    held: "Held | None" = None  # this folder as a replica: what its ledger holds now (more than `replica` says
    # after a sync stopped between batches; an unfinished first sync's too)


class WitnessOps(RecordOps):
    def overview(self) -> Overview:
        """This folder as an operator's ledger, a witness and a replica (a read; never creates a ledger)."""
        from core.replica_start import unfinished_start
        from core.witnessing import followed, read_role

        ledger, problem = self.local_ledger()
        status = self.cosign_status() if ledger is not None else None
        role = read_role(self.home)
        unfinished = unfinished_start(self.home)  # a first sync that did not finish: said, not shown as a replica
        replica = self.replica_state() if unfinished is None else None
        return Overview(
            ledger.identity.name if ledger is not None else None,
            ledger.identity.operator if ledger is not None else None,
            status,
            role,
            tuple(followed(self.home)) if role is not None else (),
            replica,
            problem or (unfinished.sentence if unfinished is not None else None),
            unfinished,
            self.replica_held(ledger) if replica is not None or unfinished is not None else None,
        )

    # -- the operator: requests, cosignatures, policies ------------------------------------------------
    def latest_checkpoint(self) -> "RecordedEntry":
        from core.errors import NotFound

        latest = self.ledger.latest_checkpoint()
        if latest is None:
            raise NotFound("The ledger has no checkpoint yet: sign one first.")
        return latest

    def checkpoint_request(
        self, out: str | os.PathLike[str], *, asked: Sequence[int] = (), force: bool = False
    ) -> Done[Path]:
        """Write what witnesses need to cosign the latest checkpoint (core.witness_requests) to `out`."""
        from core.outfiles import check_output
        from core.witness_requests import build_request

        check_output(out, force=force)
        request = build_request(self.ledger, self.latest_checkpoint(), asked)
        return self.write_file(out, request.to_text(), force=force)

    def checkpoint_for_witnesses(
        self,
        operator: Signer,
        *,
        new_witness: bool = False,
        request_out: str | os.PathLike[str] | None = None,
        force: bool = False,
    ) -> Done["tuple[RecordedEntry, Path | None]"]:
        """Sign a checkpoint and, if asked, write the request witnesses cosign it from (a taken name is said first)."""
        from core.errors import DeedbookError, Remedy
        from core.outfiles import check_output

        if request_out is not None:
            check_output(request_out, force=force)
        signed = self.checkpoint(operator, new_witness=new_witness)
        if request_out is None:
            return Done((signed.value, None), signed.receipt)
        try:
            written = self.checkpoint_request(request_out, force=force)
        except (DeedbookError, OSError) as error:  # the folder filled up (or changed) since it was checked
            size = counted(signed.value.message["size"], "entry")
            raise DeedbookError(
                f"Checkpoint {signed.value.index} ({size}) was recorded, but its request for witnesses was not "
                f"written ({_why_unwritten(error)}); the checkpoint stays, and "
                "its request can be written again.",
                remedy=Remedy.WRITE_CHECKPOINT_REQUEST,
            ) from None
        return Done((signed.value, written.value), signed.receipt | written.receipt)

    def add_cosignatures(self, paths: Sequence[str | os.PathLike[str]]) -> Done[list["Added"]]:
        """Keep the cosignatures in witnesses' answer files (cosigned checkpoint notes), each checked first."""
        from core.cosignatures import add_cosignatures
        from core.errors import DeedbookError
        from core.notes import MalformedNote, parse_note
        from core.userfiles import read_user_file

        if not paths:
            raise DeedbookError("Name at least one cosignature file.")
        notes = []
        for path in paths:
            raw = read_user_file(path, "a cosignature file", max_bytes=MAX_NOTE_FILE)
            try:
                notes.append((str(path), parse_note(raw)))
            except MalformedNote as bad:
                why = str(bad)[:1].lower() + str(bad)[1:]  # one sentence, as core.forks words it
                raise DeedbookError(f"{path} is not a cosigned checkpoint: {why}") from None
        return Done(add_cosignatures(self.ledger, notes), Receipt())

    def send_checkpoint(self, urls: Sequence[str]) -> Done[list[Sent]]:
        """Ask each witness at `urls` (`serve --witness`) to cosign the latest checkpoint, as tlog-witness's
        add-checkpoint does (size 0 first; on 409 again from the size the witness gives); keep what comes back."""
        from core.checkpoint_note import note_of
        from core.cosignatures import add_cosignatures
        from core.errors import DeedbookError, one_line
        from core.shown_urls import shown_url
        from desktop.serve.client import add_checkpoint, check_url, parse_cosignatures, witness_size

        checked = [check_url(url) for url in urls]
        if not checked:
            raise DeedbookError("Name at least one witness's address.")
        ledger, latest = self.ledger, self.latest_checkpoint()
        note = note_of(ledger.identity, latest.message, latest.signatures)
        size = int(latest.message["size"])

        def ask(url: str, shown: str) -> Sent:
            status, text = add_checkpoint(url, 0, (), note)
            held = witness_size(status, text)  # a 409 that says no size as written is the witness refusing
            if held is not None:
                if held > size:
                    return Sent(
                        shown,
                        409,
                        f"The witness has cosigned {held:,} entries of this ledger, more "
                        f"than its latest checkpoint's {size:,}.",
                    )
                proof = tuple(ledger.tree().consistency(held, size)) if 0 < held < size else ()
                status, text = add_checkpoint(url, held, proof, note)
            if status != 200:
                first = one_line(text.strip().splitlines()[0], 200) if text.strip() else "no reason given"
                return Sent(shown, status, f"The witness refused ({status}): {first}")
            cosigned = note.with_signatures(parse_cosignatures(text))
            return Sent(shown, 200, "Cosigned.", tuple(add_cosignatures(ledger, [(shown, cosigned)])))

        results = []
        for url in checked:
            shown = shown_url(url)  # what is said and kept: the address without its user:password
            # One witness down, or answering what is no cosignature, is that witness's answer: the others
            # are still asked (each cosignature kept is its own write; a refused one adds nothing).
            try:
                results.append(ask(url, shown))
            except DeedbookError as failed:
                results.append(Sent(shown, NO_ANSWER, str(failed)))
        return Done(results, Receipt())

    def cosign_status(self) -> CosignStatus:
        """The latest checkpoint's cosigners and each witness's last cosigned size (a read: GUI workers call it)."""
        from core.checkpoint_note import cosigners
        from core.cosignatures import last_cosigned, note_of_checkpoint

        ledger = self.ledger
        with ledger.snapshot():  # the checkpoint, its cosigners and each witness's size at one moment
            latest = ledger.latest_checkpoint()
            found = tuple(cosigners(note_of_checkpoint(ledger, latest))) if latest is not None else ()
            witnesses = tuple(
                WitnessedBy(name, address, size, when)
                for (name, address), (size, when) in sorted(last_cosigned(ledger).items())
            )
        return CosignStatus(latest, found, witnesses)

    def make_policy(
        self,
        witness_keys: Sequence[str],
        out: str | os.PathLike[str],
        *,
        quorum: int | None = None,
        names: Sequence[str] = (),
        force: bool = False,
    ) -> Done[Path]:
        """A policy naming this ledger and the witnesses whose verifier keys are given, k of n of them (all by
        default) as its quorum; `names` are the policy's names for them (default w1, w2, ...)."""
        from core.checkpoint_note import witness_of
        from core.errors import DeedbookError
        from core.notes import MalformedNote
        from core.policy import format_policy, parse_policy

        try:
            witnesses = [witness_of(key) for key in witness_keys]
        except MalformedNote as bad:
            raise DeedbookError(f"A witness key cannot be used: {bad}") from None
        labels = list(names) or [f"w{i}" for i in range(1, len(witnesses) + 1)]
        if len(labels) != len(witnesses):
            raise DeedbookError("Give one name per witness key.")
        if quorum is not None and not (1 <= quorum <= len(witnesses)):
            raise DeedbookError(f"The quorum is a number from 1 to {len(witnesses)} (the witnesses named).")
        text = format_policy(self.ledger.identity, list(zip(labels, witnesses, strict=True)), quorum)
        parse_policy(text.encode("utf-8"))  # what is written is a policy this version reads (no duplicate keys...)
        return self.write_file(out, text, force=force)

    def require_quorum(self, policy: "Policy") -> None:
        """Refuse unless the latest checkpoint meets `policy` (a document issued under a policy needs it)."""
        from core.errors import DeedbookError
        from core.policy import check_quorum

        latest = self.latest_checkpoint()
        status = self.cosign_status()
        m = latest.message
        lines = [c.line for c in status.cosigners]
        found = check_quorum(policy, self.ledger.identity, int(m["size"]), bytes.fromhex(str(m["root"])[2:]), lines)
        if not found.ok:
            raise DeedbookError(
                f"{(found.reason or '').rstrip('.')}: the latest checkpoint (entry {latest.index}) "
                "needs its witnesses' cosignatures before a document is issued under this policy."
            )

    # -- a witness -------------------------------------------------------------------------------------
    def witness_init(self, name: str, key: str) -> Done["WitnessRole"]:
        from core.witnessing import init_role

        info = self.resolve_key(key)
        role = init_role(self.home, name, info.name, info.address)
        return Done(role, Receipt(files=(role.folder / "witness.json",)))

    def witness_follow(self, source: str) -> Done["Followed"]:
        """Follow a ledger, named by its key (a verifier key) or by a request or bundle file that carries it."""
        from core.checkpoint_note import ORIGIN_PREFIX, identity_of
        from core.errors import DeedbookError
        from core.notes import MalformedNote
        from core.witnessing import follow

        text = source.strip()
        try:
            if text.startswith(ORIGIN_PREFIX) and "+" in text:
                identity = identity_of(text)
            else:
                identity = identity_of(_ledger_key_in(Path(text)))
        except MalformedNote as bad:
            raise DeedbookError(f"The ledger key cannot be used: {bad}") from None
        followed = follow(self.home, identity)
        return Done(followed, Receipt())

    def witness_state(self) -> "tuple[WitnessRole | None, list[Followed]]":
        from core.witnessing import followed, read_role

        role = read_role(self.home)
        return role, followed(self.home) if role is not None else []

    def cosign_preview(self, request: str | os.PathLike[str]) -> "CosignPreview":
        """What cosigning `request` would vouch for (the ledger, its operator, the checkpoint's size and root),
        read and checked as far as it can be without the key, for the question asked before it is unlocked."""
        from core.checkpoint_note import parse_body

        parsed = self.read_checkpoint_request(request)
        body = parse_body(parsed.note.text)
        return CosignPreview(parsed.identity.name, parsed.identity.operator, body.size, body.root.hex())

    def read_checkpoint_request(self, request: str | os.PathLike[str]) -> "CheckpointRequest":
        """A checkpoint request this folder's witness could cosign, read and checked as far as it can be without
        the witness key (the GUI asks for the key's password only after this); a bad one is one sentence."""
        from core.errors import DeedbookError, Remedy
        from core.witness_requests import read_request
        from core.witnessing import check_checkpoint, require_role

        require_role(self.home)
        parsed = read_request(request)
        refused = check_checkpoint(self.home, parsed.note)
        if refused is not None:
            raise DeedbookError(refused.sentence, remedy=Remedy.FOLLOW_LEDGER if refused.status == 404 else None)
        return parsed

    def witness_cosign(
        self,
        request: str | os.PathLike[str],
        signer: Signer,
        out: str | os.PathLike[str],
        *,
        fork_out: str | os.PathLike[str] | None = None,
        force: bool = False,
    ) -> Done["CosignResult"]:
        """Cosign a checkpoint request file as this folder's witness; a fork is a result (with its fork proof
        written to `fork_out` too), any other refusal an error.  The key is unlocked last."""
        from core.errors import DeedbookError, Remedy
        from core.outfiles import check_output
        from core.witnessing import add_checkpoint, require_role

        role = require_role(self.home)
        info = self.resolve_key(signer.key, must_be=role.address, what=f"A cosignature by the witness {role.name}")
        check_output(out, force=force)
        if fork_out is not None:
            check_output(fork_out, force=force)
        parsed = self.read_checkpoint_request(request)
        result = add_checkpoint(
            self.home,
            parsed.note,
            parsed.candidates,
            lambda: self.keys.unlock(info.name, signer.secret()),
            any_candidate=True,
        )
        if result.fork is not None:
            written: tuple[Path, ...] = ()
            if fork_out is not None:
                from core.forks import fork_text

                written = (self.write_file(fork_out, fork_text(result.fork), force=force).value,)
            return Done(result, Receipt(files=written))
        if not result.cosigned or result.note is None:
            raise DeedbookError(result.sentence, remedy=Remedy.FOLLOW_LEDGER if result.status == 404 else None)
        try:
            cosignature = self.write_file(out, result.note.serialize(), force=force)
        except DeedbookError as error:  # the folder filled up since it was checked: the state has moved on
            raise DeedbookError(
                f"{result.sentence.rstrip('.')}, and the witness keeps that, but the cosignature was not written "
                f"({_why_unwritten(error)}); cosign the same request again to write it."
            ) from None
        return Done(result, cosignature.receipt)

    # -- anyone ----------------------------------------------------------------------------------------------
    def verify_fork(self, path: str | os.PathLike[str]) -> "ForkVerdict":
        from core.forks import read_fork_file, verify_fork

        return verify_fork(read_fork_file(path))

    def read_policy(self, path: str | os.PathLike[str]) -> "Policy":
        from core.policy import read_policy

        return read_policy(path)

    def pdf_quorum(self, path: str | os.PathLike[str], policy: "Policy") -> "QuorumCheck":
        """Whether a PDF's embedded checkpoint meets `policy` (call once verify-pdf found the PDF genuine)."""
        from desktop.documents.verify import MAX_PDF_BYTES
        from core.userfiles import read_user_file

        return record_quorum(read_user_file(path, "a Deedbook PDF", max_bytes=MAX_PDF_BYTES), policy)

    # -- replicas --------------------------------------------------------------------------------------------
    def export_bundle(
        self,
        since: int,
        out: str | os.PathLike[str],
        *,
        force: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> Done[Path]:
        """The entries from `since` on as a `deedbook-export/2` bundle, written entry by entry (bounded memory)
        to a temporary file put in place at the end (refused, no file is left); `progress(written, of)` hears after
        each page."""
        from core.bundle_lines import write_bundle
        from core.outfiles import write_output_with

        written = write_output_with(out, lambda handle: write_bundle(self.ledger, since, handle, progress), force=force)
        return Done(written, Receipt(files=(written,)))

    def replica_source(self, source: str, cancelled: Callable[[], bool] | None = None) -> "Source":
        """A bundle file (its check stopped when `cancelled()` says so), another data folder, or a `serve` URL."""
        from core.bundle_lines import read_bundle
        from core.errors import DeedbookError, NotFound
        from core.ledger import Ledger
        from core.paths import DataDir
        from core.replica import BundleSource, LedgerSource

        text = source.strip()
        if text.startswith(("http://", "https://")):
            from desktop.serve.client import UrlSource

            return UrlSource(text)
        path = Path(text).expanduser()
        if path.is_dir():
            home = DataDir.resolve(path)
            if home.root == self.home.root:
                raise DeedbookError("A replica syncs from another data folder than its own.")
            try:
                ledger = Ledger.open(home)
            except NotFound:  # its sentence says how to choose this folder, not the folder synced from
                raise DeedbookError(f"There is no ledger in {home.root} to sync from.") from None
            return LedgerSource(ledger, str(home.root))
        return BundleSource(read_bundle(path, cancelled), str(path))

    def replica_sync(
        self,
        source: str,
        *,
        waiting: Callable[[Wait], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Done["SyncReport"]:
        """Sync this folder's replica from `source` (starting one in an empty folder), a server's page after page
        (core.replica.sync); another sync into this folder running, it waits for that one to end (`waiting` hears whom
        it waits for first, a `Wait`), or until `cancelled()` (then `Cancelled`, and nothing synced; so too while a bundle file
        is checked).  Once syncing, `cancelled()` stops it between two batches or pages: the report says `stopped`,
        its `reason` how far it got of the whole sync ("Sync stopped after N of M entries; ..."), and the same sync
        later goes on from there.  `progress(appended, of)` hears after each batch appended (of a server's page,
        page after page)."""
        from core.replica import LedgerSource, sync
        from desktop.serve.client import UrlSource

        origin = self.replica_source(source, cancelled)
        try:
            report = sync(self.home, self.db_url, origin, waiting=waiting, cancelled=cancelled, progress=progress)
        finally:
            if isinstance(origin, LedgerSource):
                origin.ledger.close()
            elif isinstance(origin, UrlSource):
                origin.close()  # an answer a stop or a refusal left unread
        changed = Receipt(folder=True) if report.appended or report.started else Receipt()
        if report.fork_proof is not None:
            changed = changed | Receipt(files=(report.fork_proof,))
        return Done(report, changed)

    def replica_state(self) -> dict[str, Any] | None:
        from core.replica import read_state

        return read_state(self.home)

    def replica_held(self, ledger: "Ledger | None" = None) -> "Held | None":
        """What this folder's replica holds now, read from its ledger (`ledger` when open already); None when
        it cannot be read (no ledger yet, or one a sentence refuses: said where the ledger is used)."""
        from core.errors import DeedbookError
        from core.replica import held

        try:
            return held(self.home, self.db_url, ledger)
        except DeedbookError:
            return None


def record_quorum(pdf: bytes, policy: "Policy") -> "QuorumCheck":
    """Whether the checkpoint a document's embedded record carries meets `policy` (its signatures checked
    already, by verify-pdf or because this machine drew it)."""
    from desktop.documents import attachment
    from core.documents.evidence import parse_record
    from core.policy import QuorumCheck, checkpoint_quorum

    embedded = attachment.extract(pdf)
    if embedded is None:
        return QuorumCheck(False, (), "The document carries no record to check against the policy.")
    record = parse_record(embedded)
    return checkpoint_quorum(policy, record.ledger, record.checkpoint)


def _ledger_key_in(path: Path) -> str:
    """The ledger key a checkpoint request or an export bundle names."""
    import json

    from core.bundle_lines import bundle_head_in
    from core.bundles import MAX_BUNDLE_BYTES
    from core.errors import DeedbookError
    from core.userfiles import json_nests_deeper_than, read_user_file

    head = bundle_head_in(
        path, "a checkpoint request or export bundle", DeedbookError
    )  # a v2 bundle: its first line names the ledger (its entries are not read)
    if head is not None and isinstance(head.get("ledgerKey"), str):
        return str(head["ledgerKey"])
    raw = read_user_file(path, "a checkpoint request or export bundle", max_bytes=MAX_BUNDLE_BYTES)
    try:
        text = raw.decode("utf-8")
        data = None if json_nests_deeper_than(text, 16) else json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        data = None
    key = data.get("ledgerKey") if isinstance(data, dict) else None
    if not isinstance(key, str):
        raise DeedbookError(f"{path} names no ledger: give a ledger key, a checkpoint request or an export bundle.")
    return key


def _why_unwritten(error: Exception) -> str:
    """Why a file was not written, inside a sentence that says what was recorded before it: the writer's own
    'nothing was written' is true of the file only, so it is left out."""
    why = str(error).rstrip(".").removesuffix("; nothing was written")
    return why[:1].lower() + why[1:]
