"""What the benchmark raises POs against: cost centers of its own in the demo organisation, each
owned by priya with a budget for this month and the next, and API tokens for the people who
raise and decide."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from models.budgets.cost_centers import open_cost_center
from models.db import unit_of_work
from models.people.accounts import find_user, issue_api_token

GL = "6110"  # SaaS subscriptions
OWNER = "priya"
PEOPLE = ("alex", "priya", "tom", "fiona", "ines", "maria")
# A subscription at 100,000.00 EUR goes to the owner, IT leadership and finance (demo policy).
THREE_TIER_PRICE = "100000.00"


def cost_center(
    sessions: sessionmaker[Session], code: str, monthly_minor: int, owner_name: str = OWNER
) -> str:
    """A cost center owned by ``owner_name`` with ``monthly_minor`` on GL 6110 this month and
    next."""
    with unit_of_work(sessions) as session:
        owner = find_user(session, owner_name)
        assert owner is not None
        name = f"Benchmark {code}"
        open_cost_center(session, code, owner, GL, monthly_minor, months=2, name=name)
    return code


def tokens(sessions: sessionmaker[Session]) -> dict[str, str]:
    with unit_of_work(sessions) as session:
        found = {name: find_user(session, name) for name in PEOPLE}
        return {
            name: issue_api_token(session, user, "bench") for name, user in found.items() if user
        }


def subscription(center: str, price: str, tag: str) -> dict[str, Any]:
    """A one-month SaaS subscription on ``center``, raised by alex through the JSON API."""
    start = date.today() + timedelta(days=2)
    return {
        "title": f"Benchmark subscription {tag}",
        "cost_center": center,
        "vendor": "Contoso Software",
        "service_type": "saas_subscription",
        "currency": "EUR",
        "contract": "MSA-CS-01",
        "gl_account": GL,
        "lines": [
            {
                "description": "Developer suite, one month",
                "quantity": 1,
                "unit_price": price,
                "service_start": start.isoformat(),
                "service_end": (start + timedelta(days=20)).isoformat(),
            }
        ],
        "business_case_ref": "BC-BENCH",
    }
