"""The demo organisation: people in every role, cost centers with budgets, vendors with MSAs and
catalogs, and an approval policy. Amounts are minor units of the stated currency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.catalog import Role, ServiceType, VendorStatus

DEMO_PASSWORD = "demo"  # noqa: S105 - printed by `poflow up` for the demo logins


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    roles: tuple[Role, ...]
    manager: str | None = None


USERS = (
    DemoUser("tom", "Tom Becker (CIO)", (Role.APPROVER,)),
    DemoUser("priya", "Priya Natarajan (Infrastructure)", (Role.APPROVER,), "tom"),
    DemoUser("sam", "Sam Okafor (Applications)", (Role.APPROVER, Role.REQUESTER), "tom"),
    DemoUser("lee", "Lee Chen (Security)", (Role.APPROVER,), "tom"),
    DemoUser("nora", "Nora Lind (Legal)", (Role.APPROVER,)),
    DemoUser("alex", "Alex Kim (Engineer)", (Role.REQUESTER,), "priya"),
    DemoUser("fiona", "Fiona Walsh (Finance)", (Role.FINANCE, Role.APPROVER)),
    DemoUser("felix", "Felix Braun (Accounts payable)", (Role.FINANCE,)),
    DemoUser("paul", "Paul Schmidt (Procurement)", (Role.PROCUREMENT, Role.APPROVER)),
    DemoUser("ines", "Ines Duarte (Audit)", (Role.AUDITOR,)),
    DemoUser("maria", "Maria Ortiz (Admin)", (Role.ADMIN,)),
    DemoUser("olga", "Olga Petrova (FinOps)", (Role.FINOPS,)),
    DemoUser("nina", "Nina Weber (Sales)", (Role.APPROVER,)),
    DemoUser("omar", "Omar Haddad (Operations)", (Role.APPROVER,)),
)

# code, name, owner, parent
COST_CENTERS = (
    ("IT", "Information Technology", "tom", None),
    ("IT-INFRA", "Infrastructure & Cloud", "priya", "IT"),
    ("IT-APPS", "Business Applications", "sam", "IT"),
    ("IT-SEC", "Security & Identity", "lee", "IT"),
    ("SALES", "Sales", "nina", None),
    ("SALES-EMEA", "Sales EMEA", "nina", "SALES"),
    ("OPS", "Operations", "omar", None),
    ("OPS-LOG", "Logistics", "omar", "OPS"),
)

# The legal entity that books each cost center's money: IT and Sales in Germany, Operations in
# Ireland, so IT's charges to Operations cross entities and carry the transfer-pricing markup.
LEGAL_ENTITIES = {
    "IT": "POFLOW-DE",
    "IT-INFRA": "POFLOW-DE",
    "IT-APPS": "POFLOW-DE",
    "IT-SEC": "POFLOW-DE",
    "SALES": "POFLOW-DE",
    "SALES-EMEA": "POFLOW-DE",
    "OPS": "POFLOW-IE",
    "OPS-LOG": "POFLOW-IE",
}

# IT services that cost is allocated to and charged for: code, name, owner, provider cost center
IT_SERVICES = (
    ("VM", "Virtual server", "priya", "IT-INFRA"),
    ("STO", "Storage", "priya", "IT-INFRA"),
    ("NET", "Network", "priya", "IT-INFRA"),
    ("IDN", "Identity and key management", "lee", "IT-SEC"),
)

# code, name, capex
GL_ACCOUNTS = (
    ("6100", "Cloud services", False),
    ("6110", "SaaS subscriptions", False),
    ("6120", "Software licences", False),
    ("6130", "Professional services", False),
    ("6140", "Support and maintenance", False),
    ("1610", "IT hardware", True),
    ("6400", "Internal IT charges", False),
)

# code, name, cost center
PROJECTS = (
    ("PRJ-DC-EXIT", "Data-centre exit to cloud", "IT-INFRA"),
    ("PRJ-IAM", "Identity and access modernisation", "IT-SEC"),
    ("RUN-IT", "Run the business", "IT"),
)

# Monthly budget in EUR cents per (cost center, GL account), each period of this fiscal year
# and the next.
MONTHLY_BUDGETS = {
    ("IT-INFRA", "6100"): 4_000_000,
    ("IT-INFRA", "1610"): 1_500_000,
    ("IT-INFRA", "6140"): 600_000,
    ("IT-APPS", "6110"): 15_000_000,
    ("IT-APPS", "6120"): 1_200_000,
    ("IT-APPS", "6130"): 3_000_000,
    ("IT-SEC", "6110"): 900_000,
    ("IT-SEC", "6130"): 1_000_000,
    ("SALES-EMEA", "6400"): 50_000,
    ("OPS-LOG", "6400"): 30_000,
}

# name, status, country, e-mail
VENDORS = (
    ("Northwind Cloud Services", VendorStatus.APPROVED, "IE", "orders@northwind.example"),
    ("Contoso Software", VendorStatus.APPROVED, "US", "sales@contoso.example"),
    ("Fabrikam Consulting", VendorStatus.APPROVED, "DE", "engagements@fabrikam.example"),
    ("Tailspin Hardware", VendorStatus.APPROVED, "NL", "orders@tailspin.example"),
    ("Litware Security", VendorStatus.BLOCKED, "GB", "accounts@litware.example"),
)


REVERSE_CHARGE = "EU reverse charge: services from a member state"
# country, service type (or "any"), code, rate percent, description
TAX_CODES = (
    ("IE", "any", "IE-VAT23", "23", "Irish VAT, standard rate"),
    ("IE", "saas_subscription", "EU-RC", "0", REVERSE_CHARGE),
    ("DE", "any", "DE-VAT19", "19", "German VAT, standard rate"),
    ("DE", "professional_services", "EU-RC", "0", REVERSE_CHARGE),
    ("NL", "any", "NL-VAT21", "21", "Dutch VAT, standard rate"),
    ("GB", "any", "GB-VAT20", "20", "UK VAT, standard rate"),
    ("US", "any", "IMPORT-0", "0", "Imported services: no VAT charged by the vendor"),
)


@dataclass(frozen=True)
class DemoContract:
    reference: str
    vendor: str
    title: str
    start_years_ago: int
    years_to_run: int | None  # the MSA ends on 31 Dec of this year from now; None: open-ended
    notice_days: int
    auto_renew: bool


CONTRACTS = (
    DemoContract("MSA-NW-01", "Northwind Cloud Services", "Cloud hosting MSA", 1, 2, 90, True),
    DemoContract(
        "MSA-CS-01", "Contoso Software", "Software and subscriptions MSA", 2, 1, 60, False
    ),
    DemoContract("MSA-FB-01", "Fabrikam Consulting", "Consulting framework", 0, 1, 30, False),
    DemoContract("MSA-TS-01", "Tailspin Hardware", "Hardware supply agreement", 1, None, 30, False),
    DemoContract("MSA-LW-01", "Litware Security", "Penetration testing MSA", 3, -1, 30, False),
)

# contract, sku, description, service type, GL, unit, MSA unit price (minor units), currency
CATALOG = (
    (
        "MSA-NW-01",
        "NW-VM-4",
        "Standard VM, 4 vCPU / 16 GB, per month",
        ServiceType.CLOUD_INFRASTRUCTURE,
        "6100",
        "month",
        18_000,
        "EUR",
    ),
    (
        "MSA-NW-01",
        "NW-OBJ-TB",
        "Object storage, per TB-month",
        ServiceType.CLOUD_INFRASTRUCTURE,
        "6100",
        "TB-month",
        2_100,
        "EUR",
    ),
    (
        "MSA-CS-01",
        "CS-DEVSUITE",
        "Developer suite subscription, per user-year",
        ServiceType.SAAS_SUBSCRIPTION,
        "6110",
        "user-year",
        54_000,
        "USD",
    ),
    (
        "MSA-CS-01",
        "CS-DB-ENT",
        "Database enterprise licence, per core",
        ServiceType.SOFTWARE_LICENCE,
        "6120",
        "core",
        690_000,
        "USD",
    ),
    (
        "MSA-CS-01",
        "CS-PREMIER",
        "Premier support, per year",
        ServiceType.SUPPORT_MAINTENANCE,
        "6140",
        "year",
        1_200_000,
        "USD",
    ),
    (
        "MSA-FB-01",
        "FB-ARCH-DAY",
        "Solution architect, per day",
        ServiceType.PROFESSIONAL_SERVICES,
        "6130",
        "day",
        135_000,
        "EUR",
    ),
    (
        "MSA-TS-01",
        "TS-LAPTOP-14",
        "Engineering laptop 14in, 32 GB",
        ServiceType.HARDWARE,
        "1610",
        "each",
        189_000,
        "EUR",
    ),
    (
        "MSA-TS-01",
        "TS-SWITCH-48",
        "48-port access switch",
        ServiceType.HARDWARE,
        "1610",
        "each",
        420_000,
        "EUR",
    ),
    (
        "MSA-LW-01",
        "LW-PENTEST",
        "Penetration test, per day",
        ServiceType.PROFESSIONAL_SERVICES,
        "6130",
        "day",
        160_000,
        "GBP",
    ),
)

POLICY_NAME = "it-purchasing"
POLICY_DOCUMENT: dict[str, Any] = {
    "description": "IT purchases: owner, then leadership, risk reviewers and finance as needed",
    "base_currency": "EUR",
    "price_above_msa": "flag",
    "over_budget": "route",
    "change_orders": {"reapprove_increase_above_percent": 10},
    "low_risk": {"amount_base_minor_below": 500_000},
    "variance_investigation": {
        "percent_at_least": 10,
        "amount_base_minor_at_least": 100_000,
        "against": "both",
        "direction": "over",
    },
    "spend_anomaly_escalation": {"deadline_hours": 72, "reminder_hours": 24},
    "tiers": [
        {
            "name": "cost-center owner",
            "approvers": {"cost_center_owner": True},
            "deadline_hours": 48,
            "reminder_hours": 24,
            "fallback": {"users": ["tom"]},
        },
        {
            "name": "IT leadership",
            "when": [{"amount_base_minor_at_least": 2_500_000}],
            "approvers": {"users": ["tom"]},
            "deadline_hours": 72,
            "reminder_hours": 24,
            "fallback": {"role": "procurement"},
        },
        {
            "name": "risk review",
            "when": [{"any_risk_flag": ["handles_pii", "third_party_access", "regulated_system"]}],
            "parallel": [
                {"name": "security", "approvers": {"users": ["lee"]}, "deadline_hours": 72},
                {"name": "legal", "approvers": {"users": ["nora"]}, "deadline_hours": 72},
            ],
        },
        {
            "name": "finance",
            "when": [{"amount_base_minor_at_least": 10_000_000}, {"over_budget": True}],
            "approvers": {"role": "finance"},
            "deadline_hours": 72,
            "comment_required": True,
        },
        {
            "name": "outlier review",
            "when": [{"anomaly_score_at_least": 4, "service_types": ["professional_services"]}],
            "approvers": {"role": "procurement"},
            "deadline_hours": 72,
        },
        {
            "name": "finops review",
            "when": [
                {
                    "service_types": ["cloud_infrastructure"],
                    "monthly_run_rate_base_minor_at_least": 1_000_000,
                }
            ],
            "approvers": {"role": "finops"},
            "deadline_hours": 72,
        },
    ],
    "emergency": {"approvers": {"users": ["tom"]}, "after_the_fact_days": 5},
}
