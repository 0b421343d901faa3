"""HR at tablet size: upload a CSV with a bad row, read the per-cell error, fix the file, upload it
again, apply it through the confirm dialog, find the new employee in the list."""

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, sign_in
from tests.conftest import TEST_PASSWORD, make_user, run
from tests.people.factories import make_org
from workforce.people.tables import Employee

HEADER = "employee_number,first_name,last_name,site,department,home_station,crew,hire_date\n"


def test_hr_imports_fixes_and_applies(page, tmp_path):
    make_org()
    make_user("hana", ["hr"], full_name="Hana Reyes")
    bad = tmp_path / "new-hires.csv"
    bad.write_text(
        HEADER + "E30001,Nia,Okoro,RIV,ASM,ASM1-01,A,2026-02-02\n"
        "E30002,Tom,Berg,RIV,XYZ,ASM1-01,A,2026-02-02\n",
        encoding="utf-8",
    )

    sign_in(page, "hana", TEST_PASSWORD)
    page.click("[data-uitest=nav-group-people]")
    page.click("[data-uitest=nav-people]")
    page.click("[data-uitest=import]")
    expect(page.locator("h1")).to_have_text("Import people")
    page.screenshot(path=str(ARTIFACTS / "people-import-upload-tablet.png"), full_page=True)
    page.set_input_files("[data-uitest=import-file]", str(bad))
    page.click("[data-uitest=import-upload]")

    expect(page.locator(".flash-success")).to_contain_text("File read. Check the preview, then apply it.")
    expect(page.locator("[data-uitest=count-error]")).to_have_text("1")
    expect(page.locator("[data-uitest=count-create]")).to_have_text("1")
    first_row = page.locator("[data-uitest=import-rows] tbody tr").first  # errors come first
    expect(first_row).to_contain_text("Error")
    expect(first_row.locator("[data-uitest=cell-error][data-column=department]")).to_have_text(
        "unknown department 'XYZ' at site RIV"
    )
    expect(page.locator("[data-uitest=import-blocked]")).to_contain_text("1 row has an error.")
    expect(page.locator("[data-uitest=import-apply]")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "people-import-preview-error-tablet.png"), full_page=True)

    good = tmp_path / "new-hires-fixed.csv"
    good.write_text(bad.read_text(encoding="utf-8").replace(",XYZ,", ",ASM,"), encoding="utf-8")
    page.click("text=Upload another file")
    page.set_input_files("[data-uitest=import-file]", str(good))
    page.click("[data-uitest=import-upload]")
    expect(page.locator("[data-uitest=count-error]")).to_have_text("0")
    expect(page.locator("[data-uitest=count-create]")).to_have_text("2")
    expect(page.locator("[data-uitest=import-rows] tbody tr")).to_have_count(2)
    page.screenshot(path=str(ARTIFACTS / "people-import-preview-ready-tablet.png"), full_page=True)

    page.click("[data-uitest=import-apply]")
    expect(page.locator("#confirm-dialog")).to_be_visible()
    expect(page.locator("#confirm-dialog .confirm-message")).to_have_text(
        "Apply new-hires-fixed.csv? This creates 2 and updates 0 employees in one step."
    )
    page.click("[data-uitest=confirm-ok]")
    expect(page).to_have_url("/people")
    expect(page.locator(".flash")).to_contain_text("Import applied: 2 created, 0 updated, 0 unchanged.")
    page.fill("[data-uitest=employee-search]", "E30002")
    expect(page.locator("[data-uitest=employee-table] tbody tr")).to_have_count(1)
    expect(page.locator("[data-uitest=employee-table]")).to_contain_text("Berg, Tom")
    assert run(Employee.count()) == 2
