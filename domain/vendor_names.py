"""Matching a merchant, publisher or provider name to a vendor of the master by a normalised
name: case, accents, punctuation, card processors' prefixes and legal-form suffixes do not
count, so ``CONTOSO SOFTWARE, INC.``, ``SQ *Contoso Software`` and ``Contoso Software`` are one
vendor."""

from __future__ import annotations

import re
import unicodedata

# Payment processors prefix the merchant on card statements ("SQ *COFFEE", "PAYPAL *ACME").
_PROCESSOR_PREFIX = re.compile(r"^(sq|tst|paypal|pp|sp|gglpay|apl|stripe)\s*\*\s*")
# fmt: off
_LEGAL_FORMS = frozenset((
    "inc", "incorporated", "ltd", "limited", "llc", "llp", "plc", "gmbh", "ag", "sa", "sas",
    "sarl", "bv", "nv", "corp", "corporation", "co", "company", "kg", "oy", "ab", "as", "spa",
    "srl", "pty",
))
# fmt: on


def normalised_vendor_name(name: str) -> str:
    """The key two names of one vendor share: lower case, accents and punctuation dropped,
    a processor's prefix and trailing legal forms removed, single spaces."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    folded = _PROCESSOR_PREFIX.sub("", folded.strip())
    # Dots join what they abbreviate ("S.A." is "sa"), other punctuation separates words.
    words = re.sub(r"[^a-z0-9]+", " ", folded.replace(".", "")).split()
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words.pop()
    return " ".join(words)
