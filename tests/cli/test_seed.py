"""The demo organisation loads completely, and loading it again adds nothing."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cli.demo_data import COST_CENTERS, DEMO_PASSWORD, USERS
from cli.seed import load_demo_data
from domain.catalog import Role, VendorStatus
from models import ApprovalPolicy, BudgetLine, CatalogItem, Contract, CostCenter, User, Vendor
from models.people.accounts import password_matches
from settings import Settings

TODAY = date(2026, 11, 23)


def _settings() -> Settings:
    return Settings(_env_file=None, fiscal_year_start_month=4, base_currency="EUR")


def test_demo_data_covers_every_role_and_budgets_this_fiscal_year_and_the_next(
    sessions: sessionmaker[Session], session: Session
) -> None:
    load_demo_data(sessions, _settings(), TODAY)
    # Other tests of the session may have committed people and lines of their own.
    demo = [person.username for person in USERS]
    users = session.scalars(select(User).where(User.username.in_(demo))).all()
    assert len(users) == len(USERS)
    assert set().union(*(user.role_names for user in users)) == set(Role)
    assert all(password_matches(user, DEMO_PASSWORD) for user in users)
    periods = session.execute(
        select(BudgetLine.fiscal_year, func.count(func.distinct(BudgetLine.period)))
        .join(CostCenter, CostCenter.id == BudgetLine.cost_center_id)
        .where(CostCenter.code.in_([center[0] for center in COST_CENTERS]))
        .group_by(BudgetLine.fiscal_year)
    ).all()
    # April start: Nov 2026 is in FY2027; a PO running past March commits on FY2028.
    assert sorted(tuple(row) for row in periods) == [(2027, 12), (2028, 12)]
    owners = session.scalars(select(CostCenter.owner_id)).all()
    assert owners and None not in owners
    assert session.scalar(select(func.count()).select_from(CatalogItem)) == 9
    assert session.scalar(select(ApprovalPolicy.version)) == 1


def test_the_blocked_vendor_has_an_expired_msa_and_the_others_are_current(
    sessions: sessionmaker[Session], session: Session
) -> None:
    load_demo_data(sessions, _settings(), TODAY)
    rows = session.execute(
        select(Vendor.status, Contract.end_date).join(Contract, Contract.vendor_id == Vendor.id)
    ).all()
    for status, end in rows:
        current = end is None or end >= TODAY
        assert current == (status is VendorStatus.APPROVED)


def test_loading_twice_adds_nothing(sessions: sessionmaker[Session], session: Session) -> None:
    first = load_demo_data(sessions, _settings(), TODAY)
    assert "14 users" in first and "240 budget_lines" in first
    assert load_demo_data(sessions, _settings(), TODAY) == "demo data: nothing new"
