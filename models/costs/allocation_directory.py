"""Who allocation gives amounts to, as ids: cost centers by code, IT services by code with
the cost center that provides them, read once per run."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.costs.allocation_model import Target
from models.budgets.org import CostCenter, ItService


@dataclass(frozen=True)
class Receiver:
    """Where a part goes, as ids."""

    cost_center_id: int
    service_id: int | None = None


@dataclass(frozen=True)
class Directory:
    """Cost centers by code, and IT services by code with their provider cost center."""

    centers: dict[str, int]
    services: dict[str, tuple[int, int]]

    @classmethod
    def read(cls, session: Session) -> Directory:
        centers = dict(session.execute(select(CostCenter.code, CostCenter.id)).tuples().all())
        services = {
            code: (service_id, provider)
            for code, service_id, provider in session.execute(
                select(ItService.code, ItService.id, ItService.provider_cost_center_id)
            ).tuples()
        }
        return cls(centers, services)

    def receiver(self, target: Target) -> Receiver:
        service = self.services[target.service] if target.service else None
        if target.cost_center is not None:
            return Receiver(self.centers[target.cost_center], service[0] if service else None)
        if service is None:
            raise ValueError("a target names a cost center, a business unit or a service")
        return Receiver(service[1], service[0])
