"""The scorecard on a 360 px phone in English: a long label wraps and every figure reads whole
beside it. Each label was kept on one line, which squeezed the figures to a character a line
("withheld (fewer than 3)" ran down the page), widened the page to 398 px and cut "Me" off
the bottom bar."""

import os

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, log_in

# Each figure: its label and value, the right edge of both, and how many lines the value's
# text stands on.
FIGURES = """() => [...document.querySelectorAll("dd[data-figure]")].map((dd) => {
  const range = document.createRange();
  range.selectNodeContents(dd);
  return {
    label: dd.previousElementSibling.textContent.trim(),
    value: dd.textContent.trim(),
    right: Math.max(
      dd.previousElementSibling.getBoundingClientRect().right, range.getBoundingClientRect().right),
    lines: new Set([...range.getClientRects()].map((r) => Math.round(r.bottom))).size,
  };
})"""


def test_the_scorecard_reads_whole_in_english_on_a_phone(page, live_server):
    live_server.flask("demo")
    log_in(page, live_server.url, "A0001", "demo1234")
    page.goto(live_server.url + "/me")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(live_server.url + "/reports/")
    if shot := os.environ.get("SCORECARD_SCREENSHOT"):  # to look at it
        page.screenshot(path=shot, full_page=True)

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.locator("nav").get_by_text("Me", exact=True)).to_be_in_viewport(ratio=1)
    figures = page.evaluate(FIGURES)
    assert any(f["value"].startswith("withheld") for f in figures), "the demo withholds some"
    for figure in figures:
        assert figure["right"] <= PHONE["width"], figure
        # A number stands on one line; a withheld figure wraps between its words only.
        assert figure["lines"] <= len(figure["value"].split()), figure
    label = page.locator("dt", has_text="Appeals acknowledged in time (%)")
    value = page.locator('dd[data-figure="rights.acknowledged_on_time"]')
    value.scroll_into_view_if_needed()
    expect(label).to_be_in_viewport(ratio=1)
    expect(value).to_be_in_viewport(ratio=1)
    # The demo's chairman reads Chinese for the tests after this one.
    page.goto(live_server.url + "/me")
    page.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


# Each fact of a record written in ASCII (a date, a time, a phone number, an amount): its
# words and how many lines it stands on.
FACTS = """() => [...document.querySelectorAll(".facts dd")]
  .filter((dd) => /^[\\x20-\\x7e¥\\s]+$/.test(dd.textContent.trim()))
  .map((dd) => {
    const range = document.createRange();
    range.selectNodeContents(dd);
    return {
      value: dd.textContent.trim(),
      words: dd.textContent.trim().split(/\\s+/).length,
      lines: new Set([...range.getClientRects()].map((r) => Math.round(r.bottom))).size,
    };
  })"""


def test_a_record_s_dates_and_numbers_stay_whole_beside_long_english_labels(page, live_server):
    live_server.flask("demo")
    live_server.make_user("FACTS1", "care_officer", name="英文干事")
    log_in(page, live_server.url, "FACTS1")
    page.goto(live_server.url + "/me")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(live_server.url + "/care/aid")
    page.locator("a.row").first.click()
    expect(page.locator(".facts dt", has_text="How to reach the family")).to_be_visible()

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    facts = page.evaluate(FACTS)
    assert any(fact["value"][:4].isdigit() for fact in facts), "the request has its dates"
    for fact in facts:
        assert fact["lines"] <= fact["words"], fact  # "2026-12-06" was cut as 2026-12- / 06
