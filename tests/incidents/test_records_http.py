"""The incident record over HTTP: list filters and paging, edits with version checks, status, voiding
(never deleting), people, photos, 1904.39 deadlines, CAPA actions raised from the incident."""

import re
from datetime import UTC, datetime, timedelta

from tests.conftest import login, post, run
from tests.incidents.helpers import count_queries, make_incident, make_plant
from tests.incidents.scene import build_scene, tiny_jpeg
from workforce.actions.tables import Action
from workforce.audit.tables import AuditEntry
from workforce.incidents.tables import Incident, IncidentPerson, Photo


def test_list_filters_by_type_site_status_dates_and_search(client):
    plant = make_plant()
    riv, lks = plant["sites"]["RIV"], plant["sites"]["LKS"]
    old = datetime(2025, 3, 10, 15, 0, tzinfo=UTC)
    make_incident(riv, title="Oil on floor", kind="unsafe_condition", occurred_at=old)
    make_incident(lks, title="Pallet slipped", kind="near_miss")
    make_incident(riv, title="Cut finger", kind="first_aid", status="closed")
    make_incident(riv, title="Entered twice", voided_at=datetime.now(UTC), void_reason="duplicate")
    login(client, "sofia", ["safety"])

    def titles(query):
        html = client.get("/incidents" + query).text
        return {t for t in ("Oil on floor", "Pallet slipped", "Cut finger", "Entered twice") if t in html}

    assert titles("") == {"Oil on floor", "Pallet slipped", "Cut finger"}  # voided hidden
    assert titles("?type=first_aid") == {"Cut finger"}
    assert titles(f"?site={lks}") == {"Pallet slipped"}
    assert titles("?status=closed") == {"Cut finger"}
    assert titles("?status=voided") == {"Entered twice"}
    assert titles("?since=2025-03-10&until=2025-03-10") == {"Oil on floor"}
    assert titles("?q=PALLET") == {"Pallet slipped"}
    bad = client.get("/incidents?since=yesterday")
    assert bad.status_code == 200 and "is not a date" in bad.text


def test_list_htmx_returns_the_table_fragment_and_pages(client):
    plant = make_plant()
    for n in range(30):
        make_incident(plant["sites"]["RIV"], title=f"Near miss {n}")
    login(client, "sofia", ["safety"])
    r = client.get("/incidents?page=2", headers={"hx-request": "true"})
    assert r.status_code == 200 and "<html" not in r.text and 'data-uitest="incidents-table"' in r.text
    assert "26–30 of 30" in r.text and "Page 2 of 2" in r.text


def test_list_query_count_does_not_grow_with_rows(client):
    plant = make_plant()
    login(client, "sofia", ["safety"])

    def queries_for(n):
        run(Incident.delete(force=True))
        for k in range(n):
            make_incident(
                plant["sites"]["RIV" if k % 2 else "LKS"],
                title=f"Row {k}",
                station_id=plant["stations"]["RIV" if k % 2 else "LKS"][k % 3],
            )
        with count_queries() as seen:
            assert client.get("/incidents?per_page=100").status_code == 200
        return len(seen)

    assert queries_for(3) == queries_for(60)


def test_edit_with_stale_version_is_refused_with_who_changed_it(client):
    scene = build_scene()
    login(client, "sofia", ["safety"])
    form = {
        "kind": "injury_illness",
        "title": "Laceration, left hand",
        "site_id": scene.riv,
        "occurred_at": "2026-01-05T08:00",
        "version": "1",
    }
    assert post(client, f"/incidents/{scene.injury}", form, token_from="/").status_code == 303
    stale = post(client, f"/incidents/{scene.injury}", {**form, "title": "Other"}, token_from="/")
    assert stale.status_code == 409 and "Changed by sofia" in stale.text
    assert (
        run(Incident.select(Incident.title).where(Incident.id == scene.injury).first())["title"]
        == "Laceration, left hand"
    )


def test_status_flow_and_reopen_needs_a_note(client):
    scene = build_scene()
    login(client, "sofia", ["safety"])
    assert (
        post(
            client, f"/incidents/{scene.injury}/status", {"status": "closed", "version": "1"}, token_from="/"
        ).status_code
        == 303
    )
    r = post(
        client,
        f"/incidents/{scene.injury}/status",
        {"status": "investigating", "version": "2"},
        token_from="/",
    )
    assert r.status_code == 400 and "Say why the incident is reopened." in r.text
    r = post(
        client,
        f"/incidents/{scene.injury}/status",
        {"status": "investigating", "version": "2", "note": "New witness"},
        token_from="/",
    )
    assert r.status_code == 303
    assert "New witness" in client.get(f"/incidents/{scene.injury}").text


