"""Purchase orders: the read model the workflows project, approval policies, the inbox and
worklist, decision cards, signed links, delegations and emergency exceptions."""
