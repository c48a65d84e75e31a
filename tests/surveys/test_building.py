"""An organizer builds a survey on the phone: questions of four kinds, required or not, one
shown only after an earlier answer; bad input is refused in Chinese and writes nothing."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.blueprints.surveys.forms import WHEN, local
from app.extensions import db
from app.models import Role
from app.models._types import utcnow
from app.models.surveys import QuestionKind, Survey
from tests.factories import make_department, make_user
from tests.helpers import text
from tests.surveys import factories as f


def _form(**changes):
    now = utcnow()
    data = {
        "title": "食堂满意度调查",
        "audience": "all",
        "anonymous": "y",
        "opens_at": local(now).strftime(WHEN),
        "closes_at": local(now + timedelta(days=3)).strftime(WHEN),
        "min_responses": "5",
        "activity": "0",
        "previous": "0",
        "questions-0-text": "总体满意吗？",
        "questions-0-kind": "single",
        "questions-0-required": "y",
        "questions-0-options": "满意\n不满意",
        "questions-1-text": "哪里不满意？",
        "questions-1-kind": "text",
        "questions-1-show_if": "1:不满意",
        "questions-2-text": "打分",
        "questions-2-kind": "scale",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_organizer_builds_a_survey_with_a_conditional_question(client, auth):
    auth.login(make_user(Role.ORGANIZER))
    response = client.post("/surveys/new", data=_form())
    assert response.status_code == 303
    survey = db.session.scalar(select(Survey))
    assert [q.kind for q in survey.questions] == [
        QuestionKind.SINGLE,
        QuestionKind.TEXT,
        QuestionKind.SCALE,
    ]
    assert survey.questions[1].show_if.label == "不满意"
    page = text(client.get(response.location))
    assert "仅当您在上面选择“不满意”时作答" in page


def test_a_new_run_starts_from_the_earlier_survey(client, auth):
    boss = f.organizer()
    earlier = f.make_survey(boss)
    auth.login(boss)
    page = text(client.get(f"/surveys/new?from={earlier.id}"))
    assert "总体满意吗？" in page and "1:不满意" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "请输入标题"),
        ({"questions-0-options": "满意"}, "第 1 题：请至少给出两个选项"),
        ({"questions-1-show_if": "3:不满意"}, "第 2 题：只能依据前面的选择题显示"),
        ({"questions-1-show_if": "1:一般"}, "第 1 题没有“一般”这个选项"),
        ({"audience": "departments"}, "请至少选择一个部门"),
        ({"opens_at": "0001-01-01T00:00"}, "请选择 2000 年到 2100 年之间的日期"),  # no UTC
        ({"closes_at": "9999-12-31T23:59"}, "请选择 2000 年到 2100 年之间的日期"),
        ({"min_responses": "2"}, ""),
        (
            {"questions-0-text": "", "questions-1-text": "", "questions-2-text": ""},
            "请至少设置一道题",
        ),
    ],
)
def test_bad_surveys_are_refused_and_write_nothing(client, auth, changes, message):
    auth.login(make_user(Role.ORGANIZER))
    response = client.post("/surveys/new", data=_form(**changes))
    assert response.status_code == 422
    assert message in text(response)
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


def test_a_condition_typed_with_a_full_width_colon_is_read(client, auth):
    """A Chinese keyboard types 1：不满意 (and １)."""
    auth.login(make_user(Role.ORGANIZER))
    response = client.post("/surveys/new", data=_form(**{"questions-1-show_if": "１：不满意"}))
    assert response.status_code == 303
    assert db.session.scalar(select(Survey)).questions[1].show_if.label == "不满意"


def test_the_audience_lists_each_workshop_followed_by_its_teams(client, auth):
    """As the congress forms do: 装配车间, its teams, then the next workshop."""
    assembly = make_department("装配车间")
    make_department("总装一班", parent=assembly)
    power = make_department("动力车间")
    make_department("电工班", parent=power)
    auth.login(make_user(Role.ORGANIZER))
    page = client.get("/surveys/new").get_data(as_text=True)
    names = re.findall(r"<label for=\"departments-\d+\">([^<]+)</label>", page)
    assert names == ["动力车间", "动力车间 / 电工班", "装配车间", "装配车间 / 总装一班"]


def test_the_activities_offered_leave_out_the_cancelled_ones(client, auth):
    """A survey of an activity's people asks those who took it: a cancelled one had none."""
    from app.models.activities import ActivityStatus
    from tests.activities.factories import make_activity

    make_activity(title="职工篮球赛")
    make_activity(title="职工联欢会", status=ActivityStatus.CANCELLED)
    auth.login(make_user(Role.ORGANIZER))
    page = client.get("/surveys/new").get_data(as_text=True)
    assert "职工篮球赛 · " in page and "职工联欢会" not in page


def _errors_at(page: str, field: str) -> list[str]:
    """The messages shown under a field (its `<ul class="errors" id="<field>-errors">`)."""
    found = re.search(rf'<ul class="errors" id="{re.escape(field)}-errors">(.*?)</ul>', page, re.S)
    return re.findall(r"<li>(.*?)</li>", found.group(1)) if found else []


def test_every_mistake_is_said_at_once_each_at_its_field(client, auth):
    """Closing before it opens, departments asked but none ticked, a choice question without
    options and an "only after" naming no option: all four on the first try, each under its
    field, the questions' at their row (a tester was told one a try)."""
    auth.login(make_user(Role.ORGANIZER))
    now = utcnow()
    changes = {
        "opens_at": local(now + timedelta(days=2)).strftime(WHEN),
        "closes_at": local(now + timedelta(days=1)).strftime(WHEN),
        "audience": "departments",
        "questions-0-options": "",
        "questions-2-show_if": "9:满意",
    }
    response = client.post("/surveys/new", data=_form(**changes))
    assert response.status_code == 422
    page = text(response)
    assert _errors_at(page, "closes_at") == ["截止时间必须晚于开始时间。"]
    assert _errors_at(page, "departments") == ["请至少选择一个部门。"]
    assert _errors_at(page, "questions-0-options") == ["第 1 题：请至少给出两个选项。"]
    assert _errors_at(page, "questions-2-show_if") == ["第 3 题：只能依据前面的选择题显示。"]
    assert (
        'name="questions-2-show_if" value="9:满意" placeholder="1:不满意" aria-invalid="true"'
        in page
    )
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


def test_the_forms_own_checks_and_the_services_are_said_together(client, auth):
    """A title left empty (the form's check) and a choice question without options (the
    service's): both on the first try."""
    auth.login(make_user(Role.ORGANIZER))
    response = client.post("/surveys/new", data=_form(title="", **{"questions-0-options": ""}))
    assert response.status_code == 422
    page = text(response)
    assert _errors_at(page, "title") == ["请输入标题。"]
    assert _errors_at(page, "questions-0-options") == ["第 1 题：请至少给出两个选项。"]


def test_the_fewest_responses_field_says_what_it_is_for(client, auth):
    auth.login(make_user(Role.ORGANIZER))
    page = text(client.get("/surveys/new"))
    assert "最少答卷数（不足此数不公布结果）" in page and "（k）" not in page


def test_a_question_row_numbered_with_a_superscript_is_not_a_row(client, auth):
    """ "²" is a digit int() refuses: the row is not one of the form's, not a 500."""
    auth.login(make_user(Role.ORGANIZER))
    response = client.post("/surveys/new", data=_form(**{"questions-²-text": "多出来的"}))
    assert response.status_code == 303
    assert [q.text for q in db.session.scalar(select(Survey)).questions] == [
        "总体满意吗？",
        "哪里不满意？",
        "打分",
    ]
