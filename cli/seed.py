"""Loading the demo organisation into Postgres; running it twice adds nothing the second time."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cli import demo_data as demo
from cli.demo_forecast import seed_forecast_demo
from domain.fiscal import fiscal_period, fiscal_year_periods
from models import (
    ApprovalPolicy,
    BudgetLine,
    CatalogItem,
    Contract,
    CostCenter,
    GlAccount,
    ItService,
    Project,
    TaxCode,
    User,
    Vendor,
)
from models.base import Base
from models.db import unit_of_work
from models.people.accounts import set_password, upsert_user
from models.people.notification_preferences import Preferences, set_preferences
from settings import Settings

Row = TypeVar("Row", bound=Base)
# Demo people read their notifications by e-mail and in the team's chat channels.
DEMO_PREFERENCES = Preferences(email=True, chat=True, digest=False)


def load_demo_data(
    sessions: sessionmaker[Session], settings: Settings, today: date | None = None
) -> str:
    """Insert whatever part of the demo organisation is missing; return what was added."""
    today = today or date.today()
    added: dict[str, int] = {}
    with unit_of_work(sessions) as session:
        users = _users(session, added)
        centers = _cost_centers(session, users, added)
        accounts = {
            code: _ensure(session, added, GlAccount, {"code": code}, {"name": name, "capex": capex})
            for code, name, capex in demo.GL_ACCOUNTS
        }
        for code, name, center in demo.PROJECTS:
            values = {"name": name, "cost_center_id": centers[center].id}
            _ensure(session, added, Project, {"code": code}, values)
        _budgets(session, settings, today, centers, accounts, users["maria"], added)
        _vendors_contracts_catalog(session, today, accounts, added)
        for country, service, code, rate, description in demo.TAX_CODES:
            values = {"code": code, "rate_percent": Decimal(rate), "description": description}
            _ensure(session, added, TaxCode, {"country": country, "service_type": service}, values)
        _policy(session, users["maria"], added)
        seed_forecast_demo(session, settings, today, added)
    return "demo data: " + (", ".join(f"{n} {what}" for what, n in added.items()) or "nothing new")


def _ensure(
    session: Session,
    added: dict[str, int],
    model: type[Row],
    key: dict[str, Any],
    values: dict[str, Any],
) -> Row:
    """The row matching ``key``, inserted with ``values`` if missing (existing rows are kept)."""
    row = session.scalars(select(model).filter_by(**key)).one_or_none()
    if row is None:
        row = model(**key, **values)
        session.add(row)
        session.flush()
        added[str(model.__tablename__)] = added.get(str(model.__tablename__), 0) + 1
    return row


def _users(session: Session, added: dict[str, int]) -> dict[str, User]:
    users: dict[str, User] = {}
    for person in demo.USERS:
        existed = session.scalar(select(User.id).where(User.username == person.username))
        manager = users.get(person.manager) if person.manager else None
        user = upsert_user(
            session,
            person.username,
            roles=person.roles,
            display_name=person.display_name,
            manager=manager,
        )
        if user.password_hash is None:
            set_password(user, demo.DEMO_PASSWORD)
        if existed is None:
            added["users"] = added.get("users", 0) + 1
            session.flush()
            set_preferences(session, person.username, DEMO_PREFERENCES)
        users[person.username] = user
    return users


def _cost_centers(
    session: Session, users: dict[str, User], added: dict[str, int]
) -> dict[str, CostCenter]:
    centers: dict[str, CostCenter] = {}
    for code, name, owner, parent in demo.COST_CENTERS:
        values = {
            "name": name,
            "owner_id": users[owner].id,
            "parent_id": centers[parent].id if parent else None,
        }
        centers[code] = _ensure(session, added, CostCenter, {"code": code}, values)
        centers[code].legal_entity = demo.LEGAL_ENTITIES.get(code)
    for code, name, owner, provider in demo.IT_SERVICES:
        values = {"name": name, "owner_id": users[owner].id}
        values["provider_cost_center_id"] = centers[provider].id
        _ensure(session, added, ItService, {"code": code}, values)
    return centers


def _budgets(
    session: Session,
    settings: Settings,
    today: date,
    centers: dict[str, CostCenter],
    accounts: dict[str, GlAccount],
    author: User,
    added: dict[str, int],
) -> None:
    fiscal_year = fiscal_period(today, settings.fiscal_year_start_month).fiscal_year
    periods = fiscal_year_periods(fiscal_year) + fiscal_year_periods(fiscal_year + 1)
    for (center, account), monthly in demo.MONTHLY_BUDGETS.items():
        for period in periods:
            key = {
                "cost_center_id": centers[center].id,
                "gl_account_id": accounts[account].id,
                "fiscal_year": period.fiscal_year,
                "period": period.period,
                "version": 1,
            }
            values = {
                "amount_minor": monthly,
                "currency": settings.base_currency,
                "created_by_id": author.id,
            }
            _ensure(session, added, BudgetLine, key, values)


def _vendors_contracts_catalog(
    session: Session, today: date, accounts: dict[str, GlAccount], added: dict[str, int]
) -> None:
    vendors = {
        name: _ensure(
            session,
            added,
            Vendor,
            {"name": name},
            {"status": status, "country": country, "email": email},
        )
        for name, status, country, email in demo.VENDORS
    }
    contracts: dict[str, Contract] = {}
    for spec in demo.CONTRACTS:
        start = date(today.year - spec.start_years_ago, 1, 1)
        runs = spec.years_to_run
        end = date(today.year + runs, 12, 31) if runs is not None else None
        values = {
            "vendor_id": vendors[spec.vendor].id,
            "title": spec.title,
            "start_date": start,
            "end_date": end,
            "notice_days": spec.notice_days,
            "auto_renew": spec.auto_renew,
        }
        contracts[spec.reference] = _ensure(
            session, added, Contract, {"reference": spec.reference}, values
        )
    for contract, sku, description, service, account, unit, price, currency in demo.CATALOG:
        values = {
            "description": description,
            "service_type": service,
            "gl_account_id": accounts[account].id,
            "unit": unit,
            "msa_unit_price_minor": price,
            "currency": currency,
        }
        key = {"contract_id": contracts[contract].id, "sku": sku}
        _ensure(session, added, CatalogItem, key, values)


def _policy(session: Session, author: User, added: dict[str, int]) -> None:
    values = {
        "document": demo.POLICY_DOCUMENT,
        "note": "demo policy",
        "created_by_id": author.id,
    }
    _ensure(session, added, ApprovalPolicy, {"name": demo.POLICY_NAME, "version": 1}, values)
