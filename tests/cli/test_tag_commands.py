"""`poflow tags` as an operator runs it, against a database holding a real Azure export and the
tag policy in force: the AWS export on stdout, the month-end close frozen once, and a refusal
as one line with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.db import build_engine
from tests.builders.tagged_costs import PERIOD, TaggedSample, load_tagged_sample
from tests.cli.command import poflow
from tests.conftest import app_role_url, fresh_database


@pytest.fixture(scope="module")
def tagged(postgres_admin_url: str) -> tuple[str, TaggedSample]:
    url = app_role_url(fresh_database(postgres_admin_url, "poflow_tag_cli_test"))
    engine = build_engine(url, pool_size=1)
    sample = load_tagged_sample(engine)
    engine.dispose()
    return url, sample


def test_export_close_and_refusals(tagged: tuple[str, TaggedSample], tmp_path: Path) -> None:
    url, sample = tagged
    exported = poflow(["tags", "export", "aws"], url, tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["tags"]["costcenter"]["tag_value"] == {"@@assign": ["1234"]}
    close = ["tags", "close", "--period", PERIOD, "--as", sample.source_owner]
    first = poflow(close, url, tmp_path)
    assert first.stdout.strip() == f"{PERIOD} v1 frozen (tag policy v1)", first.stderr
    again = poflow(close, url, tmp_path)
    assert again.stdout.strip() == f"{PERIOD} v1 already frozen, kept (tag policy v1)"
    bad = poflow(["tags", "compliance", "--period", "09-2023"], url, tmp_path)
    assert (bad.returncode, bad.stderr.strip()) == (
        2,
        "poflow: period '09-2023' is not a month as YYYY-MM (invalid_period)",
    )
