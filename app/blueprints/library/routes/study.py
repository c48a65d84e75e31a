"""Study (学习型职工之家): the study page, the daily question, question banks, exams with
their timed attempts, results per person and team, and one's wrong answers reviewed."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.errors import only_if, submit
from app.extensions import db
from app.forms import enum_choices
from app.models.library import Exam, ExamAttempt, Question, QuestionBank, QuestionKind
from app.services.inputs import local_today

from .. import bp, permissions, qualifications, queries, services
from ._common import form_page

manager_required = only_if(permissions.can_manage_study)


@bp.route("/study")
@login_required
def study():
    today = local_today()
    return render_template(
        "library/study.html",
        question=services.daily_question(today),
        answered=queries.daily_answer(current_user, today),
        exams=queries.exams(open_only=True),
        attempts=queries.my_attempts(current_user),
        banks=queries.banks() if permissions.can_manage_study(current_user) else [],
        can_manage=permissions.can_manage_study(current_user),
    )


@bp.route("/daily", methods=["GET", "POST"])
@login_required
def daily():
    today = local_today()
    errors = {}
    status = 200
    if request.method == "POST":
        done = submit(None, services.answer_daily, current_user, request.form)
        if done:
            db.session.commit()
            return redirect(url_for("library.daily"), 303)
        errors, status = done.errors, getattr(done.error, "status", 422)
    return render_template(
        "library/daily.html",
        question=services.daily_question(today),
        answer=queries.daily_answer(current_user, today),
        errors=errors,
    ), status


@bp.route("/mistakes")
@login_required
def mistakes():
    return render_template("library/mistakes.html", rows=queries.mistakes(current_user))


# --- banks and questions (organizers and safety officers) ----------------------------------


@bp.route("/banks/new", methods=["GET", "POST"])
@manager_required
def new_bank():
    return form_page(
        "library/bank_form.html",
        services.add_bank,
        back=lambda bank: url_for("library.bank", bank_id=bank.id),
    )


@bp.route("/banks/<int:bank_id>", methods=["GET", "POST"])
@manager_required
def bank(bank_id):
    """A bank's questions, and the form that adds one."""
    bank = db.get_or_404(QuestionBank, bank_id)
    return form_page(
        "library/bank.html",
        services.add_question,
        bank,
        back=lambda question: url_for("library.bank", bank_id=bank_id),
        message=_("Question added."),
        bank=bank,
        kinds=enum_choices(QuestionKind),
    )


# --- exams ---------------------------------------------------------------------------------


@bp.route("/exams/new", methods=["GET", "POST"])
@manager_required
def new_exam():
    banks = [(b.id, f"{b.topic} ({len(b.questions)})") for b in queries.banks()]
    return form_page(
        "library/exam_form.html",
        services.add_exam,
        back=lambda exam: url_for("library.exam", exam_id=exam.id),
        banks=banks,
        types=qualifications.all_types(),
    )


@bp.route("/exams/<int:exam_id>")
@login_required
def exam(exam_id):
    exam = db.get_or_404(Exam, exam_id)
    return render_template(
        "library/exam.html",
        exam=exam,
        running=services.study.open_attempt(current_user, exam),
        attempts=[a for a in queries.my_attempts(current_user) if a.exam_id == exam.id],
    )


@bp.route("/exams/<int:exam_id>/start", methods=["POST"])
@login_required
def start_exam(exam_id):
    exam = db.get_or_404(Exam, exam_id)
    done = submit(None, services.start_attempt, current_user, exam)
    if not done:
        for message in done.messages:
            flash(message, "error")
        return redirect(url_for("library.exam", exam_id=exam.id), 303)
    db.session.commit()
    return redirect(url_for("library.attempt", attempt_id=done.value.id), 303)


def _own_attempt(attempt_id) -> ExamAttempt:
    attempt = db.get_or_404(ExamAttempt, attempt_id)
    if attempt.user_id != current_user.id:
        abort(404)
    return attempt


def _questions(attempt):
    chosen = select(Question).where(Question.id.in_(attempt.question_ids))
    by_id = {q.id: q for q in db.session.scalars(chosen)}
    return [by_id[i] for i in attempt.question_ids if i in by_id]


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(attempt_id):
    """The sitting: its questions and the time left while it runs; after it, the score and
    every question with the right answer and its explanation."""
    attempt = _own_attempt(attempt_id)
    errors, status, unanswered = {}, 200, []
    if request.method == "POST":
        # A question left blank by mistake must not fail the exam at once: the page asks
        # first (no JavaScript needed), and a second button hands in as it is.
        confirmed = request.form.get("unanswered") == "hand-in"
        done = submit(None, services.submit_attempt, current_user, attempt, request.form, confirmed)
        if done:
            db.session.commit()
            return redirect(url_for("library.attempt", attempt_id=attempt.id), 303)
        attempt = _own_attempt(attempt_id)
        if isinstance(done.error, services.study.Unanswered):
            unanswered = done.error.numbers
        else:
            errors, status = done.errors, getattr(done.error, "status", 422)
    return render_template(
        "library/attempt.html",
        attempt=attempt,
        questions=_questions(attempt),
        answers={a.question_id: a for a in attempt.answers},
        errors=errors,
        unanswered=unanswered,
        chosen=request.form if request.method == "POST" else None,
    ), status


@bp.route("/results")
@manager_required
def results():
    people, teams = queries.results()
    return render_template("library/results.html", people=people, teams=teams)
