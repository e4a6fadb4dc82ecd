"""Which files of a store belong to a billing period, by their key: a key naming the period as
``YYYY-MM`` or ``YYYYMM`` (``billing_period=2024-09/``, ``costs-202409.csv.gz``), or lying in an
AWS folder of the period's days (``20240901-20241001/``). In a folder of the period that holds a
CUR manifest (``<report>-Manifest.json``), the period's files are the ones the manifest lists:
the latest assembly only, never an older one beside it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from posixpath import basename, dirname

COST_FILE_SUFFIXES = (".csv", ".csv.gz", ".parquet")
MANIFEST_SUFFIX = "-Manifest.json"


_SHA256 = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")


def in_period(key: str, billing_period: str) -> bool:
    """Whether ``key`` names ``billing_period`` (``YYYY-MM``); the digits of a SHA-256 in it
    (uploads are kept under ``<sha256>/<name>``) name nothing."""
    key = _SHA256.sub("", key)
    year, month = billing_period.split("-")
    named = rf"(?<!\d)({year}-{month}|{year}{month})(?![\d])"
    days = rf"(?<!\d){year}{month}01-\d{{8}}(?!\d)"
    return re.search(named, key) is not None or re.search(days, key) is not None


def is_cost_file(key: str) -> bool:
    return key.lower().endswith(COST_FILE_SUFFIXES)


def period_files(
    keys: Iterable[str], billing_period: str, manifest_keys: Callable[[str], tuple[str, ...]]
) -> list[str]:
    """The keys of ``billing_period``'s cost files among ``keys``, in key order;
    ``manifest_keys`` reads the report keys a CUR manifest lists."""
    of_period = [key for key in keys if in_period(key, billing_period)]
    manifests = [key for key in of_period if key.endswith(MANIFEST_SUFFIX)]
    listed: set[str] = set()
    for manifest in manifests:
        listed.update(_in_store(report_key, of_period) for report_key in manifest_keys(manifest))
    governed = tuple(f"{dirname(manifest)}/" for manifest in manifests)
    chosen = [
        key
        for key in of_period
        if is_cost_file(key) and (key in listed or not key.startswith(governed))
    ]
    return sorted(set(chosen) | {key for key in listed if is_cost_file(key)})


def _in_store(report_key: str, keys: list[str]) -> str:
    """A manifest names its files by their key in the bucket AWS wrote to; a folder or bucket
    that holds a copy under another prefix has them under the same tail."""
    for key in keys:
        if key == report_key or report_key.endswith(f"/{key}") or key.endswith(f"/{report_key}"):
            return key
    return report_key


def display_name(key: str) -> str:
    return basename(key)
