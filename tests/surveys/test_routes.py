"""Every /surveys and /reports route × every role (and no log-in): what each person gets."""

import re

import pytest

from app.models import Role
from app.models._types import utcnow
from app.models.activities import Participation, ParticipationStatus
from tests.activities.factories import make_activity
from tests.factories import make_user
from tests.helpers import text
from tests.surveys import factories as f

ROLES = ("anonymous", "member", "inspector", "safety_officer", "organizer", "care_officer", "admin")
MANAGERS = {"organizer", "admin"}


@pytest.fixture
def world(db):
    boss = f.organizer()
    survey = f.make_survey(boss, k=3, anonymous=False)
    for _ in range(3):
        f.answer(make_user(), survey)
    closed = f.make_survey(boss, k=3)
    for _ in range(3):
        f.answer(make_user(), closed)
    f.close(closed)
    activity = make_activity()
    return {"survey": survey, "closed": closed, "activity": activity}


def _person(role):
    if role == "anonymous":
        return None
    if role == "member":
        return make_user()
    return make_user(Role(role))


def _get(client, auth, role, url, method="get", **kwargs):
    person = _person(role)
    if person is not None:
        auth.login(person)
    response = getattr(client, method)(url, **kwargs)
    if person is not None:
        auth.logout()
    return person, response


def _expect_login(response):
    assert response.status_code in (302, 401)


@pytest.mark.parametrize("role", ROLES)
def test_survey_pages_by_role(client, auth, world, role):
    survey, closed = world["survey"], world["closed"]
    manager = role in MANAGERS
    cases = [
        ("/surveys/", 200, 200),
        (f"/surveys/{survey.id}", 200, 200),
        ("/surveys/new", 200, 403),
        (f"/surveys/new?from={survey.id}", 200, 403),
        (f"/surveys/{survey.id}/results", 200, 403),
        (f"/surveys/{closed.id}/results", 200, 403),
        (f"/surveys/{closed.id}/results.xlsx", 200, 403),
        ("/surveys/ratings", 200, 403),
        (f"/surveys/ratings?activity={world['activity'].id}", 200, 403),
        (f"/surveys/ratings/{world['activity'].id}", 403, 403),  # nobody here checked in
        ("/surveys/99999999", 404, 404),
    ]
    for url, as_manager, as_other in cases:
        _person_, response = _get(client, auth, role, url)
        if role == "anonymous":
            _expect_login(response)
        else:
            assert response.status_code == (as_manager if manager else as_other), (role, url)


@pytest.mark.parametrize("role", ROLES)
def test_answering_by_role(client, auth, world, role):
    survey = world["survey"]
    person, response = _get(
        client, auth, role, f"/surveys/{survey.id}/respond", "post", data=f.form_for(survey)
    )
    if person is None:
        _expect_login(response)
    else:
        assert response.status_code == 303  # every member is asked


@pytest.mark.parametrize("role", ROLES)
def test_building_by_role(client, auth, world, role):
    person, response = _get(client, auth, role, "/surveys/new", "post", data={"title": "x"})
    if person is None:
        _expect_login(response)
    elif role in MANAGERS:
        assert response.status_code == 422
    else:
        assert response.status_code == 403
        assert "只有工会干事和工会主席才能进行此操作" in text(response)


@pytest.mark.parametrize("role", ROLES)
def test_rating_by_role(client, auth, db, world, role):
    activity = world["activity"]
    person = _person(role)
    if person is not None:
        db.session.add(
            Participation(
                activity_id=activity.id,
                user_id=person.id,
                status=ParticipationStatus.CONFIRMED,
                checked_in_at=utcnow(),
            )
        )
        db.session.commit()
        auth.login(person)
    url = f"/surveys/ratings/{activity.id}"
    response = client.post(url, data={"stars": "4"})
    if person is None:
        _expect_login(response)
    else:
        assert response.status_code == 303
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_scorecard_by_role(client, auth, world, role):
    year = utcnow().year
    cases = [
        "/reports/",
        f"/reports/?year={year}&month=11",
        f"/reports/safety/hazards_reported?year={year}",
        f"/reports/{year}.xlsx",
    ]
    for url in cases:
        person, response = _get(client, auth, role, url)
        if person is None:
            _expect_login(response)
        elif role in MANAGERS:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 403, url
            assert "建家考评仅供工会主席和工会干事查看" in text(response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=1999", "请选择 2000 到 2100 年"),
        ("year=abc", "请选择 2000 到 2100 年"),
        ("month=13", "请选择 1 到 12 月"),
        ("department=99999999", "该部门不存在"),
    ],
)
def test_scorecard_refuses_a_bad_period_in_chinese(client, auth, query, message):
    auth.login(make_user(Role.ADMIN))
    response = client.get(f"/reports/?{query}")
    assert response.status_code == 400
    assert message in text(response)
    assert client.get("/reports/nothing/here").status_code == 404


def test_in_english_one_survey_is_one_and_required_has_plain_brackets(client, auth, db):
    """English has its own plural and its own brackets; Chinese keeps 份 and （必答）."""
    survey = f.make_survey(f.organizer())
    member = make_user()
    auth.login(member)
    assert "有 1 份问卷等您填写" in text(client.get("/"))
    assert "（必答）" in text(client.get(f"/surveys/{survey.id}"))
    client.post("/locale", data={"locale": "en"})
    home = text(client.get("/"))
    assert "1 survey waits for your answers; it takes a minute." in home
    assert "1 surveys" not in home
    form = text(client.get(f"/surveys/{survey.id}"))
    assert "(required)" in form and "（" not in form


def test_the_phone_knows_which_questions_must_be_answered(client, auth, world):
    # `required` on the inputs of required questions: the phone says so before the answers
    # go to the outbox (a conditional one is switched off by survey.js while it is hidden).
    auth.login(make_user())
    page = text(client.get(f"/surveys/{world['survey'].id}"))
    required = {
        name
        for name, attrs in re.findall(r'<(?:input|textarea)[^>]*name="(q\d+)"([^>]*)>', page)
        if " required" in attrs
    }
    questions = world["survey"].questions
    assert required == {f"q{q.id}" for q in questions if q.required}
    assert len(required) == 3 and len(questions) == 4


def test_the_results_link_shows_only_when_the_results_page_would_show_them(client, auth, db):
    """An open anonymous survey offered the organizer 结果 (7 份答卷), a link to a 403; while
    the results wait, the page says how many answers there are and when the results come."""
    boss = f.organizer()
    survey = f.make_survey(boss, anonymous=True)
    for _ in range(7):
        f.answer(make_user(), survey)
    link = f'href="/surveys/{survey.id}/results"'

    auth.login(boss)
    page = text(client.get(f"/surveys/{survey.id}"))
    assert link not in page
    assert "共 7 份答卷 · 问卷结束（" in page and "）后可看结果" in page
    assert client.get(f"/surveys/{survey.id}/results").status_code == 403

    named = f.make_survey(boss, anonymous=False, k=5)
    f.answer(make_user(), named)
    page = text(client.get(f"/surveys/{named.id}"))
    assert f'href="/surveys/{named.id}/results"' not in page
    assert "共 1 份答卷 · 满 5 份答卷后可看结果" in page

    f.close(survey)
    page = text(client.get(f"/surveys/{survey.id}"))
    assert f"{link}>结果 (7 份答卷)</a>" in page
    assert client.get(f"/surveys/{survey.id}/results").status_code == 200
