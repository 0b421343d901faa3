"""Employee screens over HTTP: roles, search/filter/sort, forms, concurrency, status, audit, queries."""

import re

import pytest

from tests.conftest import login, post, run
from workforce.accounts.tables import User
from workforce.audit.tables import AuditEntry
from workforce.demo import DemoContext
from workforce.people.demo import demo as people_demo
from workforce.people.tables import Employee, Site


def plant(employees: int = 40) -> DemoContext:
    ctx = DemoContext(employees=employees, years=1, seed=3)
    run(people_demo(ctx))
    return ctx


def first_employee(**where) -> dict:
    query = Employee.select().order_by(Employee.id)
    for key, value in where.items():
        query = query.where(getattr(Employee, key) == value)
    return run(query.first())


NEW = {
    "employee_number": "N100",
    "first_name": "Nia",
    "last_name": "Okoro",
    "site": "RIV",
    "department": "ASM",
    "home_station": "ASM1-01",
    "crew": "A",
    "bargaining_unit": "UAW-1701",
    "employment_type": "full_time",
    "hire_date": "2024-03-04",
    "status": "active",
}


@pytest.mark.parametrize("role", ["hr", "supervisor", "safety", "compliance", "viewer", "admin"])
def test_readers_see_the_list_and_record(client, role):
    plant(10)
    login(client, "u", [role])
    assert client.get("/people").status_code == 200
    emp = first_employee()
    assert client.get(f"/people/{emp['id']}").status_code == 200


@pytest.mark.parametrize("role", ["supervisor", "safety", "compliance", "viewer"])
def test_non_hr_cannot_write(client, role):
    plant(5)
    login(client, "u", [role])
    emp = first_employee()
    assert client.get("/people/new").status_code == 403
    assert client.get(f"/people/{emp['id']}/edit").status_code == 403
    assert post(client, "/people", NEW, token_from="/").status_code == 403
    assert post(client, f"/people/{emp['id']}", {**NEW, "version": "1"}, token_from="/").status_code == 403
    assert (
        post(client, f"/people/{emp['id']}/status", {"status": "terminated"}, token_from="/").status_code
        == 403
    )
    assert run(Employee.count().where(Employee.employee_number == "N100")) == 0


def test_supervisor_limited_to_own_site(client):
    plant(20)
    uid = login(client, "sam", ["supervisor"])
    run(User.update({User.sites: ["RIV"]}).where(User.id == uid))
    html = client.get("/people?per_page=100").text
    assert "LKS" not in re.sub(r"<option.*?</option>", "", html)
    lks = run(Site.select(Site.id).where(Site.code == "LKS").first())["id"]
    other = first_employee(site=lks)
    assert client.get(f"/people/{other['id']}").status_code == 403


def test_search_filter_sort_and_fragment(client):
    plant(40)
    login(client, "hana", ["hr"])
    emp = first_employee()
    r = client.get(f"/people?q={emp['employee_number']}")
    assert r.status_code == 200 and emp["last_name"] in r.text and "1 people" in r.text
    fragment = client.get(f"/people?q={emp['last_name'][:3].lower()}", headers={"hx-request": "true"})
    assert "<html" not in fragment.text and emp["last_name"] in fragment.text
    terminated = client.get("/people?status=terminated&per_page=100").text
    assert "Active</span>" not in terminated
    desc = client.get("/people?sort=-number").text
    numbers = re.findall(r"<td>(E\d{5})</td>", desc)
    assert numbers == sorted(numbers, reverse=True) and len(numbers) == 25
    assert 'href="?page=2&amp;sort=-number"' in desc or "sort=-number&amp;page=2" in desc
    assert client.get("/people?site=notanumber&sort=evil").status_code == 200  # junk ignored


def test_list_query_count_does_not_grow_with_page_size(client, count_queries):
    plant(60)
    login(client, "hana", ["hr"])
    client.get("/people")  # warm up the session touch
    with count_queries() as small:
        client.get("/people?per_page=5")
    with count_queries() as large:
        client.get("/people?per_page=60")
    assert len(small) == len(large) and len(large) <= 12


