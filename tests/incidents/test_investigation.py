"""Investigation page: sections saved one at a time (versioned, audited, validated by the rootcause core),
and context from other modules through the provider registry, honest when nothing answers."""

from datetime import UTC, date, datetime

import pytest

from tests.conftest import login, post, run
from tests.incidents.scene import build_scene
from workforce.audit.tables import AuditEntry
from workforce.incidents import context
from workforce.incidents.tables import Investigation


@pytest.fixture
def clean_registry():
    yield
    for name in ("training", "hours", "permits", "ergonomics"):
        context.unregister_context_provider(name)
    context.unregister_hours_provider()


def test_context_says_not_recorded_when_no_module_answers(clean_registry):
    sections = run(context.context_for(1, 2, datetime.now(UTC)))
    assert [s["name"] for s in sections] == ["training", "hours", "permits"]
    assert all(s["text"] == "Not recorded in Workforce yet." and not s["recorded"] for s in sections)


def test_later_modules_plug_in_without_changing_incident_code(clean_registry):
    asked = []

    async def training(employee_id, station_id, at):
        asked.append((employee_id, station_id, at.year))
        return {"tone": "ok", "items": [("Press operation", "valid until 2027-03-01")]}

    async def permits(employee_id, station_id, at):
        return None  # registered, but nothing at that place and time

    async def broken(employee_id, station_id, at):
        raise RuntimeError("boom")

    async def ergonomics(employee_id, station_id, at):
        return {"title": "Ergonomic risk score", "text": "High (REBA 9)", "tone": "warn"}

    context.register_context_provider("training", training)
    context.register_context_provider("permits", permits)
    context.register_context_provider("hours", broken)
    context.register_context_provider("ergonomics", ergonomics)
    sections = {s["name"]: s for s in run(context.context_for(7, 3, datetime(2026, 2, 1, tzinfo=UTC)))}
    assert asked == [(7, 3, 2026)]
    assert sections["training"]["recorded"] and sections["training"]["items"] == [
        ("Press operation", "valid until 2027-03-01")
    ]
    assert sections["permits"]["text"] == "Nothing recorded for this person, place and time."
    assert "did not answer" in sections["hours"]["text"]
    assert sections["ergonomics"]["title"] == "Ergonomic risk score"


def test_hours_provider_replaces_entered_hours(db, clean_registry):
    from workforce.incidents.service_rates import rates_report

    scene = build_scene()
    report = run(rates_report(scene.riv, scene.year))
    assert report["hours"] == {"value": 760_000.0, "source": "entered"}

    async def roster(site_id, start, end):
        assert start == date(scene.year - 1, 1, 1) and end == date(scene.year, 12, 31)
        return {f"{scene.year}-{m:02d}": 50_000.0 for m in range(1, 13)}

    context.register_hours_provider(roster)
    report = run(rates_report(scene.riv, scene.year))
    assert report["hours"] == {"value": 600_000.0, "source": "roster"}
    assert report["rates"]["trir"] == 0.33  # 1 x 200,000 / 600,000, two decimals


def test_investigation_page_shows_context_sections(client, clean_registry):
    scene = build_scene()
    login(client, "sofia", ["safety"])
    page = client.get(f"/incidents/{scene.injury}/investigation").text
    for name in ("training", "hours", "permits"):
        assert f'data-uitest="context-{name}"' in page
    assert page.count("Not recorded in Workforce yet.") == 3
    assert "RIVLast1" in page  # the injured person's context block


def test_sections_save_validate_and_audit(client):
    scene = build_scene()
    login(client, "sofia", ["safety"])
    base = f"/incidents/{scene.injury}/investigation"
    r = post(
        client,
        f"{base}/whys",
        {"version": "0", "why": ["Why was the edge sharp?", ""], "because": ["Deburring was skipped", ""]},
        token_from="/",
    )
    assert r.status_code == 303
    r = post(
        client,
        f"{base}/whys",
        {
            "version": "1",
            "why": ["Why was the edge sharp?", "Why skipped?"],
            "because": ["Deburring was skipped", ""],
        },
        token_from="/",
    )
    assert r.status_code == 400 and "whys[1].because" in r.text
    r = post(
        client,
        f"{base}/whys",
        {
            "version": "1",
            "why": ["Why was the edge sharp?", "Why skipped?"],
            "because": ["Deburring was skipped", "No time allowed in the takt"],
        },
        token_from="/",
    )
    assert r.status_code == 303
    assert (
        post(
            client,
            f"{base}/timeline",
            {"version": "2", "entry_at": ["2026-01-05T08:00", "bad"], "entry_text": ["Cut", "First aid"]},
            token_from="/",
        ).status_code
        == 400
    )
    assert (
        post(
            client,
            f"{base}/timeline",
            {
                "version": "2",
                "entry_at": ["2026-01-05T08:10", "2026-01-05T08:00"],
                "entry_text": ["First aid", "Cut"],
            },
            token_from="/",
        ).status_code
        == 303
    )
    assert (
        post(
            client, f"{base}/fishbone", {"version": "3", "bone_machine": "Worn die\nworn die"}, token_from="/"
        ).status_code
        == 400
    )  # duplicate cause
    assert (
        post(
            client,
            f"{base}/fishbone",
            {"version": "3", "bone_machine": "Worn die", "bone_method": "No deburr step"},
            token_from="/",
        ).status_code
        == 303
    )
    assert (
        post(
            client,
            f"{base}/eight_d",
            {"version": "4", "done": ["D0", "D1"], "note_D1": "Team: Sofia, Sam"},
            token_from="/",
        ).status_code
        == 303
    )
    assert (
        post(
            client,
            f"{base}/causes",
            {"version": "5", "immediate_causes": "Sharp edge\n\nNo gloves"},
            token_from="/",
        ).status_code
        == 303
    )
    assert (
        post(
            client,
            f"{base}/summary",
            {"version": "6", "summary": "Edge left sharp.", "lead_name": "Sofia"},
            token_from="/",
        ).status_code
        == 303
    )
    stale = post(client, f"{base}/summary", {"version": "3", "summary": "x"}, token_from="/")
    assert stale.status_code == 409
    row = run(Investigation.select().first().output(load_json=True))
    assert row["root_cause"] == "No time allowed in the takt"
    assert [e["text"] for e in row["timeline"]] == ["Cut", "First aid"]  # sorted by time
    assert row["fishbone"]["machine"] == ["Worn die"] and row["immediate_causes"] == [
        "Sharp edge",
        "No gloves",
    ]
    assert row["use_eight_d"] and row["eight_d"]["D1"]["note"] == "Team: Sofia, Sam"
    assert run(AuditEntry.count().where(AuditEntry.action.like("incident.investigation_%"))) == 7
    page = client.get(base).text
    assert "Root cause:" in page and "22 %" in page


def test_unknown_section_is_404(client):
    scene = build_scene()
    login(client, "sofia", ["safety"])
    assert (
        post(
            client, f"/incidents/{scene.injury}/investigation/nonsense", {"version": "0"}, token_from="/"
        ).status_code
        == 404
    )
