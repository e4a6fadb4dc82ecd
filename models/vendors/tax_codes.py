"""Tax codes by the vendor's country and the service bought, as the ERP knows them."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Numeric, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.catalog import ServiceType
from models.base import Base

ANY_SERVICE = "any"


class TaxCode(Base):
    """``service_type`` is a ServiceType value, or ``any`` for the country's default."""

    __tablename__ = "tax_codes"

    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    service_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    rate_percent: Mapped[Decimal] = mapped_column(Numeric(6, 3))
    description: Mapped[str] = mapped_column(String(200))


def tax_code_for(session: Session, country: str, service_type: ServiceType) -> str | None:
    """The code for the service bought from a vendor in ``country``; the country's default
    when the service has none of its own; None when the country has no codes."""
    rows = session.execute(
        select(TaxCode.service_type, TaxCode.code).where(
            TaxCode.country == country,
            TaxCode.service_type.in_([service_type.value, ANY_SERVICE]),
        )
    ).all()
    codes = {row.service_type: row.code for row in rows}
    return codes.get(service_type.value) or codes.get(ANY_SERVICE)
