"""Answering a survey: anonymous responses can never be tied to their respondent (the
congress's ballot test, applied to surveys), results stay shut below k, and bad answers are
refused in Chinese without writing anything."""

import logging
import re

import pytest
from sqlalchemy import Date, DateTime, func, inspect, select, text

from app.blueprints.surveys import services
from app.errors import Refused
from app.extensions import db
from app.models import AuditLog, Notification
from app.models.surveys import SurveyAnswer, SurveyRespondent, SurveyResponse
from tests.conftest import AuthActions
from tests.factories import make_user
from tests.helpers import statements
from tests.helpers import text as page_text
from tests.surveys import factories as f

RESPONSE_TABLES = ("survey_responses", "survey_answers")
ALLOWED_TARGETS = {"surveys", "survey_responses", "survey_questions", "survey_options"}


def test_the_schema_gives_responses_nothing_that_points_at_a_person_but_the_named_column(db):
    schema = inspect(db.engine)
    for table in RESPONSE_TABLES:
        columns = schema.get_columns(table)
        names = {c["name"] for c in columns} - {"respondent_id"}
        assert not {n for n in names if any(w in n for w in ("user", "voter", "_at", "time"))}
        assert not [c for c in columns if isinstance(c["type"], DateTime | Date)], table
        assert not [c for c in columns if c.get("default") or c.get("autoincrement") is True]
        (key,) = schema.get_pk_constraint(table)["constrained_columns"]
        assert [str(c["type"]) for c in columns if c["name"] == key] == ["VARCHAR(32)"]
        targets = {fk["referred_table"] for fk in schema.get_foreign_keys(table)}
        # Only a named survey's response names its respondent.
        assert targets - {"users"} <= ALLOWED_TARGETS, table
    marks = schema.get_columns("survey_respondents")
    assert {c["name"] for c in marks} == {"survey_id", "user_id"}


def _order(query: str, person_of: dict) -> list[int]:
    return [person_of[row[0]] for row in db.session.execute(text(query))]


def test_twenty_anonymous_responses_leave_no_link_to_their_people(app, caplog):
    survey = f.make_survey()
    people = [make_user() for _ in range(20)]
    phones = []
    for person in people:
        phone = app.test_client()
        AuthActions(phone).login(person)
        phones.append(phone)
    caplog.set_level(logging.DEBUG)
    audit_before = db.session.scalar(select(func.count()).select_from(AuditLog))
    # The survey's opening was announced to its people (the organizer among them); answering
    # tells no one.
    notices_before = db.session.scalar(select(func.count()).select_from(Notification))
    seen: set[str] = set()
    with statements(db.engine) as sql:
        for i, phone in enumerate(phones):
            data = f.form_for(survey, overall="不满意", why=f"原因{i:02d}")
            response = phone.post(f"/surveys/{survey.id}/respond", data=data)
            assert response.status_code == 303
            db.session.expire_all()
            keys = set(db.session.scalars(select(SurveyResponse.id)))
            assert len(keys) == i + 1
            assert not keys & seen  # every answer writes the whole survey anew, fresh keys
            seen |= keys
    inserted = {s.split()[2].strip('"') for s in sql if s.lstrip().upper().startswith("INSERT")}
    assert inserted == {"survey_respondents", "survey_responses", "survey_answers"}
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == audit_before
    assert db.session.scalar(select(func.count()).select_from(Notification)) == notices_before
    names = {p.employee_no for p in people} | {p.name for p in people}
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert not [n for n in names if n in logged]
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(SurveyResponse)
            .where(SurveyResponse.respondent_id.is_not(None))
        )
        == 0
    )

    # The text says who answered (in this test only): no order the database keeps is the
    # order of answering.
    person_of = {
        r: int(t[2:])
        for r, t in db.session.execute(
            select(SurveyAnswer.response_id, SurveyAnswer.text).where(SurveyAnswer.text != "")
        )
    }
    answering = list(range(20))
    orders = [
        _order("SELECT id FROM survey_responses", person_of),
        _order("SELECT response_id FROM survey_answers WHERE text <> ''", person_of),
    ]
    if db.engine.dialect.name == "sqlite":
        orders.append(_order("SELECT id FROM survey_responses ORDER BY rowid", person_of))
    else:
        orders.append(_order("SELECT id FROM survey_responses ORDER BY ctid", person_of))
        xmins = db.session.execute(text("SELECT DISTINCT xmin::text FROM survey_responses"))
        assert len(xmins.all()) == 1
    for order in orders:
        assert sorted(order) == answering
        assert order != answering
    marks = db.session.scalars(select(SurveyRespondent.user_id)).all()
    assert sorted(marks) == sorted(p.id for p in people)


def test_a_named_survey_keeps_who_answered(app):
    survey = f.make_survey(anonymous=False)
    person = make_user()
    f.answer(person, survey)
    assert db.session.scalars(select(SurveyResponse.respondent_id)).all() == [person.id]


