"""Every payload converter in a process shares one cache of pydantic adapters: the worker builds a
converter for each workflow it loads, and a type's schema is built once, not once per PO."""

from dataclasses import dataclass

from temporal_client.converter import _ADAPTERS, PoflowPayloadConverter


@dataclass
class Order:
    number: str
    amount_minor: int


def test_a_second_converter_builds_no_second_adapter() -> None:
    first, second = PoflowPayloadConverter(), PoflowPayloadConverter()
    payloads = first.to_payloads([Order("PO-1001", 32_400_00)])
    built = _ADAPTERS.cache_info().misses
    assert first.from_payloads(payloads, [Order]) == [Order("PO-1001", 32_400_00)]
    assert second.from_payloads(payloads, [Order]) == [Order("PO-1001", 32_400_00)]
    assert _ADAPTERS.cache_info().misses == built + 1
