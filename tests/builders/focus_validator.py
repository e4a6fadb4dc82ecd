"""Running the FinOps Foundation's focus-validator 1.0.0 (installed in ``.venv-focus`` by `make
.venv-focus/.installed`) on a FOCUS export, as its own process."""

from __future__ import annotations

import subprocess
from pathlib import Path

VALIDATOR = Path(".venv-focus/bin/focus-validator")
PASSED = "Validation succeeded."


def focus_validator_report(export: str, folder: Path, repo_root: Path) -> str:
    """The validator's report on ``export`` against FOCUS 1.0. It exits 0 whether or not the
    file passes (the report says which), and reads its currency list by a path relative to its
    package's parent folder, so it runs there."""
    path = folder / "focus-export.csv"
    path.write_text(export)
    validator = repo_root / VALIDATOR
    site = subprocess.run(
        [validator.parent / "python", "-c", "import focus_validator, pathlib; "
         "print(pathlib.Path(focus_validator.__file__).parent.parent)"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    report = subprocess.run(
        [validator, "--data-file", path, "--validate-version", "1.0"],
        capture_output=True, text=True, cwd=site, timeout=300,
    )  # fmt: skip
    return report.stdout + report.stderr
