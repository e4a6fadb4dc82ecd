"""What people said on a PO, on the pages: the question an approver asked and the requester's
answer on the PO page, the question in the requester's inbox while it waits on them, and who
rejected a request and why in My requests."""

import html
import re

from tests.api import e2e
from tests.web.pages import csrf_of, person, priya_on_a_waiting_po

stack = e2e.stack


def _thread_of(page: str) -> str:
    found = re.search(r'<section[^>]*id="questions".*?</section>', page, re.S)
    assert found, "the PO page shows no questions and answers"
    text = re.sub(r"<[^>]+>", " ", found.group(0))  # the words a reader sees
    return " ".join(html.unescape(text).split())


async def test_the_question_and_the_requesters_answer_show_on_the_po_page(
    stack: e2e.Stack,
) -> None:
    number, priya, page = await priya_on_a_waiting_po(stack)
    asked = await priya.post(
        f"/po/{number}/decide",
        data={
            "action": "request_information",
            "comment": "Which teams' backups go there?",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert asked.status_code == 303
    await stack.po_when(number, lambda po: po["status"] == "information_requested")

    alex = await person(stack, "alex")
    inbox = (await alex.get("/inbox")).text
    assert f'href="/po/{number}"' in inbox
    assert "Which teams&#39; backups go there?" in inbox and "your answer needed" in inbox
    waiting = _thread_of((await alex.get(f"/po/{number}")).text)
    assert "priya asked" in waiting and "Which teams' backups go there?" in waiting
    assert "Waiting for alex's answer" in waiting

    answered = await stack.post(
        "alex",
        f"/api/purchase-orders/{number}/information",
        {"answer": "Finance and HR, nightly"},
    )
    assert answered.status_code == 200, answered.text
    await stack.pending(number)
    thread = _thread_of((await priya.get(f"/po/{number}")).text)
    question, answer = thread.index("priya asked"), thread.index("alex answered")
    assert question < answer and thread.index("Finance and HR, nightly") > answer
    assert "Waiting for" not in thread
    assert "your answer needed" not in (await alex.get("/inbox")).text


async def test_my_requests_says_who_rejected_and_why(stack: e2e.Stack) -> None:
    number = await stack.submit("alex", e2e.storage_body())
    await stack.pending(number)
    rejected = await stack.post(
        "priya",
        f"/api/purchase-orders/{number}/decisions",
        {"action": "reject", "comment": "Use the shared bucket"},
    )
    assert rejected.status_code == 200, rejected.text
    await stack.po_when(number, lambda po: po["status"] == "rejected")
    page = (await (await person(stack, "alex")).get("/my-requests")).text
    entry = page[page.index(f'id="po-{number}"') :]
    entry = " ".join(entry.split('<li class="panel')[0].split())  # up to the next PO's entry
    assert "Rejected by priya" in entry and "Use the shared bucket" in entry
