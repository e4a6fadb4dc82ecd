"""The cost documents page as finance opens it: each kind's versions with their status, who
proposed and who decided them, linked to their review pages; a requester is refused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from domain.catalog import Role
from domain.costs.governance import DocumentKind
from models.costs.document_store import decide_document, propose_document
from models.people.accounts import find_user
from tests.api.costs.explore_client import Explorer, explorer, sign_in

__all__ = ["explorer"]
AT = datetime(2031, 5, 1, tzinfo=UTC)
TAG_POLICY = {
    "keys": {"owner_team": {"owner": "application_team", "allowed": {"values": ["a", "b"]}}},
    "required": [{"scope": {"provider": "all"}, "keys": ["owner_team"]}],
}


def test_finance_sees_each_version_with_its_status_and_deciders(explorer: Explorer) -> None:
    session = explorer.session
    author = explorer.person(f"author-{uuid.uuid4().hex[:6]}", Role.FINANCE)
    approver = explorer.person(f"approver-{uuid.uuid4().hex[:6]}", Role.FINANCE)
    by, of = find_user(session, author), find_user(session, approver)
    assert by is not None and of is not None
    kind = DocumentKind.TAG_POLICY
    first = propose_document(session, kind, TAG_POLICY, note="first cut", author=by, at=AT)
    decide_document(session, kind, first.version, decider=of, approve=True, note="", at=AT)
    second = propose_document(session, kind, TAG_POLICY, note="second cut", author=by, at=AT)
    sign_in(explorer, author)
    page = explorer.client.get("/costs/documents").text
    first_row = page[page.index(f"versions/{first.version}") :].split("</tr>")[0]
    assert "in force" in first_row and author in first_row and approver in first_row
    second_row = page[page.index(f"versions/{second.version}") :].split("</tr>")[0]
    assert "proposed" in second_row and "second cut" in second_row and approver not in second_row
    assert "Allocation model" in page and "Rate card" in page

    requester = explorer.person(f"req-{uuid.uuid4().hex[:6]}", Role.REQUESTER)
    sign_in(explorer, requester)
    assert explorer.client.get("/costs/documents", follow_redirects=False).status_code == 403
