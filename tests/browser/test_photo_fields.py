"""On a phone, a photo field opens the camera (a big tile, and "from the gallery"); a field
for a roster or for certificates that may be PDFs stays the browser's own file picker, which
lets the person choose that file."""

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def _file_field(page, url: str, name: str):
    page.goto(url)
    return page.locator(f"input[type=file][name={name}]")


def test_only_photo_fields_become_camera_tiles(live_server, browser):
    live_server.make_user("PF001", "admin", "care_officer", "inspector", name="照片字段管理员")
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, "PF001")
    base = live_server.url

    photos = _file_field(page, base + "/safety/hazards/new", "photos")
    expect(page.locator("#hazard-form .photo-tiles")).to_have_count(1)
    expect(photos).to_have_attribute("capture", "environment")

    # The roster: a spreadsheet, picked from the phone's files.
    roster = _file_field(page, base + "/admin/import", "file")
    expect(roster).to_be_visible()
    expect(roster).not_to_have_attribute("capture", "environment")
    expect(roster).to_have_attribute("accept", ".xlsx,.csv")
    expect(page.locator(".photo-tiles")).to_have_count(0)

    # A care file's certificates may be PDFs: no camera-only tiles.
    certificates = _file_field(page, base + "/care/files/new", "attachments")
    expect(certificates).to_be_visible()
    expect(certificates).not_to_have_attribute("capture", "environment")
    expect(page.locator(".photo-tiles")).to_have_count(0)
    context.close()
