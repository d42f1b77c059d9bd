"""Witness & replicas: the ledgers this office follows (as a replica, or as a witness) with their last cosigned
size, and the witnesses of this office's own ledger.  Every read and write runs on a worker (ctx.ops)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QTableWidgetItem, QWidget

from core.display import short_address
from core.replica_start import Stop, Wait
from core.shown_urls import shown_url
from desktop.gui import fmt, prompts
from desktop.gui.context import AppContext
from desktop.gui.dialogs.witness import BecomeWitnessDialog, FollowDialog, PolicyDialog, SendDialog, SyncDialog
from desktop.gui.events import Change, Changes
from desktop.gui.operations import UNKNOWN, Latest, TaskHandle
from desktop.gui.panes.base import Pane
from desktop.gui.widgets.basics import ButtonRow, button, card, label
from desktop.gui.widgets.plain_table import table
from desktop.gui.panes.ledger import KeyDialog
from desktop.workspace.witnessing import Overview
from desktop.gui.widgets.fields import asked_once


WAITING = "Waiting for another sync into this folder to end\u2026"
ROW_SOURCE, ROW_HOST = 40, 24  # characters: the row shares the status bar with the ledger's name and folder


def waiting_row(wait: Wait) -> str:
    """The progress row while another sync holds this folder (the status bar names the folder already): whom it
    waits for when the lock file says so, shorter than the command line's sentence."""
    if wait.holder is None:
        return WAITING
    return f"Waiting for another sync ({wait.holder.words(source_limit=ROW_SOURCE, host_limit=ROW_HOST)})\u2026"


def _stopped(stop: Stop, held: int) -> str:
    """'stopped at 4 of 10 entries', in the desktop's digits (the replica's count read now)."""
    return f"stopped at {fmt.count(held)} of {fmt.count(max(stop.of, held))} entries"


