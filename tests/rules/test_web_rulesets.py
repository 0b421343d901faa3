"""Rule-set versions over HTTP and in the service: list, view, edit (validated, a new version, audited,
stale and double-submit safe), versions and diff, version-by-date lookup, and the test-a-timesheet page."""

from __future__ import annotations

import html as html_module
import json
import re
from datetime import date, datetime, time

import pytest

from tests.conftest import login, post, run
from tests.rules.test_web_overtime import small_plant
from workforce.audit.context import Actor, current_actor
from workforce.audit.tables import AuditEntry
from workforce.rules import service
from workforce.rules.engine import evaluate
from workforce.rules.model import Shift
from workforce.rules.ruleset import load_preset, preset_text
from workforce.rules.service_hours import evaluate_period, record_shifts
from workforce.rules.tables import RuleSetVersion

CBA = preset_text("example-cba")


def save(unit, text, effective: str, note: str = "test") -> int:
    async def go():
        token = current_actor.set(Actor(None, "setup"))
        try:
            return await service.create_version(
                unit, text, date.fromisoformat(effective), note, check_based_on=False
            )
        finally:
            current_actor.reset(token)

    return run(go())


def form_values(html: str) -> dict[str, str]:
    values = dict(re.findall(r'name="(\w+)" value="([^"]*)"', html))
    values.update(re.findall(r'name="(\w+)" type="[a-z]+" value="([^"]*)"', html))
    values["toml"] = re.search(r'<textarea id="f-toml" name="toml"[^>]*>(.*?)</textarea>', html, re.S).group(
        1
    )
    values["toml"] = html_module.unescape(values["toml"])
    return values


# --- version by date ------------------------------------------------------------------------------------


def test_ruleset_for_picks_the_version_in_force_on_the_date(db):
    plant = small_plant(with_opportunity=False)  # UAW: example-cba from 2020-01-01
    later = save(plant.uaw, CBA.replace("after_hours = 8", "after_hours = 10", 1), "2026-03-01")
    same_day = save(plant.uaw, CBA.replace("after_hours = 8", "after_hours = 9", 1), "2026-03-01")
    first = run(RuleSetVersion.select().where(RuleSetVersion.bargaining_unit_id == plant.uaw).first())["id"]

    def pick(unit, day):
        row, rules = run(service.ruleset_for(unit, date.fromisoformat(day)))
        return (row["id"] if row else None), rules

    assert pick(plant.uaw, "2026-02-28")[0] == first
    row, rules = pick(plant.uaw, "2026-03-01")
    assert row == same_day != later  # two saves for one date: the later save wins
    assert rules.daily_overtime.after_hours == 9
    # Before any UAW version: the plant default; with none, the FLSA preset.
    assert pick(plant.uaw, "2019-12-31") == (None, pick(plant.usw, "2026-03-01")[1])
    assert pick(plant.usw, "2026-03-01")[1].name == "FLSA"
    default = save(None, preset_text("california"), "2019-01-01")
    assert pick(plant.usw, "2026-03-01")[0] == default
    assert pick(plant.uaw, "2019-12-31")[0] == default
    assert pick(None, "2019-06-01")[0] == default


