"""One ``ItsmPort`` over several ITSM tools: a ticket goes to the tool its ``<system>:`` prefix
names (``servicenow``, ``jira``, ``glpi``); a ticket with no prefix, or one no configured tool
owns, goes to the fallback (poflow's own outbox, which records the update and asks no one).

Also what the ITSM adapters share: the error for a ticket the tool does not hold, how a
``<system>:<id>`` reference splits, and the marker a work note carries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from adapters.ports import ItsmPort
from domain.tickets import TicketUpdate


class TicketNotFound(LookupError):
    """The ITSM tool holds no ticket (requested item, issue, change) under this reference."""


def split_ticket(ticket: str) -> tuple[str, str]:
    """``("servicenow", "<sys_id>")`` for ``servicenow:<sys_id>``; ``("", ticket)`` without a
    prefix."""
    system, separator, identifier = ticket.partition(":")
    return (system, identifier) if separator else ("", ticket)


def ticket_id(ticket: str, system: str) -> str:
    """The tool's own id in ``ticket``, which must be ``<system>:<id>``."""
    prefix, identifier = split_ticket(ticket)
    if prefix != system or not identifier:
        raise ValueError(f"{ticket!r} is not a {system} ticket (expected {system}:<id>)")
    return identifier


def note_marker(key: str) -> str:
    """The tag ending every work note poflow writes: a retried update finds it on the ticket and
    writes nothing twice."""
    return f"[poflow:{key}]"


@dataclass(frozen=True)
class ItsmRouter:
    """Dispatches each call by the ticket's prefix; ``systems`` maps a prefix to its adapter."""

    systems: Mapping[str, ItsmPort]
    fallback: ItsmPort

    def update_ticket(self, update: TicketUpdate) -> None:
        self._port_for(update.ticket).update_ticket(update)

    def change_ticket_approved(self, change_ticket: str) -> bool:
        return self._port_for(change_ticket).change_ticket_approved(change_ticket)

    def _port_for(self, ticket: str) -> ItsmPort:
        system, _ = split_ticket(ticket)
        return self.systems.get(system, self.fallback)