def _item(text: str, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(fmt.plain(text))  # names and ledger names come from files: shown as text
    if tip:
        item.setToolTip(tip)
    return item


class WitnessesPane(Pane):
    title = "Witness & replicas"
    subtitle = (
        "Other offices hold this ledger to account: witnesses cosign its checkpoints after checking it only "
        "grew, replicas keep a checked copy. This office can do the same for theirs."
    )
    icon = "witness"
    listens_to = Changes.LEDGER | Changes.KEYS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.check_fork_button = button(
            "Check fork proof\u2026", "verify", tip="Anyone can check one; no ledger needed"
        )
        self.header_actions.addWidget(self.check_fork_button)
        self.overview: Overview | None = None
        self._latest = Latest(ctx.ops, self)

        followed, followed_layout = card()
        followed_layout.addWidget(label("Ledgers this office follows", "section"))
        self.followed_info = label("Reading\u2026", "muted", wrap=True, selectable=True)
        followed_layout.addWidget(self.followed_info)
        self.followed_table = table(
            ["Role", "Ledger", "Operator", "Entries held", "Last cosigned size", "Updated", "State"],
            "Ledgers this office follows",
        )
        followed_layout.addWidget(self.followed_table, 1)
        self.become_button = button("Become a witness\u2026", "add")
        self.follow_button = button("Follow a ledger\u2026", "add")
        self.cosign_button = button("Cosign a request\u2026", "checkpoint")
        self.copy_key_button = button("Copy witness key", "copy")
        self.sync_button = button("Sync replica\u2026", "refresh")
        self.followed_buttons = ButtonRow(
            [self.become_button, self.follow_button, self.cosign_button, self.copy_key_button], [self.sync_button]
        )
        followed_layout.addWidget(self.followed_buttons)
        self.body.addWidget(followed, 1)

        own, own_layout = card()
        own_title = QHBoxLayout()  # Write policy comes up here in a narrow window, beside the title
        own_title.addWidget(label("Witnesses of this ledger", "section"))
        own_title.addStretch(1)
        own_layout.addLayout(own_title)
        self.own_info = label("", "muted", wrap=True, selectable=True)
        own_layout.addWidget(self.own_info)
        self.witness_table = table(
            ["Witness", "Address", "Last cosigned size", "Cosigned at", "On the latest"], "Witnesses of this ledger"
        )
        own_layout.addWidget(self.witness_table, 1)
        self.request_button = button("Write request for witnesses\u2026", "export")
        self.add_button = button("Add cosignatures\u2026", "import")
        self.send_button = button("Send to witness servers\u2026", "checkpoint")
        self.policy_button = button("Write policy\u2026", "save")
        # in a small window (980 x 620) the four were squeezed below their words: Write policy goes up to the title
        # (on a line of its own under them, the card was too short for the second line: its foot was cut)
        self.own_buttons = ButtonRow(
            [self.request_button, self.add_button, self.send_button], [self.policy_button], own_title
        )
        own_layout.addWidget(self.own_buttons)
        self.body.addWidget(own, 1)

        self.check_fork_button.clicked.connect(self.check_fork)
        self.become_button.clicked.connect(self.become_witness)
        self.follow_button.clicked.connect(self.follow)
        self.cosign_button.clicked.connect(self.cosign)
        self.copy_key_button.clicked.connect(self.copy_witness_key)
        self.sync_button.clicked.connect(self.sync)
        self.request_button.clicked.connect(self.write_request)
        self.add_button.clicked.connect(self.add_cosignatures)
        self.send_button.clicked.connect(self.send)
        self.policy_button.clicked.connect(self.write_policy)
        self.reload()

    # -- reading -----------------------------------------------------------------------------------------
    def reload(self) -> None:
        ws = self.ctx.ws
        self._latest.read("overview", ws.overview, self.show_overview, title="Reading witnesses and replicas")

    def on_changed(self, change: Change) -> None:
        self.reload()

    def show_overview(self, overview: Overview) -> None:
        self.overview = overview
        self._show_followed(overview)
        self._show_own(overview)

    def _show_followed(self, o: Overview) -> None:
        rows: list[list[tuple[str, str]]] = []
        replica, held = o.replica, o.held
        if replica is not None:
            cosigners = replica.get("cosigners") or []
            # what the ledger holds (read with the overview); replica.json's sizes are the last finished sync's
            count = held.size if held is not None else int(replica.get("size", 0))
            size = held.checkpoint_size if held is not None else replica.get("checkpointSize")
            stop = Stop.from_json(replica.get("stopped"))
            state = f"from {replica.get('source')}; cosigned by {fmt.count(len(cosigners))} witness(es)"
            if stop is not None:
                state = f"{_stopped(stop, count)}; sync again to continue ({state})"
            rows.append(
                [
                    ("Replica", ""),
                    (o.ledger_name or "", ""),
                    (short_address(o.operator) if o.operator else "", o.operator or ""),
                    (fmt.count(count), ""),
                    (fmt.count(int(size)) if size else "no checkpoint", ""),
                    (fmt.when(int(replica.get("lastSync", 0))), ""),
                    (state, state),
                ]
            )
        elif o.unfinished is not None and held is not None:  # its first sync's state: how far it got
            stop, source = o.unfinished.stopped, o.unfinished.source or ""
            how = f"first sync {_stopped(stop, held.size)}" if stop is not None else "first sync did not finish"
            state = f"{how}; sync again to finish it" + (f" (from {source})" if source else "")
            rows.append(
                [
                    ("Replica (unfinished)", ""),
                    (held.ledger_name, ""),
                    (short_address(held.operator), held.operator),
                    (fmt.count(held.size), ""),
                    (fmt.count(held.checkpoint_size) if held.checkpoint_size else "no checkpoint", ""),
                    (fmt.when(stop.at) if stop is not None else "\u2014", ""),
                    (state, state),
                ]
            )
        for f in o.followed:
            state = f"{fmt.count(len(f.forks))} FORK PROOF(S) KEPT" if f.forks else "consistent so far"
            rows.append(
                [
                    ("Witness", ""),
                    (f.identity.name, f.identity.ledger_id_hex),
                    (short_address(f.identity.operator), f.identity.operator),
                    ("\u2014", ""),
                    (fmt.count(f.size) if f.size else "none yet", ""),
                    (fmt.when(f.cosigned_at) if f.cosigned_at else "\u2014", ""),
                    (state, "\n".join(str(p) for p in f.forks)),
                ]
            )
        self.followed_table.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, (text, tip) in enumerate(cells):
                self.followed_table.setItem(r, c, _item(text, tip))
        role = o.role
        if role is not None:
            self.followed_info.setText(
                f"This folder is the witness <b>{fmt.rich(role.name)}</b>, cosigning with "
                f"{role.address}."
                + ("" if o.followed else " It follows no ledger yet: follow one to cosign its checkpoints.")
            )
        elif o.unfinished is not None:
            source = f" from {fmt.rich(o.unfinished.source)}" if o.unfinished.source else ""
            stop, held_size = o.unfinished.stopped, held.size if held is not None else None
            how = _stopped(stop, held_size if held_size is not None else stop.size) if stop else "stopped or refused"
            self.followed_info.setText(
                f"This folder is a replica whose first sync did not finish (it was {how}): "
                f"<b>sync the replica</b>{source} again to finish it. Until then it is not used as a ledger."
            )
        elif replica is None:
            self.followed_info.setText(
                "This office follows no other ledger. <b>Become a witness</b> to cosign "
                "another office's checkpoints, or <b>sync a replica</b> (in its own data "
                "folder) to keep a checked copy of its ledger."
            )
        else:
            self.followed_info.setText(
                "This folder is a replica: it holds a checked copy of another office's "
                "ledger, and can issue certificates of title and proofs from it."
            )
        self.become_button.setVisible(role is None)
        self.follow_button.setVisible(role is not None)
        self.cosign_button.setVisible(role is not None)
        self.copy_key_button.setVisible(role is not None)
        self.cosign_button.setEnabled(bool(o.followed))

    def _show_own(self, o: Overview) -> None:
        status = o.status
        for widget in (self.request_button, self.add_button, self.send_button, self.policy_button):
            widget.setEnabled(status is not None and status.checkpoint is not None)
        if status is None:
            self.own_info.setText(o.problem or "No ledger is open in this folder.")
            self.witness_table.setRowCount(0)
            return
        latest = status.checkpoint
        if latest is None:
            self.own_info.setText(
                "The ledger has no checkpoint yet: sign one (Ledger \u203a Checkpoint), then ask "
                "witnesses to cosign it."
            )
        else:
            on = ", ".join(fmt.rich(c.name) for c in status.cosigners) or "no witness yet"
            self.own_info.setText(
                f"Latest checkpoint: entry #{latest.index}, {fmt.counted(latest.message['size'], 'entry')}, "
                f"{fmt.when(latest.recorded_at)} \u2022 cosigned by {on}."
                + (
                    ""
                    if status.witnesses
                    else " Write a request for the witnesses of other "
                    "offices (or send it to their servers), then add "
                    "the cosignatures they return."
                )
            )
        on_latest = {(c.name, c.address) for c in status.cosigners}
        self.witness_table.setRowCount(len(status.witnesses))
        for r, w in enumerate(status.witnesses):
            cells = [
                (w.name, ""),
                (w.address, ""),
                (fmt.count(w.size), ""),
                (fmt.when(w.cosigned_at), ""),
                ("yes" if (w.name, w.address) in on_latest else "no", ""),
            ]
            for c, (text, tip) in enumerate(cells):
                self.witness_table.setItem(r, c, _item(text, tip))

    # -- this office as a witness ----------------------------------------------------------------------------
    def become_witness(self) -> None:
        dialog = BecomeWitnessDialog([(k.name, k.address) for k in self.ctx.keys.list()], self)
        if not dialog.exec():
            return
        ws, (name, key) = self.ctx.ws, dialog.values()

        def made(role: Any) -> None:
            prompts.inform(
                self,
                f"This folder is now the witness {role.name}. Give its key to the offices whose "
                f"ledgers it witnesses, for their policies:\n{role.witness_key.vkey.text()}",
            )
            self.reload()

        self.ctx.ops.op(self, lambda: ws.witness_init(name, key), write=True, title="Becoming a witness").success(
            made
        ).run()

    def follow(self) -> None:
        dialog = FollowDialog(self)
        if not dialog.exec():
            return
        ws, source = self.ctx.ws, dialog.value()

        def followed(f: Any) -> None:
            prompts.inform(
                self,
                f"Following \u201c{f.identity.name}\u201d, whose operator is {f.identity.operator}. "
                "Compare that address with the one its office gives you before cosigning anything.",
            )
            self.reload()

        self.ctx.ops.op(self, lambda: ws.witness_follow(source), write=True, title="Following a ledger").success(
            followed
        ).run()

    def copy_witness_key(self) -> None:
        if self.overview is not None and self.overview.role is not None:
            QGuiApplication.clipboard().setText(self.overview.role.witness_key.vkey.text())

    def cosign(self) -> None:
        role = self.overview.role if self.overview is not None else None
        if role is None:
            return
        request = prompts.open_file(
            self, "A checkpoint request to cosign", "Checkpoint requests (*.json);;All files (*)"
        )
        if request is None:
            return
        self.ctx.ops.op(
            self, lambda: self.ctx.ws.cosign_preview(request), title="Reading the checkpoint request"
        ).success(lambda preview: self._cosign(role, request, preview)).run()

    def _cosign(self, role: Any, request: Path, preview: Any) -> None:
        """The request read and checked (a bad one was said before any password); the key dialog names the
        checkpoint: which ledger, whose, how many entries, which root."""
        with asked_once(
            KeyDialog(
                self.ctx,
                "Cosign the checkpoint",
                f"Cosign the checkpoint of \u201c{fmt.plain(preview.ledger, 80)}\u201d (operator "
                f"{self.ctx.full_label(preview.operator)}) at {fmt.counted(preview.size, 'entry')}, root {preview.root[:16]}\u2026, "
                f"as the witness {role.name}? It first checks the checkpoint is signed by that operator and "
                "consistent with the one it last cosigned; a cosignature, once given, cannot be taken back.",
                self,
                prefer=role.address,
            )
        ) as dialog:
            signer = dialog.signer() if dialog.exec() else None
        if signer is None:
            return
        out = prompts.save_file(
            self,
            "Save the cosignature for the operator",
            f"cosignature-{Path(request).stem}.txt",
            "Cosignatures (*.txt);;All files (*)",
        )
        if out is None:
            return
        ws = self.ctx.ws

        def done(result: Any) -> None:
            if result.fork is not None:
                prompts.show_error(self, result.sentence, "Fork")
            else:
                prompts.inform(self, f"{result.sentence} Send {out} back to the operator.")
            self.reload()

        self.ctx.ops.op(
            self,
            lambda: ws.witness_cosign(request, signer, out, force=True),
            write=True,
            title="Cosigning a checkpoint",
        ).success(done).run()

    # -- this office's own ledger ----------------------------------------------------------------------------
    def write_request(self) -> None:
        path = prompts.save_file(
            self, "Save the request for witnesses", "checkpoint-request.json", "Checkpoint requests (*.json)"
        )
        if path is None:
            return
        ws = self.ctx.ws
        self.ctx.ops.op(self, lambda: ws.checkpoint_request(path, force=True), title="Writing a request").success(
            lambda where: prompts.inform(
                self,
                f"The request is in {where}. Each witness cosigns it with "
                "'deedbook witness cosign' and sends back its cosignature.",
            )
        ).run()

    def add_cosignatures(self) -> None:
        paths = prompts.open_files(self, "Witnesses' cosignatures", "Cosignatures (*.txt);;All files (*)")
        if not paths:
            return
        ws = self.ctx.ws

        def added(found: list[Any]) -> None:
            names = ", ".join(sorted({a.cosigner.name for a in found}))
            prompts.inform(self, f"Kept {fmt.count(len(found))} cosignature(s), by {names}.")
            self.reload()

        self.ctx.ops.op(self, lambda: ws.add_cosignatures(paths), write=True, title="Adding cosignatures").success(
            added
        ).run()

    def send(self) -> None:
        dialog = SendDialog(self)
        accepted, urls = dialog.exec(), dialog.values()
        dialog.deleteLater()  # as the sync's: a witness's user:password stays in no hidden field
        if not accepted:
            return
        ws = self.ctx.ws

        def sent(results: list[Any]) -> None:
            lines = [f"{r.url}: " + ("cosigned." if r.cosigned else r.sentence) for r in results]
            (prompts.inform if all(r.cosigned for r in results) else prompts.show_error)(self, "\n".join(lines))
            self.reload()

        self.ctx.ops.op(self, lambda: ws.send_checkpoint(urls), write=True, title="Asking witnesses to cosign").success(
            sent
        ).run()

    def write_policy(self) -> None:
        status = self.overview.status if self.overview is not None else None
        if status is None:
            return
        from core.checkpoint_note import WitnessKey

        known = [(w.name, w.address, WitnessKey(w.name, w.address).vkey.text()) for w in status.witnesses]
        dialog = PolicyDialog(known, self)
        if not dialog.exec():
            return
        path = prompts.save_file(self, "Save the policy", "policy.txt", "Policies (*.txt);;All files (*)")
        if path is None:
            return
        ws, keys = self.ctx.ws, dialog.keys()
        quorum = dialog.quorum.value() if keys else None
        self.ctx.ops.op(
            self, lambda: ws.make_policy(keys, path, quorum=quorum, force=True), title="Writing a policy"
        ).success(lambda where: prompts.inform(self, f"The policy is in {where}.")).run()

    # -- replicas and fork proofs -------------------------------------------------------------------------------
    def sync(self) -> None:
        replica = self.overview.replica if self.overview is not None else None
        unfinished = self.overview.unfinished if self.overview is not None else None
        last = str(replica.get("source", "")) if replica else (unfinished.source or "") if unfinished else ""
        dialog = SyncDialog(self, last)
        accepted, source = dialog.exec(), dialog.value()
        dialog.deleteLater()  # what was typed (a URL's user:password) stays in no hidden field of the pane
        if not accepted:
            return
        ws = self.ctx.ws
        if (
            self.overview is not None
            and self.overview.ledger_name is None
            and unfinished is None  # finishing a replica's first sync, not starting one
            and not prompts.ask(
                self,
                f"This folder holds no ledger: syncing makes it a replica of the ledger at {shown_url(source)}. Continue?",
                yes="Start the replica",
            )
        ):
            return

        def synced(report: Any) -> None:
            if report.stopped:  # by its Cancel, between batches: the status bar says how far it got
                self.ctx.events.stopped.emit(report.reason or "")
            elif report.ok:
                prompts.inform(
                    self,
                    f"{fmt.count(report.appended)} new entries checked and appended; the replica holds {fmt.count(report.size)}.",
                )
            else:
                prompts.show_error(self, report.reason or "The source was refused.", "Replica")
            if report.ok and report.started:  # (a server's first page, synced before a stop, made it too)
                self.ctx.ops.op(self, ws.open_ledger, title="Opening the replica").run()
            self.reload()

        def work(handle: TaskHandle) -> Any:
            # Another sync into this folder (another window, the command line) is waited for: the progress row
            # says so, and whom it waits for (briefly: the status bar already names the folder), and its Cancel stops the wait; once
            # syncing, Cancel stops it after the batch under way (the row says "Stopping…" meanwhile).
            return ws.replica_sync(
                source,
                waiting=lambda said: handle.fraction(UNKNOWN, waiting_row(said)),
                cancelled=handle.should_cancel,
                progress=lambda done, of: handle.fraction(
                    done / of, f"{done:,} of {of:,} entries checked and appended"
                ),
            )

        self.ctx.ops.task(self, work, write=True, title="Syncing the replica").success(synced).run()

    def check_fork(self) -> None:
        path = prompts.open_file(self, "Check a fork proof", "Fork proofs (*.json);;All files (*)")
        if path is None:
            return
        ws = self.ctx.ws

        def shown(verdict: Any) -> None:
            if verdict.proved:
                prompts.show_error(self, f"This file proves a fork. {verdict.reason}", "Fork proved")
            else:
                prompts.inform(self, verdict.reason)

        self.ctx.ops.op(self, lambda: ws.verify_fork(path), title="Checking a fork proof").success(shown).run()


__all__ = ["WitnessesPane"]