def test_a_period_spanning_two_versions_judges_each_day_by_its_own_version(db):
    """UAW: daily overtime after 8 h until Wednesday 2026-04-08, after 10 h from then on. Ten-hour shifts
    on Monday and Tuesday earn 2 h daily overtime each; from Wednesday they do not."""
    plant = small_plant(with_opportunity=False)
    save(
        plant.uaw,
        CBA.replace("[daily_overtime]\nafter_hours = 8", "[daily_overtime]\nafter_hours = 10"),
        "2026-04-08",
    )
    eli = plant.people["Eli"]
    days = [date(2026, 4, d) for d in (6, 7, 8, 9)]  # Mon-Thu
    run(
        record_shifts(
            [Shift(str(eli), datetime.combine(d, time(6)), datetime.combine(d, time(16))) for d in days]
        )
    )
    from workforce.people import directory

    emp = run(directory.employees_by_ids([eli]))[eli]
    result = run(evaluate_period([emp], date(2026, 4, 6), date(2026, 4, 9)))[eli]
    overtime = {d.day: d.overtime_hours for d in result.days}
    assert overtime == {days[0]: 2, days[1]: 2, days[2]: 0, days[3]: 0}
    assert result.totals.overtime_hours == 4 and result.totals.hours_worked == 40
    assert [v["effective_from"] for v in result.versions] == [date(2020, 1, 1), date(2026, 4, 8)]
    assert result.mixed_weeks == {date(2026, 4, 6)}  # the version changes inside that workweek
    assert [w.week_start for w in result.weeks] == [date(2026, 4, 6)] and result.weeks[0].hours_worked == 40
    # Judged wholly by the old version, the same shifts would give 8 h of daily overtime.
    shifts = [Shift(str(eli), datetime.combine(d, time(6)), datetime.combine(d, time(16))) for d in days]
    assert (
        sum(d.overtime_hours for d in evaluate(load_preset("example-cba"), shifts).employees[str(eli)].days)
        == 8
    )


# --- screens ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["hr", "supervisor", "safety", "compliance", "viewer", "admin"])
def test_readers_see_rule_sets_versions_and_diff(client, role):
    plant = small_plant(with_opportunity=False)
    v2 = save(plant.uaw, CBA.replace("hours = 16", "hours = 14"), "2026-01-01", "max hours 14")
    v1 = v2 - 1
    login(client, "u", [role])
    index = client.get("/rules").text
    assert "UAW" in index and "Example CBA" in index and "flsa preset (built-in)" in index
    assert client.get(f"/rules/units/{plant.uaw}").status_code == 200
    assert client.get("/rules/units/default").status_code == 200
    page = client.get(f"/rules/versions/{v2}").text
    assert "Hours in 24 h</dt><dd>at most 14 h (CBA: maximum hours per 24 h)" in page
    assert "Minimum rest</dt><dd>at least 8 h between shifts" in page
    assert "limits.max_hours_24h.hours" in page  # changes from the previous version
    diff = client.get(f"/rules/diff?a={v2}&b={v1}").text
    assert re.search(
        r"<code>limits.max_hours_24h.hours</code></td><td class=\"diff\"><del>16</del></td>"
        r"<td class=\"diff\"><ins>14</ins>",
        diff,
    )
    assert client.get(f"/rules/holidays?site={plant.site}").status_code == 200


def test_index_shows_current_and_scheduled_versions(client):
    plant = small_plant(with_opportunity=False)
    future = save(plant.uaw, CBA.replace('name = "Example CBA"', 'name = "UAW 2031"'), "2031-01-01")
    login(client, "vic", ["viewer"])
    html = client.get("/rules").text
    row = html.split("<strong>UAW</strong>", 1)[1].split("</tr>", 1)[0]
    assert "Example CBA" in row and "2020-01-01" in row and f"/rules/versions/{future}" in row
    usw = html.split("<strong>USW</strong>", 1)[1].split("</tr>", 1)[0]
    assert "flsa preset (built-in)" in usw
    versions = client.get(f"/rules/units/{plant.uaw}").text
    assert "in force" in versions and "scheduled" in versions


@pytest.mark.parametrize("role", ["supervisor", "safety", "compliance", "viewer"])
def test_only_hr_edits_rule_sets(client, role):
    plant = small_plant(with_opportunity=False)
    login(client, "u", [role])
    assert client.get(f"/rules/units/{plant.uaw}/edit").status_code == 403
    data = {"toml": CBA, "effective_from": "2026-01-01", "note": "x"}
    assert post(client, f"/rules/units/{plant.uaw}", data, token_from="/").status_code == 403
    assert run(RuleSetVersion.count()) == 1
    assert "New version</a>" not in client.get("/rules").text


