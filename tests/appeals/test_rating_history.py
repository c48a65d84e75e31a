"""Every rating of a reopened appeal is kept: the member's 不满意 and why stays on the appeal's
timeline under the answer it was about when the union answers again and the member rates
the new answer. The figures (the statistics page, the 建家 scorecard) count only the latest
rating of each appeal, as they did for an appeal rated once."""

import re

from app.blueprints.appeals import statistics
from app.features import registry
from app.models.appeals import AppealRating, AppealStatus
from app.services.inputs import local_today, local_zone
from tests.appeals.conftest import raise_named, step
from tests.helpers import text


def timeline(response) -> list[str]:
    """The appeal's timeline as a person reads it: one line per item."""
    page = text(response)
    ol = page[page.index('id="timeline"') : page.index("</ol>", page.index('id="timeline"'))]
    items = re.findall(r"<li[^>]*>(.*?)</li>", ol, re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def rate(client, appeal, rating, note=""):
    response = client.post(
        f"/appeals/{appeal.key}/rate", data={"rating": rating, "rating_note": note}
    )
    assert response.status_code == 303


def reopened_and_rated_again(client, auth, cast, title="加班费少算"):
    """A named appeal answered, rated 不满意 with a comment, reopened, answered again and
    rated 满意: through the pages, as the member and the officer do it."""
    appeal = raise_named(cast.member, title=title)
    step(cast.officer, appeal, "acknowledge", "investigate", "answer")
    auth.login(cast.member)
    rate(client, appeal, "unsatisfied", "补发时间太晚")
    auth.logout()
    auth.login(cast.officer)
    for action, note in (("reopen", "已催财务本月补发。"), ("answer", "已补发到账。")):
        response = client.post(
            f"/appeals/{appeal.key}/steps", data={"action": action, "note": note}
        )
        assert response.status_code == 303
    auth.logout()
    auth.login(cast.member)
    rate(client, appeal, "satisfied", "谢谢工会")
    auth.logout()
    return appeal


def test_a_reopened_appeal_keeps_the_first_rating_and_shows_both(client, auth, cast, db):
    appeal = reopened_and_rated_again(client, auth, cast)
    # The member and the officer read the same history, each rating under its answer.
    for person in (cast.member, cast.officer):
        auth.login(person)
        steps = timeline(client.get(f"/appeals/{appeal.key}"))
        auth.logout()
        assert [s.split(" ·")[0] for s in steps] == [
            f"提出 {appeal.raised_on}",
            "已受理",
            "开始调查",
            "已答复",
            "第 1 次答复：不满意",
            "重新办理",
            "已答复",
            "第 2 次答复：满意",
        ]
        first_at, then_at = (
            f"{r.rated_at.astimezone(local_zone()):%Y-%m-%d %H:%M}"
            for r in (appeal.earlier_ratings[0], appeal)
        )
        assert steps[4] == f"第 1 次答复：不满意 · 职工评价 {first_at} “补发时间太晚”"
        assert steps[7] == f"第 2 次答复：满意 · 职工评价 {then_at} “谢谢工会”"
    # Kept by the answer it rated; the appeal holds the latest, which the figures read.
    db.session.refresh(appeal)
    [first] = appeal.earlier_ratings
    assert (first.answer_no, first.rating, first.note) == (
        1,
        AppealRating.UNSATISFIED,
        "补发时间太晚",
    )
    assert appeal.status is AppealStatus.CLOSED and appeal.rating is AppealRating.SATISFIED


def test_the_figures_count_the_latest_rating_of_each_appeal(client, auth, cast):
    appeals = [reopened_and_rated_again(client, auth, cast, f"诉求{n}") for n in range(3)]
    assert all(len(a.earlier_ratings) == 1 for a in appeals)
    # Three appeals, each rated 不满意 and then 满意: three satisfied, not three of six.
    figures = statistics.figures()
    assert (figures.total.shown, figures.answered.shown, figures.satisfied.shown) == ("3",) * 3
    scorecard = next(f for f in registry().figures if (f.area, f.key) == ("rights", "satisfied"))
    assert scorecard.compute(local_today().year, None, None) == 100.0
