"""Import screens over HTTP: roles, upload messages, preview page, apply, double apply, conflicts."""

import re

import pytest

from tests.conftest import login, post, run
from tests.people.factories import make_employee, make_org
from tests.people.test_import import csv_bytes, person
from workforce.people.tables import Employee, EmployeeImport
from workforce.people.validation import COLUMNS


def upload(client, content, filename="people.csv"):
    return post(
        client, "/people/import", files={"file": (filename, content, "text/csv")}, token_from="/people/import"
    )


def stored_id() -> int:
    return run(EmployeeImport.select(EmployeeImport.id).order_by(EmployeeImport.id, ascending=False).first())[
        "id"
    ]


def apply_form(html: str) -> dict:
    return {
        "fingerprint": re.search(r'name="fingerprint" value="(\w+)"', html).group(1),
        "as_of": re.search(r'name="as_of" value="(\d+)"', html).group(1),
    }


@pytest.mark.parametrize("role", ["supervisor", "safety", "compliance", "viewer"])
def test_only_hr_and_admin_may_import(client, role):
    make_org()
    login(client, "hana", ["hr"])
    upload(client, csv_bytes([person("E20001")]))
    import_id = stored_id()
    client.cookies.clear()
    login(client, "u", [role])
    assert client.get("/people/import").status_code == 403
    assert client.get("/people/import/template.csv").status_code == 403
    assert client.get(f"/people/import/{import_id}").status_code == 403
    assert upload(client, csv_bytes([person("E20002")])).status_code == 403
    assert post(client, f"/people/import/{import_id}/apply", token_from="/").status_code == 403
    assert run(Employee.count()) == 0 and run(EmployeeImport.count()) == 1


def test_admin_may_import(client):
    make_org()
    login(client, "ada", ["admin"])
    assert client.get("/people/import").status_code == 200
    assert upload(client, csv_bytes([person("E20001")])).status_code == 303


def test_upload_page_explains_columns_and_offers_a_template(client):
    login(client, "hana", ["hr"])
    page = client.get("/people/import")
    assert page.status_code == 200
    for column in COLUMNS:
        assert f"<code>{column}</code>" in page.text
    assert 'href="/people/import/template.csv"' in page.text and 'enctype="multipart/form-data"' in page.text
    template = client.get("/people/import/template.csv")
    assert template.status_code == 200 and template.headers["content-type"].startswith("text/csv")
    assert template.text == ",".join(COLUMNS) + "\r\n"
    assert "attachment" in template.headers["content-disposition"]


def test_upload_errors_re_render_the_form_and_store_nothing(client):
    login(client, "hana", ["hr"])
    r = post(client, "/people/import", {}, token_from="/people/import")
    assert r.status_code == 400 and "Choose a .csv or .xlsx file." in r.text
    r = upload(client, b"", "empty.csv")
    assert r.status_code == 400 and "empty.csv was not imported; nothing was changed." in r.text
    assert "The file is empty." in r.text
    r = upload(client, b"%PDF-1.4", "people.pdf")
    assert (
        r.status_code == 400
        and "Files &#39;.pdf&#39; are not supported: upload a .csv or .xlsx file." in r.text
    )
    r = upload(client, b"number,first_name,last_name,site,hire_date\r\nE1,A,B,RIV,2024-01-01\r\n")
    assert r.status_code == 400
    assert "Row 1 (header): unknown column &#39;number&#39;." in r.text
    assert "Row 1 (header): missing required column &#39;employee_number&#39;." in r.text
    assert run(EmployeeImport.count()) == 0


def test_upload_over_the_size_limit_is_refused(client):
    login(client, "hana", ["hr"])
    r = upload(client, b"x" * (20 * 1024 * 1024 + 10))
    assert r.status_code == 413 and "larger than the server accepts" in r.text
    assert run(EmployeeImport.count()) == 0


def test_preview_shows_counts_errors_first_with_per_cell_reasons(client):
    org = make_org()
    make_employee(org, "E10001")
    login(client, "hana", ["hr"])
    content = csv_bytes(
        [
            person("E10001", first_name="Ada", last_name="Lovelace", hire_date="2020-01-06"),
            person("E20001"),
            person("E20002", department="XYZ"),
            person("E20001", first_name="X"),
            person("E20003", hire_date="2024-13-01"),
        ]
    )
    r = upload(client, content)
    assert r.status_code == 303 and r.headers["location"] == f"/people/import/{stored_id()}"
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    html = page.text
    assert re.search(r'data-uitest="count-error">4</a>', html)
    assert re.search(r'data-uitest="count-unchanged">1</a>', html)
    assert f'<a href="/people/import/{stored_id()}">people.csv</a>' in client.get("/people/import").text
    assert "4 rows have errors." in html and 'data-uitest="import-apply"' not in html
    order = re.findall(r'<tr id="row-(\d+)" data-kind="(\w+)"', html)
    assert order == [("3", "error"), ("4", "error"), ("5", "error"), ("6", "error"), ("2", "unchanged")]
    cells = re.findall(r'data-column="(\w+)">([^<]+)</dd>', html)
    assert ("department", "unknown department &#39;XYZ&#39; at site RIV") in cells
    assert ("employee_number", "employee number E20001 appears again on row 5") in cells
    assert ("employee_number", "employee number E20001 already appears on row 3") in cells
    assert ("hire_date", "&#39;2024-13-01&#39; is not a date (use YYYY-MM-DD)") in cells
    only_errors = client.get(f"/people/import/{stored_id()}?kind=error").text
    assert re.findall(r'data-kind="(\w+)"', only_errors) == ["error"] * 4