def test_edit_shows_the_error_with_its_key_and_saves_nothing(client):
    plant = small_plant(with_opportunity=False)
    login(client, "hana", ["hr"])
    form = form_values(client.get(f"/rules/units/{plant.uaw}/edit").text)
    assert "[limits.min_rest]" in form["toml"]
    bad = form["toml"].replace("[daily_overtime]\nafter_hours = 8", '[daily_overtime]\nafter_hours = "x"')
    r = post(client, f"/rules/units/{plant.uaw}", {**form, "toml": bad, "note": "typo"}, token_from="/")
    assert r.status_code == 400
    error = re.search(r'<p class="error" id="e-toml" data-uitest="toml-error">(.*?)</p>', r.text).group(1)
    assert error.startswith("daily_overtime.after_hours: must be a number &gt;= 0, got &#39;x&#39;")
    assert "(line " in error and 'aria-invalid="true" aria-describedby="e-toml"' in r.text
    assert "after_hours = &#34;x&#34;" in r.text  # the text is kept for correction
    typo = form["toml"].replace("[limits.min_rest]", "[limits.min_rst]")
    r = post(client, f"/rules/units/{plant.uaw}", {**form, "toml": typo, "note": "typo"}, token_from="/")
    assert r.status_code == 400 and "limits.min_rst: unknown key" in r.text
    r = post(
        client, f"/rules/units/{plant.uaw}", {**form, "note": "", "effective_from": "1/2/26"}, token_from="/"
    )
    assert r.status_code == 400 and "Say why the rules change" in r.text and "is not a date" in r.text
    assert run(RuleSetVersion.count()) == 1


def test_edit_saves_a_new_version_through_the_audit_trail(client):
    plant = small_plant(with_opportunity=False)
    login(client, "hana", ["hr"])
    form = form_values(client.get(f"/rules/units/{plant.uaw}/edit").text)
    new_text = form["toml"].replace("[limits.min_rest]\nhours = 8", "[limits.min_rest]\nhours = 10")
    r = post(
        client,
        f"/rules/units/{plant.uaw}",
        {**form, "toml": new_text, "effective_from": "2026-07-01", "note": "Art. 14 renegotiated"},
        token_from="/",
    )
    assert r.status_code == 303
    version_id = int(r.headers["location"].rsplit("/", 1)[1])
    row = run(service.get_version(version_id))
    assert (
        row["effective_from"] == date(2026, 7, 1) and row["created_by"] == "hana" and row["toml"] == new_text
    )
    assert run(RuleSetVersion.count()) == 2  # the old version is kept as it was
    entry = run(
        AuditEntry.select()
        .where(AuditEntry.action == "ruleset.version.create")
        .order_by(AuditEntry.id, ascending=False)
        .first()
    )
    assert entry["actor_name"] == "hana" and entry["entity_id"] == str(plant.uaw)
    assert json.loads(entry["after"])["changes"] == ["limits.min_rest.hours: 8 → 10"]
    page = client.get(f"/rules/units/{plant.uaw}").text
    assert "Art. 14 renegotiated" in page and "History" in page
    # The same form submitted again (double tap) does not save a second version.
    again = post(
        client,
        f"/rules/units/{plant.uaw}",
        {**form, "toml": new_text, "effective_from": "2026-07-01", "note": "Art. 14 renegotiated"},
        token_from="/",
    )
    assert again.status_code == 303 and again.headers["location"] == r.headers["location"]
    assert run(RuleSetVersion.count()) == 2


def test_edit_opened_before_another_save_is_stale(client):
    plant = small_plant(with_opportunity=False)
    login(client, "hana", ["hr"])
    form = form_values(client.get(f"/rules/units/{plant.uaw}/edit").text)
    save(plant.uaw, CBA.replace("hours = 16", "hours = 12"), "2026-05-01", "meanwhile")
    mine = form["toml"].replace("days = 6", "days = 5")
    r = post(client, f"/rules/units/{plant.uaw}", {**form, "toml": mine, "note": "mine"}, token_from="/")
    assert r.status_code == 409
    assert "since you opened it" in r.text and "Your text (not saved)" in r.text
    assert "hours = 12" in r.text  # the form now shows the saved version
    assert run(RuleSetVersion.count()) == 2


