"""Contract changes decided in a renewal, and the consumption a renewal weighs."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from domain.renewal import ContractRenewal
from domain.temporal_names import Activity
from models import Contract
from models.costs.consumption import consumed_to_date
from models.db import unit_of_work


class ContractActivities:
    """Renewing an MSA moves its end date out; it never moves it back (so a retry is harmless)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @activity.defn(name=Activity.RENEW_CONTRACT)
    def renew_contract(self, renewal: ContractRenewal) -> date:
        with unit_of_work(self._sessions) as session:
            contract = session.scalar(
                select(Contract).where(Contract.reference == renewal.reference).with_for_update()
            )
            if contract is None:
                raise LookupError(f"no contract {renewal.reference}")
            if contract.end_date is not None and contract.end_date < renewal.renewed_until:
                contract.end_date = renewal.renewed_until
            return contract.end_date or renewal.renewed_until

    @activity.defn(name=Activity.PO_CONSUMPTION)
    def po_consumption(self, po_number: str, base_currency: str) -> int:
        """What the cost lines drawing on the PO add up to so far, in ``base_currency`` minor
        units, as the PO page's consumption shows it (the sum of its months)."""
        with unit_of_work(self._sessions) as session:
            return consumed_to_date(session, po_number, base_currency)
