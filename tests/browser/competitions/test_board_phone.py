"""On a 360 px phone: a competition's standings read whole, the teams' table as much as the
people's list — no column cut off at the right, no name broken a character or two a line."""

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, log_in
from tests.browser.sync.conftest import column

# The page's width, how far each table scrolls, the right edge of each total, and the names
# that must stay whole: the lines each one's boxes stand on.
LAYOUT = """() => ({
  page: document.documentElement.scrollWidth,
  tables: [...document.querySelectorAll(".table-wrap")].map((e) => e.scrollWidth - e.clientWidth),
  totals: [...document.querySelectorAll("#teams td:last-child")].map(
    (e) => e.getBoundingClientRect().right),
  names: [...document.querySelectorAll(
    "#teams td strong, #teams .row-meta span, #people summary span")]
    .map((e) => [e.textContent,
                 new Set([...e.getClientRects()].map((r) => Math.round(r.top))).size]),
})"""


def test_the_standings_read_whole_on_a_phone(page, live_server):
    live_server.flask("demo")
    competitions = column(live_server, "SELECT id FROM activities WHERE kind = 'competition'")
    log_in(page, live_server.url, "M0003", "demo1234")
    with_teams = 0
    for competition in competitions:
        page.goto(f"{live_server.url}/competitions/{competition}")
        for details in page.locator("#people details").all():
            details.evaluate("e => { e.open = true; }")
        layout = page.evaluate(LAYOUT)
        assert layout["page"] <= PHONE["width"], competition
        assert set(layout["tables"]) <= {0}, competition  # nothing scrolled out of sight
        assert max(layout["totals"], default=0) <= PHONE["width"], competition
        broken = [name for name, lines in layout["names"] if lines != 1]
        assert broken == [], competition
        if layout["totals"]:
            with_teams += 1
            expect(page.locator("#teams thead th").last).to_have_text("总分")
    assert with_teams  # the demo has a competition with teams to look at
