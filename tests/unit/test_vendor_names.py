"""A merchant, publisher or provider matches a vendor of the master by its normalised name."""

from __future__ import annotations

import pytest

from domain.vendor_names import normalised_vendor_name


@pytest.mark.parametrize(
    "name",
    ["Contoso Software", "CONTOSO SOFTWARE, INC.", "SQ *Contoso Software", "Contoso Software GmbH"],
)
def test_spellings_of_one_vendor_share_a_name(name: str) -> None:
    assert normalised_vendor_name(name) == "contoso software"


def test_accents_and_punctuation_do_not_count_but_words_do() -> None:
    assert normalised_vendor_name("Société Générale S.A.") == "societe generale"
    assert normalised_vendor_name("Co") == "co"  # a name that is only a legal form stays
    assert normalised_vendor_name("Contoso Cloud") != normalised_vendor_name("Contoso Software")
