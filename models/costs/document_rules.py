"""What each kind of governed cost document must satisfy: its JSON Schema (draft 2020-12,
served by the API) and the checks a schema cannot make, such as a named cost center that must
exist. A kind without rules here cannot be uploaded yet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy.orm import Session

from domain.costs.governance import DocumentKind
from models.costs.allocation_schema import ALLOCATION_SCHEMA, allocation_model_errors
from models.costs.tag_policy_rules import TAG_POLICY_SCHEMA, tag_policy_checks
from models.document_errors import DocumentError

StoredChecks = Callable[[Session, dict[str, Any]], list[DocumentError]]


@dataclass(frozen=True)
class KindRules:
    schema: dict[str, Any]
    # Run only on a document the schema accepts; each error names its JSON path.
    checks: StoredChecks

    @property
    def validator(self) -> Draft202012Validator:
        return Draft202012Validator(self.schema)


RULES: dict[DocumentKind, KindRules] = {
    DocumentKind.TAG_POLICY: KindRules(TAG_POLICY_SCHEMA, tag_policy_checks),
    DocumentKind.ALLOCATION_MODEL: KindRules(ALLOCATION_SCHEMA, allocation_model_errors),
}
