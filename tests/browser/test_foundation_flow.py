"""Sign in at tablet size, see the role's navigation, open the access report, sign out."""

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, sign_in
from tests.conftest import TEST_PASSWORD, make_user


def test_compliance_user_flow(page):
    make_user("carl", ["compliance"], full_name="Carl Mendes")
    sign_in(page, "carl", TEST_PASSWORD)
    expect(page.locator("h1")).to_contain_text("Carl Mendes")
    nav = page.locator("nav.nav")
    page.click("[data-uitest=nav-group-admin]")
    expect(nav.get_by_text("Access report")).to_be_visible()
    expect(nav.get_by_text("Users")).to_have_count(0)  # admin only
    box = page.locator("[data-uitest=logout]").bounding_box()
    assert box and box["height"] >= 44  # touch target
    page.click("[data-uitest=nav-access-report]")
    expect(page.locator("table.report")).to_contain_text("carl")
    page.screenshot(path=str(ARTIFACTS / "access-report-tablet.png"), full_page=True)
    page.click("[data-uitest=logout]")
    expect(page.locator(".flash")).to_contain_text("signed out")
    expect(page).to_have_url("/login")


def test_wrong_password_shows_message(page):
    make_user("carl", ["compliance"])
    sign_in(page, "carl", "not-the-password")
    expect(page.locator("[data-uitest=login-error]")).to_contain_text("Wrong user name or password")


def test_confirm_dialog_guards_destructive_action(page):
    make_user("ada", ["admin"])
    sign_in(page, "ada", TEST_PASSWORD)
    page.goto("/account/tokens")
    page.fill("#f-name", "kiosk")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("[data-uitest=new-token]")).to_be_visible()
    page.get_by_role("button", name="Revoke").click()
    expect(page.locator("#confirm-dialog")).to_be_visible()
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("button", name="Revoke")).to_be_visible()
    page.get_by_role("button", name="Revoke").click()
    page.click("[data-uitest=confirm-ok]")
    expect(page.locator(".flash")).to_contain_text("Token revoked")
