"""A supervisor at tablet size opens an overtime opportunity, sees the ranked call list with the reasons
people are excluded, records a refusal and an acceptance, and sees the charged hours change; HR pages
through a large crew on the fairness page."""

from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, sign_in
from tests.conftest import TEST_PASSWORD, make_user
from tests.rules.test_web_overtime import small_plant


def test_supervisor_records_offers_from_the_call_list(page):
    today = date.today()
    plant = small_plant(opp_day=today + timedelta(days=(5 - today.weekday()) % 7 or 7))
    ivy, eli, hal, fay = (plant.people[n] for n in ("Ivy", "Eli", "Hal", "Fay"))
    make_user("sam", ["supervisor"], full_name="Sam Okafor")
    sign_in(page, "sam", TEST_PASSWORD)

    page.click("[data-uitest=nav-group-time]")
    page.click("[data-uitest=nav-overtime-board]")
    expect(page.locator("h1")).to_have_text("Overtime board")
    page.click(f"[data-uitest=opportunity-{plant.opportunity}]")

    # Ranked: lowest charged first, ties to the most senior (overtime-and-union-rules.md §6).
    names = page.locator("[data-uitest=call-list] .call-name")
    expect(names).to_have_text(["Ivy Test", "Eli Test", "Ben Test", "Cho Test", "Ana Test", "Dev Test"])
    expect(page.locator(f"[data-uitest=excluded-{fay}]")).to_contain_text("on leave")
    expect(page.locator(f"[data-uitest=excluded-{hal}]")).to_contain_text(
        "would break the minimum rest rule: only 4 h since shift ending"
    )
    expect(page.locator(f"[data-uitest=call-{ivy}]")).to_contain_text("call next")
    page.screenshot(path=str(ARTIFACTS / "overtime-call-list-tablet.png"), full_page=False)

    # Ivy refuses: the refusal is charged as if worked.
    expect(page.locator(f"[data-uitest=charged-{ivy}]")).to_have_text("0 h")
    page.click(f"[data-uitest=refused-{ivy}]")
    expect(page.locator("[data-uitest=call-message]")).to_have_text("Ivy Test: refused; 8 h charged.")
    expect(page.locator(f"[data-uitest=charged-{ivy}]")).to_have_text("8 h")
    expect(page.locator(f"[data-uitest=outcome-{ivy}]")).to_have_text("Refused")

    # Eli is next and accepts.
    expect(page.locator(f"[data-uitest=call-{eli}]")).to_contain_text("call next")
    expect(page.locator(f"[data-uitest=charged-{eli}]")).to_have_text("20 h")
    page.click(f"[data-uitest=accepted-{eli}]")
    expect(page.locator(f"[data-uitest=charged-{eli}]")).to_have_text("28 h")
    expect(page.locator("[data-uitest=fill-count]")).to_have_text("1 of 2 filled")
    expect(page.locator(f"[data-uitest=call-{plant.people['Ben']}]")).to_contain_text("call next")

    # The order the calls were made in stays put; a reload shows the same.
    page.reload()
    expect(names).to_have_text(["Ivy Test", "Eli Test", "Ben Test", "Cho Test", "Ana Test", "Dev Test"])
    expect(page.locator(f"[data-uitest=charged-{eli}]")).to_have_text("28 h")
    page.screenshot(path=str(ARTIFACTS / "overtime-recorded-tablet.png"), full_page=True)


def test_hr_pages_through_a_large_crew_on_the_fairness_page(page):
    plant = small_plant(crew_b_size=60, with_opportunity=False)
    make_user("hana", ["hr"], full_name="Hana Ito")
    sign_in(page, "hana", TEST_PASSWORD)

    page.click("[data-uitest=nav-group-time]")
    page.click("[data-uitest=nav-fairness]")
    expect(page.locator("h1")).to_have_text("Overtime fairness")
    page.click(f"a[href*='crew={plant.crew_b}']")
    members = page.locator("[data-uitest=crew-members] tbody tr")
    expect(members).to_have_count(50)
    expect(page.locator("[data-uitest=crew-members] .pagination .count")).to_have_text("1–50 of 60")

    # Next page: htmx swaps the members only; the address bar keeps the page for back and bookmarks.
    page.click("[data-uitest=crew-members] .pagination a[rel=next]")
    expect(page.locator("[data-uitest=crew-members] .pagination .count")).to_have_text("51–60 of 60")
    expect(members).to_have_count(10)
    expect(members.first.locator("td").first).to_have_text("51")
    expect(page.locator("[data-uitest=fairness-table]")).to_be_visible()
    assert "page=2" in page.url
    page.screenshot(path=str(ARTIFACTS / "overtime-fairness-crew-page-2-tablet.png"), full_page=False)


def test_a_stale_tablet_cannot_overwrite_an_answer_or_overfill_the_overtime(page):
    """Two tablets on one call list: an answer tapped on the stale one is refused with who changed it,
    and once the overtime is filled the stale one cannot add a third person."""
    today = date.today()
    plant = small_plant(opp_day=today + timedelta(days=(5 - today.weekday()) % 7 or 7))
    ivy, eli, ben, cho = (plant.people[n] for n in ("Ivy", "Eli", "Ben", "Cho"))
    make_user("sam", ["supervisor"], full_name="Sam Okafor")
    sign_in(page, "sam", TEST_PASSWORD)
    url = f"/overtime/{plant.opportunity}"
    page.goto(url)
    other = page.context.new_page()  # the second tablet (same supervisor team account)
    other.goto(url)

    # The other tablet records Ivy's refusal; this one, still showing her unanswered, taps Accepted.
    other.click(f"[data-uitest=refused-{ivy}]")
    expect(other.locator(f"[data-uitest=outcome-{ivy}]")).to_have_text("Refused")
    page.click(f"[data-uitest=accepted-{ivy}]")
    message = page.locator("[data-uitest=call-message]")
    expect(message).to_contain_text("Changed by sam at")
    expect(message).to_contain_text("Ivy Test's answer is now refused. Nothing was recorded.")
    expect(page.locator(f"[data-uitest=outcome-{ivy}]")).to_have_text("Refused")  # the saved answer
    expect(page.locator(f"[data-uitest=charged-{ivy}]")).to_have_text("8 h")

    # This tablet fills both places; the other still shows one free.
    page.click(f"[data-uitest=accepted-{eli}]")
    expect(page.locator("[data-uitest=fill-count]")).to_have_text("1 of 2 filled")
    page.click(f"[data-uitest=accepted-{ben}]")
    expect(page.locator("[data-uitest=fill-count]")).to_have_text("2 of 2 filled")
    expect(page.locator("[data-uitest=filled]")).to_contain_text("2 of 2 people work this overtime")
    page.screenshot(path=str(ARTIFACTS / "overtime-filled-tablet.png"), full_page=False)

    other_cho = other.locator(f"[data-uitest=call-{cho}]")
    other_cho.locator("summary").click()
    other_cho.locator(f"[data-uitest=accepted-{cho}]").click()
    refused = other.locator("[data-uitest=call-message]")
    expect(refused).to_contain_text(
        "This overtime is already filled: 2 of 2 people work it (Eli Test, Ben Test)."
    )
    expect(other.locator("[data-uitest=fill-count]")).to_have_text("2 of 2 filled")
    expect(other.locator("[data-uitest=filled]")).to_be_visible()
    expect(other.locator(f"[data-uitest=outcome-{cho}]")).to_have_count(0)  # nothing recorded for Cho
    other.screenshot(path=str(ARTIFACTS / "overtime-filled-refused-tablet.png"), full_page=False)
    other.close()
