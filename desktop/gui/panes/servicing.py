"""Servicing: distributions to a deed's holders (and each holder's statement PDF) and holders' votes
(proposals, ballot requests, signed ballots, the live tally against the threshold line).  Every read runs
on a worker; the actions open dialogs (desktop/gui/dialogs/servicing.py) or run workspace operations."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QSplitter, QTabWidget, QVBoxLayout, QWidget

from core.display import short_address
from desktop.gui import a11y, fmt, prompts, theme
from desktop.gui.context import AppContext
from desktop.gui.events import Change, Changes
from desktop.gui.operations import Latest
from desktop.gui.panes.base import Pane, ProgressRow
from desktop.gui.widgets.basics import banner, button, label, set_role
from desktop.gui.widgets.figures import FigureChart
from desktop.gui.widgets.plain_table import empty_note, fill, selected_key, table

if TYPE_CHECKING:
    from core.ledger import RecordedEntry
    from core.servicing.tally import Tally
    from desktop.workspace import Workspace


@dataclass(frozen=True)
class Servicing:
    """Everything the pane shows, read together on a worker."""

    distributions: list[RecordedEntry]
    tallies: list[Tally]
    now: int


def read_servicing(ws: Workspace) -> Servicing:
    return Servicing(ws.distributions(), [ws.tally(p.message["proposalId"]) for p in ws.proposals()], int(time.time()))


class TallyBar(FigureChart):
    """Yes, no and abstain as parts of ALL the deed's shares, and the threshold as a line across.  Its parts,
    for the keyboard: yes, no, abstain, the yes needed (the line) and all the shares (the whole bar).

    The parts are told apart without their colours: the good green and the bad red are 1.03:1 apart in the
    light scheme (1.22:1 dark), one colour to a person who does not tell red from green.  So "yes" is solid,
    "no" striped and "abstain" dotted, in the card's colour (5:1 or more on each fill, both schemes), a gap in
    the card's colour parts one part from the next, and a legend under the bar names each pattern."""

    CHOICES = (("yes", "good"), ("no", "bad"), ("abstain", "muted"))
    PATTERNS: ClassVar[dict[str, str]] = {"yes": "solid", "no": "stripes", "abstain": "dots"}
    GAP = 2.0  # between two parts, in the card's colour
    LEGEND_Y = 68  # the legend's baseline, a line under the threshold's words
    SWATCH = 12

    def __init__(self) -> None:
        super().__init__()
        self.tally: Tally | None = None
        self.setMinimumHeight(self.LEGEND_Y + 10)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        a11y.name(self, "Tally")
        self.describe("No proposal selected")

    def show_tally(self, tally: Tally | None) -> None:
        self.tally = tally
        self.describe(tally_in_words(tally))

    def figure_headers(self) -> tuple[str, ...]:
        return ("Figure", "Shares", "Of all shares")

    def figure_rows(self) -> list[tuple[str, ...]]:
        t = self.tally
        if t is None or t.total_shares == 0:
            return []
        rows = [
            (choice.capitalize(), fmt.count(t.weights.get(choice, 0)), self._share(t.weights.get(choice, 0)))
            for choice, _tone in self.CHOICES
        ]
        needed = fmt.percent(t.threshold_bps / 100, 2, trim=True)
        return [*rows, ("Yes needed", fmt.count(t.needed), needed), ("All shares", fmt.count(t.total_shares), "")]

    def _share(self, shares: int) -> str:
        total = self.tally.total_shares if self.tally is not None else 0
        return fmt.percent(100 * shares / total if total else 0, 2, trim=True)

    def _bar(self) -> QRectF:
        return QRectF(8, 10, self.width() - 16, 22)  # clear of the focus ring (and the part's outline inside it)

    def part_box(self, part: int) -> QRectF | None:
        t, bar = self.tally, self._bar()
        if t is None or t.total_shares == 0 or not 0 <= part < len(self.CHOICES) + 2:
            return None
        if part == len(self.CHOICES):  # the threshold's line
            line = bar.left() + bar.width() * t.needed / t.total_shares
            return QRectF(line - 1, bar.top() - 5, 2, bar.height() + 10)
        if part > len(self.CHOICES):
            return bar
        before = sum(t.weights.get(choice, 0) for choice, _tone in self.CHOICES[:part])
        share = t.weights.get(self.CHOICES[part][0], 0)
        x = bar.left() + bar.width() * before / t.total_shares
        return QRectF(x, bar.top(), bar.width() * share / t.total_shares, bar.height())

    def legend_boxes(self) -> dict[str, QRectF]:
        """Each choice's swatch in the legend (the words follow it)."""
        metrics = self.fontMetrics()
        boxes, x = {}, self._bar().left()
        for choice, _tone in self.CHOICES:
            boxes[choice] = QRectF(x, self.LEGEND_Y - self.SWATCH + 1, self.SWATCH, self.SWATCH)
            x += self.SWATCH + 6 + metrics.horizontalAdvance(self._legend_words(choice)) + 18
        return boxes

    def _legend_words(self, choice: str) -> str:
        shares = self.tally.weights.get(choice, 0) if self.tally is not None else 0
        return f"{choice.capitalize()} {fmt.count(shares)}"

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        bar = self._bar()
        painter.setPen(QPen(theme.color("outline"), 1))  # the track's end is all shares: it must be seen
        painter.setBrush(theme.color("card"))
        painter.drawRoundedRect(bar.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)  # the 1 px edge on whole pixels, not 2 faint
        t = self.tally
        if t is None or t.total_shares == 0:
            self.paint_focus(painter)
            painter.end()
            return
        x = bar.left()
        for choice, tone in self.CHOICES:
            width = bar.width() * t.weights[choice] / t.total_shares
            if width > 0:
                start = x + (self.GAP if x > bar.left() else 0)  # the gap after the part before
                part = QRectF(start, bar.top(), max(x + width - start, 1.0), bar.height())
                paint_part(painter, part, theme.color(tone), self.PATTERNS[choice])
                x += width
        line = bar.left() + bar.width() * t.needed / t.total_shares
        painter.setPen(QPen(theme.color("text"), 2))  # the threshold line, in the text colour of either scheme
        painter.drawLine(int(line), int(bar.top()) - 5, int(line), int(bar.bottom()) + 5)
        painter.setPen(theme.color("muted"))
        text = f"threshold: {fmt.percent(t.threshold_bps / 100, 2, trim=True)} of all shares ({fmt.count(t.needed)})"
        metrics = painter.fontMetrics()
        left = min(
            max(line - metrics.horizontalAdvance(text) / 2, bar.left()), bar.right() - metrics.horizontalAdvance(text)
        )
        painter.drawText(int(left), int(bar.bottom()) + 18, text)
        for (choice, tone), (_name, box) in zip(self.CHOICES, self.legend_boxes().items(), strict=True):
            painter.setPen(Qt.PenStyle.NoPen)
            paint_part(painter, box, theme.color(tone), self.PATTERNS[choice])
            painter.setPen(theme.color("text"))
            painter.drawText(int(box.right()) + 6, self.LEGEND_Y, self._legend_words(choice))
        self.paint_focus(painter)
        painter.end()


