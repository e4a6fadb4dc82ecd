"""An organisation for org-change tests: two business units (``A-…`` and ``B-…``) and a team
under A (``T-…``), committed, with unique codes; and a finance user."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from domain.catalog import Role
from models import CostCenter, GlAccount
from models.people.accounts import upsert_user


@dataclass(frozen=True)
class Org:
    unit_a: str
    unit_b: str
    team: str
    team_id: int
    gl_id: int
    gl: str
    finance: str


def an_org(engine: Engine) -> Org:
    tag = uuid.uuid4().hex[:6].upper()
    with Session(engine) as session, session.begin():
        finance = upsert_user(session, f"fin-{tag.lower()}", roles=[Role.FINANCE])
        unit_a = CostCenter(code=f"A-{tag}", name="Unit A", owner_id=finance.id)
        unit_b = CostCenter(code=f"B-{tag}", name="Unit B", owner_id=finance.id)
        session.add_all([unit_a, unit_b])
        session.flush()
        team = CostCenter(code=f"T-{tag}", name="Team", owner_id=finance.id, parent_id=unit_a.id)
        gl = GlAccount(code=f"GL-{tag}", name="Cloud")
        session.add_all([team, gl])
        session.flush()
        return Org(unit_a.code, unit_b.code, team.code, team.id, gl.id, gl.code, finance.username)