def test_results_are_refused_below_k_and_before_an_anonymous_survey_closes(client, auth):
    boss = f.organizer()
    survey = f.make_survey(boss, k=5)
    for _ in range(4):
        f.answer(make_user(), survey)
    f.close(survey)
    auth.login(boss)
    response = client.get(f"/surveys/{survey.id}/results")
    assert response.status_code == 403
    assert "结果要达到 5 份才显示" in page_text(response)
    assert client.get(f"/surveys/{survey.id}/results.xlsx").status_code == 403
    with pytest.raises(Refused):
        services.results(boss, survey)

    open_survey = f.make_survey(boss, k=3)
    for _ in range(4):
        f.answer(make_user(), open_survey)
    response = client.get(f"/surveys/{open_survey.id}/results")
    assert response.status_code == 403
    assert "匿名问卷结束后才显示结果" in page_text(response)
    f.close(open_survey)
    response = client.get(f"/surveys/{open_survey.id}/results")
    assert response.status_code == 200
    body = page_text(response)
    assert "4 份答卷" in body and "满意" in body and "100.0%" in body
    assert "平均分：" in body and "平均分:" not in body  # Chinese punctuation


def _writes():
    return [
        db.session.scalar(select(func.count()).select_from(t))
        for t in (SurveyRespondent, SurveyResponse, SurveyAnswer)
    ]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("closed", "问卷已结束，不再收取答卷"),
        ("twice", "您已经填写过这份问卷"),
        ("no_option", "该选项不存在"),
        ("required", "第 2 题必须回答"),
        ("foreign", "不属于这份问卷的题目"),
        ("superscript", "不属于这份问卷的题目"),  # "²" is a digit that int() refuses
        ("scale", "请选择 1 到 5 分"),
        ("shown_required", "第 4 题必须回答"),
    ],
)
def test_bad_answers_are_refused_in_chinese_and_write_nothing(client, auth, case, message):
    survey = f.make_survey()
    person = make_user()
    data = f.form_for(survey)
    if case == "closed":
        f.close(survey)
    elif case == "twice":
        f.answer(person, survey)
    elif case == "no_option":
        data[f"q{survey.questions[0].id}"] = "999999"
    elif case == "required":
        del data[f"q{survey.questions[1].id}"]
    elif case == "foreign":
        data["q999999"] = "1"
    elif case == "superscript":
        data["q²"] = "1"
    elif case == "scale":
        data[f"q{survey.questions[1].id}"] = "6"
    elif case == "shown_required":
        data = f.form_for(survey, overall="不满意")  # shows question 4, which is required
    before = _writes()
    auth.login(person)
    response = client.post(f"/surveys/{survey.id}/respond", data=data)
    assert response.status_code == 422
    assert message in page_text(response)
    assert _writes() == before


def test_a_hidden_question_is_not_asked_and_its_answer_is_dropped(db):
    survey = f.make_survey(anonymous=False)
    person = make_user()
    f.answer(person, survey, overall="满意", why="不该记下")
    assert "不该记下" not in db.session.scalars(select(SurveyAnswer.text)).all()


def test_every_unanswered_required_question_is_said_at_the_question(client, auth):
    """Posted without the phone's script: each required question left empty gets its message
    in its own fieldset, all at once, and the answers given are kept on the form."""
    survey = f.make_survey()
    q = survey.questions
    data = f.form_for(survey, overall="", score=0, likes=("培训",))
    auth.login(make_user())
    response = client.post(f"/surveys/{survey.id}/respond", data=data)
    assert response.status_code == 422
    page = page_text(response)
    for number, question in ((1, q[0]), (2, q[1])):
        at = re.search(rf'<fieldset[^>]*id="question-{question.id}".*?</fieldset>', page, re.S)
        assert f"<li>第 {number} 题必须回答。</li>" in at.group(0)
    assert 'class="alert alert-error"' not in page  # nothing left to say above the form
    training = next(o.id for o in q[2].options if o.label == "培训")
    assert f'value="{training}" checked' in page
    assert _writes() == [0, 0, 0]


def test_the_results_page_counts_in_the_database_and_the_responses_once(
    client, auth, count_queries
):
    """The results read every answer row into Python and counted the responses four times:
    the page now runs the same statements for 10 responses as for 5, the responses counted
    once, and only the free texts read as rows."""
    boss = f.organizer()
    surveys = {}
    for responses in (5, 10):
        surveys[responses] = f.make_survey(boss, k=5)
        for _ in range(responses):
            f.answer(make_user(), surveys[responses])
        f.close(surveys[responses])
    auth.login(boss)

    def results_page(survey):
        db.session.expire_all()  # each look starts as a request does, nothing loaded yet
        with count_queries() as counter:
            response = client.get(f"/surveys/{survey.id}/results")
        assert response.status_code == 200
        return counter.statements, page_text(response)

    five, _page = results_page(surveys[5])
    assert sum("FROM survey_responses" in s for s in five) == 1
    ten, page = results_page(surveys[10])
    assert len(ten) == len(five)
    assert "10 份答卷" in page
