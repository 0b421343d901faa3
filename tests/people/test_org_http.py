"""Organisation pages: one generic controller for every unit type, with validation and audit."""

import re

import pytest

from tests.conftest import login, post, run
from workforce.audit.tables import AuditEntry
from workforce.people.org_specs import SPECS
from workforce.people.tables import Department, Site


def make_site(code="RIV") -> int:
    return run(
        Site.insert(
            Site(code=code, name=f"{code} plant", timezone="America/Chicago", country="US", subdivision="IL")
        ).returning(Site.id)
    )[0]["id"]


@pytest.mark.parametrize("kind", list(SPECS))
def test_every_unit_type_lists_and_has_a_form(client, kind):
    login(client, "hana", ["hr"])
    assert client.get(f"/org/{kind}").status_code == 200
    assert client.get(f"/org/{kind}/new").status_code == 200


def test_org_index_and_unknown_kind(client):
    login(client, "vic", ["viewer"])
    assert "Work stations" in client.get("/org").text
    assert client.get("/org/planets").status_code == 404


def test_create_site_validates_timezone_and_country(client):
    login(client, "hana", ["hr"])
    r = post(
        client,
        "/org/sites",
        {"code": "x1", "name": "X", "timezone": "Mars/Olympus", "country": "ZZ", "paper_size": "Letter"},
        token_from="/",
    )
    assert r.status_code == 400
    assert (
        "Unknown time zone &#39;Mars/Olympus&#39;" in r.text and "Unknown country or subdivision ZZ" in r.text
    )
    r = post(
        client,
        "/org/sites",
        {
            "code": "x1",
            "name": "Xenia",
            "timezone": "Europe/Berlin",
            "country": "de",
            "subdivision": "BY",
            "paper_size": "A4",
        },
        token_from="/",
    )
    assert r.status_code == 303
    site = run(Site.select().where(Site.code == "X1").first())
    assert site["country"] == "DE" and site["paper_size"] == "A4"
    assert run(AuditEntry.count().where(AuditEntry.action == "site.create")) == 1


def test_department_code_unique_within_site_only(client):
    login(client, "hana", ["hr"])
    a, b = make_site("AAA"), make_site("BBB")
    assert (
        post(
            client, "/org/departments", {"site": str(a), "code": "ASM", "name": "Assembly"}, token_from="/"
        ).status_code
        == 303
    )
    dup = post(client, "/org/departments", {"site": str(a), "code": "asm", "name": "Again"}, token_from="/")
    assert dup.status_code == 400 and "already used in this site" in dup.text
    assert (
        post(
            client, "/org/departments", {"site": str(b), "code": "ASM", "name": "Assembly"}, token_from="/"
        ).status_code
        == 303
    )
    missing = post(client, "/org/departments", {"site": "", "code": "", "name": ""}, token_from="/")
    assert missing.status_code == 400 and missing.text.count("Required.") == 3
    assert run(Department.count()) == 2


def test_edit_with_stale_version_and_deactivate(client):
    login(client, "hana", ["hr"])
    site_id = make_site()
    form = client.get(f"/org/sites/{site_id}").text
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    data = {
        "code": "RIV",
        "name": "Riverside",
        "timezone": "America/Chicago",
        "country": "US",
        "subdivision": "IL",
        "paper_size": "Letter",
        "version": version,
    }
    assert post(client, f"/org/sites/{site_id}", data, token_from="/").status_code == 303
    # The same form posted twice (a double tap): stale, but nothing in it differs from what is saved.
    again_same = post(client, f"/org/sites/{site_id}", data, token_from="/")
    assert again_same.status_code == 303 and again_same.headers["location"] == f"/org/sites/{site_id}"
    mine = {**data, "name": "Other", "paper_size": "A4"}
    stale = post(client, f"/org/sites/{site_id}", mine, token_from="/")
    assert stale.status_code == 409 and "since you opened it" in stale.text
    # The user's entries are kept, the saved value shown beside the fields that differ, and the form
    # now carries the saved version: saving again keeps theirs, knowingly.
    assert 'value="Other"' in stale.text and "Their changes are now in the form" in stale.text
    assert "Saved meanwhile as: Riverside" in stale.text and "Saved meanwhile as: Letter" in stale.text
    assert "Saved meanwhile as: RIV" not in stale.text  # the code did not change
    new_version = re.search(r'name="version" value="(\d+)"', stale.text).group(1)
    assert new_version != version
    again = {**mine, "version": new_version}
    assert post(client, f"/org/sites/{site_id}", again, token_from="/").status_code == 303
    assert run(Site.select(Site.name).where(Site.id == site_id).first())["name"] == "Other"
    assert (
        post(client, f"/org/sites/{site_id}/active", {"active": "false"}, token_from="/").status_code == 303
    )
    assert run(Site.select(Site.active).where(Site.id == site_id).first())["active"] is False
    listed = client.get("/org/sites").text
    assert "RIV plant" not in listed and "Other" not in listed
    assert "Other" in client.get("/org/sites?show=inactive").text
    history = client.get(f"/org/sites/{site_id}").text
    assert "deactivated" in history


@pytest.mark.parametrize("role", ["supervisor", "viewer", "safety"])
def test_readers_cannot_write_org(client, role):
    login(client, "u", [role])
    site_id = make_site()
    assert client.get("/org/sites/new").status_code == 403
    assert post(client, "/org/sites", {"code": "Q"}, token_from="/").status_code == 403
    assert (
        post(client, f"/org/sites/{site_id}/active", {"active": "false"}, token_from="/").status_code == 403
    )
    page = client.get(f"/org/sites/{site_id}").text
    assert "<fieldset disabled" in page
