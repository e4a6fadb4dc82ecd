"""The web pages' templates, with what every page's navigation asks of the reader's roles: who
decides POs (Delegations), who reads reports (Reports) and who reads spend (Costs)."""

from __future__ import annotations

from fastapi.templating import Jinja2Templates

from api.cost_access import SPEND_READERS
from api.report_params import REPORT_READERS
from api.runtime import TEMPLATES_DIR
from domain.catalog import DECIDING_ROLES


def page_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATES_DIR)
    navigation = {"deciding": DECIDING_ROLES, "report": REPORT_READERS, "spend": SPEND_READERS}
    for name, roles in navigation.items():
        templates.env.globals[f"{name}_roles"] = [role.value for role in roles]
    return templates
