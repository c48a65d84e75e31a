"""Study that counts: the daily question once a day with its explanation, a timed exam whose
pass issues the qualification the gate accepts, answers after the time refused with nothing
written, wrong answers reviewed, and the points in a competition."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.blueprints.gate.standing import statuses, verdict
from app.blueprints.library import services
from app.extensions import db
from app.models import Role
from app.models._types import utcnow
from app.models.activities import ActivityKind
from app.models.gate import Qualification
from app.models.library import AttemptAnswer, DailyAnswer, ExamAttempt
from app.services.inputs import local_today
from tests.activities.factories import make_activity
from tests.factories import make_user
from tests.helpers import text
from tests.library.conftest import right_answers


def _start(client, world):
    response = client.post(f"/library/exams/{world.exam.id}/start")
    assert response.status_code == 303
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _pass(client, world) -> int:
    """A sitting handed in with every answer right."""
    attempt_id = _start(client, world)
    attempt = db.session.get(ExamAttempt, attempt_id)
    client.post(f"/library/attempts/{attempt_id}", data=right_answers(attempt))
    return attempt_id


def test_the_study_page_and_the_exam_page_state_the_pass_mark_alike(client, auth, world):
    """A title and its details are two words apart, and the pass mark is a share of the
    answers right (the model's percent) on both pages, not points on one and % on the other."""
    auth.login(world.publisher)
    study = re.sub(r"<[^>]+>", "", text(client.get("/library/study")))  # as it reads
    assert "车床安全考试 3 道题 · 10 分钟 · 答对 60 % 合格" in study
    assert "安全生产知识 3 道题" in study
    exam = text(client.get(f"/library/exams/{world.exam.id}"))
    assert "<dt>合格线</dt><dd>答对 60 %</dd>" in exam


def test_an_exam_pass_issues_the_qualification_the_gate_accepts(client, auth, world, db):
    today = local_today()

    def gate_says():
        return verdict(
            statuses([world.worker.id]).get(world.worker.id, {}), world.post.required_types, today
        )

    assert not gate_says().allowed  # missing: turned away at the entrance
    auth.login(world.worker)
    attempt_id = _start(client, world)
    assert _start(client, world) == attempt_id  # the sitting under way, not a second one
    attempt = db.session.get(ExamAttempt, attempt_id)
    response = client.post(f"/library/attempts/{attempt_id}", data=right_answers(attempt))
    assert response.status_code == 303
    page = text(client.get(f"/library/attempts/{attempt_id}"))
    # The verdict itself: "合格" alone is also in "不合格".
    assert '<h2 class="card-title">合格 · 100 %</h2>' in page and "数控车床安全操作合格" in page
    # The gate's own check of the post now lets the worker in.
    db.session.expire_all()
    assert gate_says().allowed
    [held] = db.session.scalars(
        select(Qualification).where(Qualification.user_id == world.worker.id)
    ).all()
    assert held.type_id == world.qtype.id and held.source.value == "exam"
    assert held.valid_until.year == today.year + 2
    # A second pass renews the same qualification, not a second one.
    again = _start(client, world)
    client.post(
        f"/library/attempts/{again}", data=right_answers(db.session.get(ExamAttempt, again))
    )
    assert db.session.scalar(select(func.count(Qualification.id))) == 1


def test_a_failed_exam_issues_nothing_and_its_mistakes_are_reviewed(client, auth, world, db):
    auth.login(world.worker)
    attempt_id = _start(client, world)
    # Nothing answered: handed in only once confirmed (see the test below).
    handed = client.post(f"/library/attempts/{attempt_id}", data={"unanswered": "hand-in"})
    assert handed.status_code == 303
    page = text(client.get(f"/library/attempts/{attempt_id}"))
    assert "不合格" in page and "0 %" in page
    assert db.session.scalar(select(func.count(Qualification.id))) == 0
    mistakes = text(client.get("/library/mistakes"))
    # Chinese labels take a full-width colon and no space: 正确答案：B, not 正确答案: B.
    assert "<strong>正确答案</strong>：B</p>" in mistakes
    assert "<strong>解析</strong>：旋转部件会卷入手套。" in mistakes


def _result(client, attempt_id) -> str:
    page = text(client.get(f"/library/attempts/{attempt_id}"))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split('id="attempt-result"')[1]))


