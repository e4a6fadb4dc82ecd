"""Schemathesis against the app's own OpenAPI document: every JSON API operation, called with
each role's token on generated (and deliberately invalid) input, answers without a 5xx, with a
status code the document declares for it, and with a body matching the declared schema.

Each operation's cases are generated once and sent as every role its gate lets through (what
they see differs by role), and as one role it refuses (the refusal keeps the contract too; that
every other role is refused is test_access_control's). Invalid input is sent as one role the gate
lets through: past the gate, validating a request does not look at who sent it.

The app is served by uvicorn on loopback over a database of its own (generated calls may upload
policies or revise budgets), with the real Temporal dev server; no worker runs, so a requisition
it manages to raise waits harmlessly on a task queue of its own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from temporalio.testing import WorkflowEnvironment

from cli.demo_data import USERS
from domain.catalog import Role
from tests.api.gates import allowed_roles, routes
from tests.api.served import ServedApp, served_app
from tests.conftest import fresh_demo_database

# One demo user per role; together they hold every role there is.
ROLE_HOLDERS = {
    "requester": "alex",
    "approver": "priya",
    "finance": "felix",
    "procurement": "paul",
    "auditor": "ines",
    "admin": "maria",
    "finops": "olga",
}
HOLDS = {user.username: set(user.roles) for user in USERS}
EXAMPLES = {GenerationMode.POSITIVE: 3, GenerationMode.NEGATIVE: 2}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def app(postgres_admin_url: str, temporal_env: WorkflowEnvironment) -> Iterator[ServedApp]:
    database_url = fresh_demo_database(postgres_admin_url, "poflow_contract_test")
    with served_app(database_url, temporal_env.client.service_client.config.target_host) as app:
        yield app


def test_every_operation_keeps_its_contract_for_every_role(app: ServedApp) -> None:
    schema = schemathesis.openapi.from_url(f"{app.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) > 40  # the whole API, not a document that lost its paths
    gates = {(method, path): allowed_roles(route.dependant) for method, path, route in routes()}
    assert any(gates.values())  # the gates are read, not taken for open doors
    http = requests.Session()
    failures: list[str] = []
    for operation in operations:
        admitted, refused = _callers(gates[(operation.method.upper(), operation.path)])
        callers = {
            GenerationMode.POSITIVE: admitted + refused[:1],
            GenerationMode.NEGATIVE: admitted[:1],
        }
        for mode, roles in callers.items():
            found = _explore(operation, mode, app, http, roles)
            failures += [f"{role} {operation.label} ({mode.value}): {gist}" for role, gist in found]
    assert not failures, "\n".join(failures) + f"\n{len(failures)} failures in all"


def _callers(gate: set[Role] | None) -> tuple[list[str], list[str]]:
    """The roles whose holders ``gate`` lets through (all when it is open), and the others."""
    admitted = [r for r, user in ROLE_HOLDERS.items() if gate is None or HOLDS[user] & gate]
    assert admitted, f"no demo role holder passes the gate {gate}"
    return admitted, [role for role in ROLE_HOLDERS if role not in admitted]


def _explore(
    operation: APIOperation[Any, Any, Any, Any],
    mode: GenerationMode,
    app: ServedApp,
    http: requests.Session,
    roles: list[str],
) -> list[tuple[str, str]]:
    """Send each case generated for ``operation`` as each of ``roles``; (role, what each failed
    check said)."""
    found: list[tuple[str, str]] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Case[Any]) -> None:
        for role in roles:
            auth = app.auth(ROLE_HOLDERS[role])
            response = case.call(base_url=app.url, session=http, headers=auth)
            try:
                case.validate_response(response, checks=CHECKS, headers=auth)
            except (AssertionError, BaseExceptionGroup) as failure:
                found.append((role, _gist(failure)))

    try:
        call()
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE  # nothing in the operation can be made invalid
    return found


def _gist(failure: BaseException) -> str:
    """What failed, what came back, and the curl line that reproduces it."""
    keep = ("- ", "Received:", "Documented:", "[", "curl ", "`")
    lines = [line.strip() for line in str(failure).splitlines()]
    return " | ".join(line[:300] for line in lines if line.startswith(keep))