def test_new_version_from_a_preset(client):
    plant = small_plant(with_opportunity=False)
    login(client, "hana", ["hr"])
    form = form_values(client.get(f"/rules/units/{plant.usw}/edit?preset=eu-wtd").text)
    assert "[limits.daily_rest]" in form["toml"] and form["preset"] == "eu-wtd"
    r = post(client, f"/rules/units/{plant.usw}", {**form, "note": "EU plant"}, token_from="/")
    assert r.status_code == 303
    assert (
        run(RuleSetVersion.select().where(RuleSetVersion.bargaining_unit_id == plant.usw).first())["preset"]
        == "eu-wtd"
    )
    assert client.get("/rules/units/999/edit").status_code == 404


# --- test this rule set ---------------------------------------------------------------------------------

TIMESHEET = """employee,start,end,break_minutes
E1,2026-01-05T06:00,2026-01-05T16:30,30
E1,2026-01-06T06:00,2026-01-06T16:30,30
E1,2026-01-06T22:00,2026-01-07T06:00,0
E2,2026-01-05T06:00,2026-01-05T14:00,
E2,bad,2026-01-05T14:00,
"""


def test_test_page_shows_breakdown_violations_and_row_errors(client):
    login(client, "sam", ["supervisor"])
    assert client.get("/rules/test").status_code == 200
    r = post(client, "/rules/test", {"rules": "preset:example-cba", "csv_text": TIMESHEET}, token_from="/")
    assert r.status_code == 200
    result = r.text.split('data-uitest="test-result"', 1)[1]
    assert "<h3>E1</h3>" in result and "<h3>E2</h3>" in result
    # E1's week: 10 + 10 + 8 h = 28 h; daily overtime Mon 2 h, Tue 2 + 2 h (the night's first 2 h).
    e1 = result.split("<h3>E1</h3>", 1)[1].split("<h3>E2</h3>", 1)[0]
    assert '<td class="num">28</td><td class="num">22</td><td class="num">6</td>' in e1
    assert "min_rest" in e1 and "only 5.5 h since shift ending" in e1
    assert "row 6: start: &#39;bad&#39; is not a local date-time" in result
    assert '"rules": "example-cba"' in result.replace("&#34;", '"')


def test_test_page_upload_draft_toml_and_validation(client):
    login(client, "hana", ["hr"])
    files = {"file": ("week.csv", TIMESHEET.encode("utf-8-sig"), "text/csv")}
    r = post(client, "/rules/test", {"rules": "preset:flsa"}, files=files, token_from="/")
    assert r.status_code == 200 and "<h3>E1</h3>" in r.text and "Result with flsa" in r.text
    draft = CBA.replace("[limits.min_rest]\nhours = 8", "[limits.min_rest]\nhours = 4")
    r = post(
        client, "/rules/test", {"rules": "preset:flsa", "csv_text": TIMESHEET, "toml": draft}, token_from="/"
    )
    assert "Result with pasted rule set" in r.text and "min_rest" not in r.text.split("test-result", 1)[1]
    r = post(
        client,
        "/rules/test",
        {"rules": "preset:flsa", "csv_text": TIMESHEET, "toml": "name = 3"},
        token_from="/",
    )
    assert r.status_code == 400 and "name: must be a non-empty string, got 3" in r.text
    r = post(client, "/rules/test", {"rules": "preset:flsa", "csv_text": ""}, token_from="/")
    assert r.status_code == 400 and "Paste a timesheet or choose a CSV file." in r.text


@pytest.mark.parametrize("role", ["viewer", "safety"])
def test_test_page_is_for_supervisors_hr_and_compliance(client, role):
    login(client, "u", [role])
    assert client.get("/rules/test").status_code == 403
    assert (
        post(
            client, "/rules/test", {"rules": "preset:flsa", "csv_text": TIMESHEET}, token_from="/"
        ).status_code
        == 403
    )