def test_a_failed_exam_says_the_pass_line_and_offers_to_sit_it_again(client, auth, world, db):
    auth.login(world.worker)
    attempt_id = _start(client, world)
    client.post(f"/library/attempts/{attempt_id}", data={"unanswered": "hand-in"})
    result = _result(client, attempt_id)
    assert "本次答对 0 %，合格线为答对 60 %。" in result
    page = text(client.get(f"/library/attempts/{attempt_id}"))
    retake = f'action="/library/exams/{world.exam.id}/start"'
    assert retake in page and "重新考试" in result
    assert 'href="/library/study"' in page and "返回学习" in result
    assert 'href="/library/mistakes"' in page
    # The button starts a new sitting, with its own questions and time.
    again = _start(client, world)
    assert again != attempt_id
    assert db.session.get(ExamAttempt, again).submitted_at is None

    # A closed exam cannot be sat again: the page says so instead of offering it.
    world.exam.open = False
    db.session.commit()
    page = text(client.get(f"/library/attempts/{attempt_id}"))
    assert retake not in page and "该考试已关闭。" in _result(client, attempt_id)
    assert 'href="/library/study"' in page


def test_a_passed_exam_leads_back_to_study(client, auth, world, db):
    auth.login(world.worker)
    attempt_id = _pass(client, world)
    result = _result(client, attempt_id)
    assert "合格 · 100 %" in result and "合格线为答对 60 %" in result and "返回学习" in result
    assert "重新考试" not in result


def test_handing_in_with_questions_unanswered_asks_first_and_keeps_the_answers(
    client, auth, world, db
):
    auth.login(world.worker)
    attempt_id = _start(client, world)
    attempt = db.session.get(ExamAttempt, attempt_id)
    count = len(attempt.question_ids)
    answers = right_answers(attempt)
    first = f"q{attempt.question_ids[0]}"
    only_first = {first: answers[first]}
    asked = client.post(f"/library/attempts/{attempt_id}", data=only_first)
    assert asked.status_code == 200
    page = text(asked)
    numbers = "、".join(str(n) for n in range(2, count + 1))
    assert f"还有 {count - 1} 题未作答（第 {numbers} 题），确定交卷？" in page
    assert "仍然交卷" in page
    # The answer given stays chosen; nothing is written yet.
    html = asked.get_data(as_text=True)
    assert f'name="{first}" value="{answers[first]}" checked' in html
    db.session.expire_all()
    assert db.session.get(ExamAttempt, attempt_id).submitted_at is None
    assert db.session.scalar(select(func.count(AttemptAnswer.id))) == 0
    # Every question answered: handed in at once, no question asked.
    done = client.post(f"/library/attempts/{attempt_id}", data=answers)
    assert done.status_code == 303
    assert "100 %" in text(client.get(f"/library/attempts/{attempt_id}"))


def test_handing_in_anyway_scores_the_blank_questions_as_wrong(client, auth, world, db):
    auth.login(world.worker)
    attempt_id = _start(client, world)
    asked = text(client.post(f"/library/attempts/{attempt_id}", data={}))
    assert "题未作答" in asked
    handed = client.post(f"/library/attempts/{attempt_id}", data={"unanswered": "hand-in"})
    assert handed.status_code == 303
    assert "0 %" in text(client.get(f"/library/attempts/{attempt_id}"))


def test_an_answer_after_the_time_is_refused_in_chinese_and_writes_nothing(client, auth, world, db):
    auth.login(world.worker)
    attempt_id = _start(client, world)
    attempt = db.session.get(ExamAttempt, attempt_id)
    attempt.deadline_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.post(f"/library/attempts/{attempt_id}", data=right_answers(attempt))
    assert response.status_code == 409
    assert "时间已到" in text(response) and "答案未被接受" in text(response)
    db.session.expire_all()
    attempt = db.session.get(ExamAttempt, attempt_id)
    assert attempt.submitted_at is None and attempt.score is None
    assert db.session.scalar(select(func.count(AttemptAnswer.id))) == 0
    assert db.session.scalar(select(func.count(Qualification.id))) == 0


