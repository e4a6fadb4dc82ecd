"""The inbox as a worklist on the real app and worker: sorted by query parameters (a bad one
answers 422 saying what is allowed), counted in every page's navigation, and low-risk POs
approved together, each through the workflow; ``/`` leads each role to its page, and the
auditor's search shows the audit trail's state."""

import html
import json
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import WorkflowEnvironment

from domain.catalog import Role
from models.db import unit_of_work
from models.people.accounts import set_password, upsert_user
from tests.api import e2e
from tests.web.pages import DEMO_PASSWORD, csrf_of, person


@pytest.fixture(scope="module")
def checkpoint_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This stack's own signed audit checkpoints (the data folder's may be another database's)."""
    return tmp_path_factory.mktemp("audit-checkpoints")


@pytest.fixture(scope="module")
async def stack(
    demo_database_url: str,
    temporal_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
    checkpoint_dir: Path,
) -> AsyncIterator[e2e.Stack]:
    async with e2e.serve_stack(
        demo_database_url, temporal_env, demo_sessions, audit_checkpoint_dir=checkpoint_dir
    ) as served:
        yield served


def _listed(html: str, numbers: list[str]) -> list[str]:
    """``numbers`` in the order the inbox lists them."""
    found = re.findall(r'<a href="/po/(PO-\d+)">', html.split("Recently decided")[0])
    return [number for number in dict.fromkeys(found) if number in numbers]


def _nav_count(html: str) -> int:
    found = re.search(r'aria-label="Inbox, (\d+) waiting">Inbox \((\d+)\)</a>', html)
    assert found, "the navigation shows no inbox count"
    assert found.group(1) == found.group(2)
    return int(found.group(1))


async def test_the_inbox_sorts_by_amount_requester_and_deadline(stack: e2e.Stack) -> None:
    small = await stack.submit("alex", e2e.storage_body(terabytes=2))
    await stack.pending(small)  # its tier started first, so its deadline comes first
    large = await stack.submit("sam", e2e.storage_body(terabytes=40))
    await stack.pending(large)
    priya = await person(stack, "priya")
    mine = [small, large]
    by_amount = await priya.get("/inbox", params={"sort": "amount"})
    assert _listed(by_amount.text, mine) == [large, small]
    by_requester = await priya.get("/inbox", params={"sort": "requester"})
    assert _listed(by_requester.text, mine) == [small, large]  # alex before sam
    by_deadline = await priya.get("/inbox")  # the default: soonest deadline first
    assert _listed(by_deadline.text, mine) == [small, large]
    assert '<option value="due" selected>' in by_deadline.text


async def test_an_unknown_sort_is_refused_with_what_is_allowed(stack: e2e.Stack) -> None:
    priya = await person(stack, "priya")
    refused = await priya.get("/inbox", params={"sort": "colour"})
    assert refused.status_code == 422
    expected = "Sort must be one of: due, amount, requester or age."
    assert expected in html.unescape(refused.text)


async def test_every_page_counts_what_waits_in_the_inbox(stack: e2e.Stack) -> None:
    priya = await person(stack, "priya")
    before = _nav_count((await priya.get("/preferences")).text)
    number = await stack.submit("alex", e2e.storage_body())
    await stack.pending(number)
    inbox = await priya.get("/inbox")
    assert _nav_count(inbox.text) == before + 1
    assert _nav_count(inbox.text) == len(
        set(_listed(inbox.text, re.findall(r"PO-\d+", inbox.text)))
    )


async def test_low_risk_pos_are_approved_together_and_the_others_refused_with_why(
    stack: e2e.Stack,
) -> None:
    low = [await stack.submit("alex", e2e.storage_body(terabytes=t)) for t in (1, 2)]
    high = await stack.submit("alex", e2e.storage_body(terabytes=300))  # 6,300.00 EUR
    pii = e2e.storage_body(risk_flags=["handles_pii"], dpia_ref="DPIA-2026-14")
    flagged = await stack.submit("alex", pii)
    for number in (*low, high, flagged):
        await stack.pending(number)
    priya = await person(stack, "priya")
    inbox = await priya.get("/inbox")
    for number in low:
        assert f'name="po_number" value="{number}"' in inbox.text
    for number in (high, flagged):  # no checkbox: not low-risk
        assert f'name="po_number" value="{number}"' not in inbox.text
    assert inbox.text.count("Approve selected") == 1

    asked = [*low, high, flagged, "PO-999999"]
    form = {"csrf_token": csrf_of(inbox.text), "po_number": asked}
    result = await priya.post("/inbox/approve", data=form)
    assert result.status_code == 200
    approved, refused = result.text.split("Not approved")
    assert all(f"{number}</a> approved" in approved for number in low)
    assert f"{high}</a>: its amount 6,300.00 EUR is not below the low-risk limit" in refused
    assert f"{flagged}</a>: it carries risk flags (handles pii)" in refused
    assert "PO-999999</a>: it does not wait on you" in refused
    for number in low:
        done = await stack.po_when(number, lambda po: po["status"] == "issued")
        assert [(d["actor"], d["action"]) for d in done["detail"]["decisions"]] == [
            ("priya", "approve")
        ]
    for number in (high, flagged):
        still = await stack.pending(number)
        assert still["detail"]["decisions"] == []


