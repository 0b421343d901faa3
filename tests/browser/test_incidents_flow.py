"""Incidents on a tablet (768×1024): report a near miss with a photo in a few taps, then as the safety lead
run the recordability wizard on an injury, add a 5 Why and a corrective action, print the 300 Log; the
offline queue keeps a report while the tablet has no connection and sends it once when it returns."""

import time
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, sign_in
from tests.conftest import TEST_PASSWORD, make_user, run
from tests.incidents.helpers import jpeg_with_gps, make_incident, make_plant
from workforce.incidents.tables import Incident, OshaClassification, Photo


def _photo(tmp_path):
    path = tmp_path / "phone-photo.jpg"
    path.write_bytes(jpeg_with_gps(1200, 900))
    return path


def test_near_miss_with_photo_then_safety_lead_investigates_and_prints(page, tmp_path):
    plant = make_plant()
    make_user("sam", ["supervisor"], full_name="Sam Okafor")
    make_user("sofia", ["safety"], full_name="Sofia Lindqvist")
    injury = make_incident(
        plant["sites"]["RIV"],
        kind="injury_illness",
        title="Cut on press edge",
        station_id=plant["stations"]["RIV"][1],
        occurred_at=datetime.now(UTC) - timedelta(hours=3),
        people=[(plant["employees"]["RIV"][0], "injured")],
    )

    # --- a supervisor reports a near miss: type, what, where, photo, send ---------------------------------
    sign_in(page, "sam", TEST_PASSWORD)
    started = time.monotonic()
    page.click("[data-uitest=nav-report]")
    expect(page.locator("h1")).to_contain_text("Report an incident")
    page.fill("[data-uitest=title]", "Pallet slipped off forks near aisle 3")
    page.select_option("[data-uitest=site]", str(plant["sites"]["RIV"]))
    page.select_option("[data-uitest=station]", str(plant["stations"]["RIV"][2]))
    page.set_input_files("[data-uitest=photo]", str(_photo(tmp_path)))
    page.screenshot(path=str(ARTIFACTS / "incident-report-form-tablet.png"), full_page=True)
    box = page.locator("[data-uitest=send-report]").bounding_box()
    assert box and box["height"] >= 44
    page.click("[data-uitest=send-report]")
    expect(page.locator(".flash")).to_contain_text("Near miss reported as incident")
    assert time.monotonic() - started < 60
    near_miss = run(Incident.select().where(Incident.kind == "near_miss").first())
    assert near_miss["station_id"] == plant["stations"]["RIV"][2]
    assert run(Photo.count().where(Photo.incident == near_miss["id"])) == 1
    expect(page.locator("[data-uitest=photo-thumb]")).to_have_count(1)
    page.click("[data-uitest=logout]")

    # --- the safety lead opens it, then works on the injury ----------------------------------------------
    sign_in(page, "sofia", TEST_PASSWORD)
    page.click("[data-uitest=nav-group-safety]")
    page.click("[data-uitest=nav-incidents]")
    page.get_by_role("link", name="Pallet slipped off forks near aisle 3").click()
    expect(page.locator("h1")).to_contain_text("Pallet slipped off forks")
    page.goto(f"/incidents/{injury}")
    page.click("[data-uitest=open-wizard]")
    # One question at a time (htmx swaps the step): wait for each step before answering it.
    answers = [
        ("case_type", "choice-injury", None),
        ("work_related", "answer-yes", None),
        ("new_case", "answer-yes", None),
        ("death", "answer-no", None),
        ("days_away", None, ("days-days_away", "3")),
        ("restricted", None, None),
        ("treatments", "multi-wound_closure", None),
        ("loss_of_consciousness", "answer-no", None),
        ("significant_diagnosis", "answer-no", None),
        ("needlestick_contaminated", "answer-no", None),
        ("medical_removal", "answer-no", None),
        ("privacy_reasons", None, None),
    ]
    for step, click, fill in answers:
        form = page.locator(f"[data-uitest=wizard-step-{step}]")
        expect(form).to_be_visible()
        if click:
            form.locator(f"[data-uitest={click}]").click()
        if fill:
            form.locator(f"[data-uitest={fill[0]}]").fill(fill[1])
        form.locator("[data-uitest=wizard-next]").click()
    result = page.locator("[data-uitest=wizard-result]")
    expect(result).to_contain_text("Recordable: column H")
    expect(page.locator("[data-uitest=basis]")).to_contain_text("1904.7(b)(3)")
    expect(page.locator("[data-uitest=answered-treatments]")).to_contain_text("1904.7(b)(5)")
    page.screenshot(path=str(ARTIFACTS / "incident-wizard-result-tablet.png"), full_page=True)
    page.click("[data-uitest=save-classification-button]")
    expect(page.locator(".flash")).to_contain_text("Recorded as case")
    saved = run(OshaClassification.select().where(OshaClassification.current.eq(True)).first())
    assert saved["outcome_column"] == "H" and saved["days_away"] == 3

    page.click("[data-uitest=open-investigation]")
    page.fill("[data-uitest=why-1]", "Why was the edge sharp?")
    page.fill("[data-uitest=because-1]", "Deburring was skipped at the press")
    page.click("[data-uitest=save-whys]")
    expect(page.locator("[data-uitest=root-cause]")).to_contain_text("Deburring was skipped")
    page.locator("#actions [data-uitest=new-action]").click()
    page.fill("[data-uitest=action-title]", "Add a deburr step to the press work instruction")
    page.select_option("[data-uitest=action-owner]", label="Sofia Lindqvist")
    page.fill("[data-uitest=action-due]", (datetime.now() + timedelta(days=14)).strftime("%Y-%m-%d"))
    page.click("[data-uitest=add-action]")
    expect(page.locator("[data-uitest=source-actions]")).to_contain_text("Add a deburr step")
    page.screenshot(path=str(ARTIFACTS / "incident-record-tablet.png"), full_page=True)

    page.click("[data-uitest=nav-group-safety]")
    page.click("[data-uitest=nav-osha-records]")
    page.select_option("select[name=site]", str(plant["sites"]["RIV"]))
    page.get_by_role("button", name="Show").click()
    page.click("text=300 Log")
    expect(page.locator("[data-uitest=osha300]")).to_contain_text("Cut on press edge")
    page.screenshot(path=str(ARTIFACTS / "osha-300-log-tablet.png"), full_page=True)
    href = page.locator("[data-uitest=log-pdf]").get_attribute("href")
    pdf = page.request.get(href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:5] == b"%PDF-"


