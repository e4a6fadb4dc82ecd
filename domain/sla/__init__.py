"""Service levels measured against a PO's promise (docs/sla.md): the measurements that come in
(``measurements``), the breaches they are against the PO's ``SlaTerms`` (``breaches``) and the
service credit each breach earns (``credits``)."""
