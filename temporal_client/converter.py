"""The data converter every client and worker shares: dataclasses with dates, enums and nested
chains travel as JSON through pydantic."""

from __future__ import annotations

import functools

from pydantic import TypeAdapter
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter, PydanticPayloadConverter
from temporalio.converter import DataConverter

# One cache of type adapters for the whole process. The worker builds a new payload converter
# for every workflow it loads; with a cache of its own each, every PO rebuilt the pydantic
# schema of each type it received, which was a seventh of the worker's time.
_ADAPTERS = functools.lru_cache(maxsize=1024)(TypeAdapter)


class PoflowPayloadConverter(PydanticPayloadConverter):
    """Temporal's pydantic converter, its JSON part on the process's shared adapters."""

    def __init__(self) -> None:
        super().__init__()
        for converter in self.converters.values():
            if isinstance(converter, PydanticJSONPlainPayloadConverter):
                converter._type_adapter = _ADAPTERS


DATA_CONVERTER = DataConverter(payload_converter_class=PoflowPayloadConverter)
