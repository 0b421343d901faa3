"""Two people edit one incident or CAPA action: a stale save merges (the other's changes taken in, the
user's kept, a field both changed noted with the saved value), and never undoes a void or status change."""

import html
import re

from tests.conftest import login, make_user, post, run
from tests.incidents.scene import build_scene
from workforce.actions.tables import Action
from workforce.incidents.tables import Incident


def fields(page: str, action: str) -> dict[str, str]:
    """What the form posting to `action` would send (inputs, selected options, textareas)."""
    form = re.search(rf'<form method="post" action="{action}"[^>]*>(.*?)</form>', page, re.S)
    assert form, f"no form for {action}"
    body = form.group(1)
    found = dict(re.findall(r'<input[^>]*?name="(\w+)"[^>]*?value="([^"]*)"', body))
    for name, options in re.findall(r'<select[^>]*name="(\w+)"[^>]*>(.*?)</select>', body, re.S):
        chosen = re.search(r'<option value="([^"]*)"\s*selected', options)
        found[name] = chosen.group(1) if chosen else ""
    found.update(re.findall(r'<textarea[^>]*name="(\w+)"[^>]*>(.*?)</textarea>', body, re.S))
    found.pop("_csrf_token", None)
    return {k: html.unescape(v) for k, v in found.items()}


def start(client):
    """The scene with two safety users, sofia (signed in, owning the action: the edit form needs an
    owner from the list) and omar."""
    scene = build_scene()
    make_user("omar", ["safety"])
    sofia = login(client, "sofia", ["safety"])
    run(Action.update({Action.owner_user_id: sofia}).where(Action.id == scene.action))
    return scene


def as_user(client, username: str) -> None:
    client.cookies.clear()
    login(client, username)


def incident(incident_id: int) -> dict:
    return run(Incident.select().where(Incident.id == incident_id).first())


def action(action_id: int) -> dict:
    return run(Action.select().where(Action.id == action_id).first())


def open_incident(client, scene) -> tuple[str, dict[str, str]]:
    url = f"/incidents/{scene.injury}"
    return url, fields(client.get(f"{url}/edit").text, url)


def clash(client, scene, open_form, theirs: dict[str, str], mine: dict[str, str]):
    """sofia opens the form, omar saves `theirs` from his own copy, then sofia saves `mine` from hers:
    the URL, her stale form as posted, and the answer (a 409 re-showing the form)."""
    url, form = open_form(client, scene)
    assert "_original" in form
    as_user(client, "omar")
    _, other = open_form(client, scene)
    assert post(client, url, {**other, **theirs}, token_from="/").status_code == 303
    as_user(client, "sofia")
    posted = {**form, **mine}
    r = post(client, url, posted, token_from="/")
    assert r.status_code == 409 and "Changed by omar" in r.text and "since you opened it" in r.text
    return url, posted, r


def test_incident_stale_save_takes_in_their_change_and_keeps_mine(client):
    scene = start(client)
    theirs = {"location_detail": "Press 4, east side"}
    url, mine, r = clash(
        client, scene, open_incident, theirs, {"description": "Edge was not deburred after the die change."}
    )
    assert "Saved meanwhile as" not in r.text  # nobody changed the same field twice
    assert incident(scene.injury)["description"] != mine["description"]  # nothing written yet
    again = fields(r.text, url)
    assert again["location_detail"] == "Press 4, east side" and again["description"] == mine["description"]
    assert post(client, url, again, token_from="/").status_code == 303
    row = incident(scene.injury)
    assert (row["location_detail"], row["description"]) == ("Press 4, east side", mine["description"])


def test_incident_field_both_changed_keeps_mine_and_notes_theirs(client):
    scene = start(client)
    stations = scene.plant["stations"]["RIV"]
    theirs = {"title": "Laceration, right hand", "station_id": str(stations[2])}
    mine = {"title": "Cut on press edge", "station_id": str(stations[0])}
    url, mine, r = clash(client, scene, open_incident, theirs, mine)
    assert "Saved meanwhile as: Laceration, right hand" in r.text
    assert "Saved meanwhile as: RIV-03 Station 3" in r.text  # a select's note names the option
    assert r.text.count("Saved meanwhile as") == 2
    again = fields(r.text, url)
    assert (again["title"], again["station_id"]) == (mine["title"], mine["station_id"])
    assert incident(scene.injury)["title"] == "Laceration, right hand"  # not overwritten yet
    assert post(client, url, again, token_from="/").status_code == 303
    assert incident(scene.injury)["title"] == "Cut on press edge"


