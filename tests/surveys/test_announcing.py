"""A survey's people are told in their inbox when it opens: once each, in their language,
with a link to it; the people it is not for, and those who answered already, are not."""

from datetime import timedelta

from sqlalchemy import select

from app.blueprints.surveys.access import in_audience
from app.blueprints.surveys.forms import WHEN, local
from app.extensions import db
from app.models import Notification, Role
from app.models._types import utcnow
from app.models.activities import Participation, ParticipationStatus
from app.models.surveys import Survey
from tests.activities.factories import make_activity
from tests.factories import make_department, make_user
from tests.helpers import text
from tests.surveys import factories as f


def announce_opened(now=None) -> int:
    """The surveys' job, as it runs every few minutes (at `now`)."""
    from app.blueprints.surveys.services.announcing import announce_opened

    return announce_opened(now)


def _inbox(person) -> list[tuple[str, str, str]]:
    return [
        (n.title, n.body, n.url)
        for n in db.session.scalars(
            select(Notification).where(Notification.user_id == person.id).order_by(Notification.id)
        )
    ]


def _form(activity, opens_at, **changes) -> dict:
    return {
        "title": "篮球赛满意度",
        "audience": "activity",
        "activity": str(activity.id),
        "anonymous": "y",
        "opens_at": local(opens_at).strftime(WHEN),
        "closes_at": local(opens_at + timedelta(days=3)).strftime(WHEN),
        "min_responses": "5",
        "previous": "0",
        "questions-0-text": "总体满意吗？",
        "questions-0-kind": "single",
        "questions-0-options": "满意\n不满意",
        **changes,
    }


def _took_part(activity, *people) -> None:
    for person in people:
        db.session.add(
            Participation(
                activity_id=activity.id, user_id=person.id, status=ParticipationStatus.CONFIRMED
            )
        )
    db.session.commit()


def test_a_survey_for_an_activity_s_people_reaches_their_inboxes(client, auth):
    organizer = make_user(Role.ORGANIZER)
    first, second, elsewhere = make_user(), make_user(), make_user()
    activity = make_activity(title="职工篮球赛")
    _took_part(activity, first, second)
    auth.login(organizer)
    response = client.post("/surveys/new", data=_form(activity, utcnow()))
    assert response.status_code == 303
    survey = db.session.scalar(select(Survey))
    told = ("有问卷请您填写：篮球赛满意度", "匿名问卷：您的答卷无法对应到您本人。")
    assert _inbox(first) == _inbox(second) == [(*told, f"/surveys/{survey.id}")]
    assert _inbox(elsewhere) == [] and _inbox(organizer) == []
    auth.logout()
    # What the member sees: the message in 消息, leading to the survey.
    auth.login(first)
    page = text(client.get("/notifications/"))
    assert "1 条未读" in page and "有问卷请您填写：篮球赛满意度" in page
    (entry,) = db.session.scalars(select(Notification.id).where(Notification.user_id == first.id))
    opened = client.post(f"/notifications/{entry}/read", data={"go": "1"})
    assert opened.status_code == 303 and opened.location == f"/surveys/{survey.id}"
    # The job finds nothing more to tell.
    assert announce_opened() == 0
    assert len(_inbox(first)) == 1


def test_a_survey_that_opens_later_is_announced_when_it_opens_once(client, auth):
    organizer = make_user(Role.ORGANIZER)
    member = make_user()
    activity = make_activity()
    _took_part(activity, member)
    opens = utcnow() + timedelta(days=1)
    auth.login(organizer)
    assert client.post("/surveys/new", data=_form(activity, opens)).status_code == 303
    assert _inbox(member) == []
    assert announce_opened(opens - timedelta(minutes=1)) == 0 and _inbox(member) == []
    assert announce_opened(opens + timedelta(minutes=2)) == 1
    assert [title for title, _body, _url in _inbox(member)] == ["有问卷请您填写：篮球赛满意度"]
    assert announce_opened(opens + timedelta(minutes=7)) == 0
    assert len(_inbox(member)) == 1


def test_who_answered_already_is_not_told(db):
    answered, waiting = make_user(), make_user()
    survey = f.make_survey(anonymous=False)
    f.answer(answered, survey)
    # A survey stored before surveys were announced: the job tells those still to answer.
    db.session.query(Notification).delete()
    survey.announced_at = None
    db.session.commit()
    assert announce_opened() == 1
    assert _inbox(answered) == []
    named = "实名问卷：工会可以看到每人的答案。"
    assert [body for _title, body, _url in _inbox(waiting)] == [named]


def test_the_people_told_are_the_people_asked(db):
    workshop = make_department("机加工车间")
    team = make_department("车工班", parent=workshop)
    other = make_department("装配车间")
    in_team, in_workshop, outside = (
        make_user(department=team),
        make_user(department=workshop),
        make_user(department=other),
    )
    survey = f.make_survey(audience="departments", departments=[workshop])
    from app.blueprints.surveys.access import audience_ids

    ids = set(db.session.scalars(audience_ids(survey)))
    for person in (in_team, in_workshop, outside):
        assert (person.id in ids) is in_audience(person, survey)
        assert bool(_inbox(person)) is in_audience(person, survey)
    assert in_audience(in_team, survey) and not in_audience(outside, survey)
