"""The outside systems of the dev stack and the tests: an ERP (REST and cXML), ServiceNow, Jira
Service Management, GLPI, Slack/Teams webhooks and a mail server, each speaking its real protocol
over loopback. The product never imports them; ``poflow up`` and ``poflow simulators`` serve them
through ``devstack.outside_world``."""
