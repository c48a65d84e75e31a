"""Question banks, the daily question (每日一题) and timed exams.

An exam's time is kept by the server: the attempt's deadline is fixed when it starts, and
answers handed in after it are refused with nothing written (a few seconds' grace covers the
trip from the phone).
"""

import random
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.guards import parse_id
from app.models.library import (
    AttemptAnswer,
    DailyAnswer,
    Exam,
    ExamAttempt,
    Question,
    QuestionBank,
    QuestionKind,
)
from app.services import audit
from app.services.inputs import (
    choice,
    local_today,
    local_zone,
    text,
    whole,
)

from .. import permissions, qualifications

GRACE = timedelta(seconds=5)
MAX_OPTIONS = 8


def _check_manager(user) -> None:
    if not permissions.can_manage_study(user):
        raise Refused(_("Only union organizers and safety officers set questions and exams."), 403)


def _chosen(data, key: str, question: Question) -> list[int] | None:
    """The option indexes picked for `question` (a list or one value); None: not valid."""
    value = data.getlist(key) if hasattr(data, "getlist") else data.get(key)
    if value in (None, ""):
        return []
    values = value if isinstance(value, list) else [value]
    picked = set()
    for raw in values:
        index = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) < 3:
            index = int(raw)
        if index is None or not 0 <= index < len(question.options):
            return None
        picked.add(index)
    if question.kind is not QuestionKind.MULTIPLE and len(picked) > 1:
        return None
    return sorted(picked)


# --- banks and questions -------------------------------------------------------------------


def add_bank(user, data) -> QuestionBank:
    _check_manager(user)
    errors: dict[str, list[str]] = {}
    topic = text(data, "topic", errors, required=True, max_len=80)
    description = text(data, "description", errors, max_len=2000)
    if topic and db.session.scalar(select(QuestionBank.id).where(QuestionBank.topic == topic)):
        errors.setdefault("topic", []).append(_("A question bank on this topic exists already."))
    if errors:
        raise ValidationFailed(errors)
    bank = QuestionBank(topic=topic, description=description)
    db.session.add(bank)
    db.session.flush()
    audit.record("library.bank_added", bank, actor=user, summary=topic)
    return bank


def add_question(user, bank: QuestionBank, data) -> Question:
    """`kind`, `text`, `options` (one per line; true/false has its own two), `correct` (the
    numbers of the right options, from 1) and the `explanation` shown after answering."""
    _check_manager(user)
    errors: dict[str, list[str]] = {}
    kind = choice(data, "kind", QuestionKind, errors)
    wording = text(data, "text", errors, required=True, max_len=2000)
    explanation = text(data, "explanation", errors, max_len=2000)
    if kind is QuestionKind.TRUE_FALSE:
        options = [_("True"), _("False")]
    else:
        lines = text(data, "options", errors, required=True, max_len=4000)
        options = [line.strip() for line in lines.splitlines() if line.strip()]
        if lines and not 2 <= len(options) <= MAX_OPTIONS:
            errors.setdefault("options", []).append(
                _("Give from 2 to %(max)d options, one per line.", max=MAX_OPTIONS)
            )
    correct = []
    for part in str(data.get("correct") or "").replace("，", ",").replace(" ", ",").split(","):
        if not part:
            continue
        if not (part.isascii() and part.isdigit() and 1 <= int(part) <= len(options)):
            errors.setdefault("correct", []).append(
                _("Give the numbers of the right options, from 1 to %(n)d.", n=len(options))
            )
            correct = None
            break
        correct.append(int(part) - 1)
    if correct is not None:
        correct = sorted(set(correct))
        if not correct:
            errors.setdefault("correct", []).append(_("Give at least one right option."))
        elif kind is not QuestionKind.MULTIPLE and len(correct) > 1:
            errors.setdefault("correct", []).append(_("This kind of question has one answer."))
    if errors:
        raise ValidationFailed(errors)
    question = Question(
        bank_id=bank.id,
        kind=kind,
        text=wording,
        options=options,
        correct=correct,
        explanation=explanation,
    )
    db.session.add(question)
    db.session.flush()
    return question


# --- the daily question --------------------------------------------------------------------


def daily_question(day=None) -> Question | None:
    """The same question for everyone on a day, walking through every active question."""
    day = day or local_today()
    count = db.session.scalar(select(func.count(Question.id)).where(Question.active.is_(True)))
    if not count:
        return None
    return db.session.scalar(
        select(Question)
        .where(Question.active.is_(True))
        .order_by(Question.id)
        .offset(day.toordinal() % count)
        .limit(1)
    )


def answer_daily(user, data) -> DailyAnswer:
    """Once a day; the answer says right or wrong with the explanation."""
    today = local_today()
    question = daily_question(today)
    if question is None:
        raise Refused(_("There is no question today."), 404)
    if parse_id(data.get("question_id")) != question.id:
        raise Refused(_("The day's question has changed; answer today's question."), 409)
    if db.session.scalar(
        select(DailyAnswer.id).where(DailyAnswer.user_id == user.id, DailyAnswer.day == today)
    ):
        raise Refused(_("You answered today's question already."), 409)
    chosen = _chosen(data, "answer", question)
    if not chosen:
        raise ValidationFailed.on("answer", _("Choose an answer from the options given."))
    answer = DailyAnswer(
        user_id=user.id,
        day=today,
        question_id=question.id,
        chosen=chosen,
        correct=question.is_right(chosen),
    )
    db.session.add(answer)
    db.session.flush()
    return answer


