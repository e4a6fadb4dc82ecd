"""The cost sources page on the real app: finance configures a source and maps its accounts
with the forms, uploads a file with the upload form and is led to the page following its load;
a refused setting or file comes back with its reason and changes nothing; readers see the
sources without the forms, and others may not open it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import WorkflowEnvironment

from domain.costs.load_messages import CostLoadResult
from tests.api import e2e
from tests.builders.cost_files import AWS_CUR_SAMPLE, AZURE_EA_SAMPLE
from tests.web.pages import csrf_of, person, post_form, table_row


@pytest.fixture(scope="module")
async def stack(
    demo_database_url: str,
    temporal_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[e2e.Stack]:
    """The real app and worker, their upload store in a folder of the module's own."""
    data_dir = tmp_path_factory.mktemp("cost-source-pages")
    async with e2e.serve_stack(
        demo_database_url, temporal_env, demo_sessions, data_dir=data_dir
    ) as stack:
        yield stack


def source_form(name: str, **changes: str) -> dict[str, str]:
    form = {
        "name": name,
        "format": "csv",
        "provider": "Colo Partner",
        "billing_accounts": "COLO-1, COLO-2",
        "base_currency": "EUR",
        "refresh_cycle_hours": "24",
        "latency_threshold_hours": "72",
        "column_mapping": "\n".join(
            ("BilledCost = Amount", "ChargePeriodStart = Day", "BillingAccountId = Account")
        ),
        "constants": "BillingCurrency = EUR",
        "rule_zero_cost": "quarantine",
        "location_kind": "folder",
        "path": "/srv/costs/colo",
        "owners": "fiona",
    }
    return {**form, **changes}


async def test_finance_configures_a_source_and_maps_its_accounts(stack: e2e.Stack) -> None:
    fiona = await person(stack, "fiona")
    name = f"colo-{uuid.uuid4().hex[:6]}"
    created = await post_form(fiona, "/costs/sources", "/costs/sources", source_form(name))
    assert created.status_code == 303, created.text
    assert created.headers["location"] == f"/costs/sources/{name}"
    page = (await fiona.get(f"/costs/sources/{name}")).text
    assert "BilledCost = Amount" in page and 'value="quarantine" selected' in page
    assert 'action="/costs/sources/' + name + '/files"' in page  # the upload form
    mapped = await post_form(
        fiona,
        f"/costs/sources/{name}",
        f"/costs/sources/{name}/mappings",
        {"account_id": "COLO-1", "cost_center": "IT-INFRA", "gl_account": "6100"},
    )
    assert mapped.status_code == 303, mapped.text
    row = table_row(
        (await fiona.get(f"/costs/sources/{name}")).text, "mapping-billing_account-COLO-1"
    )
    assert "IT-INFRA" in row and "6100" in row
    listed = table_row((await fiona.get("/costs/sources")).text, f"source-{name}")
    assert "never loaded" in listed and "Colo Partner" in listed


async def test_finance_maps_a_commitment_discount_to_a_contract(stack: e2e.Stack) -> None:
    fiona = await person(stack, "fiona")
    name = f"cloud-{uuid.uuid4().hex[:6]}"
    await post_form(fiona, "/costs/sources", "/costs/sources", source_form(name))
    plan = {"account_kind": "commitment_discount", "account_id": "sp-0a1b2c3d"}
    booked = await post_form(
        fiona,
        f"/costs/sources/{name}",
        f"/costs/sources/{name}/mappings",
        {**plan, "contract": "MSA-NW-01", "cost_center": "IT-INFRA"},
    )
    assert booked.status_code == 422 and "names no cost center, GL account or PO" in booked.text
    mapped = await post_form(
        fiona,
        f"/costs/sources/{name}",
        f"/costs/sources/{name}/mappings",
        {**plan, "contract": "MSA-NW-01"},
    )
    assert mapped.status_code == 303, mapped.text
    row = table_row(
        (await fiona.get(f"/costs/sources/{name}")).text, "mapping-commitment_discount-sp-0a1b2c3d"
    )
    assert "MSA-NW-01" in row and "commitment discount" in row


