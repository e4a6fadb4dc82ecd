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


# normalised_key in SQL, over a text written ``{key}``, for the set-based ingest of CSV files.
NORMALISED_KEY_SQL = (
    "btrim(regexp_replace(lower(regexp_replace({key}, '([a-z0-9])([A-Z])', '\\1_\\2', 'g')), "
    "'[^0-9a-z]+', '_', 'g'), '_')"
)
# normalised_tags in SQL, over a jsonb object written ``{tags}``: the first raw key in code
# point order wins (COLLATE "C" sorts as Python sorts str).
NORMALISED_TAGS_SQL = (
    "(SELECT coalesce(jsonb_object_agg(nk, value), '{{}}') FROM (SELECT DISTINCT ON (nk) nk, "
    "value FROM (SELECT " + NORMALISED_KEY_SQL.format(key="key") + " AS nk, key, value "
    "FROM jsonb_each({tags})) k WHERE nk <> '' ORDER BY nk, key COLLATE \"C\") t)"
)