def paint_part(painter: QPainter, rect: QRectF, fill: QColor, pattern: str) -> None:
    """A tally part: `fill`, with stripes or dots in the card's colour over it ("solid": none)."""
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawRect(rect)
    painter.setClipRect(rect)
    ink = theme.color("card")
    if pattern == "stripes":  # 2 px wide, 6 px apart, rising to the right
        painter.setPen(QPen(ink, 2))
        x = rect.left() - rect.height()
        while x < rect.right():
            painter.drawLine(QPointF(x, rect.bottom()), QPointF(x + rect.height(), rect.top()))
            x += 6
    elif pattern == "dots":  # 2 px squares, 5 px apart, on whole pixels (else each is 4 faint ones)
        painter.setBrush(ink)
        y = round(rect.top()) + 2
        while y < rect.bottom() - 2:
            x = round(rect.left()) + 2
            while x < rect.right() - 2:
                painter.drawRect(QRectF(x, y, 2, 2))
                x += 5
            y += 5
    painter.restore()


def tally_in_words(t: Tally | None) -> str:
    """The bar's parts in words: its colours (yes good, no bad) say nothing to a screen reader."""
    if t is None or t.total_shares == 0:
        return "No proposal selected"
    parts = ", ".join(f"{choice} {fmt.count(t.weights.get(choice, 0))}" for choice in ("yes", "no", "abstain"))
    return (
        f"{parts} of {fmt.count(t.total_shares)} shares; {fmt.count(t.needed)} yes needed "
        f"({fmt.percent(t.threshold_bps / 100, 2, trim=True)})"
    )


