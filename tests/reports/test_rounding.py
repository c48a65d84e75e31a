"""Figures are rounded as a person rounds, a half up: eight ratings of 4, 4, 4, 4, 4, 4, 4 and
5 stars average 4.125, which reads 4.13 (float's round said 4.12), on the scorecard and on
the organizer's activity ratings alike."""

from datetime import UTC, datetime, timedelta

import pytest

from app.blueprints.reports.scorecard import shown
from app.config import LOCAL_TZ
from app.extensions import db
from app.models import Role
from app.models.activities import ActivityKind
from app.models.surveys import ActivityRating
from tests.activities.factories import make_activity
from tests.factories import make_user
from tests.helpers import text

STARS = [4, 4, 4, 4, 4, 4, 4, 5]  # 33 / 8 = 4.125


def _rated_activity(year):
    """An activity of mid-January of `year` (the scorecard's period), rated STARS."""
    now = datetime(year, 1, 15, 12, tzinfo=LOCAL_TZ).astimezone(UTC)
    activity = make_activity(
        ActivityKind.EVENT,
        title="职工篮球赛",
        starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=1),
        signup_opens_at=now - timedelta(days=3),
        signup_closes_at=now - timedelta(days=1),
        cancel_deadline=now - timedelta(days=1),
    )
    for stars in STARS:
        db.session.add(ActivityRating(activity_id=activity.id, user_id=make_user().id, stars=stars))
    db.session.commit()
    return activity


def test_the_scorecard_shows_a_mean_of_4_125_as_4_13(client, auth, db, year):
    _rated_activity(year)
    auth.login(make_user(Role.ADMIN))
    page = text(client.get(f"/reports/?year={year}"))
    assert '<dd data-figure="satisfaction.activity_rating"><a href="' in page
    figure = page[page.index('data-figure="satisfaction.activity_rating"') :]
    assert figure[: figure.index("</dd>")].endswith(">4.13</a>")


def test_the_organizer_s_activity_ratings_show_4_13(client, auth, db, year):
    _rated_activity(year)
    auth.login(make_user(Role.ORGANIZER))
    page = text(client.get("/surveys/ratings"))
    assert "职工篮球赛</a> · ★ 4.13" in page and "4.12" not in page


@pytest.mark.parametrize(
    "value, unit, expected",
    [
        (4.125, "score", "4.13"),
        (2.675, "score", "2.68"),  # 2.67499… as a float
        (6.25, "percent", "6.3%"),
        (12.35, "percent", "12.4%"),
        (2.5, "yuan", "3"),
        (1234.5, "yuan", "1,235"),
    ],
)
def test_every_kind_of_figure_rounds_a_half_up(value, unit, expected):
    assert shown(value, unit) == expected