def test_void_keeps_the_record_with_reason_and_removes_it_from_the_log(client):
    scene = build_scene()
    login(client, "sofia", ["safety"])
    r = post(client, f"/incidents/{scene.injury}/void", {"version": "1", "void_reason": ""}, token_from="/")
    assert r.status_code == 400 and "Give the reason" in r.text
    r = post(
        client,
        f"/incidents/{scene.injury}/void",
        {"version": "1", "void_reason": "Reported twice"},
        token_from="/",
    )
    assert r.status_code == 303
    row = run(Incident.select().where(Incident.id == scene.injury).first())
    assert row["voided_at"] is not None and row["void_reason"] == "Reported twice"
    assert run(AuditEntry.count().where(AuditEntry.action == "incident.void")) == 1
    page = client.get(f"/incidents/{scene.injury}").text
    assert "Voided" in page and "Reported twice" in page
    log = client.get(f"/osha/300?site={scene.riv}&year={scene.year}").text
    assert "No recordable cases" in log


def test_add_person_and_details_are_audited_without_health_values(client):
    scene = build_scene()
    login(client, "sofia", ["safety"])
    third = scene.plant["employees"]["RIV"][2]
    r = post(
        client,
        f"/incidents/{scene.injury}/people",
        {"person_id": str(third), "person_role": "witness"},
        token_from="/",
    )
    assert r.status_code == 303
    again = post(client, f"/incidents/{scene.injury}/people", {"person_id": str(third)}, token_from="/")
    assert again.status_code == 400 and "already on this incident" in again.text
    r = post(
        client,
        f"/incidents/{scene.injury}/people/{scene.injured}",
        {"version": "2", "role": "injured", "body_part": "right thumb", "birth_date": "1990-05-01"},
        token_from="/",
    )
    assert r.status_code == 303
    entry = run(
        AuditEntry.select()
        .where(AuditEntry.action == "incident.person_update")
        .order_by(AuditEntry.id, ascending=False)
        .first()
    )
    assert "right thumb" not in (entry["after"] or "") and "body_part" in entry["after"]
    bad = post(
        client,
        f"/incidents/{scene.injury}/people/{scene.injured}",
        {"version": "3", "role": "injured", "birth_date": "May 1"},
        token_from="/",
    )
    assert bad.status_code == 400 and "is not a date" in bad.text


def test_photos_upload_and_serve_only_through_the_record(client):
    scene = build_scene()
    login(client, "sofia", ["safety"])
    r = post(
        client,
        f"/incidents/{scene.injury}/photos",
        {"caption": "After"},
        files={"photo": ("a.jpg", tiny_jpeg(), "image/jpeg")},
        token_from="/",
    )
    assert r.status_code == 303 and run(Photo.count()) == 2
    img = client.get(f"/incidents/{scene.injury}/photos/{scene.photo}")
    assert img.status_code == 200 and img.headers["content-type"] == "image/jpeg"
    assert client.get(f"/incidents/{scene.near_miss}/photos/{scene.photo}").status_code == 404


def test_deadlines_shown_with_clauses_for_an_amputation(client):
    plant = make_plant()
    when = datetime.now(UTC) - timedelta(hours=2)
    incident = make_incident(
        plant["sites"]["RIV"],
        kind="injury_illness",
        title="Fingertip amputation",
        occurred_at=when,
        amputation=True,
        reported_at=when,
    )
    login(client, "sofia", ["safety"])
    page = client.get(f"/incidents/{incident}").text
    assert "Report the amputation to OSHA" in page and "29 CFR 1904.39(a)(2)" in page
    assert "Enter the case on the OSHA 300 Log" in page and "1904.29(b)(3)" in page
    due = re.search(r"Report the amputation to OSHA</td><td>29 CFR 1904.39\(a\)\(2\)</td><td>([^<]+)<", page)
    assert due  # shown in the site's own clock


def test_severe_events_form_records_the_osha_report(client):
    scene = build_scene()
    login(client, "sofia", ["safety"])
    r = post(
        client,
        f"/incidents/{scene.injury}/reporting",
        {"version": "1", "hospitalized_at": "1999-01-01T00:00"},
        token_from="/",
    )
    assert r.status_code == 400 and "before the incident" in r.text
    r = post(
        client,
        f"/incidents/{scene.injury}/reporting",
        {
            "version": "1",
            "amputation": "on",
            "osha_reported_at": datetime.now().strftime("%Y-%m-%dT%H:%M"),
            "osha_report_reference": "OSHA-123",
        },
        token_from="/",
    )
    assert r.status_code == 303
    page = client.get(f"/incidents/{scene.injury}").text
    assert "Report the amputation to OSHA" in page and ("Done" in page)


