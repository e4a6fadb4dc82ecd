from domain.audit_chain import GENESIS_HASH, ChainedEntry, entry_hash, first_break


def _chain(contents: list[dict[str, object]]) -> list[ChainedEntry]:
    entries, previous = [], GENESIS_HASH
    for sequence, content in enumerate(contents, start=1):
        digest = entry_hash(previous, content)
        entries.append(ChainedEntry(sequence, content, previous, digest))
        previous = digest
    return entries


def test_an_untouched_chain_holds() -> None:
    assert first_break(_chain([{"action": "submit"}, {"action": "approve"}])) is None


def test_changed_content_is_found_at_the_entry_that_changed() -> None:
    entries = _chain([{"action": "submit"}, {"action": "approve"}, {"action": "issue"}])
    entries[1] = ChainedEntry(2, {"action": "reject"}, entries[1].previous_hash, entries[1].hash)
    found = first_break(entries)
    assert found is not None and found.sequence == 2 and "content" in found.reason


def test_a_removed_entry_breaks_the_link_of_the_next() -> None:
    entries = _chain([{"action": "submit"}, {"action": "approve"}, {"action": "issue"}])
    del entries[1]
    found = first_break(entries)
    assert found is not None and found.sequence == 3 and "previous hash" in found.reason


def test_the_hash_does_not_depend_on_key_order() -> None:
    assert entry_hash(GENESIS_HASH, {"a": 1, "b": 2}) == entry_hash(GENESIS_HASH, {"b": 2, "a": 1})
