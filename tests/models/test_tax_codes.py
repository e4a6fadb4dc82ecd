"""Tax codes by the vendor's country and the service bought: a service's own code wins over the
country's default; a country without codes has none."""

from sqlalchemy.orm import Session

from domain.catalog import ServiceType
from models.vendors.tax_codes import TaxCode, tax_code_for


def test_a_service_of_its_own_wins_over_the_country_default(session: Session) -> None:
    session.add_all(
        [
            TaxCode(country="ZZ", service_type="any", code="ZZ-STD", rate_percent=21,
                    description="standard"),
            TaxCode(country="ZZ", service_type="saas_subscription", code="ZZ-RC",
                    rate_percent=0, description="reverse charge"),
        ]
    )  # fmt: skip
    session.flush()
    assert tax_code_for(session, "ZZ", ServiceType.SAAS_SUBSCRIPTION) == "ZZ-RC"
    assert tax_code_for(session, "ZZ", ServiceType.HARDWARE) == "ZZ-STD"
    assert tax_code_for(session, "YY", ServiceType.HARDWARE) is None
