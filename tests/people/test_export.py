"""Export of the people list: CSV and XLSX with the list's filters, roles, and a lossless round trip."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.conftest import login, run
from tests.people.factories import make_employee, make_org
from tests.people.test_import import HR, TODAY, User
from workforce.accounts.tables import User as UserTable
from workforce.demo import DemoContext
from workforce.people import import_service
from workforce.people.demo import demo as people_demo
from workforce.people.tables import Employee, Site
from workforce.people.validation import COLUMNS


def plant(employees: int = 40) -> None:
    run(people_demo(DemoContext(employees=employees, years=1, seed=3)))


def csv_rows(text: str) -> list[dict]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def kinds(content: bytes, filename: str, user=HR) -> dict[str, int]:
    return run(import_service.preview(content, filename, user, today=TODAY)).counts


@pytest.mark.parametrize("role", ["hr", "supervisor", "compliance", "admin"])
def test_exporters_get_both_formats(client, role):
    make_employee(make_org(), "E10001")
    login(client, "u", [role])
    r = client.get("/people/export.csv")
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["content-disposition"] == f'attachment; filename="employees-{date.today()}.csv"'
    assert r.headers["cache-control"] == "no-store"
    assert [row["employee_number"] for row in csv_rows(r.text)] == ["E10001"]
    x = client.get("/people/export.xlsx")
    assert x.status_code == 200 and x.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@pytest.mark.parametrize("role", ["safety", "viewer"])
def test_safety_and_viewer_may_not_export(client, role):
    make_employee(make_org(), "E10001")
    login(client, "u", [role])
    assert client.get("/people").status_code == 200  # they read the list on screen
    assert client.get("/people/export.csv").status_code == 403
    assert client.get("/people/export.xlsx").status_code == 403


def test_csv_columns_filters_and_order(client):
    plant(40)
    login(client, "hana", ["hr"])
    everyone = csv_rows(client.get("/people/export.csv").text)
    assert len(everyone) == 40 and tuple(everyone[0]) == COLUMNS
    lks = run(Site.select(Site.id).where(Site.code == "LKS").first())["id"]
    terminated = csv_rows(client.get(f"/people/export.csv?status=terminated&site={lks}&page=3").text)
    expected = run(Employee.count().where((Employee.status == "terminated") & (Employee.site == lks)))
    assert len(terminated) == expected and {r["site"] for r in terminated} <= {"LKS"}
    assert all(r["status"] == "terminated" and r["termination_date"] for r in terminated)
    by_number = csv_rows(client.get("/people/export.csv?sort=-number").text)
    numbers = [r["employee_number"] for r in by_number]
    assert numbers == sorted(numbers, reverse=True)


def test_export_is_one_query_whatever_the_size(client, count_queries):
    plant(60)
    login(client, "hana", ["hr"])
    client.get("/people")
    with count_queries() as small:
        client.get("/people/export.csv?status=terminated")
    with count_queries() as large:
        client.get("/people/export.csv")
    assert len(small) == len(large)
    assert len([s for s in large.statements if "wf_employee" in s]) == 1


def test_supervisor_limited_to_a_site_exports_that_site_only(client):
    plant(30)
    uid = login(client, "sam", ["supervisor"])
    run(UserTable.update({UserTable.sites: ["RIV"]}).where(UserTable.id == uid))
    rows = csv_rows(client.get("/people/export.csv").text)
    assert rows and {r["site"] for r in rows} == {"RIV"}


def test_csv_round_trip_imports_unchanged(client):
    plant(60)
    login(client, "hana", ["hr"])
    content = client.get("/people/export.csv").content
    assert kinds(content, "export.csv") == {"error": 0, "create": 0, "update": 0, "unchanged": 60}


def test_xlsx_round_trip_imports_unchanged_with_real_dates(client):
    plant(60)
    login(client, "hana", ["hr"])
    content = client.get("/people/export.xlsx").content
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert sheet.max_row == 61
    hire = sheet.cell(row=2, column=COLUMNS.index("hire_date") + 1)
    assert hire.is_date and hire.number_format == "yyyy-mm-dd"
    assert kinds(content, "export.xlsx") == {"error": 0, "create": 0, "update": 0, "unchanged": 60}


def test_formula_like_values_are_defused_and_still_round_trip(client):
    org = make_org()
    make_employee(
        org,
        "E10001",
        first_name='=HYPERLINK("http://x")',
        phone="+1 312 555 0100",
        job_class="@work",
        last_name="-Smith",
    )
    login(client, "hana", ["hr"])
    text = client.get("/people/export.csv").text
    assert "'=HYPERLINK" in text and "'+1 312 555 0100" in text and "'@work" in text and "'-Smith" in text
    assert kinds(text.encode(), "e.csv") == {"error": 0, "create": 0, "update": 0, "unchanged": 1}
    content = client.get("/people/export.xlsx").content
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    first = sheet.cell(row=2, column=COLUMNS.index("first_name") + 1)
    assert first.value == '=HYPERLINK("http://x")' and first.data_type == "s"  # text, not a formula
    assert kinds(content, "e.xlsx") == {"error": 0, "create": 0, "update": 0, "unchanged": 1}


def test_site_limited_round_trip_still_unchanged(client):
    plant(30)
    uid = login(client, "hana", ["hr"])
    run(UserTable.update({UserTable.sites: ["LKS"]}).where(UserTable.id == uid))
    content = client.get("/people/export.csv").content
    counts = kinds(content, "e.csv", User(sites=("LKS",)))
    assert counts["unchanged"] > 0 and counts["unchanged"] == sum(counts.values())