def test_bad_exam_input_is_refused_clearly(client, auth, world, db):
    auth.login(world.worker)
    attempt_id = _start(client, world)
    attempt = db.session.get(ExamAttempt, attempt_id)
    first = attempt.question_ids[0]
    for value in ("9", "x", "-1", "²"):
        response = client.post(f"/library/attempts/{attempt_id}", data={f"q{first}": value})
        assert response.status_code == 422 and "请从给出的选项中选择" in text(response)
    assert db.session.get(ExamAttempt, attempt_id).submitted_at is None
    # Someone else's attempt, unknown ids: not found.
    auth.logout()
    auth.login(world.other_worker)
    assert client.get(f"/library/attempts/{attempt_id}").status_code == 404
    assert client.post(f"/library/attempts/{attempt_id}", data={}).status_code == 404
    assert client.get("/library/attempts/2147483647").status_code == 404
    assert client.post("/library/exams/2147483647/start").status_code == 404
    assert client.get("/library/documents/2147483648").status_code == 404
    assert db.session.scalar(select(func.count(AttemptAnswer.id))) == 0


def test_the_daily_question_once_a_day_with_its_explanation(client, auth, world, db):
    auth.login(world.worker)
    question = services.daily_question()
    page = text(client.get("/library/daily"))
    assert question.text in page
    wrong = next(i for i in range(len(question.options)) if i not in question.correct)
    response = client.post(
        "/library/daily", data={"question_id": question.id, "answer": str(wrong)}
    )
    assert response.status_code == 303
    page = text(client.get("/library/daily"))
    assert "这次答错了" in page and question.explanation in page
    again = client.post(
        "/library/daily", data={"question_id": question.id, "answer": str(question.correct[0])}
    )
    assert again.status_code == 409 and "今天已经答过" in text(again)
    stale = client.post("/library/daily", data={"question_id": "999999", "answer": "0"})
    assert stale.status_code == 409
    assert db.session.scalar(select(func.count(DailyAnswer.id))) == 1


def test_study_points_appear_in_a_competition(client, auth, world, db):
    organizer = make_user(Role.ORGANIZER)
    now = utcnow()
    contest = make_activity(
        ActivityKind.COMPETITION,
        title="安康杯",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=10),
        rounds=1,
    )
    auth.login(organizer)
    rules = {"points_exam_passed": "8", "points_daily_right": "1"}
    assert client.post(f"/competitions/{contest.id}/rules", data=rules).status_code == 303
    auth.logout()
    auth.login(world.worker)
    _pass(client, world)
    question = services.daily_question()  # which question depends on the day: any kind
    right = [str(index) for index in question.correct]  # every right option, one or several
    client.post("/library/daily", data={"question_id": question.id, "answer": right})
    page = client.get(f"/competitions/{contest.id}").get_data(as_text=True)
    assert 'data-name="孙车工" data-total="9' in page
    assert "车床安全考试" in text(client.get(f"/competitions/{contest.id}"))


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {
                "title": "",
                "bank_id": "x",
                "question_count": "0",
                "minutes": "999",
                "pass_score": "a",
            },
            "必填",
        ),
        (
            {
                "title": "考",
                "bank_id": "1",
                "question_count": "50",
                "minutes": "10",
                "pass_score": "60",
            },
            "题库只有",
        ),
        (
            {
                "title": "考",
                "bank_id": "1",
                "question_count": "1",
                "minutes": "10",
                "pass_score": "60",
                "qualification_type_id": "999",
            },
            "请从列表中选择资格类型",
        ),
    ],
)
def test_bad_exam_settings_are_refused(client, auth, world, db, data, message):
    data = {**data, "bank_id": str(world.bank.id) if data["bank_id"] == "1" else data["bank_id"]}
    auth.login(world.publisher)
    response = client.post("/library/exams/new", data=data)
    assert response.status_code == 422 and message in text(response)


def test_results_per_person_and_team(client, auth, world, db):
    auth.login(world.worker)
    _pass(client, world)
    auth.logout()
    auth.login(world.publisher)
    page = text(client.get("/library/results"))
    assert "孙车工" in page and "车工班" in page
