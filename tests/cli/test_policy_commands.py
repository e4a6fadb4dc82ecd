"""`poflow policy` against a real database: list, show, and upload with schema errors named."""

import json
import subprocess
from pathlib import Path

from tests.builders.policies import POLICY_DOCUMENT, demo_policy
from tests.cli.command import poflow as run_poflow


def poflow(args: list[str], database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_poflow(["policy", *args], database_url, cwd)


def test_upload_a_version_then_list_and_show_it(demo_database_url: str, tmp_path: Path) -> None:
    document = demo_policy()
    document["description"] = "stricter leadership threshold"
    document["tiers"][1]["when"] = [{"amount_base_minor_at_least": 2_000_000}]
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(document))
    stored = poflow(["upload", str(path), "--note", "lower threshold"], demo_database_url, tmp_path)
    assert stored.returncode == 0, stored.stderr
    version = int(stored.stdout.split(" v")[1].split(";")[0])
    listing = poflow(["list"], demo_database_url, tmp_path).stdout
    assert listing.splitlines()[0].startswith(f"it-purchasing v{version}")
    shown = poflow(["show", "it-purchasing", str(version)], demo_database_url, tmp_path)
    assert json.loads(shown.stdout)["tiers"][1]["when"] == [
        {"amount_base_minor_at_least": 2_000_000}
    ]
    restored = tmp_path / "demo.json"
    restored.write_text(json.dumps(POLICY_DOCUMENT))
    assert poflow(["upload", str(restored)], demo_database_url, tmp_path).returncode == 0


def test_a_bad_document_is_refused_with_each_error_and_nothing_stored(
    demo_database_url: str, tmp_path: Path
) -> None:
    before = poflow(["list"], demo_database_url, tmp_path).stdout
    document = demo_policy()
    document["tiers"][0]["deadline_hours"] = 1.5
    document["surprise"] = True
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    refused = poflow(["upload", str(path)], demo_database_url, tmp_path)
    assert refused.returncode == 2
    assert "$.tiers[0].deadline_hours" in refused.stderr and "surprise" in refused.stderr
    assert poflow(["list"], demo_database_url, tmp_path).stdout == before
