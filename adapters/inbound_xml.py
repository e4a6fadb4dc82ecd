"""Reading an XML document a vendor sent, trusting nothing in it: no network, no DTD loaded,
no entity expanded, and a document that declares its own DTD subset (the way in for external
entities, XXE, and for entity expansion bombs) is refused before anything reads it."""

from __future__ import annotations

from typing import Any

from lxml import etree

from domain.inbound_invoices import InvoiceDocumentRefused


def parse_untrusted(raw: bytes) -> etree._Element:
    """The document's root element; refused when the document is not well-formed XML or
    declares elements or entities of its own."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as error:
        raise InvoiceDocumentRefused("not_well_formed", str(error)) from None
    internal: Any = root.getroottree().docinfo.internalDTD  # lxml-stubs lack entities()
    declared = internal is not None and bool(internal.entities() or internal.elements())
    if declared or any(True for _ in root.iter(etree.Entity)):
        raise InvoiceDocumentRefused(
            "entity_declared", "the document declares a DTD subset or entities of its own"
        )
    return root


def text_of(parent: etree._Element, path: str, namespaces: dict[str, str] | None = None) -> str:
    """The stripped text of the first element at ``path`` under ``parent``, "" when none."""
    found = parent.find(path, namespaces)
    return (found.text or "").strip() if found is not None else ""
