"""The one object both front ends call (after Anki's Collection): a data folder and its policies."""

from __future__ import annotations

from desktop.workspace.compliance import ComplianceOps
from desktop.workspace.documents import DocumentOps
from desktop.workspace.parties import PartyOps
from desktop.workspace.people import PeopleOps
from desktop.workspace.qr import QrOps
from desktop.workspace.screening import ScreeningOps
from desktop.workspace.sealing import SealOps
from desktop.workspace.servicing import ServicingOps
from desktop.workspace.witnessing import WitnessOps


class Workspace(
    DocumentOps, PeopleOps, QrOps, ComplianceOps, WitnessOps, PartyOps, ServicingOps, ScreeningOps, SealOps
):
    """A data folder (+ an optional database URL): its keys, ledger, address book and settings, and
    every operation the command line and the GUI offer, each returning `Done(value, receipt)`.

    See docs/architecture.md ("The workspace") for what it owns and how a front end calls it."""
