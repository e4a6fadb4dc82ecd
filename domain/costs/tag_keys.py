"""Tag keys as the reports group them: providers and teams spell one key many ways
(``CostCenter``, ``cost-center``, ``cost_center ``); the normalised key is the same for all."""

from __future__ import annotations

import re
from collections.abc import Mapping

_SEPARATORS = re.compile(r"[^0-9a-z]+")


def normalised_key(raw: str) -> str:
    """Lower case, camelCase split, every run of other characters one ``_``, none at the ends."""
    split = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", raw.strip())
    return _SEPARATORS.sub("_", split.lower()).strip("_")


def normalised_tags(tags: Mapping[str, object] | None) -> dict[str, object]:
    """The tags under their normalised keys. When two raw keys normalise alike, the first in the
    raw keys' sorted order wins, so the result does not depend on the order the source wrote."""
    result: dict[str, object] = {}
    for raw in sorted(tags or {}):
        key = normalised_key(raw)
        if key and key not in result:
            result[key] = (tags or {})[raw]
    return result
