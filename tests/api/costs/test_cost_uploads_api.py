"""Uploading a cost file through the API: streamed into the upload store whatever its size (a
real 1 MB CUR sample through an app whose request limit is 64 KiB), kept under its SHA-256, its
billing period read from its first row, its load started (202 with the workflow id and the page
to follow it); a second load of the same period while the first runs is a 409; a file of another
format, or unreadable, is a 422 naming the problem, and nothing of it is kept."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator

from tests.api.costs.costs_app import SMALLEST_BODY_LIMIT, CostsApi, costs_api, kept_files
from tests.builders.cost_files import AWS_CUR_SAMPLE, AZURE_EA_SAMPLE

__all__ = ["costs_api"]


def in_chunks(data: bytes, size: int = 8192) -> Iterator[bytes]:
    """The body as a stream of chunks with no declared length (chunked transfer encoding)."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_a_real_file_larger_than_any_request_is_streamed_in_and_its_load_started(
    costs_api: CostsApi,
) -> None:
    name = costs_api.source()
    data = AWS_CUR_SAMPLE.read_bytes()
    assert len(data) > 10 * SMALLEST_BODY_LIMIT
    answer = costs_api.client.post(
        f"/api/costs/sources/{name}/files",
        params={"filename": AWS_CUR_SAMPLE.name},
        content=in_chunks(data),
        headers=costs_api.auth(costs_api.finance),
    )
    assert answer.status_code == 202, answer.text
    body = answer.json()
    sha256 = hashlib.sha256(data).hexdigest()
    assert body["billing_period"] == "2023-11" and body["sha256"] == sha256
    assert body["workflow_id"] == f"cost-load-{name}-2023-11"
    assert body["follow"] == f"/costs/loads?workflow=cost-load-{name}-2023-11"
    kept = costs_api.store / name / sha256 / AWS_CUR_SAMPLE.name
    assert kept_files(costs_api.store) == [kept] and kept.read_bytes() == data

    again = costs_api.client.post(
        f"/api/costs/sources/{name}/files",
        params={"filename": "again.csv"},
        content=data,
        headers=costs_api.auth(costs_api.finance),
    )
    assert again.status_code == 409 and again.json()["rule"] == "load_running"
    assert "2023-11" in again.json()["detail"]
    assert kept_files(costs_api.store) == [kept]  # the refused copy is not kept


def test_a_multipart_upload_is_taken_too(costs_api: CostsApi) -> None:
    name = costs_api.source(fmt="azure-ea", provider="Microsoft", base_currency="EUR")
    with AZURE_EA_SAMPLE.open("rb") as stream:
        answer = costs_api.client.post(
            f"/api/costs/sources/{name}/files",
            files={"file": (AZURE_EA_SAMPLE.name, stream, "text/csv")},
            headers=costs_api.auth(costs_api.finance),
        )
    assert answer.status_code == 202, answer.text
    assert answer.json()["file"] == AZURE_EA_SAMPLE.name


def test_a_file_of_another_format_is_refused_naming_it_and_not_kept(costs_api: CostsApi) -> None:
    name = costs_api.source(fmt="azure-ea", provider="Microsoft", base_currency="EUR")
    answer = costs_api.client.post(
        f"/api/costs/sources/{name}/files",
        params={"filename": AWS_CUR_SAMPLE.name},
        content=AWS_CUR_SAMPLE.read_bytes(),
        headers=costs_api.auth(costs_api.finance),
    )
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["rule"] == "wrong_format"
    assert AWS_CUR_SAMPLE.name in problem["detail"] and "AWS Cost and Usage" in problem["detail"]
    assert kept_files(costs_api.store) == []


def test_an_unreadable_file_is_refused_naming_the_row_and_not_kept(costs_api: CostsApi) -> None:
    name = costs_api.source()
    whole = gzip.compress(AWS_CUR_SAMPLE.read_bytes())
    truncated = costs_api.client.post(
        f"/api/costs/sources/{name}/files",
        params={"filename": "cur.csv.gz"},
        content=whole[: len(whole) // 2],
        headers=costs_api.auth(costs_api.finance),
    )
    assert truncated.status_code == 422, truncated.text
    assert truncated.json()["rule"] == "unreadable_file"
    assert "cur.csv.gz" in truncated.json()["detail"]
    header_only = AWS_CUR_SAMPLE.read_text().splitlines()[0] + "\n"
    empty = costs_api.client.post(
        f"/api/costs/sources/{name}/files",
        params={"filename": "empty.csv"},
        content=header_only.encode(),
        headers=costs_api.auth(costs_api.finance),
    )
    assert empty.status_code == 422 and "no data row" in empty.json()["detail"]
    not_a_cost_file = costs_api.client.post(
        f"/api/costs/sources/{name}/files",
        params={"filename": "invoice.pdf"},
        content=b"%PDF-1.7",
        headers=costs_api.auth(costs_api.finance),
    )
    assert not_a_cost_file.status_code == 422
    assert kept_files(costs_api.store) == []


def test_only_finance_or_admins_upload_and_only_to_a_source_that_exists(
    costs_api: CostsApi,
) -> None:
    name = costs_api.source()
    path = f"/api/costs/sources/{name}/files"
    data = AWS_CUR_SAMPLE.read_bytes()[:4096]
    refused = costs_api.client.post(
        path,
        params={"filename": "a.csv"},
        content=data,
        headers=costs_api.auth(costs_api.requester),
    )
    assert refused.status_code == 403
    missing = costs_api.client.post(
        "/api/costs/sources/nope/files",
        params={"filename": "a.csv"},
        content=data,
        headers=costs_api.auth(costs_api.finance),
    )
    assert missing.status_code == 404
    assert kept_files(costs_api.store) == []
