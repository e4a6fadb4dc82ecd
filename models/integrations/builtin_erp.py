"""The built-in ERP, used when no outside ERP is configured: each order is recorded in Postgres
(``erp_orders``), exactly once per idempotency key. It serves the ERP port (``adapters.ports``)
from poflow's own tables."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from domain.erp_messages import ErpOrder, ErpReceipt
from models.db import unit_of_work
from models.integrations.outbound import BuiltinErpOrder


class PostgresErp:
    """An ERP that keeps one order per idempotency key, so a retried issue finds its order."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def create_purchase_order(self, order: ErpOrder) -> ErpReceipt:
        with unit_of_work(self._sessions) as session:
            inserted = session.execute(
                insert(BuiltinErpOrder)
                .values(
                    idempotency_key=order.idempotency_key,
                    po_number=order.po_number,
                    document=asdict(order),
                )
                .on_conflict_do_nothing(index_elements=["idempotency_key"])
                .returning(BuiltinErpOrder.id)
            ).scalar()
            row_id = inserted or session.scalar(
                select(BuiltinErpOrder.id).where(
                    BuiltinErpOrder.idempotency_key == order.idempotency_key
                )
            )
        return ErpReceipt(erp_reference=f"ERP-{row_id:06d}", created=inserted is not None)