def test_offline_report_waits_on_the_tablet_and_is_sent_once(page, tmp_path):
    plant = make_plant()
    make_user("sam", ["supervisor"], full_name="Sam Okafor")
    sign_in(page, "sam", TEST_PASSWORD)
    page.goto("/report")
    page.fill("[data-uitest=title]", "Hose across the walkway")
    page.select_option("[data-uitest=site]", str(plant["sites"]["LKS"]))
    page.set_input_files("[data-uitest=photo]", str(_photo(tmp_path)))
    page.context.set_offline(True)
    page.click("[data-uitest=send-report]")
    queued = page.locator("[data-uitest=queued-report]")
    expect(queued).to_have_count(1)
    expect(queued).to_contain_text("waiting to send")
    expect(queued).to_contain_text("with photo")
    expect(page.locator("[data-uitest=title]")).to_have_value("")  # ready for the next report
    page.screenshot(path=str(ARTIFACTS / "incident-offline-queue-tablet.png"), full_page=True)
    assert run(Incident.count()) == 0

    page.context.set_offline(False)
    expect(queued).to_have_count(0, timeout=15_000)
    expect(page.locator("#offline-status")).to_contain_text("Sent")
    assert run(Incident.count()) == 1
    row = run(Incident.select().first())
    assert row["title"] == "Hose across the walkway" and row["site_id"] == plant["sites"]["LKS"]
    assert run(Photo.count()) == 1
    page.reload()
    page.wait_for_timeout(1000)
    expect(page.locator("[data-uitest=queued-report]")).to_have_count(0)
    assert run(Incident.count()) == 1  # nothing sent twice


def test_draft_survives_a_reload(page):
    make_plant()
    make_user("sam", ["supervisor"])
    sign_in(page, "sam", TEST_PASSWORD)
    page.goto("/report")
    page.fill("[data-uitest=title]", "Half-typed report")
    expect(page.locator("#draft-status")).to_contain_text("Draft saved", timeout=5_000)
    page.reload()
    expect(page.locator("[data-uitest=title]")).to_have_value("Half-typed report")
