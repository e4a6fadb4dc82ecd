"""Application services: what the web pages, the JSON API and the ITSM intake ask of poflow
(raise a requisition, decide, answer, approve in bulk, take in a ticket), said once. They speak
no HTTP: a refusal is a ``RuleRefused`` naming its rule, which the API answers as HTTP."""