class ServicingPane(Pane):
    title = "Servicing"
    subtitle = (
        "Pay a deed's holders their share of rent or proceeds at a record date, give each a statement they "
        "can verify offline, and put questions to the holders, who vote with ballots signed on their own "
        "machines."
    )
    icon = "sale"
    listens_to = Changes.LEDGER | Changes.NAMES

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.data: Servicing | None = None
        self._latest = Latest(ctx.ops, self)
        self.new_distribution_button = button("New distribution\u2026", primary=True)
        self.new_proposal_button = button("New proposal\u2026", "add")
        self.import_button = button(
            "Import signed ballots\u2026",
            "import",
            tip="Ballots the holders signed on their own machines (deedbook sign or a wallet)",
        )
        for widget in (self.new_distribution_button, self.new_proposal_button, self.import_button):
            self.header_actions.addWidget(widget)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._distributions_tab(), "Distributions")
        self.tabs.addTab(self._votes_tab(), "Votes")
        self.body.addWidget(self.tabs, 1)
        self.new_distribution_button.clicked.connect(lambda: self.dialog("DistributionDialog"))
        self.new_proposal_button.clicked.connect(lambda: self.dialog("ProposalDialog"))
        self.import_button.clicked.connect(self.import_ballots)
        self.reload()

    # -- tabs -------------------------------------------------------------------------------------------------------
    def _distributions_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 10, 0, 0)
        self.distributions_empty = empty_note(
            "No distributions yet. \u201cNew distribution\u2026\u201d splits an "
            "amount over a deed's holders at a record date (a checkpoint)."
        )
        layout.addWidget(self.distributions_empty)
        split = QSplitter(Qt.Orientation.Vertical)
        self.distributions_table = table(
            ["#", "Deed", "Amount", "Record date", "Holders", "Purpose", "Entry"], "Distributions"
        )
        self.payouts_table = table(["Holder", "Shares", "Paid", "Rounding"], "Payouts of the selected distribution")
        split.addWidget(self.distributions_table)
        holder_page = QWidget()
        holder_layout = QVBoxLayout(holder_page)
        holder_layout.setContentsMargins(0, 6, 0, 0)
        row = QWidget()
        from PySide6.QtWidgets import QHBoxLayout

        actions = QHBoxLayout(row)
        actions.setContentsMargins(0, 0, 0, 0)
        self.payouts_title = label("Select a distribution to see its payouts.", "section")
        self.statements_button = button(
            "Write statements\u2026", "documents", tip="One PDF per holder, each proving its holding at the record date"
        )
        self.statement_button = button(
            "Holder's statement\u2026", "documents", tip="The selected holder's statement PDF, then shown in Documents"
        )
        self.statement_button.setEnabled(False)
        actions.addWidget(self.payouts_title, 1)
        actions.addWidget(self.statement_button)
        actions.addWidget(self.statements_button)
        holder_layout.addWidget(row)
        holder_layout.addWidget(self.payouts_table, 1)
        self.statements_progress = ProgressRow()
        holder_layout.addWidget(self.statements_progress)
        split.addWidget(holder_page)
        layout.addWidget(split, 1)
        self.distributions_table.itemSelectionChanged.connect(self._show_payouts)
        self.statements_button.clicked.connect(self.write_statements)
        self.statement_button.clicked.connect(lambda: self.write_statement())
        self.payouts_table.itemSelectionChanged.connect(
            lambda: self.statement_button.setEnabled(self._payout_holder() is not None)
        )
        return page

    def _votes_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 10, 0, 0)
        self.votes_empty = empty_note(
            "No proposals yet. \u201cNew proposal\u2026\u201d asks a deed's holders a "
            "yes/no question; each signs a ballot on their own machine."
        )
        layout.addWidget(self.votes_empty)
        self.proposals_table = table(["#", "Deed", "Question", "Threshold", "Closes", "State", "Outcome"], "Proposals")
        layout.addWidget(self.proposals_table, 2)
        self.tally_banner, banner_layout = banner("good")
        self.tally_text = label("Select a proposal to see its tally.", wrap=True, plain=True)
        banner_layout.addWidget(self.tally_text, 1)
        self.requests_button = button(
            "Write ballot requests\u2026",
            "export",
            tip="Three files per holder (yes, no, abstain): the holder signs the one chosen",
        )
        banner_layout.addWidget(self.requests_button)
        layout.addWidget(self.tally_banner)
        self.tally_bar = TallyBar()
        layout.addWidget(self.tally_bar)
        self.ballots_table = table(["Voter", "Vote", "Shares", "Entry"], "Ballots of the selected proposal")
        layout.addWidget(self.ballots_table, 1)
        self.proposals_table.itemSelectionChanged.connect(self._show_tally)
        self.requests_button.clicked.connect(self.write_requests)
        return page

    # -- reading ----------------------------------------------------------------------------------------------------
    def reload(self) -> None:
        if self.ctx.ledger is None:
            self.payouts_title.setText("No ledger is open.")
            return
        ws = self.ctx.ws
        self._latest.read(
            "servicing", lambda: read_servicing(ws), self.show_data, title="Reading distributions and votes"
        )

    def on_changed(self, change: Change) -> None:
        if change.what == Changes.NAMES and self.data is not None:
            self.show_data(self.data)
            return
        self.reload()

    def who(self, address: str) -> str:
        return f"{self.ctx.short_label(address)} ({short_address(address)})"

    def show_data(self, data: Servicing) -> None:
        self.data = data
        chosen_distribution = selected_key(self.distributions_table)
        chosen_proposal = selected_key(self.proposals_table)
        rows, keys = [], []
        for e in reversed(data.distributions):
            m = e.message
            rows.append(
                [
                    str(m["distributionId"]),
                    str(m["deedId"]),
                    fmt.amount(m["amount"], m["currency"]),
                    f"checkpoint #{m['recordCheckpoint']}",
                    fmt.count(len(m["payouts"])),
                    m["purpose"],
                    f"#{e.index}",
                ]
            )
            keys.append(m["distributionId"])
        fill(self.distributions_table, rows, keys)
        self.distributions_empty.setVisible(not rows)
        self._reselect(self.distributions_table, keys, chosen_distribution)
        rows, keys = [], []
        for t in reversed(data.tallies):
            rows.append(
                [
                    str(t.proposal_id),
                    str(t.deed_id),
                    t.text,
                    f"{t.threshold_bps / 100:g}% of all shares",
                    fmt.when(t.closes),
                    t.state(data.now),
                    t.outcome(data.now),
                ]
            )
            keys.append(t.proposal_id)
        fill(self.proposals_table, rows, keys)
        self.votes_empty.setVisible(not rows)
        self._reselect(self.proposals_table, keys, chosen_proposal)
        self._show_payouts()
        self._show_tally()

    @staticmethod
    def _reselect(widget: Any, keys: list[Any], chosen: Any) -> None:
        if keys:
            widget.selectRow(keys.index(chosen) if chosen in keys else 0)

    def _distribution(self) -> RecordedEntry | None:
        chosen = selected_key(self.distributions_table)
        found = [e for e in (self.data.distributions if self.data else []) if e.message["distributionId"] == chosen]
        return found[0] if found else None

    def _tally(self) -> Tally | None:
        chosen = selected_key(self.proposals_table)
        found = [t for t in (self.data.tallies if self.data else []) if t.proposal_id == chosen]
        return found[0] if found else None

    def _show_payouts(self) -> None:
        entry = self._distribution()
        self.statements_button.setEnabled(entry is not None)
        self.payouts_table.clearSelection()  # a holder of another distribution is not this one's
        if entry is None:
            fill(self.payouts_table, [])
            return
        m = entry.message
        held = sum(p["shares"] for p in m["payouts"])
        self.payouts_title.setText(
            f"Distribution {m['distributionId']}: {fmt.amount(m['amount'], m['currency'])} "
            f"to {fmt.count(len(m['payouts']))} holders of deed {m['deedId']}"
        )
        fill(
            self.payouts_table,
            [
                [
                    self.who(p["holder"]),
                    fmt.count(p["shares"]),
                    fmt.amount(p["minor"], m["currency"]),
                    "+1 unit" if p["minor"] * held > m["amount"] * p["shares"] else "",
                ]
                for p in m["payouts"]
            ],
        )

    def _show_tally(self) -> None:
        t = self._tally()
        self.requests_button.setEnabled(t is not None and self.data is not None and t.state(self.data.now) == "open")
        self.tally_bar.show_tally(t)
        if t is None or self.data is None:
            fill(self.ballots_table, [])
            return
        outcome = t.outcome(self.data.now)
        set_role(self.tally_banner, {"passed": "banner-good", "failed": "banner-bad"}.get(outcome, "banner-warn"))
        self.tally_text.setText(
            f"Proposal {t.proposal_id} is {t.state(self.data.now)} (closes {fmt.when(t.closes)}): yes {fmt.count(t.weights['yes'])}"
            f", no {fmt.count(t.weights['no'])}, abstain {fmt.count(t.weights['abstain'])} of "
            f"{fmt.count(t.total_shares)} shares. It passes at "
            f"{fmt.count(t.needed)} yes \u2014 {outcome}."
        )
        fill(self.ballots_table, [[self.who(v), c, fmt.count(w), f"#{i}"] for v, (c, w, i) in sorted(t.voters.items())])

    # -- actions ----------------------------------------------------------------------------------------------------
    def dialog(self, name: str, **kwargs: Any) -> Any:
        from desktop.gui.dialogs import servicing

        self.ctx.require_ledger()
        dialog = getattr(servicing, name)(self.ctx, self, **kwargs)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def write_statements(self, folder: Any = None, operator: Any = None) -> None:
        """Every holder's statement into a folder, with progress and Cancel; when no checkpoint covers the
        distribution yet, the person is asked whether to sign one with the operator key first."""
        entry = self._distribution()
        if entry is None:
            prompts.show_error(self, "Select a distribution first.")
            return
        folder = folder or prompts.choose_folder(self, "Folder for the holders' statements")
        if folder is None:
            return
        ws, number = self.ctx.ws, int(entry.message["distributionId"])
        row = self.statements_progress
        row.show()
        row.text.setText("Writing statements\u2026")

        def work(handle: Any) -> Any:
            return ws.write_statements(
                number, folder, operator=operator, progress=handle.fraction, should_cancel=handle.should_cancel
            )

        def written(paths: list[Any]) -> None:
            prompts.inform(
                self,
                f"Wrote {fmt.counted(len(paths), 'statement')} to {folder}. Each "
                "verifies offline with deedbook verify-pdf.",
            )

        def failed(error: BaseException) -> None:
            self._checkpoint_then(error, operator, lambda signer: self.write_statements(folder, signer))

        def progressed(fraction: float, text: str) -> None:
            row.bar.setValue(int(fraction * 1000))
            row.text.setText(text)

        op = self.ctx.ops.task(self, work, write=operator is not None, title="Writing statements")
        op.success(written).failure(failed).on_progress(progressed).done(row.hide)
        row.cancel_button.clicked.connect(op.cancel)
        op.run()

    def _payout_holder(self) -> str | None:
        entry, row = self._distribution(), self.payouts_table.currentRow()
        if entry is None or not 0 <= row < len(entry.message["payouts"]) or not self.payouts_table.selectedItems():
            return None
        return str(entry.message["payouts"][row]["holder"])

    def write_statement(self, path: Any = None, operator: Any = None) -> None:
        """The selected holder's statement: saved where the person says, then shown in the Documents pane."""
        entry, holder = self._distribution(), self._payout_holder()
        if entry is None or holder is None:
            prompts.show_error(self, "Select a holder in the distribution's payouts first.")
            return
        number = int(entry.message["distributionId"])
        if path is None:
            suggested = self.ctx.home.documents / f"statement-{number}-{holder[:10].lower()}.pdf"
            path = prompts.save_file(self, "Save the holder's statement", str(suggested), "PDF documents (*.pdf)")
        if path is None:
            return
        ws = self.ctx.ws

        def work() -> Any:  # the save dialog asked before replacing a file
            return ws.write_statement(number, holder, path, force=True, operator=operator)

        def failed(error: BaseException) -> None:
            self._checkpoint_then(error, operator, lambda signer: self.write_statement(path, signer))

        op = self.ctx.ops.op(self, work, write=operator is not None, title="Writing the statement")
        op.success(lambda written: self.ctx.events.show_document.emit(str(written))).failure(failed).run()

    def _checkpoint_then(self, error: BaseException, operator: Any, retry: Any) -> None:
        """No checkpoint covers the distribution yet: offer to sign one with the operator key, then `retry`."""
        from core.documents.evidence import NotCheckpointed
        from desktop.gui.operations import report_error
        from desktop.gui.panes.documents import checkpoint_operator

        if isinstance(error, NotCheckpointed) and operator is None:
            if prompts.ask(
                self,
                f"{error} Sign a checkpoint now with the operator key, then write the statement?",
                yes="Checkpoint",
            ):
                checkpoint_operator(self.ctx, self, retry)  # the witness checked before the password is asked
            return
        report_error(self, error)

    def write_requests(self) -> None:
        t = self._tally()
        if t is None:
            prompts.show_error(self, "Select a proposal first.")
            return
        folder = prompts.choose_folder(self, "Folder for the ballot requests")
        if folder is None:
            return
        ws, number = self.ctx.ws, t.proposal_id
        self.ctx.ops.op(self, lambda: ws.ballot_requests(number, folder), title="Writing ballot requests").success(
            lambda paths: prompts.inform(
                self,
                f"Wrote {fmt.count(len(paths))} ballot requests to {folder}: three per holder "
                "(yes, no, abstain). Each holder signs the one of their choice on "
                "their own machine and sends it back.",
            )
        ).run()

    def import_ballots(self) -> None:
        self.ctx.require_ledger()
        paths = prompts.open_files(self, "Signed ballots", "Signed ballots (*.json);;All files (*)")
        if not paths:
            return
        ws = self.ctx.ws

        def check() -> Any:
            from core.requests import load_response

            return ws.check_ballots([load_response(p) for p in paths])

        def confirm(ballots: list[Any]) -> None:
            """Ask once the files are read and checked: each ballot's holder, choice and proposal, by name."""
            votes = "; ".join(
                f"{self.ctx.full_label(b.message['voter'])} votes {b.message['choice']} on proposal "
                f"{b.message['proposalId']} (deed {b.message['deedId']}, {fmt.count(int(b.message['weight']))} shares)"
                for b in ballots
            )
            if not prompts.ask(
                self,
                f"Record {fmt.counted(len(ballots), 'ballot')}: {votes}? A recorded ballot counts in the tally and is "
                "never removed; a holder votes once.",
                yes="Record the ballot" if len(ballots) == 1 else "Record the ballots",
            ):
                return
            self.ctx.ops.op(self, lambda: ws.record_ballots(ballots), write=True, title="Recording ballots").success(
                lambda indexes: prompts.inform(self, f"Recorded {fmt.counted(len(indexes), 'ballot')}.")
            ).run()

        self.ctx.ops.op(self, check, title="Checking the ballots").success(confirm).run()
