"""What a PO promises beside its lines (docs/requisition.md#terms): the service levels, the
milestones, the licence, the subcontracting and the data-protection clauses, each a frozen
dataclass, grouped as ``PoTerms`` on the requisition; their limits (``limits``), their rules
(``rules``) and the clauses a policy requires by risk flag (``required_clauses``)."""
