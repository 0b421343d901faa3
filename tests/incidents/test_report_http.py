"""Reporting from the shop floor over HTTP: the quick form, one record per idempotency key, the JSON answer
the offline queue uses, validation, site time zones, the server-side draft and photos."""

import io
import re
from datetime import UTC, datetime, timedelta

from PIL import Image

from tests.conftest import login, post, run
from tests.incidents.helpers import jpeg_with_gps, make_plant
from workforce.audit.tables import AuditEntry
from workforce.incidents.tables import Incident, IncidentPerson, Photo
from workforce.web.tables import FormDraft

KEY = "k" * 32


def report(plant, **extra):
    return {
        "kind": "near_miss",
        "title": "Forklift nearly hit pedestrian",
        "site_id": plant["sites"]["RIV"],
        "station_id": plant["stations"]["RIV"][0],
        "idempotency_key": KEY,
        **extra,
    }


def test_report_form_is_quick_and_open_to_every_role(client):
    plant = make_plant()
    login(client, "vic", ["viewer"])
    r = client.get("/incidents/new")
    assert r.status_code == 200
    html = r.text
    assert re.search(r'name="idempotency_key" value="[0-9a-f]{32}"', html)
    assert 'name="title"' in html and "required" in html
    assert 'type="datetime-local"' in html and re.search(
        r'name="occurred_at" type="datetime-local" value="\d{4}-', html
    )
    assert f'data-site="{plant["sites"]["LKS"]}"' in html  # stations of both sites, filtered by the script
    assert "/static/js/offline-report.js" in html and "data-offline-report" in html


def test_near_miss_report_creates_one_incident_with_audit(client):
    plant = make_plant()
    login(client, "vic", ["viewer"])
    r = post(client, "/incidents", report(plant, description="Near the wash bay"), token_from="/")
    assert r.status_code == 303
    incident_id = int(r.headers["location"].rsplit("/", 1)[1])
    row = run(Incident.select().where(Incident.id == incident_id).first())
    assert row["kind"] == "near_miss" and row["status"] == "reported" and row["reporter_name"] == "Vic"
    assert row["site_id"] == plant["sites"]["RIV"] and row["voided_at"] is None
    assert (
        run(
            AuditEntry.count().where(
                (AuditEntry.action == "incident.report") & (AuditEntry.entity_id == str(incident_id))
            )
        )
        == 1
    )


def test_double_submit_with_the_same_key_creates_one_record(client):
    plant = make_plant()
    login(client, "vic", ["viewer"])
    first = post(client, "/incidents", report(plant), token_from="/")
    second = post(client, "/incidents", report(plant), token_from="/")
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert run(Incident.count()) == 1
    assert "not sent twice" in client.get(second.headers["location"]).text


def test_offline_queue_gets_json_and_a_resend_returns_the_same_record(client):
    plant = make_plant()
    login(client, "vic", ["viewer"])
    headers = {"accept": "application/json"}
    r1 = post(client, "/incidents", report(plant), token_from="/", headers=headers)
    assert r1.status_code == 201 and r1.json()["created"] is True
    r2 = post(client, "/incidents", report(plant), token_from="/", headers=headers)
    assert r2.status_code == 200 and r2.json() == {**r1.json(), "created": False}
    assert run(Incident.count()) == 1


def test_missing_fields_are_refused_with_values_kept_and_nothing_written(client):
    make_plant()
    login(client, "vic", ["viewer"])
    r = post(
        client,
        "/incidents",
        {"kind": "near_miss", "title": "", "description": "Kept text", "idempotency_key": KEY},
        token_from="/",
    )
    assert r.status_code == 400
    assert "Say in a few words what happened." in r.text and "Choose the site." in r.text
    assert (
        "Kept text" in r.text and KEY in r.text
    )  # the same key, so a corrected resubmit is still one record
    r = post(client, "/incidents", {"title": ""}, token_from="/", headers={"accept": "application/json"})
    assert r.status_code == 400 and set(r.json()["errors"]) >= {"title", "site_id"}
    assert run(Incident.count()) == 0


