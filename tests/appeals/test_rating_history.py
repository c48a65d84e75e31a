"""Every rating of a reopened appeal is kept: the member's 不满意 and why is kept when the
union answers again and the member rates the new answer. The figures (the statistics page,
the 建家 scorecard) count only the latest rating of each appeal, as they did for an appeal
rated once."""

from app.blueprints.appeals import statistics
from app.features import registry
from app.services.inputs import local_today
from tests.appeals.conftest import raise_named, step


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


def test_the_figures_count_the_latest_rating_of_each_appeal(client, auth, cast):
    appeals = [reopened_and_rated_again(client, auth, cast, f"诉求{n}") for n in range(3)]
    assert all(len(a.earlier_ratings) == 1 for a in appeals)
    # Three appeals, each rated 不满意 and then 满意: three satisfied, not three of six.
    figures = statistics.figures()
    assert (figures.total.shown, figures.answered.shown, figures.satisfied.shown) == ("3",) * 3
    scorecard = next(f for f in registry().figures if (f.area, f.key) == ("rights", "satisfied"))
    assert scorecard.compute(local_today().year, None, None) == 100.0
