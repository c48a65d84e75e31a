"""Open notices (厂务公开): publishing to an audience, read receipts and public Q&A."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from app import storage
from app.blueprints.congress.access import in_departments, is_manager
from app.blueprints.congress.services.common import today
from app.blueprints.notify.services import notify
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.guards import clean_choice, clean_text, parse_id
from app.jobs import path_for
from app.models import Department, User
from app.models._types import utcnow
from app.models.congress import (
    Notice,
    NoticeAttachment,
    NoticeCategory,
    NoticeQuestion,
    NoticeRead,
)
from app.services import audit
from app.services.inputs import add_error

MAX_ATTACHMENTS = 5


def can_read(user, notice: Notice) -> bool:
    return (
        is_manager(user)
        or not notice.departments
        or in_departments(user, notice.departments)
        or notice.publisher_id == user.id
    )


def recipients_query(notice: Notice):
    """The ids of the notice's audience: active members of its departments (or everyone),
    but its publisher, who wrote it rather than receives it."""
    query = select(User.id).where(User.active.is_(True))
    if notice.publisher_id is not None:
        query = query.where(User.id != notice.publisher_id)
    if notice.departments:
        ids = [d.id for d in notice.departments]
        query = query.outerjoin(Department, Department.id == User.department_id).where(
            User.department_id.in_(ids) | Department.parent_id.in_(ids)
        )
    return query


def recipients(notice: Notice) -> list[int]:
    return list(db.session.scalars(recipients_query(notice)))


def unread_by(notice: Notice) -> list[User]:
    """The recipients who have not read the notice yet, by department and name: whom the
    publisher chases."""
    read = select(NoticeRead.user_id).where(NoticeRead.notice_id == notice.id)
    return list(
        db.session.scalars(
            select(User)
            .where(User.id.in_(recipients_query(notice)), User.id.not_in(read))
            .options(joinedload(User.department))
            .order_by(User.department_id, User.name, User.id)
        )
    )


def check_notice(data: dict, files=()) -> dict:
    """The checks of `publish`, writing nothing: `ValidationFailed` with every mistake at once,
    each at its field (None where the form could not read a value); else the notice as it is
    published: title, body, category, closes_on and the files chosen. The files' kind and size
    are the storage's, which checks them as it stores them."""
    errors: dict = {}  # every mistake at once, each at its field
    title = clean_text(
        data.get("title"), "title", limit=120, required=_("Enter a title."), errors=errors
    )
    body = clean_text(
        data.get("body"), "body", limit=20000, required=_("Write the notice."), errors=errors
    )
    category = clean_choice(
        NoticeCategory,
        data.get("category"),
        "category",
        message=_("Choose a category."),
        errors=errors,
    )
    closes_on: date | None = data.get("closes_on")
    if closes_on is not None and closes_on < today():
        add_error(errors, "closes_on", _("The closing date is already past."))
    files = [f for f in files if getattr(f, "filename", "")]
    if len(files) > MAX_ATTACHMENTS:
        add_error(errors, "attachments", _("At most %(n)d attachments.", n=MAX_ATTACHMENTS))
    if errors:
        raise ValidationFailed(errors)
    return {
        "title": title,
        "body": body,
        "category": category,
        "closes_on": closes_on,
        "files": files,
    }


def publish(
    user,
    data: dict,
    departments: list[Department],
    files=(),
) -> Notice:
    """`data`: title, body, category, pinned, closes_on (date or None)."""
    if not is_manager(user):
        raise Refused(_("Only union organizers and the chairman can publish notices."), 403)
    checked = check_notice(data, files)
    title, category = checked["title"], checked["category"]
    stored = [storage.save_document(f, "attachments", folder="congress") for f in checked["files"]]
    notice = Notice(
        title=title,
        body=checked["body"],
        category=category,
        pinned=bool(data.get("pinned")),
        closes_on=checked["closes_on"],
        publisher_id=user.id,
        published_at=utcnow(),
        departments=list(departments),
        attachments=[NoticeAttachment(**s) for s in stored],
    )
    db.session.add(notice)
    db.session.flush()
    audit.record("congress.notice_published", notice, actor=user, summary=title)
    subject = _l("Notice: %(title)s", title=title)
    _tell(recipients(notice), notice, "notices.open_notice", subject, category.label)
    return notice


def mark_read(user, notice: Notice, read_at=None) -> None:
    """Keep a read receipt; reading again (or at the same moment elsewhere) adds nothing."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(NoticeRead)
        .values(notice_id=notice.id, user_id=user.id, read_at=read_at or utcnow())
        .on_conflict_do_nothing(index_elements=["notice_id", "user_id"])
    )


def read_offline(user, data: dict, read_at) -> Notice:
    """A notice read from the phone's copy (no network): its receipt, at the time of reading,
    arrives through the outbox. Only the notices the person may read have receipts."""
    notice_id = parse_id(data.get("notice_id"))
    notice = db.session.get(Notice, notice_id) if notice_id is not None else None
    if notice is None or not can_read(user, notice):
        raise Refused(_("This notice is not there, or not for you."), 404)
    mark_read(user, notice, read_at=min(read_at, utcnow()))
    return notice


def readings(notice: Notice) -> list:
    """Which receipts of `notice` are readings: all but its publisher's. Theirs is kept, so
    their own list shows the notice read, but looking at what one published is not reading
    it, and the read count and the readers page leave it out."""
    where = [NoticeRead.notice_id == notice.id]
    if notice.publisher_id is not None:
        where.append(NoticeRead.user_id != notice.publisher_id)
    return where


def read_count(notice: Notice) -> int:
    return db.session.scalar(select(func.count()).select_from(NoticeRead).where(*readings(notice)))


def answerers_only() -> str:
    """Who may answer a notice's questions, said by the service and the route alike."""
    return _("Only the publisher, organizers and chairman answer a notice's questions.")


def runs_notice(user, notice: Notice) -> bool:
    """The publisher, and the organizers and the chairman, who run the notices whoever
    published them, or left since: they see its readers and answer its questions."""
    return is_manager(user) or (notice.publisher_id is not None and notice.publisher_id == user.id)


def ask(user, notice: Notice, text: str) -> NoticeQuestion:
    if not can_read(user, notice):
        raise Refused(_("This notice is not addressed to you."), 403)
    if notice.closes_on is not None and notice.closes_on < today():
        raise Refused(_("This notice is closed for questions."))
    text = clean_text(text, "question", limit=2000, required=_("Write your question."))
    question = NoticeQuestion(notice_id=notice.id, asker_id=user.id, question=text)
    db.session.add(question)
    db.session.flush()
    if notice.publisher_id and notice.publisher_id != user.id:
        subject = _l("A question under your notice: %(title)s", title=notice.title)
        _tell([notice.publisher_id], notice, "notices.notice_question", subject, text)
    return question


def answer_question(user, question: NoticeQuestion, text: str) -> NoticeQuestion:
    notice = db.session.get(Notice, question.notice_id)
    if not runs_notice(user, notice):
        raise Refused(answerers_only(), 403)
    text = clean_text(text, "answer", limit=2000, required=_("Write the answer."))
    question.answer = text
    question.answered_at = utcnow()
    question.answered_by_id = user.id
    if question.asker_id:
        subject = _l("Your question was answered: %(title)s", title=notice.title)
        _tell([question.asker_id], notice, "notices.notice_answer", subject, text)
    return question


def _tell(user_ids, notice: Notice, kind: str, subject, body) -> None:
    """Notify `user_ids` of something about `notice`, linking to it."""
    notify(user_ids, kind, subject, body, path_for("congress.notice_show", notice_id=notice.id))
