"""Reading the org from an HR or identity-provider export: the hierarchy CSV, the people CSV
and a SCIM list of users; a wrong row is named with the check it failed."""

from __future__ import annotations

import pytest

from domain.org_chart import OrgFileError, Placement, business_units, read_scim_users
from tests.builders.uploads import hierarchy_of, people_of

EXTENSION = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def test_business_units_are_the_roots_of_the_hierarchy() -> None:
    parents = hierarchy_of("cost_center,parent\nIT,\nIT-APPS,IT\nIT-APPS-CRM,IT-APPS\nOPS,\n")
    assert business_units(parents) == {
        "IT": "IT",
        "IT-APPS": "IT",
        "IT-APPS-CRM": "IT",
        "OPS": "OPS",
    }


def test_people_csv_reads_cost_center_and_manager() -> None:
    people = people_of("person,cost_center,manager\nann,IT,\nbob,IT-APPS,ann\n")
    assert people == [Placement("ann", "IT", None), Placement("bob", "IT-APPS", "ann")]


def test_scim_users_take_cost_center_or_department_and_resolve_the_manager() -> None:
    extension = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    users = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "Resources": [
            {"id": "u1", "userName": "ann@example.com", extension: {"costCenter": "IT"}},
            {
                "id": "u2",
                "userName": "bob@example.com",
                extension: {"department": "IT-APPS", "manager": {"value": "u1"}},
            },
        ],
    }
    assert read_scim_users(users) == [
        Placement("ann@example.com", "IT", None),
        Placement("bob@example.com", "IT-APPS", "ann@example.com"),
    ]


@pytest.mark.parametrize(
    ("text", "rule", "row"),
    [
        ("cost_center,parent\nIT,\nIT,\n", "duplicate_center", 2),
        ("cost_center,parent\nA,B\nB,A\n", "hierarchy_cycle", None),
        ("code,parent\nIT,\n", "missing_column", None),
        ("cost_center,parent\n,IT\n", "missing_value", 1),
    ],
)
def test_a_wrong_hierarchy_names_its_rule_and_row(text: str, rule: str, row: int | None) -> None:
    with pytest.raises(OrgFileError) as wrong:
        hierarchy_of(text)
    assert (wrong.value.rule, wrong.value.row) == (rule, row)


def test_a_scim_manager_outside_the_list_is_refused() -> None:
    extension = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    user = {
        "id": "u1",
        "userName": "ann",
        extension: {"costCenter": "IT", "manager": {"value": "x"}},
    }
    with pytest.raises(OrgFileError, match="manager x") as wrong:
        read_scim_users({"Resources": [user]})
    assert wrong.value.rule == "unknown_manager"


@pytest.mark.parametrize(
    ("document", "rule"),
    [
        ({"Resources": "users"}, "not_scim"),
        ({"Resources": [{"userName": ["ann"]}]}, "missing_value"),
        ({"Resources": [{"userName": "ann", EXTENSION: "IT"}]}, "missing_value"),
        ({"Resources": [{"userName": "ann", EXTENSION: {"costCenter": 7}}]}, "missing_value"),
    ],
)
def test_scim_values_that_are_not_text_are_refused_by_name(
    document: dict[str, object], rule: str
) -> None:
    with pytest.raises(OrgFileError) as wrong:
        read_scim_users(document)
    assert wrong.value.rule == rule