def test_capa_action_from_the_incident_is_idempotent_and_validated(client):
    scene = build_scene()
    owner = login(client, "sofia", ["safety"])
    form = {
        "title": "Fit edge guard",
        "owner_user_id": str(owner),
        "due_date": "2030-01-31",
        "kind": "corrective",
        "priority": "high",
        "control_level": "engineering",
        "idempotency_key": "a" * 32,
    }
    first = post(client, f"/incidents/{scene.injury}/actions", form, token_from="/")
    second = post(client, f"/incidents/{scene.injury}/actions", form, token_from="/")
    assert first.status_code == second.status_code == 303
    assert run(Action.count().where(Action.title == "Fit edge guard")) == 1
    bad = post(
        client,
        f"/incidents/{scene.injury}/actions",
        {"title": "", "idempotency_key": "b" * 32},
        token_from="/",
    )
    assert bad.status_code == 400 and "Say what will be done." in bad.text and "Enter a date." in bad.text
    assert "Fit edge guard" in client.get(f"/incidents/{scene.injury}").text


def test_action_life_cycle_with_effectiveness_check_and_overdue_list(client):
    scene = build_scene()
    login(client, "sofia", ["safety"])
    url = f"/actions/{scene.action}"
    assert (
        post(client, f"{url}/status", {"status": "done", "version": "1"}, token_from="/").status_code == 303
    )
    r = post(
        client,
        f"{url}/check",
        {
            "version": "2",
            "checked_on": "2030-01-01",
            "effective": "no",
            "criterion": "No repeat cuts",
            "result": "Another cut in week 2",
        },
        token_from="/",
    )
    assert r.status_code == 303
    assert (
        run(Action.select(Action.status).where(Action.id == scene.action).first())["status"] == "in_progress"
    )
    r = post(client, f"{url}/status", {"status": "cancelled", "version": "3"}, token_from="/")
    assert r.status_code == 400 and "reason" in r.text
    run(Action.update({Action.due_date: datetime(2020, 1, 1).date()}).where(Action.id == scene.action))
    overdue = client.get("/actions?overdue=1").text
    assert "Deburr the press edge" in overdue and "Overdue" in overdue
    dashboard = client.get("/").text
    assert "Overdue corrective actions" in dashboard


def test_incident_report_pdf_has_investigation_and_actions(client):
    from io import BytesIO

    from pypdf import PdfReader

    scene = build_scene()
    login(client, "sofia", ["safety"])
    post(
        client,
        f"/incidents/{scene.injury}/investigation/whys",
        {"version": "0", "why": ["Why was the edge sharp?"], "because": ["Deburring skipped"]},
        token_from="/",
    )
    r = client.get(f"/incidents/{scene.injury}/report.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(r.content)).pages)
    for expected in (
        "Incident report",
        "Laceration on press edge",
        "5 Whys",
        "Deburring skipped",
        "Deburr the press edge",
        "Page 1 of",
        "Recordable J",
    ):
        assert expected in text, expected


def test_incident_report_pdf_embeds_the_photos_at_print_size(client):
    from io import BytesIO

    from pypdf import PdfReader

    from tests.incidents.helpers import jpeg_with_gps
    from tests.incidents.scene import SAFETY_USER
    from workforce.incidents import service
    from workforce.incidents.photos import process_photo

    scene = build_scene()  # has a 40 x 30 photo captioned "Press edge"
    big = process_photo(jpeg_with_gps())  # 1200 x 1600 once turned upright
    run(service.add_photo(scene.injury, big, "Guard removed", SAFETY_USER))
    login(client, "ida", ["supervisor"])  # a reader who may not see injury details still sees the photos
    r = client.get(f"/incidents/{scene.injury}/report.pdf")
    assert r.status_code == 200
    pages = PdfReader(BytesIO(r.content)).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert "Photos" in text and "Photo 1: Press edge" in text and "Photo 2: Guard removed" in text
    images = [image for page in pages for image in page.images]
    assert sorted(image.image.size for image in images) == [(40, 30), (big.width, big.height)]
    # The stored JPEG goes in as it is: full resolution, no second encoding.
    assert big.data in r.content


def test_employee_tab_lists_the_persons_incidents(client):
    scene = build_scene()
    login(client, "hana", ["hr"])
    r = client.get(f"/incidents/by-employee/{scene.plant['employees']['RIV'][0]}")
    assert r.status_code == 200 and "Laceration on press edge" in r.text
    assert run(IncidentPerson.count()) >= 2
