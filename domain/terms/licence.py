"""What a software licence grants: how it is counted, how many, and for what use."""

# No ``from __future__ import annotations``: workflows exchange these dataclasses.

from dataclasses import dataclass
from enum import StrEnum


class LicenceMetric(StrEnum):
    USERS = "users"
    CORES = "cores"
    INSTANCES = "instances"


@dataclass(frozen=True)
class LicenceTerms:
    metric: LicenceMetric
    quantity: int
    permitted_use: str = ""
