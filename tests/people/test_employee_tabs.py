"""Other modules add tabs to the employee page through the registry, not by editing the page."""

from tests.conftest import login
from tests.people.test_employees_http import first_employee, plant
from workforce.web import registry
from workforce.web.registry import Module, Tab


def test_registered_tab_appears_for_allowed_roles_only(client, monkeypatch):
    plant(3)
    original = registry.load_modules
    extra = Module(
        name="fake",
        tabs={
            "employee": [
                Tab(
                    "training",
                    "Training",
                    href=lambda emp_id: f"/fake/{emp_id}/training",
                    roles=frozenset({"hr"}),
                )
            ]
        },
    )
    monkeypatch.setattr(registry, "load_modules", lambda: [*original(), extra])
    emp = first_employee()
    login(client, "hana", ["hr"])
    page = client.get(f"/people/{emp['id']}").text
    assert f'hx-get="/fake/{emp["id"]}/training"' in page and ">Training</a>" in page
    client.cookies.clear()
    login(client, "vic", ["viewer"])
    assert "/training" not in client.get(f"/people/{emp['id']}").text


def test_dashboard_shows_headcount_card_to_hr(client):
    plant(12)
    login(client, "hana", ["hr"])
    html = client.get("/").text
    assert "people on the books" in html