async def test_a_refused_setting_says_why_and_changes_nothing(stack: e2e.Stack) -> None:
    fiona = await person(stack, "fiona")
    name = f"colo-{uuid.uuid4().hex[:6]}"
    bad = source_form(name, column_mapping="BilledCost = Amount\nRackUnits = U")
    refused = await post_form(fiona, "/costs/sources", "/costs/sources", bad)
    assert refused.status_code == 422
    assert "RackUnits" in refused.text and "RackUnits = U" in refused.text  # kept in the form
    assert f'id="source-{name}"' not in (await fiona.get("/costs/sources")).text
    await post_form(fiona, "/costs/sources", "/costs/sources", source_form(name))
    unknown = await post_form(
        fiona,
        f"/costs/sources/{name}",
        f"/costs/sources/{name}/mappings",
        {"account_id": "COLO-2", "cost_center": "NO-SUCH", "gl_account": "6100"},
    )
    assert unknown.status_code == 422 and "no cost center NO-SUCH" in unknown.text
    assert "mapping-billing_account-COLO-2" not in (await fiona.get(f"/costs/sources/{name}")).text


async def test_readers_see_sources_without_forms_and_others_are_refused(
    stack: e2e.Stack,
) -> None:
    fiona = await person(stack, "fiona")
    name = f"colo-{uuid.uuid4().hex[:6]}"
    await post_form(fiona, "/costs/sources", "/costs/sources", source_form(name))
    ines = await person(stack, "ines")  # auditor
    page = await ines.get(f"/costs/sources/{name}")
    assert page.status_code == 200 and "Colo Partner" in page.text
    assert (
        "Upload a file" not in page.text
        and "Configure a source" not in (await ines.get("/costs/sources")).text
    )
    token = csrf_of(page.text)
    changed = await ines.post(
        f"/costs/sources/{name}", data={**source_form(name), "csrf_token": token}
    )
    assert changed.status_code == 403
    alex = await person(stack, "alex")  # a requester
    assert (await alex.get("/costs/sources")).status_code == 403


async def test_the_upload_form_starts_the_load_and_leads_to_it(stack: e2e.Stack) -> None:
    fiona = await person(stack, "fiona")
    name = f"aws-{uuid.uuid4().hex[:6]}"
    form = {"name": name, "format": "aws-cur", "provider": "AWS", "base_currency": "USD"}
    form |= {"refresh_cycle_hours": "24", "latency_threshold_hours": "72"}
    await post_form(fiona, "/costs/sources", "/costs/sources", form)
    page = f"/costs/sources/{name}"
    token = csrf_of((await fiona.get(page)).text)
    with AWS_CUR_SAMPLE.open("rb") as stream:
        uploaded = await fiona.post(
            f"{page}/files",
            data={"csrf_token": token},
            files={"file": (AWS_CUR_SAMPLE.name, stream, "text/csv")},
        )
    assert uploaded.status_code == 303, uploaded.text
    workflow_id = f"cost-load-{name}-2023-11"
    assert uploaded.headers["location"] == f"/costs/loads?workflow={workflow_id}"
    handle = stack.temporal.get_workflow_handle(workflow_id, result_type=CostLoadResult)
    assert (await handle.result()).status == "loaded"
    listed = table_row((await fiona.get("/costs/sources")).text, f"source-{name}")
    assert "current" in listed and AWS_CUR_SAMPLE.name in listed

    azure = AZURE_EA_SAMPLE.read_bytes()
    refused = await fiona.post(
        f"{page}/files",
        data={"csrf_token": token},
        files={"file": (AZURE_EA_SAMPLE.name, azure, "text/csv")},
    )
    assert refused.status_code == 422
    assert "The file was not loaded" in refused.text and AZURE_EA_SAMPLE.name in refused.text
    assert "Enterprise Agreement" in refused.text  # what the header is instead
