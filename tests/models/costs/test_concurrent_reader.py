"""A reader in another connection, while loads swap a period's lines back and forth, only ever
sees the old complete lines or the new complete lines (real Postgres, two connections)."""

from __future__ import annotations

import threading
from decimal import Decimal

from sqlalchemy import Engine

from tests.models.costs.lines import a_source, billed_total, lines, load

OLD = [str(n) for n in range(1, 41)]  # 40 lines, 820
NEW = ["0.5"] * 25  # 25 lines, 12.5
SWAPS = 6


def test_a_reader_during_swaps_sees_old_or_new_totals_only(engine: Engine) -> None:
    source = a_source(engine)
    load(engine, source, "111", lines("111", OLD))
    seen: set[tuple[Decimal, int]] = set()
    done = threading.Event()

    def read() -> None:
        with engine.connect() as reader:
            while not done.is_set():
                seen.add(billed_total(reader, source))
                reader.commit()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for swap in range(SWAPS):
            load(engine, source, "111", lines("111", NEW if swap % 2 == 0 else OLD))
    finally:
        done.set()
        reader.join()
    old = (sum(map(Decimal, OLD)), len(OLD))
    new = (sum(map(Decimal, NEW)), len(NEW))
    assert seen and seen <= {old, new}