async def test_a_po_waiting_on_someone_else_is_not_approved_together(stack: e2e.Stack) -> None:
    """alex's storage PO waits on priya: sam, an approver of another cost center, selecting it
    anyway gets it back refused, and sending nothing selected asks to select."""
    number = await stack.submit("alex", e2e.storage_body())
    await stack.pending(number)
    sam = await person(stack, "sam")
    page = await sam.get("/inbox")
    result = await sam.post(
        "/inbox/approve", data={"csrf_token": csrf_of(page.text), "po_number": number}
    )
    assert f"{number}</a>: it does not wait on you" in result.text
    nothing = await sam.post("/inbox/approve", data={"csrf_token": csrf_of(page.text)})
    assert nothing.status_code == 422 and "Select at least one PO" in nothing.text


async def test_slash_leads_each_role_to_its_page(stack: e2e.Stack) -> None:
    """Newcomers, so nothing waits on them yet; then an approver something waits on."""
    expected = {
        (Role.FINANCE, Role.APPROVER): "/reports/summary",
        (Role.AUDITOR,): "/audit",
        (Role.REQUESTER, Role.APPROVER): "/my-requests",
        (Role.APPROVER,): "/inbox",
    }
    for roles, page in expected.items():
        username = f"{roles[0].value}{uuid.uuid4().hex[:6]}"
        with unit_of_work(stack.sessions) as session:
            set_password(upsert_user(session, username, roles=roles), DEMO_PASSWORD)
        landed = await (await person(stack, username)).get("/")
        assert (landed.status_code, landed.headers["location"]) == (303, page), roles
    number = await stack.submit("alex", e2e.storage_body())
    await stack.pending(number)
    priya = await person(stack, "priya")  # an approver with something waiting
    assert (await priya.get("/")).headers["location"] == "/inbox"


async def test_my_requests_shows_where_each_po_stands(stack: e2e.Stack) -> None:
    number = await stack.submit("alex", e2e.storage_body())
    tiers = len((await stack.pending(number))["detail"]["tiers"])  # as the policy routes it
    alex = await person(stack, "alex")
    page = (await alex.get("/my-requests")).text
    tracker = page.split(f'aria-label="Where {number} stands">')[1].split("</ol>")[0]
    steps = " ".join(re.sub(r"<[^>]+>", " ", tracker).split())
    now = f"Approval: tier 1 of {tiers} (cost-center owner) (now)"
    assert steps == f"Requisition (done) {now} Issued Invoiced Closed"
    assert 'aria-current="step"' in tracker


async def test_the_auditor_finds_pos_under_the_audit_trails_state(
    stack: e2e.Stack, checkpoint_dir: Path
) -> None:
    number = await stack.submit("sam", e2e.storage_body(title="Backup vault for audit"))
    await stack.pending(number)
    ines = await person(stack, "ines")
    page = await ines.get("/audit", params={"requester": "SAM", "status": "pending_approval"})
    assert page.status_code == 200
    assert "Audit trail: intact" in page.text and "entries verified" in page.text
    assert f'<a href="/po/{number}">{number}</a>' in page.text
    assert "alex" not in page.text.split("<tbody>")[1]
    by_number = await ines.get("/audit", params={"number": number})
    assert by_number.text.count('<a href="/po/PO-') == 1
    bad = await ines.get("/audit", params={"status": "lost"})
    assert bad.status_code == 422 and "status: must be one of" in bad.text
    alex = await person(stack, "alex")
    assert (await alex.get("/audit")).status_code == 403


async def test_the_auditor_reads_a_forged_checkpoint_as_a_broken_trail(
    stack: e2e.Stack, checkpoint_dir: Path
) -> None:
    forged = checkpoint_dir / "audit-checkpoint-20991231T000000000000Z-0.json"
    document = {"sequence": 1, "hash": "0" * 64, "entries": 1, "written_at": "2099-12-31T00:00:00"}
    forged.write_text(json.dumps({**document, "signature": "not-ours"}), encoding="utf-8")
    try:
        page = (await (await person(stack, "ines")).get("/audit")).text
    finally:
        forged.unlink()
    assert "Audit trail: BROKEN" in page
    assert f"checkpoint {forged.name}: signature does not match" in page
