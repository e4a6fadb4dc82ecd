"""The tag policy's rules as a governed document: its JSON Schema (``tag_policy_schema.json``
beside this module, served by the API) and the checks the schema cannot make."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from sqlalchemy.orm import Session

from domain.costs.tag_policy import policy_problems
from models.document_errors import DocumentError

TAG_POLICY_SCHEMA: dict[str, Any] = json.loads(
    resources.files("models.costs").joinpath("tag_policy_schema.json").read_text(encoding="utf-8")
)


def tag_policy_checks(_: Session, document: dict[str, Any]) -> list[DocumentError]:
    return [DocumentError(path, message) for path, message in policy_problems(document)]
