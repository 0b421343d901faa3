"""People and organisation API: tokens and roles, filters and pagination, create/patch with problem
bodies (401/403/404/409/422), audit, and the OpenAPI document matching real responses."""

import pytest

from tests.conftest import api_token, run
from tests.people.factories import make_employee, make_org
from workforce.accounts.tables import User
from workforce.audit.tables import AuditEntry
from workforce.people.org_specs import SPECS
from workforce.people.tables import Department, Employee, Site

NEW = {
    "employee_number": "n100",
    "first_name": "Nia",
    "last_name": "Okoro",
    "site": "riv",
    "department": "ASM",
    "home_station": "ASM1-01",
    "crew": "A",
    "bargaining_unit": "UAW-1701",
    "hire_date": "2024-03-04",
}


def auth(token: str) -> dict:
    return {"authorization": f"Bearer {token}"}


@pytest.fixture
def hr(client):
    return auth(api_token("hana", ["hr"]))


def is_problem(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["type"] == "about:blank" and body["title"]
    return body


# --------------------------------------------------------------------------- auth and roles


def test_401_without_or_with_a_bad_token(client):
    make_org()
    for method, url in [
        ("GET", "/api/v1/employees"),
        ("POST", "/api/v1/employees"),
        ("GET", "/api/v1/org/sites"),
        ("PATCH", "/api/v1/org/sites/1"),
    ]:
        is_problem(client.request(method, url, json={}), 401)
        is_problem(client.request(method, url, json={}, headers=auth("wf_nope")), 401)


@pytest.mark.parametrize("role", ["supervisor", "safety", "compliance", "viewer"])
def test_readers_read_but_may_not_write(client, role):
    org = make_org()
    emp = make_employee(org, "E10001")
    headers = auth(api_token("u", [role]))
    assert client.get("/api/v1/employees", headers=headers).status_code == 200
    assert client.get(f"/api/v1/employees/{emp}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/org/sites/{org['site_id']}", headers=headers).status_code == 200
    body = is_problem(client.post("/api/v1/employees", json=NEW, headers=headers), 403)
    assert body["detail"] == "Your role does not allow this."
    is_problem(
        client.patch(f"/api/v1/employees/{emp}", json={"version": 1, "job_class": "x"}, headers=headers), 403
    )
    is_problem(
        client.post(
            "/api/v1/org/crews", json={"site": org["site_id"], "code": "B", "name": "B"}, headers=headers
        ),
        403,
    )
    is_problem(
        client.patch(
            f"/api/v1/org/sites/{org['site_id']}", json={"version": 1, "name": "x"}, headers=headers
        ),
        403,
    )
    assert run(Employee.count()) == 1


def test_user_without_a_people_role_gets_403(client):
    make_org()
    is_problem(client.get("/api/v1/employees", headers=auth(api_token("x", ["trainer"]))), 403)


def test_phone_only_for_roles_that_may_export(client):
    emp = make_employee(make_org(), "E10001", phone="555-0100")
    for role, phone in [("hr", "555-0100"), ("compliance", "555-0100"), ("viewer", None), ("safety", None)]:
        headers = auth(api_token(f"u-{role}", [role]))
        assert client.get(f"/api/v1/employees/{emp}", headers=headers).json()["phone"] == phone
        assert client.get("/api/v1/employees", headers=headers).json()["items"][0]["phone"] == phone


# --------------------------------------------------------------------------- employees: read


def test_get_one_employee_and_404(client, hr):
    org = make_org()
    boss = make_employee(org, "E10000", first_name="Bo")
    emp = make_employee(org, "E10001", supervisor=boss, phone="555")
    body = client.get(f"/api/v1/employees/{emp}", headers=hr).json()
    assert body == {
        "id": emp,
        "version": 1,
        "employee_number": "E10001",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "preferred_name": "",
        "job_class": "",
        "site": "RIV",
        "department": "ASM",
        "home_station": "ASM1-01",
        "crew": "A",
        "bargaining_unit": "UAW-1701",
        "employment_type": "full_time",
        "hire_date": "2020-01-06",
        "seniority_date": "2020-01-06",
        "supervisor": "E10000",
        "status": "active",
        "status_reason": "",
        "termination_date": None,
        "phone": "555",
        "updated_at": body["updated_at"],
    }
    problem = is_problem(client.get("/api/v1/employees/99999", headers=hr), 404)
    assert (
        problem["detail"] == "No employee with id 99999." and problem["instance"] == "/api/v1/employees/99999"
    )


def test_list_filters_and_pagination(client, hr):
    org = make_org()
    lks = make_org("LKS", "MCH", "MCH1", "MCH1-01", "B", None)
    for i in range(7):
        make_employee(org, f"E1{i:04d}", last_name=f"Riv{i}")
    for i in range(3):
        make_employee(
            lks,
            f"E2{i:04d}",
            last_name=f"Lake{i}",
            status="terminated",
            termination_date=__import__("datetime").date(2025, 1, 1),
        )
    r = client.get("/api/v1/employees?per_page=4&page=2", headers=hr).json()
    assert (r["page"], r["per_page"], r["total"]) == (2, 4, 10)
    assert [e["employee_number"] for e in r["items"]] == ["E10004", "E10005", "E10006", "E20000"]
    assert client.get("/api/v1/employees?per_page=4&page=9", headers=hr).json()["items"] == []
    assert client.get(f"/api/v1/employees?site={lks['site_id']}", headers=hr).json()["total"] == 3
    assert client.get(f"/api/v1/employees?crew={org['crew_id']}", headers=hr).json()["total"] == 7
    assert client.get(f"/api/v1/employees?department={lks['department_id']}", headers=hr).json()["total"] == 3
    assert client.get(f"/api/v1/employees?bargaining_unit={org['unit_id']}", headers=hr).json()["total"] == 7
    assert client.get("/api/v1/employees?status=current", headers=hr).json()["total"] == 7
    assert client.get("/api/v1/employees?status=terminated", headers=hr).json()["total"] == 3
    assert [e["last_name"] for e in client.get("/api/v1/employees?q=lake1", headers=hr).json()["items"]] == [
        "Lake1"
    ]
    default = client.get("/api/v1/employees", headers=hr).json()
    assert (default["page"], default["per_page"]) == (1, 50)


def test_list_rejects_bad_parameters_with_422(client, hr):
    body = is_problem(client.get("/api/v1/employees?per_page=500&page=0&site=x&status=gone", headers=hr), 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"per_page", "page", "site", "status"} <= fields


def test_site_limited_token_sees_its_sites_only(client):
    org = make_org()
    lks = make_org("LKS", "MCH", "MCH1", "MCH1-01", "B", None)
    make_employee(org, "E10001")
    other = make_employee(lks, "E20001")
    token = api_token("sam", ["supervisor"])
    run(User.update({User.sites: ["RIV"]}).where(User.username == "sam"))
    items = client.get("/api/v1/employees", headers=auth(token)).json()["items"]
    assert [e["employee_number"] for e in items] == ["E10001"]
    is_problem(client.get(f"/api/v1/employees/{other}", headers=auth(token)), 403)


# --------------------------------------------------------------------------- employees: write


def test_create_employee_with_codes_and_audit(client, hr):
    make_org()
    r = client.post("/api/v1/employees", json=NEW, headers=hr)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (
        body["employee_number"] == "N100" and body["site"] == "RIV" and body["seniority_date"] == "2024-03-04"
    )
    assert body["version"] == 1 and body["status"] == "active" and body["phone"] == ""
    entry = run(AuditEntry.select().where(AuditEntry.entity_type == "employee").first())
    assert (entry["action"], entry["entity_id"], entry["actor_name"]) == (
        "employee.create",
        str(body["id"]),
        "hana",
    )
    dup = is_problem(client.post("/api/v1/employees", json=NEW, headers=hr), 422)
    assert dup["errors"] == [{"field": "employee_number", "message": "employee number N100 already exists"}]


def test_create_employee_422_field_errors_and_nothing_written(client, hr):
    make_org()
    body = is_problem(
        client.post(
            "/api/v1/employees",
            json={**NEW, "department": "XYZ", "hire_date": "03/04/2024", "first_name": ""},
            headers=hr,
        ),
        422,
    )
    assert body["title"] == "Invalid input"
    assert sorted(body["errors"], key=lambda e: e["field"]) == [
        {"field": "department", "message": "unknown department 'XYZ' at site RIV"},
        {"field": "first_name", "message": "required"},
        {"field": "hire_date", "message": "'03/04/2024' is not a date (use YYYY-MM-DD)"},
    ]
    missing = is_problem(client.post("/api/v1/employees", json={"employee_number": "N1"}, headers=hr), 422)
    assert missing["errors"] == [{"field": "first_name", "message": "required"}]  # msgspec stops at the first
    typed = is_problem(client.post("/api/v1/employees", json={**NEW, "first_name": 7}, headers=hr), 422)
    assert typed["errors"] == [{"field": "first_name", "message": "Expected `str`, got `int`"}]
    unknown = is_problem(client.post("/api/v1/employees", json={**NEW, "salary": "1"}, headers=hr), 422)
    assert unknown["errors"] == [{"field": "salary", "message": "unknown field"}]
    is_problem(client.post("/api/v1/employees", content=b"{not json", headers=hr), 400)
    assert run(Employee.count()) == 0


def test_patch_merges_onto_current_values_and_checks_the_version(client, hr):
    org = make_org()
    emp = make_employee(org, "E10001", phone="555-0100")
    r = client.patch(
        f"/api/v1/employees/{emp}", json={"version": 1, "job_class": "Setter II", "crew": None}, headers=hr
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["version"], body["job_class"], body["crew"], body["phone"]) == (
        2,
        "Setter II",
        None,
        "555-0100",
    )
    entry = run(
        AuditEntry.select().where(AuditEntry.action == "employee.update").output(load_json=True).first()
    )
    assert entry["before"]["job_class"] == "" and entry["after"]["job_class"] == "Setter II"

    stale = is_problem(
        client.patch(f"/api/v1/employees/{emp}", json={"version": 1, "job_class": "Late"}, headers=hr), 409
    )
    assert stale["title"] == "Conflict"
    assert stale["detail"].startswith(f"The employee {emp} was changed by hana at ")
    assert stale["detail"].endswith("since the version you sent. GET it again and re-apply your change.")
    assert run(Employee.select(Employee.job_class).first())["job_class"] == "Setter II"

    no_version = is_problem(
        client.patch(f"/api/v1/employees/{emp}", json={"job_class": "x"}, headers=hr), 422
    )
    assert no_version["errors"] == [{"field": "version", "message": "required"}]
    bad = is_problem(
        client.patch(f"/api/v1/employees/{emp}", json={"version": 2, "status": "retired"}, headers=hr), 422
    )
    assert bad["errors"] == [{"field": "status", "message": "must be one of active, on_leave, terminated"}]
    is_problem(client.patch("/api/v1/employees/99999", json={"version": 1}, headers=hr), 404)


# --------------------------------------------------------------------------- organisation


def test_every_org_kind_lists_gets_creates_and_patches(client, hr):
    org = make_org()
    bodies = {
        "sites": {
            "code": "lks",
            "name": "Lakeshore",
            "timezone": "America/Detroit",
            "country": "US",
            "subdivision": "MI",
        },
        "departments": {"site": org["site_id"], "code": "wld", "name": "Welding"},
        "lines": {"department": org["department_id"], "code": "ASM2", "name": "Line 2"},
        "stations": {"line": org["line_id"], "code": "ASM1-02", "name": "Press", "min_qualified": 2},
        "crews": {"site": org["site_id"], "code": "B", "name": "Crew B"},
        "bargaining-units": {"code": "USW-88", "name": "USW Local 88", "non_union": False},
    }
    assert set(bodies) == set(SPECS)
    for kind, body in bodies.items():
        r = client.post(f"/api/v1/org/{kind}", json=body, headers=hr)
        assert r.status_code == 201, (kind, r.text)
        created = r.json()
        assert (
            created["code"] == body["code"].upper() and created["version"] == 1 and created["active"] is True
        )
        got = client.get(f"/api/v1/org/{kind}/{created['id']}", headers=hr).json()
        assert got == created
        listing = client.get(f"/api/v1/org/{kind}?per_page=1&page=2", headers=hr).json()
        assert (listing["total"], listing["page"], listing["per_page"]) == (2, 2, 1) and len(
            listing["items"]
        ) == 1
        r = client.patch(
            f"/api/v1/org/{kind}/{created['id']}", json={"version": 1, "name": "Renamed"}, headers=hr
        )
        assert r.status_code == 200, (kind, r.text)
        assert (
            r.json()["name"] == "Renamed" and r.json()["version"] == 2 and r.json()["code"] == created["code"]
        )
        stale = is_problem(
            client.patch(f"/api/v1/org/{kind}/{created['id']}", json={"version": 1, "name": "x"}, headers=hr),
            409,
        )
        assert "since the version you sent" in stale["detail"]
        is_problem(client.get(f"/api/v1/org/{kind}/99999", headers=hr), 404)
    assert run(Site.select(Site.name).where(Site.code == "LKS").first())["name"] == "Renamed"
    actions = {e["action"] for e in run(AuditEntry.select(AuditEntry.action))}
    assert {"site.create", "site.update", "bargaining_unit.create", "station.update"} <= actions


def test_org_list_extra_columns_and_filters(client, hr):
    org = make_org()
    run(Department.insert(Department(site=org["site_id"], code="OLD", name="Old shop", active=False)))
    items = client.get("/api/v1/org/departments?active=true", headers=hr).json()["items"]
    assert [(d["code"], d["site"], d["site_code"]) for d in items] == [("ASM", org["site_id"], "RIV")]
    assert client.get("/api/v1/org/departments?q=old", headers=hr).json()["total"] == 1


def test_org_422_and_unknown_kind_404(client, hr):
    org = make_org()
    body = is_problem(
        client.post("/api/v1/org/departments", json={"site": 99999, "code": "ASM", "name": "X"}, headers=hr),
        422,
    )
    assert body["errors"] == [{"field": "site", "message": "unknown site '99999'"}]
    taken = is_problem(
        client.post(
            "/api/v1/org/departments", json={"site": org["site_id"], "code": "asm", "name": "X"}, headers=hr
        ),
        422,
    )
    assert taken["errors"] == [{"field": "code", "message": "code ASM is already used in this site"}]
    tz = is_problem(
        client.post(
            "/api/v1/org/sites", json={"code": "X", "name": "X", "timezone": "Mars/Olympus"}, headers=hr
        ),
        422,
    )
    assert tz["errors"] == [
        {"field": "timezone", "message": "unknown time zone 'Mars/Olympus' (e.g. America/Chicago)"}
    ]
    missing = is_problem(client.post("/api/v1/org/crews", json={"code": "C"}, headers=hr), 422)
    assert missing["errors"] == [{"field": "site", "message": "required"}]
    is_problem(client.get("/api/v1/org/planets", headers=hr), 404)


# --------------------------------------------------------------------------- OpenAPI


def _resolve(schema: dict, doc: dict) -> dict:
    ref = schema.get("$ref")
    return doc["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else schema


JSON_TYPES = {
    "string": str,
    "integer": int,
    "boolean": bool,
    "null": type(None),
    "array": list,
    "object": dict,
}


def _types(prop: dict) -> set:
    options = prop.get("oneOf") or prop.get("anyOf") or [prop]
    found = set()
    for option in options:
        kind = option.get("type")
        for k in kind if isinstance(kind, list) else [kind]:
            if k:
                found.add(JSON_TYPES[k])
        if option.get("enum"):
            found.add(str)
    return found


def test_openapi_describes_the_endpoints_and_matches_a_real_response(client, hr):
    org = make_org()
    emp = make_employee(org, "E10001")
    doc = client.get("/schema/openapi.json", headers=hr).json()
    paths = doc["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/employees"])
    assert {"get", "patch"} <= set(paths["/api/v1/employees/{employee_id}"])
    for kind in SPECS:
        assert {"get", "post"} <= set(paths[f"/api/v1/org/{kind}"]), kind
        assert {"get", "patch"} <= set(paths[f"/api/v1/org/{kind}/{{row_id}}"]), kind
    params = {p["name"] for p in paths["/api/v1/employees"]["get"]["parameters"]}
    assert {"q", "site", "department", "crew", "bargaining_unit", "status", "page", "per_page"} <= params
    patch = paths["/api/v1/employees/{employee_id}"]["patch"]
    assert set(patch["responses"]) >= {"200", "401", "403", "404", "409", "422"}
    assert patch["responses"]["409"]["content"]["application/problem+json"]["schema"]["$ref"].endswith(
        "/Problem"
    )
    body_schema = _resolve(patch["requestBody"]["content"]["application/json"]["schema"], doc)
    assert body_schema["required"] == ["version"] and "job_class" in body_schema["properties"]
    create_schema = _resolve(
        paths["/api/v1/employees"]["post"]["requestBody"]["content"]["application/json"]["schema"], doc
    )
    assert set(create_schema["required"]) == {
        "employee_number",
        "first_name",
        "last_name",
        "site",
        "hire_date",
    }

    documented = _resolve(
        paths["/api/v1/employees/{employee_id}"]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ],
        doc,
    )
    real = client.get(f"/api/v1/employees/{emp}", headers=hr).json()
    assert set(documented["properties"]) == set(real) and set(documented["required"]) == set(real)
    for name, value in real.items():
        assert type(value) in _types(documented["properties"][name]), name
    page_schema = _resolve(
        paths["/api/v1/employees"]["get"]["responses"]["200"]["content"]["application/json"]["schema"], doc
    )
    assert set(page_schema["properties"]) == set(client.get("/api/v1/employees", headers=hr).json())

    site_schema = _resolve(
        paths["/api/v1/org/sites/{row_id}"]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ],
        doc,
    )
    site = client.get(f"/api/v1/org/sites/{org['site_id']}", headers=hr).json()
    assert set(site_schema["properties"]) == set(site)
    for name, value in site.items():
        assert type(value) in _types(site_schema["properties"][name]), name
