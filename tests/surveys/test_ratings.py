"""The rating after an activity: the inbox asks once the activity is over, once per person,
one tap on the activity page, and the organizer sees each activity's score, its comments and
the kinds members like."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.blueprints.activities import services as activity_services
from app.blueprints.surveys import jobs
from app.blueprints.surveys.services import ask_for_ratings, rate_activity
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Notification, Role
from app.models._types import utcnow
from app.models.activities import ActivityKind, Participation, ParticipationStatus
from app.models.surveys import ActivityRating
from tests.activities.factories import make_activity, make_activity_at_the_door
from tests.factories import make_user
from tests.helpers import text


def inbox(person) -> list[tuple[str, str]]:
    return [
        (n.title, n.url)
        for n in db.session.scalars(
            select(Notification).where(Notification.user_id == person.id).order_by(Notification.id)
        )
    ]


def _checked_in(person, activity, organizer):
    participation = Participation(
        activity_id=activity.id, user_id=person.id, status=ParticipationStatus.CONFIRMED
    )
    db.session.add(participation)
    db.session.commit()
    code = activity_services.code_for(participation)
    assert activity_services.check_in(organizer, activity, code).status == "created"
    db.session.commit()
    return participation


def test_the_inbox_asks_for_the_rating_after_the_end_and_one_tap_rates(client, auth):
    organizer = make_user(Role.ORGANIZER)
    person = make_user()
    activity = make_activity_at_the_door(title="职工篮球赛")
    _checked_in(person, activity, organizer)
    # Checked in at the door, the game not played yet: nothing to rate so far.
    assert inbox(person) == []
    assert ask_for_ratings(activity.ends_at - timedelta(minutes=1)) == 0
    assert inbox(person) == []
    assert ask_for_ratings(activity.ends_at + timedelta(minutes=5)) == 1
    db.session.commit()
    asked = [("“职工篮球赛”办得怎么样？", f"/surveys/ratings/{activity.id}")]
    assert inbox(person) == asked

    auth.login(person)
    page = text(client.get(f"/activities/{activity.id}"))
    assert "为本活动评分" in page
    response = client.post(
        f"/surveys/ratings/{activity.id}", data={"stars": "5", "comment": "很好"}
    )
    assert response.status_code == 303
    # Changing it keeps one rating.
    client.post(f"/surveys/ratings/{activity.id}", data={"stars": "4", "comment": "不错"})
    rows = db.session.execute(select(ActivityRating.stars, ActivityRating.comment)).all()
    assert rows == [(4, "不错")]

    auth.logout()
    auth.login(organizer)
    page = text(client.get(f"/surveys/ratings?activity={activity.id}"))
    assert "职工篮球赛" in page and "★ 4.00" in page and "不错" in page
    assert "文体活动 · ★ 4.00" in page


def test_only_people_who_checked_in_rate_and_bad_stars_write_nothing(client, auth):
    organizer = make_user(Role.ORGANIZER)
    person = make_user()
    outsider = make_user()
    activity = make_activity_at_the_door(kind=ActivityKind.TRAINING)
    _checked_in(person, activity, organizer)
    auth.login(outsider)
    response = client.post(f"/surveys/ratings/{activity.id}", data={"stars": "5"})
    assert response.status_code == 403
    assert "只有签到参加了本活动的人才能评分" in text(response)
    auth.logout()
    auth.login(person)
    for stars in ("0", "6", "x", ""):
        response = client.post(f"/surveys/ratings/{activity.id}", data={"stars": stars})
        assert response.status_code == 422
        assert "请选择 1 到 5 颗星" in text(response)
    assert db.session.scalar(select(func.count()).select_from(ActivityRating)) == 0


def test_each_person_is_asked_once_even_when_checked_in_after_the_end(db):
    organizer = make_user(Role.ORGANIZER)
    early, late = make_user(), make_user()
    activity = make_activity_at_the_door(title="职工篮球赛")
    _checked_in(early, activity, organizer)
    ask_for_ratings(activity.ends_at + timedelta(minutes=5))
    db.session.commit()
    # An offline scan at the door reaches the server after that run.
    _checked_in(late, activity, organizer)
    assert ask_for_ratings(activity.ends_at + timedelta(minutes=20)) == 1
    assert ask_for_ratings(activity.ends_at + timedelta(minutes=35)) == 0
    db.session.commit()
    asked = [("“职工篮球赛”办得怎么样？", f"/surveys/ratings/{activity.id}")]
    assert inbox(early) == asked and inbox(late) == asked


def test_the_job_asks_about_activities_just_over_not_those_of_weeks_ago(db):
    now = utcnow()
    person, no_show = make_user(), make_user()
    for title, ended in (("读书会", now - timedelta(hours=1)), ("春游", now - timedelta(days=8))):
        activity = make_activity(
            title=title,
            starts_at=ended - timedelta(hours=2),
            ends_at=ended,
            signup_opens_at=ended - timedelta(days=3),
            signup_closes_at=ended - timedelta(hours=3),
            cancel_deadline=ended - timedelta(hours=3),
        )
        for who, checked_in_at in ((person, ended - timedelta(hours=2)), (no_show, None)):
            db.session.add(
                Participation(
                    activity_id=activity.id,
                    user_id=who.id,
                    status=ParticipationStatus.CONFIRMED,
                    checked_in_at=checked_in_at,
                )
            )
    db.session.commit()
    jobs.ask_for_ratings_after_activities.call_local()
    assert [title for title, _url in inbox(person)] == ["“读书会”办得怎么样？"]
    assert inbox(no_show) == []


def test_the_activity_page_shows_my_stars_once_rated_and_no_second_prompt(client, auth):
    organizer = make_user(Role.ORGANIZER)
    rated, not_yet = make_user(), make_user()
    activity = make_activity_at_the_door(title="职工篮球赛")
    for person in (rated, not_yet):
        _checked_in(person, activity, organizer)
    auth.login(rated)
    client.post(f"/surveys/ratings/{activity.id}", data={"stars": "4", "comment": ""})
    page = text(client.get(f"/activities/{activity.id}"))
    assert "您已评分：4 星（满分 5 星）。" in page and "★★★★☆" in page
    assert "为本活动评分" not in page
    assert "修改我的评分" in page  # a rating can be changed, as before

    auth.logout()
    auth.login(not_yet)
    page = text(client.get(f"/activities/{activity.id}"))
    assert "为本活动评分" in page and "您已评分" not in page


def test_a_caller_of_the_service_is_told_bad_stars_and_a_bad_comment_at_once(db):
    """The form cannot send them; a caller of the service can: each field's mistake."""
    with pytest.raises(ValidationFailed) as refused:
        rate_activity(make_user(), make_activity_at_the_door(), "9", "好\x00")
    assert set(refused.value.errors) == {"stars", "comment"}
