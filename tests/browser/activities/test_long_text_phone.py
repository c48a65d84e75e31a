"""Text typed without a break (a long place, a pasted URL) wraps on a 360 px phone instead of
making the page scroll sideways, and the labels beside it stay whole."""

from tests.browser.activities.test_activities_phone import _at_the_door, _phone, _publish
from tests.browser.test_shell import assert_fits_phone

# How many lines each label of the activity's facts takes on screen.
LABEL_LINES = """() => [...document.querySelectorAll(".facts dt")].map((dt) => {
  const range = document.createRange();
  range.selectNodeContents(dt);
  return [dt.textContent.trim(), new Set([...range.getClientRects()].map((r) => r.top)).size];
})"""


def test_a_place_typed_without_a_break_wraps_and_the_labels_stay_whole(
    live_server, browser, browser_context_args, base_url
):
    live_server.make_user("LONG-O1", "organizer", name="钱干事")
    organizer = _phone(browser, browser_context_args, base_url, "LONG-O1")
    place = "A" * 120
    _at_the_door(organizer, base_url, "超长标题" * 12, place)
    _publish(organizer)

    organizer.get_by_text(place).wait_for()
    assert_fits_phone(organizer)
    labels = dict(organizer.evaluate(LABEL_LINES))
    assert labels["时间"] == 1 and labels["地点"] == 1, labels
    organizer.goto(base_url + "/activities")
    organizer.get_by_text("超长标题超长标题").first.wait_for()
    assert_fits_phone(organizer)
