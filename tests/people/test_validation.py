"""Employee validation rules (pure): every field's message, as the form, import and API show it."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workforce.people.validation import Refs, search_text, validate_employee

TODAY = date(2026, 6, 1)


def refs() -> Refs:
    r = Refs()
    r.sites = {
        "RIV": {"id": 1, "code": "RIV", "active": True},
        "OLD": {"id": 2, "code": "OLD", "active": False},
    }
    r.departments = {(1, "ASM"): {"id": 10, "active": True}, (1, "GONE"): {"id": 11, "active": False}}
    r.stations = {(1, "ASM1-01"): {"id": 100, "active": True}}
    r.crews = {(1, "A"): {"id": 20, "active": True}}
    r.units = {"UAW-1": {"id": 30}}
    r.employees = {"E1": 1000}
    return r


def good(**changes) -> dict:
    row = {
        "employee_number": "e2",
        "first_name": "Ana",
        "last_name": "Diaz",
        "site": "riv",
        "department": "ASM",
        "home_station": "ASM1-01",
        "crew": "A",
        "bargaining_unit": "UAW-1",
        "hire_date": "2020-01-06",
        "supervisor": "E1",
    }
    row.update(changes)
    return row


def test_good_row_resolves_codes_case_insensitively():
    clean, errors = validate_employee(good(), refs(), today=TODAY)
    assert errors == {}
    assert clean["employee_number"] == "E2" and clean["site"] == 1 and clean["department"] == 10
    assert clean["home_station"] == 100 and clean["crew"] == 20 and clean["bargaining_unit"] == 30
    assert clean["supervisor"] == 1000 and clean["seniority_date"] == date(2020, 1, 6)
    assert clean["status"] == "active" and clean["employment_type"] == "full_time"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"employee_number": ""}, "employee_number", "required"),
        ({"employee_number": "E 2"}, "employee_number", "use 1–20 letters, digits or dashes"),
        ({"first_name": ""}, "first_name", "required"),
        ({"last_name": "x" * 81}, "last_name", "at most 80 characters"),
        ({"site": ""}, "site", "required"),
        ({"site": "XYZ"}, "site", "unknown site 'XYZ'"),
        (
            {"site": "OLD", "department": "", "home_station": "", "crew": ""},
            "site",
            "site 'OLD' is deactivated",
        ),
        ({"department": "XYZ"}, "department", "unknown department 'XYZ' at site RIV"),
        ({"department": "GONE"}, "department", "department 'GONE' is deactivated"),
        ({"home_station": "NOPE"}, "home_station", "unknown station 'NOPE' at site RIV"),
        ({"crew": "Z"}, "crew", "unknown crew 'Z' at site RIV"),
        ({"bargaining_unit": "X"}, "bargaining_unit", "unknown bargaining unit 'X'"),
        (
            {"employment_type": "gig"},
            "employment_type",
            "must be one of full_time, part_time, temporary, agency",
        ),
        ({"hire_date": ""}, "hire_date", "required"),
        ({"hire_date": "06/01/2020"}, "hire_date", "'06/01/2020' is not a date (use YYYY-MM-DD)"),
        ({"hire_date": "2028-01-01"}, "hire_date", "more than a year in the future"),
        ({"seniority_date": "2020-13-01"}, "seniority_date", "'2020-13-01' is not a date (use YYYY-MM-DD)"),
        ({"status": "retired"}, "status", "must be one of active, on_leave, terminated"),
        ({"status": "terminated"}, "termination_date", "required when the status is terminated"),
        ({"termination_date": "2024-01-01"}, "termination_date", "only for terminated employees"),
        (
            {"status": "terminated", "termination_date": "2019-01-01"},
            "termination_date",
            "before the hire date",
        ),
        ({"supervisor": "E404"}, "supervisor", "unknown employee number 'E404'"),
        ({"supervisor": "E2"}, "supervisor", "unknown employee number 'E2'"),
    ],
)
def test_each_rule_names_its_field(changes, field, message):
    _clean, errors = validate_employee(good(**changes), refs(), today=TODAY)
    assert errors.get(field) == message


def test_cannot_supervise_self():
    _clean, errors = validate_employee(good(employee_number="E1"), refs(), today=TODAY, self_id=1000)
    assert errors["supervisor"] == "an employee cannot supervise themself"


def test_station_and_crew_need_a_known_site_first():
    _clean, errors = validate_employee(good(site="XYZ"), refs(), today=TODAY)
    assert set(errors) == {"site"}


@given(st.text(max_size=30), st.text(max_size=30))
def test_validation_never_raises_on_any_text(first, number):
    clean, errors = validate_employee(good(first_name=first, employee_number=number), refs(), today=TODAY)
    assert isinstance(errors, dict) and isinstance(clean, dict)
    assert ("first_name" in errors) == (not first.strip() or len(first.strip()) > 80)


def test_search_text_holds_names_and_number():
    assert (
        search_text({"last_name": "Diaz", "first_name": "Ana", "preferred_name": "", "employee_number": "E2"})
        == "diaz ana e2"
    )
