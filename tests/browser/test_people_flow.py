"""HR at tablet size: search as you type, filter, open an employee, edit a field, see it in history."""

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, sign_in
from tests.conftest import TEST_PASSWORD, make_user, run
from workforce.demo import DemoContext
from workforce.people.demo import demo as people_demo
from workforce.people.tables import Employee


def test_hr_search_filter_edit_history(page):
    run(people_demo(DemoContext(employees=60, years=1, seed=5)))
    make_user("hana", ["hr"], full_name="Hana Reyes")
    target = run(Employee.select().where(Employee.status == "active").order_by(Employee.id).first())
    sign_in(page, "hana", TEST_PASSWORD)
    page.click("[data-uitest=nav-group-people]")
    page.click("[data-uitest=nav-people]")
    expect(page.locator("[data-uitest=employee-table] tbody tr")).to_have_count(25)

    page.fill("[data-uitest=employee-search]", target["employee_number"])
    expect(page.locator("[data-uitest=employee-table] tbody tr")).to_have_count(1)
    expect(page).to_have_url(f"/people?q={target['employee_number']}&sort=name")  # bookmarkable

    page.fill("[data-uitest=employee-search]", "")
    expect(page).to_have_url("/people?sort=name")
    page.select_option("[data-uitest=status-filter]", "terminated")
    expect(page).to_have_url("/people?status=terminated&sort=name")
    page.go_back()
    expect(page).to_have_url("/people?sort=name")
    page.go_back()
    expect(page).to_have_url(f"/people?q={target['employee_number']}&sort=name")
    expect(page.locator("[data-uitest=employee-search]")).to_have_value(target["employee_number"])

    page.goto(f"/people?q={target['employee_number']}")
    page.get_by_role("link", name=f"{target['last_name']}, ").first.click()
    expect(page.locator("h1")).to_contain_text(target["employee_number"])
    page.click("[data-uitest=edit-employee]")
    page.fill("#f-job_class", "Line Trainer")
    page.click("[data-uitest=save-employee]")
    expect(page.locator(".flash")).to_contain_text("Employee saved.")
    history = page.locator("#history")
    expect(history).to_contain_text("job_class")
    expect(history).to_contain_text("Line Trainer")
    page.screenshot(path=str(ARTIFACTS / "people-record-tablet.png"), full_page=True)
