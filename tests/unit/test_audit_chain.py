from dataclasses import replace
from datetime import UTC, datetime

from domain.audit_chain import GENESIS_HASH, ChainedEntry, chain_breaks, entry_hash
from domain.audit_checkpoint import Checkpoint, HeadAt, checkpoint_break, signature, signed_by_any

WRITTEN = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)


def _chain(contents: list[dict[str, object]]) -> list[ChainedEntry]:
    entries, previous = [], GENESIS_HASH
    for sequence, content in enumerate(contents, start=1):
        digest = entry_hash(previous, content)
        entries.append(ChainedEntry(sequence, content, previous, digest))
        previous = digest
    return entries


def _actions(count: int) -> list[ChainedEntry]:
    return _chain([{"action": f"step-{n}"} for n in range(1, count + 1)])


def test_an_untouched_chain_holds() -> None:
    assert list(chain_breaks(_chain([{"action": "submit"}, {"action": "approve"}]))) == []


def test_changed_content_is_found_at_the_entry_that_changed() -> None:
    entries = _chain([{"action": "submit"}, {"action": "approve"}, {"action": "issue"}])
    entries[1] = replace(entries[1], content={"action": "reject"})
    assert [(b.sequence, b.reason.split(":")[0]) for b in chain_breaks(entries)] == [
        (2, "content altered")
    ]


def test_a_removed_entry_breaks_the_link_of_the_next() -> None:
    entries = _chain([{"action": "submit"}, {"action": "approve"}, {"action": "issue"}])
    del entries[1]
    found = list(chain_breaks(entries))
    assert [b.sequence for b in found] == [3]
    assert "link broken" in found[0].reason and "entry 1" in found[0].reason


def test_every_break_is_reported_not_only_the_first() -> None:
    entries = _actions(8)
    entries[1] = replace(entries[1], content={"action": "forged"})  # content, hash kept
    rehashed = {"action": "rehashed"}  # content and hash both rewritten
    entries[4] = replace(
        entries[4], content=rehashed, hash=entry_hash(entries[4].previous_hash, rehashed)
    )
    del entries[6]  # entry 7 removed
    assert [(b.sequence, b.reason.split(":")[0]) for b in chain_breaks(entries)] == [
        (2, "content altered"),
        (6, "link broken"),
        (8, "link broken"),
    ]


def test_a_checkpoint_shows_deleted_and_rewritten_newest_entries() -> None:
    entries = _actions(5)
    head = Checkpoint(5, entries[-1].hash, 5, WRITTEN)
    assert checkpoint_break(head, HeadAt(entries[-1].hash, 5, 5)) is None
    deleted = checkpoint_break(head, HeadAt(None, 0, 2))
    assert deleted is not None and deleted.sequence == 5 and "missing" in deleted.reason
    assert "ends at entry 2" in deleted.reason
    rewritten = checkpoint_break(head, HeadAt("f" * 64, 5, 5))
    assert rewritten is not None and rewritten.reason.startswith("rewritten")
    shrunk = checkpoint_break(head, HeadAt(entries[-1].hash, 4, 5))
    assert shrunk is not None and "5 entries up to it" in shrunk.reason


def test_a_checkpoint_is_signed_under_the_secret_and_any_change_shows() -> None:
    head = Checkpoint(5, "a" * 64, 5, WRITTEN)
    signed = signature(head, "current-secret")
    assert signed_by_any(head, signed, ["current-secret"])
    assert signed_by_any(head, signed, ["new-secret", "current-secret"])  # rotated out
    assert not signed_by_any(head, signed, ["another-secret"])
    assert not signed_by_any(replace(head, sequence=4), signed, ["current-secret"])


def test_the_hash_does_not_depend_on_key_order() -> None:
    assert entry_hash(GENESIS_HASH, {"a": 1, "b": 2}) == entry_hash(GENESIS_HASH, {"b": 2, "a": 1})
