"""The data converter every client and worker shares: dataclasses with dates, enums and nested
chains travel as JSON through pydantic."""

from __future__ import annotations

import functools
from typing import Any

from pydantic import TypeAdapter
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter
from temporalio.converter import (
    CompositePayloadConverter,
    DataConverter,
    DefaultPayloadConverter,
    JSONPlainPayloadConverter,
)

# One cache of type adapters for the whole process. The worker builds a new payload converter
# for every workflow it loads; with a cache of its own each, every PO rebuilt the pydantic
# schema of each type it received, which was a seventh of the worker's time.
_ADAPTERS = functools.lru_cache(maxsize=1024)(TypeAdapter)


class _SharedAdaptersJson(PydanticJSONPlainPayloadConverter):
    def __init__(self) -> None:
        super().__init__()
        self._type_adapter: Any = _ADAPTERS


class PoflowPayloadConverter(CompositePayloadConverter):
    """Temporal's default converters, with JSON through pydantic and the shared adapters."""

    def __init__(self) -> None:
        json = _SharedAdaptersJson()
        super().__init__(
            *(
                json if isinstance(c, JSONPlainPayloadConverter) else c
                for c in DefaultPayloadConverter.default_encoding_payload_converters
            )
        )


DATA_CONVERTER = DataConverter(payload_converter_class=PoflowPayloadConverter)
