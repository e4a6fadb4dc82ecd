"""The AWS CUR (legacy) manifest: the JSON AWS writes per billing period beside the report,
listing the report's files (`reportKeys`) of its latest assembly."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from domain.costs.errors import CostFileError
from domain.costs.values import parse_datetime


@dataclass(frozen=True)
class CurManifest:
    report_name: str
    assembly_id: str
    billing_period_start: datetime
    billing_period_end: datetime
    report_keys: tuple[str, ...]
    compression: str
    columns: tuple[str, ...]  # as `category/name`, the report's header


def parse_cur_manifest(file: str, text: str) -> CurManifest:
    """A manifest's content; a CostFileError naming the field that is missing or malformed."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise CostFileError(file, 0, "", f"the manifest is not JSON ({error})") from error
    try:
        period = document["billingPeriod"]
        keys = document["reportKeys"]
        if not isinstance(keys, list) or not keys:
            raise CostFileError(file, 0, "reportKeys", "the manifest lists no report file")
        return CurManifest(
            report_name=str(document.get("reportName", "")),
            assembly_id=str(document["assemblyId"]),
            billing_period_start=_period_date(file, period["start"]),
            billing_period_end=_period_date(file, period["end"]),
            report_keys=tuple(str(key) for key in keys),
            compression=str(document.get("compression", "GZIP")),
            columns=tuple(f"{c['category']}/{c['name']}" for c in document.get("columns", ())),
        )
    except KeyError as missing:
        raise CostFileError(file, 0, str(missing.args[0]), "missing from the manifest") from None


def _period_date(file: str, text: str) -> datetime:
    """`20231101T000000.000Z`, as AWS writes it, or ISO 8601."""
    compact = f"{text[:4]}-{text[4:6]}-{text[6:8]}T{text[9:11]}:{text[11:13]}:{text[13:]}"
    try:
        return parse_datetime(compact if len(text) >= 15 and text[8] == "T" else text)
    except ValueError as error:
        raise CostFileError(file, 0, "billingPeriod", f"{text!r} is not a date") from error
