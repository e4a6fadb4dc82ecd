"""Proposing a governed cost document's new version on the web. Finance opens the form holding
the version in force (others are refused and see no button); a refused proposal comes back
with the text as sent and the errors the JSON API names, by JSON path, nothing stored; a
proposal made with the form, or with a .json file, opens its review in a reviewer's inbox."""

from __future__ import annotations

import html
import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from markupsafe import escape
from sqlalchemy.orm import Session

from domain.catalog import Role
from domain.costs.governance import DocumentKind
from models.costs.document_rules import RULES
from models.costs.document_store import decide_document, document_versions, propose_document
from models.people.accounts import find_user
from tests.api import e2e
from tests.api.costs.explore_client import Explorer, explorer, sign_in
from tests.builders.cost_documents import KIND, small_rate_cards, task_in_inbox
from tests.web.pages import csrf_of, person

__all__ = ["explorer"]
stack = e2e.stack
FORM = f"/costs/documents/{KIND}/new"


@pytest.fixture(scope="module", autouse=True)
def rate_cards() -> Iterator[None]:
    with small_rate_cards():
        yield


def _textarea(page: str) -> str:
    """What the document's field holds, as the browser reads it."""
    found = re.search(r'<textarea id="document"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, "the page has no document field"
    return html.unescape(found.group(1))


def _tag_policy(value: str) -> dict[str, object]:
    return {
        "keys": {"owner_team": {"owner": "application_team", "allowed": {"values": [value]}}},
        "required": [{"scope": {"provider": "all"}, "keys": ["owner_team"]}],
    }


def test_the_form_holds_the_version_in_force_for_finance_only(explorer: Explorer) -> None:
    session, value = explorer.session, f"team-{uuid.uuid4().hex[:8]}"
    author = explorer.person("author", Role.FINANCE)
    by, of = find_user(session, author), find_user(session, explorer.person("rev", Role.FINANCE))
    assert by is not None and of is not None
    kind, now = DocumentKind.TAG_POLICY, datetime.now(UTC)
    proposed = propose_document(session, kind, _tag_policy(value), note="", author=by, at=now)
    decide_document(session, kind, proposed.version, decider=of, approve=True, note="", at=now)
    form_path = f"/costs/documents/{kind}/new"

    sign_in(explorer, author)
    listing = explorer.client.get("/costs/documents").text
    assert f'href="{form_path}"' in listing
    form = explorer.client.get(form_path)
    assert form.status_code == 200
    assert f"v{proposed.version}, the version in force" in form.text
    assert json.loads(_textarea(form.text)) == _tag_policy(value)
    assert '\n  "keys": {\n' in _textarea(form.text)  # pretty-printed
    assert f'href="/costs/documents/{kind}/schema"' in form.text
    schema = explorer.client.get(f"/costs/documents/{kind}/schema")
    assert schema.status_code == 200 and schema.json() == RULES[kind].schema

    for role in (Role.AUDITOR, Role.FINOPS):  # readers of the documents, not their authors
        sign_in(explorer, explorer.person("reader", role))
        listing = explorer.client.get("/costs/documents").text
        assert "Propose a new version" not in listing and form_path not in listing
        assert explorer.client.get(form_path).status_code == 403
        posted = {"csrf_token": csrf_of(listing), "document": "{}"}
        assert explorer.client.post(form_path, data=posted).status_code == 403


def test_json_that_does_not_parse_is_refused_with_its_line_and_column(
    explorer: Explorer, session: Session
) -> None:
    sign_in(explorer, explorer.person("author", Role.FINANCE))
    token = csrf_of(explorer.client.get(FORM).text)
    note = f"broken {uuid.uuid4().hex[:8]}"
    text = '{\n  "rates": {"vm-hour": 4,}\n}'
    refused = explorer.client.post(FORM, data={"csrf_token": token, "document": text, "note": note})
    assert refused.status_code == 422
    assert "line 2, column 26" in refused.text
    assert _textarea(refused.text) == text and f'value="{note}"' in refused.text

    upload = {"file": ("rates.json", b"[1, 2]", "application/json")}
    data = {"csrf_token": token, "document": '{"rates": {}}', "note": note}
    refused = explorer.client.post(FORM, data=data, files=upload)
    assert refused.status_code == 422 and "A rate card document is a JSON object." in refused.text
    assert _textarea(refused.text) == "[1, 2]"
    assert note not in {row.note for row in document_versions(session, KIND)}


async def test_a_refused_proposal_lists_the_apis_errors_by_json_path(stack: e2e.Stack) -> None:
    note = f"refused {uuid.uuid4().hex[:8]}"
    document = {"rates": {"vm-hour": "four", "gb-month": 1.5}}
    api = await stack.post("fiona", f"/api/costs/documents/{KIND}", {"document": document})
    assert api.status_code == 422
    errors = {error["field"]: error["message"] for error in api.json()["errors"]}
    assert len(errors) == 2

    fiona = await person(stack, "fiona")
    token = csrf_of((await fiona.get(FORM)).text)
    text = json.dumps(document, indent=2)
    form = {"csrf_token": token, "document": text, "note": note}
    refused = await fiona.post(FORM, data=form)
    assert refused.status_code == 422
    assert "Nothing was stored: 2 problems" in refused.text
    for path, message in errors.items():
        assert f"<li><code>{escape(path)}</code>: {escape(message)}</li>" in refused.text
    assert 'aria-invalid="true"' in refused.text and 'href="#document"' in refused.text
    assert _textarea(refused.text) == text
    versions = (await stack.get("fiona", f"/api/costs/documents/{KIND}")).json()
    assert note not in {version["note"] for version in versions}


async def test_a_proposal_from_a_file_opens_its_review(stack: e2e.Stack) -> None:
    rates = {"vm-hour": 7, "gb-month": 3}
    fiona = await person(stack, "fiona")
    token = csrf_of((await fiona.get(FORM)).text)
    form = {"csrf_token": token, "document": "not what is proposed", "note": "rates from a file"}
    upload = {"file": ("rates.json", json.dumps({"rates": rates}).encode(), "application/json")}
    answer = await fiona.post(FORM, data=form, files=upload)
    assert answer.status_code == 303, answer.text
    path = answer.headers["location"]
    version = int(path.rsplit("/", 1)[1])
    assert path == f"/costs/documents/{KIND}/versions/{version}"

    stored = (await stack.get("ines", f"/api/costs/documents/{KIND}/versions/{version}")).json()
    assert (stored["status"], stored["document"], stored["note"]) == (
        "proposed",
        {"rates": rates},
        "rates from a file",
    )
    task = await task_in_inbox(stack, "felix", version)
    assert task["kind"] == "cost_document_review" and "fiona" in task["title"]
    review = await (await person(stack, "felix")).get(path)
    assert review.status_code == 200 and 'value="approve"' in review.text
    own = await fiona.get(path)
    assert "proposed: its review has started" in own.text and 'value="approve"' not in own.text
