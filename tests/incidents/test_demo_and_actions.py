"""The demo hook fills the forms (every outcome, a privacy case, investigations, actions, 300A figures) and
the shared CAPA module's public API works for any source."""

from datetime import date, timedelta

import pytest

from tests.conftest import run
from workforce.actions import service as actions
from workforce.actions.tables import Action
from workforce.incidents.rootcause import ActionStateError
from workforce.incidents.tables import Incident, Investigation, OshaClassification, OshaYearData


def test_demo_data_has_every_outcome_and_populated_forms(db):
    from workforce.demo import DemoContext, load_demo

    ctx = DemoContext(employees=150, years=1, seed=7)
    run(load_demo(ctx, echo=lambda *_: None))
    kinds = {r["kind"] for r in run(Incident.select(Incident.kind))}
    assert kinds == {
        "near_miss",
        "first_aid",
        "injury_illness",
        "property_damage",
        "environmental",
        "unsafe_condition",
    }
    near, first_aid = (run(Incident.count().where(Incident.kind == k)) for k in ("near_miss", "first_aid"))
    recordables = run(
        OshaClassification.select(
            OshaClassification.outcome_column,
            OshaClassification.site_id,
            OshaClassification.log_year,
            OshaClassification.privacy_case,
        ).where(OshaClassification.recordable.eq(True))
    )
    assert near > first_aid > len(recordables) / 2  # mostly near misses and first aid
    assert {r["outcome_column"] for r in recordables} == {"G", "H", "I", "J"}
    assert any(r["privacy_case"] for r in recordables)
    for site_id in ctx.made["site_ids"]:
        for year in {r["log_year"] for r in recordables}:
            columns = {
                r["outcome_column"] for r in recordables if r["site_id"] == site_id and r["log_year"] == year
            }
            assert {"H", "I", "J"} <= columns, (site_id, year)
    assert run(Investigation.count()) > 0 and run(Action.count()) > 0
    assert run(Action.count().where(Action.status == "verified_effective")) > 0
    assert run(OshaYearData.count()) == 2 * len({r["log_year"] for r in recordables})


def test_create_and_read_actions_for_any_source(db):
    first = run(
        actions.create_action(
            "audit_finding",
            7,
            title="Label the eyewash station",
            due_date=date.today() - timedelta(days=1),
            owner_name="Sam",
        )
    )
    run(
        actions.create_action(
            "audit_finding",
            7,
            title="Retrain the crew",
            due_date="2099-01-01",
            owner_name="Sam",
            priority="low",
        )
    )
    run(actions.create_action("permit", 3, title="Gas test log", due_date="2099-01-01", owner_name="Ana"))
    found = run(actions.actions_for("audit_finding", 7))
    assert [a["title"] for a in found] == ["Label the eyewash station", "Retrain the crew"]
    assert found[0]["overdue"] and not found[1]["overdue"]
    many = run(actions.actions_for_many("audit_finding", [7, 8]))
    assert len(many[7]) == 2 and many[8] == []
    assert run(actions.overdue_count()) == 1
    with pytest.raises(actions.ActionInvalid) as bad:
        run(actions.create_action("permit", 3, title="", due_date="soon"))
    assert set(bad.value.errors) == {"title", "due_date", "owner_user_id"}
    run(actions.change_status(first, 1, "done"))
    with pytest.raises(ActionStateError):
        run(actions.change_status(first, 2, "open"))


def test_source_labels_use_the_registered_resolver(db):
    import workforce.incidents.module  # noqa: F401  registers the incident source

    row = {"source_type": "incident", "source_id": 999}
    labels = run(actions.source_labels([row, {"source_type": "unknown_kind", "source_id": 5}]))
    assert labels[("incident", 999)] == {"label": "Incident 999", "href": ""}  # no such incident
    assert labels[("unknown_kind", 5)]["label"] == "Unknown Kind 5"
