"""What a cost file is before it is loaded: its format (the source's, or detected from the
header) and its billing period, read from its first data row through the normaliser.

Guarantees: reads the header and one row (and, for a ``.gz`` file, the compressed stream to its
end, a chunk at a time, so a truncated upload is caught before it is kept); a file that cannot
be read, is of another format than the source's, or holds no data row raises a CostFileError
naming the file, row and column. The rows past the first are checked by the load itself."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from activities.costs.file_format import source_mapping
from adapters.costs.open_file import open_cost_file
from domain.costs.errors import CostFileError
from domain.costs.normalise import Normaliser

CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class FileFacts:
    format: str  # the mapping's name, e.g. "focus-1.2" or "aws-cur"
    billing_period: str  # YYYY-MM
    provider: str | None
    billing_account: str | None


def file_facts(
    path: Path, name: str, source_format: str, column_mapping: Mapping[str, Any]
) -> FileFacts:
    """The file's format and its first data row's billing period (its charge period when the
    format has no billing period), provider and billing account."""
    if name.lower().endswith(".gz"):
        check_gzip(path, name)
    reader = open_cost_file(path)
    mapping = source_mapping(name, reader.header, source_format, column_mapping)
    normaliser = Normaliser(name, mapping, reader.header)
    first = next(iter(reader.rows()), None)
    if first is None:
        raise CostFileError(name, 1, "", "the file holds no data row")
    focus = normaliser.normalise(first.row_number, first.values).focus
    start = focus.get("BillingPeriodStart") or focus.get("ChargePeriodStart")
    if not isinstance(start, datetime):
        raise CostFileError(
            name, 1, "", "the first row says neither its billing nor its charge period"
        )
    provider, account = focus.get("ProviderName"), focus.get("BillingAccountId")
    return FileFacts(
        mapping.name,
        start.strftime("%Y-%m"),
        provider if isinstance(provider, str) else None,
        account if isinstance(account, str) else None,
    )


def check_gzip(path: Path, name: str) -> None:
    """Reads the gzip stream to its end; a truncated or corrupt one raises a CostFileError."""
    try:
        with gzip.open(path, "rb") as stream:
            while stream.read(CHUNK_BYTES):
                pass
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise CostFileError(
            name, 0, "", f"the gzip stream is truncated or corrupt ({error})"
        ) from error


def is_wrong_format(error: CostFileError) -> bool:
    """Whether the problem is the file's header (another format, a column missing) rather than
    the file being unreadable."""
    return error.row == 0 and "header" in error.problem