# --- exams ---------------------------------------------------------------------------------


def add_exam(user, data) -> Exam:
    _check_manager(user)
    errors: dict[str, list[str]] = {}
    title = text(data, "title", errors, required=True, max_len=120)
    bank_id = parse_id(data.get("bank_id"))
    bank = db.session.get(QuestionBank, bank_id) if bank_id else None
    if bank is None:
        errors.setdefault("bank_id", []).append(_("Choose a question bank from the list."))
    count = whole(data, "question_count", errors, low=1, high=100)
    minutes = whole(data, "minutes", errors, low=1, high=240)
    pass_score = whole(data, "pass_score", errors, low=1, high=100)
    qualification = text(data, "qualification_name", errors, max_len=80)
    type_id = None
    if data.get("qualification_type_id") not in (None, ""):
        type_id = parse_id(data.get("qualification_type_id"))
        names = dict(qualifications.all_types())
        if type_id not in names:
            errors.setdefault("qualification_type_id", []).append(
                _("Choose a qualification type from the list.")
            )
        else:
            qualification = names[type_id]
    valid_months = whole(data, "valid_months", errors, low=1, high=120, required=False)
    if bank is not None and count:
        active = sum(1 for q in bank.questions if q.active)
        if count > active:
            errors.setdefault("question_count", []).append(
                _("The bank has only %(n)d questions.", n=active)
            )
    if errors:
        raise ValidationFailed(errors)
    exam = Exam(
        title=title,
        bank_id=bank.id,
        question_count=count,
        minutes=minutes,
        pass_score=pass_score,
        qualification_name=qualification,
        qualification_type_id=type_id,
        valid_months=valid_months,
    )
    db.session.add(exam)
    db.session.flush()
    audit.record("library.exam_added", exam, actor=user, summary=title)
    return exam


def open_attempt(user, exam: Exam) -> ExamAttempt | None:
    now = datetime.now(UTC)
    return db.session.scalar(
        select(ExamAttempt).where(
            ExamAttempt.exam_id == exam.id,
            ExamAttempt.user_id == user.id,
            ExamAttempt.submitted_at.is_(None),
            ExamAttempt.deadline_at > now,
        )
    )


def start_attempt(user, exam: Exam) -> ExamAttempt:
    """The sitting under way, or a new one: its questions drawn, its deadline fixed now."""
    if not exam.open:
        raise Refused(_("This exam is closed."), 409)
    running = open_attempt(user, exam)
    if running is not None:
        return running
    pool = list(
        db.session.scalars(
            select(Question.id).where(Question.bank_id == exam.bank_id, Question.active.is_(True))
        )
    )
    if len(pool) < exam.question_count:
        raise Refused(_("The exam's question bank has too few questions."), 409)
    now = datetime.now(UTC)
    attempt = ExamAttempt(
        exam_id=exam.id,
        user_id=user.id,
        question_ids=random.sample(pool, exam.question_count),
        started_at=now,
        deadline_at=now + timedelta(minutes=exam.minutes),
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


class Unanswered(Refused):
    """Handing in with questions left blank, not yet confirmed: `numbers` says which (1, 2, …)."""

    def __init__(self, numbers: list[int]):
        super().__init__(_("Some questions are not answered yet."), 200)
        self.numbers = numbers


def submit_attempt(user, attempt: ExamAttempt, data, blank_confirmed=True) -> ExamAttempt:
    """Hand in the answers (`q<question id>` = option indexes). After the deadline nothing is
    written; a pass issues the exam's qualification. With `blank_confirmed` False, valid
    answers that leave questions blank raise `Unanswered` and nothing is written."""
    if attempt.user_id != user.id:
        raise Refused(_("This is not your exam."), 404)
    if attempt.submitted_at is not None:
        raise Refused(_("These answers were handed in already."), 409)
    now = datetime.now(UTC)
    if now > attempt.deadline_at + GRACE:
        raise Refused(
            _(
                "Time is up: the exam ended at %(time)s, so these answers were not accepted.",
                time=attempt.deadline_at.astimezone(local_zone()).strftime("%H:%M:%S"),
            ),
            409,
        )
    questions = {
        q.id: q
        for q in db.session.scalars(select(Question).where(Question.id.in_(attempt.question_ids)))
    }
    answers, errors = [], {}
    for position, question_id in enumerate(attempt.question_ids):
        question = questions.get(question_id)
        if question is None:
            continue
        chosen = _chosen(data, f"q{question_id}", question)
        if chosen is None:
            errors.setdefault(f"q{question_id}", []).append(_("Choose from the options given."))
            continue
        answers.append(
            AttemptAnswer(
                question_id=question_id,
                position=position,
                chosen=chosen,
                correct=bool(chosen) and question.is_right(chosen),
            )
        )
    if errors:
        raise ValidationFailed(errors)
    if not blank_confirmed and (
        blank := [a.position + 1 for a in answers if not a.chosen]
        + [n for n, q in enumerate(attempt.question_ids, start=1) if q not in questions]
    ):
        raise Unanswered(sorted(blank))
    attempt.answers = answers
    right = sum(1 for a in answers if a.correct)
    attempt.score = round(100 * right / max(1, len(attempt.question_ids)))
    attempt.passed = attempt.score >= attempt.exam.pass_score
    attempt.submitted_at = now
    if attempt.passed:
        qualifications.issue(user, attempt.exam, local_today())
    db.session.flush()
    return attempt