def test_create_employee_with_errors_then_success(client):
    plant(5)
    login(client, "hana", ["hr"])
    r = post(
        client,
        "/people",
        {**NEW, "department": "XYZ", "hire_date": "03/04/2024", "first_name": ""},
        token_from="/",
    )
    assert r.status_code == 400
    assert "Unknown department &#39;XYZ&#39; at site RIV." in r.text
    assert "&#39;03/04/2024&#39; is not a date (use YYYY-MM-DD)." in r.text
    assert 'value="Okoro"' in r.text  # values kept
    assert run(Employee.count().where(Employee.employee_number == "N100")) == 0
    r = post(client, "/people", NEW, token_from="/")
    assert r.status_code == 303
    created = first_employee(employee_number="N100")
    assert created["search_text"] == "okoro nia n100"
    entry = run(
        AuditEntry.select()
        .where((AuditEntry.entity_type == "employee") & (AuditEntry.entity_id == str(created["id"])))
        .first()
    )
    assert entry["action"] == "employee.create" and entry["actor_name"] == "hana"
    dup = post(client, "/people", NEW, token_from="/")
    assert dup.status_code == 400 and "already exists" in dup.text


def _version(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def test_edit_shows_in_history_and_detects_concurrent_edit(client):
    plant(5)
    login(client, "hana", ["hr"])
    emp = first_employee(status="active")
    form = client.get(f"/people/{emp['id']}/edit").text
    version = _version(form)
    values = dict(re.findall(r'name="(\w+)" type="[a-z]+" value="([^"]*)"', form))
    values.update(
        {
            k: v
            for k, v in re.findall(
                r'<select id="f-\w+" name="(\w+)".*?<option value="([^"]*)" selected', form, re.S
            )
        }
    )
    values["job_class"] = "Setter II"
    values["status"] = "active"
    r = post(client, f"/people/{emp['id']}", {**values, "version": version}, token_from="/")
    assert r.status_code == 303, r.text[:2000]
    page = client.get(f"/people/{emp['id']}").text
    assert "Setter II" in page and "job_class" in page  # history shows the changed field
    values["job_class"] = "Setter III"
    r = post(client, f"/people/{emp['id']}", {**values, "version": version}, token_from="/")
    assert r.status_code == 409 and "Changed by hana" in r.text and "since you opened it" in r.text
    assert first_employee(id=emp["id"])["job_class"] == "Setter II"
    # Her entry is kept beside the value saved meanwhile; the other fields are the same and carry no note.
    assert 'value="Setter III"' in r.text and "Saved meanwhile as: Setter II" in r.text
    assert r.text.count("Saved meanwhile as") == 1
    fresh = _version(r.text)
    assert fresh != version
    r = post(client, f"/people/{emp['id']}", {**values, "version": fresh}, token_from="/")
    assert r.status_code == 303 and first_employee(id=emp["id"])["job_class"] == "Setter III"


def _form_fields(html: str) -> dict[str, str]:
    """Every input and selected option the edit form posts (hidden ones included), HTML entities undone."""
    import html as html_lib

    fields = {
        name: html_lib.unescape(value)
        for name, value in re.findall(r'<input[^>]*?name="(\w+)"[^>]*?value="([^"]*)"', html)
    }
    fields.update(
        re.findall(r'<select id="f-\w+" name="(\w+)".*?<option value="([^"]*)" selected', html, re.S)
    )
    fields.pop("_csrf_token", None)
    return fields


def test_saving_over_a_change_made_meanwhile_merges_it_in(client):
    # The reviewer's case: Hana has the edit form open; Omar terminates the employee meanwhile; Hana saves
    # a new phone number. The termination must not be undone, by this save or by saving again.
    plant(5)
    login(client, "hana", ["hr"])
    emp = first_employee(status="active")
    mine = _form_fields(client.get(f"/people/{emp['id']}/edit").text)
    assert "_original" in mine
    terminated = {
        "status": "terminated",
        "version": mine["version"],
        "reason": "Retired",
        "termination_date": "2026-01-31",
    }
    assert post(client, f"/people/{emp['id']}/status", terminated, token_from="/").status_code == 303
    mine["phone"] = "555-0100"
    r = post(client, f"/people/{emp['id']}", mine, token_from="/")
    assert r.status_code == 409 and "Their changes are now in the form" in r.text
    assert "Saved meanwhile as" not in r.text  # nobody changed the same field twice
    again = _form_fields(r.text)
    assert again["status"] == "terminated" and again["termination_date"] == "2026-01-31"
    assert again["phone"] == "555-0100"
    assert post(client, f"/people/{emp['id']}", again, token_from="/").status_code == 303
    row = first_employee(id=emp["id"])
    assert (row["status"], str(row["termination_date"]), row["phone"]) == (
        "terminated",
        "2026-01-31",
        "555-0100",
    )


def test_a_double_submitted_edit_is_answered_saved_twice(client):
    # A double tap, or a retry after the answer was lost: the second post is stale, but everything it
    # carries is what is saved, so it is the same save, not a clash.
    plant(5)
    login(client, "hana", ["hr"])
    emp = first_employee(status="active")
    form = _form_fields(client.get(f"/people/{emp['id']}/edit").text)
    form["phone"] = "555-0199"
    first = post(client, f"/people/{emp['id']}", form, token_from="/")
    second = post(client, f"/people/{emp['id']}", form, token_from="/")
    assert first.status_code == second.status_code == 303
    assert second.headers["location"] == f"/people/{emp['id']}"
    assert first_employee(id=emp["id"])["phone"] == "555-0199"


def test_both_changing_one_field_keeps_mine_and_shows_theirs(client):
    plant(5)
    login(client, "hana", ["hr"])
    emp = first_employee(status="active")
    first = _form_fields(client.get(f"/people/{emp['id']}/edit").text)
    second = dict(first)
    first["job_class"], first["phone"] = "Setter A", "555-0111"
    assert post(client, f"/people/{emp['id']}", first, token_from="/").status_code == 303
    second["job_class"] = "Setter B"
    r = post(client, f"/people/{emp['id']}", second, token_from="/")
    assert r.status_code == 409 and "Saved meanwhile as: Setter A" in r.text
    merged = _form_fields(r.text)
    assert merged["job_class"] == "Setter B" and merged["phone"] == "555-0111"  # mine kept, theirs taken in
    assert r.text.count("Saved meanwhile as") == 1


def test_status_change_needs_reason_and_keeps_record(client):
    plant(5)
    login(client, "hana", ["hr"])
    emp = first_employee(status="active")
    r = post(
        client,
        f"/people/{emp['id']}/status",
        {"status": "terminated", "version": str(emp["version"])},
        token_from="/",
    )
    assert r.status_code == 400 and "Give a reason" in r.text and "Enter a date." in r.text
    r = post(
        client,
        f"/people/{emp['id']}/status",
        {
            "status": "terminated",
            "version": str(emp["version"]),
            "reason": "Retired",
            "termination_date": "2026-01-31",
        },
        token_from="/",
    )
    assert r.status_code == 303
    row = first_employee(id=emp["id"])
    assert row["status"] == "terminated" and row["status_reason"] == "Retired"
    assert str(row["termination_date"]) == "2026-01-31"
    actions = [
        a["action"]
        for a in run(AuditEntry.select(AuditEntry.action).where(AuditEntry.entity_id == str(emp["id"])))
    ]
    assert "employee.terminated" in actions


def test_unknown_employee_is_404(client):
    login(client, "hana", ["hr"])
    assert client.get("/people/999999").status_code == 404


def test_contact_data_hidden_from_safety_and_viewer(client):
    plant(3)
    emp = first_employee()
    login(client, "vic", ["viewer"])
    assert "export.csv" not in client.get("/people").text
    page = client.get(f"/people/{emp['id']}").text
    assert emp["phone"] not in page and "restricted" in page
    client.cookies.clear()
    login(client, "sam", ["supervisor"])
    assert "export.csv" in client.get("/people").text
    assert emp["phone"] in client.get(f"/people/{emp['id']}").text
