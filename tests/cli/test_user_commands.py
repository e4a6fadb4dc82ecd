"""`poflow users token --quiet` prints the token alone, so a shell can keep it in a variable,
and the token it prints signs its holder in to the API."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from models.people.accounts import user_for_token
from tests.cli.command import poflow


def users(args: list[str], database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return poflow(["users", *args], database_url, cwd)


def test_a_quiet_token_is_the_token_alone_and_signs_its_holder_in(
    demo_database_url: str, demo_sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    told = users(["token", "sam"], demo_database_url, tmp_path)
    assert told.returncode == 0 and told.stdout.startswith("API token (shown once): ")
    quiet = users(["token", "sam", "--quiet"], demo_database_url, tmp_path)
    assert quiet.returncode == 0, quiet.stderr
    token = quiet.stdout.strip()
    assert quiet.stdout == f"{token}\n" and " " not in token
    with demo_sessions() as session:
        holder = user_for_token(session, token)
        assert holder is not None and holder.username == "sam"