def test_preview_paginates_big_files_and_htmx_gets_the_rows_only(client):
    make_org()
    login(client, "hana", ["hr"])
    upload(client, csv_bytes([person(f"E{i:05d}") for i in range(120)]))
    url = f"/people/import/{stored_id()}"
    first = client.get(url).text
    assert len(re.findall(r'<tr id="row-', first)) == 50 and "Page 1 of 3" in first and "1–50 of 120" in first
    third = client.get(url + "?page=3", headers={"hx-request": "true"})
    assert "<html" not in third.text and len(re.findall(r'<tr id="row-', third.text)) == 20
    assert 'hx-target="#import-rows"' in client.get(url + "?page=2").text


def test_apply_redirects_to_the_list_and_a_second_apply_changes_nothing(client):
    make_org()
    login(client, "hana", ["hr"])
    upload(client, csv_bytes([person("E20001"), person("E20002", first_name="Tom")]))
    url = f"/people/import/{stored_id()}"
    html = client.get(url).text
    assert 'data-confirm="Apply people.csv? This creates 2 and updates 0 employees in one step."' in html
    r = post(client, url + "/apply", apply_form(html), token_from=url)
    assert r.status_code == 303 and r.headers["location"] == "/people"
    assert "Import applied: 2 created, 0 updated, 0 unchanged." in client.get("/people").text
    assert run(Employee.count()) == 2
    again = post(client, url + "/apply", apply_form(html), token_from="/people/import")
    assert again.status_code == 303 and again.headers["location"] == url
    page = client.get(url).text
    assert "This file was already applied on" in page and "nothing was written again." in page
    assert 'data-uitest="import-applied"' in page and "2 created, 0 updated, 0 unchanged." in page
    assert 'data-uitest="import-apply"' not in page and run(Employee.count()) == 2


def test_apply_with_errors_or_a_stale_preview_re_renders_the_preview(client):
    org = make_org()
    emp = make_employee(org, "E10001")
    login(client, "hana", ["hr"])
    upload(client, csv_bytes([person("E20001", department="XYZ")]))
    bad = f"/people/import/{stored_id()}"
    r = post(client, bad + "/apply", {"fingerprint": "x", "as_of": "0"}, token_from=bad)
    assert r.status_code == 400 and "1 row(s) have errors, so nothing was written." in r.text

    upload(
        client,
        csv_bytes(
            [
                person(
                    "E10001", first_name="Ada", last_name="Lovelace", job_class="New", hire_date="2020-01-06"
                )
            ]
        ),
    )
    url = f"/people/import/{stored_id()}"
    form = apply_form(client.get(url).text)
    run(Employee.update({Employee.version: 2}).where(Employee.id == emp))  # someone saved meanwhile
    r = post(client, url + "/apply", form, token_from=url)
    assert (
        r.status_code == 409
        and "Employee records in this file changed since you opened the preview" in r.text
    )
    assert run(Employee.select(Employee.job_class).first())["job_class"] == ""
    r = post(client, url + "/apply", apply_form(r.text), token_from=url)
    assert r.status_code == 303 and run(Employee.select(Employee.job_class).first())["job_class"] == "New"


def test_unknown_import_is_404(client):
    login(client, "hana", ["hr"])
    assert client.get("/people/import/999").status_code == 404
    assert post(client, "/people/import/999/apply", token_from="/people/import").status_code == 404


def test_files_of_imports_applied_long_ago_are_dropped_on_next_upload(db):
    from datetime import timedelta

    from workforce.db import utcnow
    from workforce.people import import_service
    from workforce.people.tables import EmployeeImport

    old = run(
        import_service.store_upload(
            1, "old.csv", b"employee_number,first_name,last_name,site,hire_date\nE1,A,B,RIV,2020-01-01\n"
        )
    )
    run(
        EmployeeImport.update({EmployeeImport.applied_at: utcnow() - timedelta(days=40)}).where(
            EmployeeImport.id == old
        )
    )
    run(
        import_service.store_upload(
            1, "new.csv", b"employee_number,first_name,last_name,site,hire_date\nE2,A,B,RIV,2020-01-01\n"
        )
    )
    rows = {r["id"]: r for r in run(EmployeeImport.select(EmployeeImport.id, EmployeeImport.content))}
    assert rows[old]["content"] == b""
    assert all(r["content"] for i, r in rows.items() if i != old)