def test_incident_closed_and_voided_meanwhile_is_not_edited(client):
    scene = start(client)
    url, mine = open_incident(client, scene)
    as_user(client, "omar")
    assert (
        post(client, f"{url}/status", {"status": "closed", "version": "1"}, token_from="/").status_code == 303
    )
    voided = {"version": "2", "void_reason": "Reported twice"}
    assert post(client, f"{url}/void", voided, token_from="/").status_code == 303
    as_user(client, "sofia")
    mine["title"] = "Cut on press edge"
    r = post(client, url, mine, token_from="/")
    assert r.status_code == 409 and "Voided" in r.text and "Reported twice" in r.text
    assert f'action="{url}"' not in r.text  # a voided incident has no edit form
    assert f'action="{url}"' not in client.get(f"{url}/edit").text
    # Posted against the current version (a hand-made request): refused, nothing written.
    again = post(client, url, {**mine, "version": str(incident(scene.injury)["version"])}, token_from="/")
    assert again.status_code == 400 and "it is kept as it was, not edited" in again.text
    row = incident(scene.injury)
    assert row["voided_at"] is not None and row["void_reason"] == "Reported twice"
    assert row["status"] == "closed" and row["title"] != "Cut on press edge"


def open_action(client, scene) -> tuple[str, dict[str, str]]:
    url = f"/actions/{scene.action}"
    return url, fields(client.get(url).text, url)


def test_action_stale_save_takes_in_their_change_and_keeps_mine(client):
    scene = start(client)
    url, _mine, r = clash(client, scene, open_action, {"due_date": "2031-05-01"}, {"priority": "low"})
    assert "Their changes are now in the form" in r.text
    assert "Saved meanwhile as" not in r.text
    assert action(scene.action)["priority"] != "low"
    again = fields(r.text, url)
    assert (again["due_date"], again["priority"]) == ("2031-05-01", "low")
    assert post(client, url, again, token_from="/").status_code == 303
    row = action(scene.action)
    assert (str(row["due_date"]), row["priority"]) == ("2031-05-01", "low")


def test_action_field_both_changed_keeps_mine_and_notes_theirs(client):
    scene = start(client)
    url, _mine, r = clash(client, scene, open_action, {"priority": "high"}, {"priority": "low"})
    assert "Saved meanwhile as: High" in r.text
    assert r.text.count("Saved meanwhile as") == 1
    assert fields(r.text, url)["priority"] == "low" and action(scene.action)["priority"] == "high"
    assert post(client, url, fields(r.text, url), token_from="/").status_code == 303
    assert action(scene.action)["priority"] == "low"


def test_action_stale_save_never_undoes_a_status_change(client):
    scene = start(client)
    url, mine = open_action(client, scene)
    as_user(client, "omar")
    assert (
        post(client, f"{url}/status", {"status": "done", "version": "1"}, token_from="/").status_code == 303
    )
    as_user(client, "sofia")
    mine["title"] = "Deburr and guard the press edge"
    r = post(client, url, mine, token_from="/")
    assert r.status_code == 409
    assert post(client, url, fields(r.text, url), token_from="/").status_code == 303
    row = action(scene.action)
    assert (row["status"], row["title"]) == ("done", mine["title"]) and row["completed_on"] is not None


def test_action_cancelled_meanwhile_is_not_edited(client):
    scene = start(client)
    url, mine = open_action(client, scene)
    as_user(client, "omar")
    cancel = {"status": "cancelled", "version": "1", "reason": "Press scrapped"}
    assert post(client, f"{url}/status", cancel, token_from="/").status_code == 303
    as_user(client, "sofia")
    mine["title"] = "Deburr and guard the press edge"
    r = post(client, url, mine, token_from="/")
    assert r.status_code == 409 and "It is now cancelled" in r.text and "not saved" in r.text
    assert f'action="{url}"' not in r.text  # no edit form on a closed action
    # Posted against the current version (a hand-made request): refused all the same.
    current = {**mine, "version": str(action(scene.action)["version"])}
    refused = post(client, url, current, token_from="/")
    assert refused.status_code == 400 and "This action is cancelled; it is kept as it was" in refused.text
    row = action(scene.action)
    assert (row["status"], row["title"]) == ("cancelled", "Deburr the press edge")


def test_a_refused_stale_form_still_clashes_when_corrected(client):
    # A form re-shown for a field error keeps the version it was opened with, so the corrected save
    # merges with the change made meanwhile instead of silently overwriting it.
    scene = start(client)
    for open_form in (open_incident, open_action):
        url, mine = open_form(client, scene)
        as_user(client, "omar")
        _, theirs = open_form(client, scene)
        theirs["title"] = "Their title"
        assert post(client, url, theirs, token_from="/").status_code == 303
        as_user(client, "sofia")
        r = post(client, url, {**mine, "title": ""}, token_from="/")
        assert r.status_code == 400 and fields(r.text, url)["version"] == mine["version"]
        r = post(client, url, {**fields(r.text, url), "title": "My title"}, token_from="/")
        assert r.status_code == 409 and "Saved meanwhile as: Their title" in r.text


def test_a_double_submitted_edit_is_answered_saved_twice(client):
    # The second post of the same form is stale, but carries nothing that is not saved: the same save.
    scene = start(client)
    edits = ((open_incident, {"title": "Cut on press edge"}), (open_action, {"priority": "low"}))
    for open_form, change in edits:
        url, form = open_form(client, scene)
        first = post(client, url, {**form, **change}, token_from="/")
        second = post(client, url, {**form, **change}, token_from="/")
        assert first.status_code == second.status_code == 303, url
        assert second.headers["location"] == url
    assert incident(scene.injury)["title"] == "Cut on press edge"
    assert action(scene.action)["priority"] == "low"