def test_station_of_another_site_and_future_times_are_refused(client):
    plant = make_plant()
    login(client, "vic", ["viewer"])
    r = post(client, "/incidents", report(plant, station_id=plant["stations"]["LKS"][0]), token_from="/")
    assert r.status_code == 400 and "Choose a station of that site" in r.text
    future = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    r = post(client, "/incidents", report(plant, occurred_at=future), token_from="/")
    assert r.status_code == 400 and "in the future" in r.text
    assert run(Incident.count()) == 0


def test_time_entered_is_the_sites_wall_clock(client):
    plant = make_plant()
    login(client, "vic", ["viewer"])
    post(client, "/incidents", report(plant, occurred_at="2026-01-15T07:30"), token_from="/")
    row = run(Incident.select(Incident.occurred_at).first())
    assert row["occurred_at"].astimezone(UTC) == datetime(2026, 1, 15, 13, 30, tzinfo=UTC)  # Chicago, UTC-6


def test_draft_is_saved_restored_and_cleared_after_sending(client):
    plant = make_plant()
    login(client, "vic", ["viewer"])
    r = post(
        client,
        "/incidents/draft",
        {"title": "Half typed", "site_id": plant["sites"]["RIV"], "kind": "unsafe_condition"},
        token_from="/",
        headers={"hx-request": "true"},
    )
    assert r.status_code in (200, 201) and "Draft saved" in r.text
    page = client.get("/incidents/new").text
    assert 'value="Half typed"' in page
    assert re.search(r'value="unsafe_condition" checked', page)
    post(client, "/incidents", report(plant), token_from="/")
    assert run(FormDraft.count()) == 0
    assert 'value="Half typed"' not in client.get("/incidents/new").text


def test_discard_draft(client):
    make_plant()
    login(client, "vic", ["viewer"])
    post(client, "/incidents/draft", {"title": "Oops"}, token_from="/")
    r = post(client, "/incidents/draft/discard", {}, token_from="/")
    assert r.status_code == 303 and run(FormDraft.count()) == 0


def test_people_picker_fragments_and_people_saved_with_roles(client):
    plant = make_plant()
    login(client, "vic", ["viewer"])
    found = client.get("/incidents/people-search?q=rivlast1", headers={"hx-request": "true"})
    assert found.status_code == 200 and "RIV001" in found.text and "<html" not in found.text
    row = client.get(f"/incidents/people-row?employee_id={plant['employees']['RIV'][0]}")
    assert 'name="person_id"' in row.text and 'name="person_role"' in row.text
    r = post(
        client,
        "/incidents",
        report(
            plant,
            person_id=[str(plant["employees"]["RIV"][0]), str(plant["employees"]["RIV"][1])],
            person_role=["involved", "witness"],
        ),
        token_from="/",
    )
    assert r.status_code == 303
    rows = run(
        IncidentPerson.select(IncidentPerson.employee_id, IncidentPerson.role).order_by(IncidentPerson.id)
    )
    assert [r["role"] for r in rows] == ["involved", "witness"]


def test_photo_is_resized_turned_upright_and_stripped_of_exif_and_gps(client):
    plant = make_plant()
    login(client, "vic", ["viewer"])
    r = post(
        client,
        "/incidents",
        report(plant),
        files={"photo": ("phone.jpg", jpeg_with_gps(), "image/jpeg")},
        token_from="/",
    )
    assert r.status_code == 303
    photo = run(Photo.select().first())
    stored = Image.open(io.BytesIO(photo["data"]))
    assert stored.format == "JPEG"
    assert max(stored.size) == 1600 and stored.size[1] > stored.size[0]  # orientation 6 applied: portrait
    assert not stored.getexif() and "exif" not in stored.info
    assert b"SERIAL-12345" not in photo["data"] and b"GPS" not in photo["data"]
    assert max(Image.open(io.BytesIO(photo["thumbnail"])).size) <= 320


def test_a_file_that_is_not_a_photo_is_refused(client):
    plant = make_plant()
    login(client, "vic", ["viewer"])
    r = post(
        client,
        "/incidents",
        report(plant),
        files={"photo": ("x.jpg", b"not an image", "image/jpeg")},
        token_from="/",
    )
    assert r.status_code == 400 and "not a photo we can read" in r.text
    assert run(Incident.count()) == 0
