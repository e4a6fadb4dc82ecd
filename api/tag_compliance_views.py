"""Tag compliance as the API, the page and the CSV read it: who may, and the refusals of a bad
period (422 ``invalid_period``) or of no tag policy in force (409 ``no_tag_policy``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import status
from sqlalchemy.orm import Session

from api.cost_access import SPEND_READERS
from api.errors import Refused
from api.schemas.tag_compliance import ComplianceOut
from models.costs.noncompliant import NoncompliantResource, noncompliant_resources
from models.costs.tag_compliance import ComplianceReport, Dimension, tag_compliance
from models.costs.tag_judged import BadPeriod, NoTagPolicy

COMPLIANCE_READERS = SPEND_READERS


@contextmanager
def tag_refusals() -> Iterator[None]:
    """A bad period or no tag policy in force, answered with its status and rule."""
    try:
        yield
    except BadPeriod as bad:
        raise Refused(status.HTTP_422_UNPROCESSABLE_CONTENT, str(bad), rule=bad.rule) from bad
    except NoTagPolicy as none:
        raise Refused(status.HTTP_409_CONFLICT, str(none), rule=none.rule) from none


def read_compliance(
    session: Session, period: str, dimensions: tuple[Dimension, ...] = tuple(Dimension)
) -> ComplianceReport:
    with tag_refusals():
        return tag_compliance(session, period, dimensions)


def read_resources_to_fix(session: Session, period: str) -> list[NoncompliantResource]:
    with tag_refusals():
        return noncompliant_resources(session, period)


def compliance_csv(report: ComplianceReport, by: Dimension) -> str:
    """One row per group and currency, the same fields as the API, exact decimals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    groups = ComplianceOut.of(report, by).groups
    fields = list(type(groups[0]).model_fields) if groups else ["group"]
    writer.writerow(["period", "by", *fields])
    for group in groups:
        values = group.model_dump()
        writer.writerow(
            [report.period, by, *("" if values[f] is None else values[f] for f in fields)]
        )
    return out.getvalue()
