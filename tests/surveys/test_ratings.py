"""The rating after an activity: the inbox asks at check-in, one tap on the activity page,
and the organizer sees each activity's score, its comments and the kinds members like."""

from sqlalchemy import func, select

from app.blueprints.activities import services as activity_services
from app.extensions import db
from app.models import Notification, Role
from app.models.activities import ActivityKind, Participation, ParticipationStatus
from app.models.surveys import ActivityRating
from tests.activities.factories import make_activity_at_the_door
from tests.factories import make_user
from tests.helpers import text


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


def test_check_in_puts_the_rating_in_the_inbox_and_one_tap_rates(client, auth):
    organizer = make_user(Role.ORGANIZER)
    person = make_user()
    activity = make_activity_at_the_door(title="职工篮球赛")
    _checked_in(person, activity, organizer)
    note = db.session.scalar(select(Notification).where(Notification.user_id == person.id))
    assert note.title == "“职工篮球赛”办得怎么样？"
    assert note.url == f"/surveys/ratings/{activity.id}"

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
