"""What poflow and the ITSM tools exchange: the ticket that asks to buy, and the PO's state
written back to it."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TicketUpdate:
    """A write-back to the ticket a PO came from. ``ticket`` is ``<system>:<id>``
    (``servicenow:<sys_id>``, ``jira:<issue key>``, ``glpi:<ticket id>``); ``state`` is one of
    TICKET_STATES; ``note`` is the comment the ticket shows."""

    ticket: str
    state: str
    po_number: str
    note: str
    idempotency_key: str
    change_ticket: str | None = None

    @property
    def headline(self) -> str:
        """``PO-1001 issued``; only the state when no PO was raised."""
        return f"{self.po_number} {self.state}".strip()


# The PO states written back to a ticket.
TICKET_STATES = (
    "submitted",  # the requisition became a PO and awaits approval
    "approved",  # a tier approved (note says which); "issued" follows the last one
    "information_requested",
    "issued",
    "rejected",
    "refused",  # the requisition failed validation; note says what is missing
    "cancelled",
    "closed",
)


@dataclass(frozen=True)
class TicketRequest:
    """A ticket asking to buy, as the ITSM tool holds it: who asked and the catalog variables
    (``cost_center``, ``vendor``, ``unit_price``, ...; see api.itsm_requisition)."""

    ticket: str  # <system>:<id>, as in TicketUpdate
    number: str  # what people call it: RITM0010001, ITSM-12, 42
    requested_by: str  # a username or an e-mail address
    title: str
    variables: dict[str, str] = field(default_factory=dict)
