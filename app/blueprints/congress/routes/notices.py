"""Open notices (厂务公开): list, publish, read (with a receipt), readers, questions."""

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app import storage
from app.blueprints.congress import bp, queries
from app.blueprints.congress.access import is_manager
from app.blueprints.congress.forms import NoticeForm, QuestionForm, ReplyForm
from app.blueprints.congress.routes.common import (
    departments_by_ids,
    get_or_404,
    manager_required,
    not_found,
    paginate,
    read,
    refused,
)
from app.blueprints.congress.services import notices as service
from app.errors import Refused, act, done, form_status, submit
from app.extensions import db
from app.models.congress import (
    Notice,
    NoticeAttachment,
    NoticeCategory,
    NoticeQuestion,
    NoticeRead,
)
from app.rendering import page_or_fragment
from app.services.departments import department_choices


@bp.route("/notices")
@login_required
def notices():
    category = request.args.get("category")
    if category not in NoticeCategory._value2member_map_:
        category = None
    page = paginate(queries.notice_list(current_user, category))
    return page_or_fragment(
        "congress/notices.html",
        "congress/_notices.html",
        page=page,
        category=category,
        categories=list(NoticeCategory),
        read=queries.read_ids(current_user, [n.id for n in page.items]),
        is_manager=is_manager(current_user),
    )


@bp.route("/notices/new", methods=["GET", "POST"])
@manager_required
def notice_new():
    form = NoticeForm()
    form.departments.choices = department_choices()
    files = request.files.getlist(form.attachments.name)
    return act(
        form,
        lambda: service.publish(
            current_user, _notice(form), departments_by_ids(form.departments.data), files
        ),
        back=lambda made: url_for("congress.notice_show", notice_id=made.id),
        again=lambda: (
            render_template(
                "congress/notice_form.html",
                form=form,
                accept=storage.DOCUMENT_ACCEPT,
                max_attachments=service.MAX_ATTACHMENTS,
            ),
            form_status(form),
        ),
        message=_("The notice is published."),
        check=lambda: service.check_notice(_notice(form), files),
    )


def _notice(form) -> dict:
    """The notice the form gives the service (None where the form could not read a field)."""
    return {name: read(form, name) for name in ("title", "category", "body", "pinned", "closes_on")}


def _readable(notice_id) -> Notice:
    notice = get_or_404(Notice, notice_id)
    if not service.can_read(current_user, notice):
        not_found()
    return notice


def _page(notice, status=200, question_form=None):
    questions = db.session.scalars(
        select(NoticeQuestion)
        .where(NoticeQuestion.notice_id == notice.id)
        .order_by(NoticeQuestion.id)
    ).all()
    return render_template(
        "congress/notice.html",
        notice=notice,
        reads=service.read_count(notice),
        can_see_readers=service.runs_notice(current_user, notice),
        can_answer=service.runs_notice(current_user, notice),
        questions=questions,
        question_form=question_form or QuestionForm(formdata=None),
        reply_form=ReplyForm(formdata=None),
    ), status


@bp.route("/notices/<int:notice_id>")
@login_required
def notice_show(notice_id):
    notice = _readable(notice_id)
    # The field kit's background copies are not readings: only a person's visit counts.
    if not request.headers.get("X-Offline-Copy"):
        service.mark_read(current_user, notice)
        db.session.commit()
    return _page(notice)


@bp.route("/notices/<int:notice_id>/readers")
@login_required
def notice_readers(notice_id):
    notice = _readable(notice_id)
    if not service.runs_notice(current_user, notice):
        message = _("Only the publisher, the organizers and the chairman see who read it.")
        return refused(Refused(message, 403), "")
    reads = db.session.scalars(
        select(NoticeRead).where(*service.readings(notice)).order_by(NoticeRead.read_at)
    ).all()
    return render_template(
        "congress/readers.html",
        notice=notice,
        reads=reads,
        audience=len(service.recipients(notice)),
        unread=service.unread_by(notice),
    )


@bp.route("/notices/<int:notice_id>/questions", methods=["POST"])
@login_required
def notice_ask(notice_id):
    notice = _readable(notice_id)
    form = QuestionForm()
    if form.validate_on_submit() and submit(
        form, service.ask, current_user, notice, form.question.data
    ):
        return done(
            _("Your question is posted under the notice."),
            url_for("congress.notice_show", notice_id=notice.id) + "#questions",
        )
    return _page(db.session.get(Notice, notice_id), 422, question_form=form)


@bp.route("/questions/<int:question_id>/answer", methods=["POST"])
@login_required
def question_answer(question_id):
    question = get_or_404(NoticeQuestion, question_id)
    notice = _readable(question.notice_id)
    if not service.runs_notice(current_user, notice):
        return refused(Refused(service.answerers_only(), 403), "")
    form = ReplyForm()
    back = url_for("congress.notice_show", notice_id=notice.id) + "#questions"
    if form.validate_on_submit() and submit(
        form, service.answer_question, current_user, question, form.answer.data
    ):
        return done(_("Your answer is posted."), back)
    message = next(iter(form.errors.values()), [_("Write the answer.")])[0]
    return refused(Refused(str(message)), back)


@bp.route("/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id):
    item = get_or_404(NoticeAttachment, attachment_id)
    _readable(item.notice_id)
    return storage.send_document(
        "congress", item.stored_name, content_type=item.content_type, filename=item.filename
    )
