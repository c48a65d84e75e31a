"""Read-side selects of the library: lists, what a person must confirm, the documents of
their day (their posts and areas), who has not confirmed, and study results."""

from collections import defaultdict
from functools import cache

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import User
from app.models.gate import PostHolder
from app.models.library import (
    AttemptAnswer,
    DailyAnswer,
    DocCategory,
    Document,
    DocumentPost,
    DocumentVersion,
    Exam,
    ExamAttempt,
    QuestionBank,
    ReadConfirmation,
)
from app.models.safety import Area
from app.services.departments import held_posts_statement, led_statement, own_departments

from . import permissions, posts


def documents(category: DocCategory | None = None):
    query = (
        select(Document)
        .options(joinedload(Document.current_version))
        .order_by(Document.category, Document.title)
    )
    if category is not None:
        query = query.where(Document.category == category)
    return query


def user_area_ids(user) -> list[int]:
    """The areas of a person's day: those of their team and its workshop, and those they
    patrol."""
    from app.blueprints.safety.offline import patrol_areas

    ids = set()
    if user.department_id:
        departments = [user.department_id]
        if user.department and user.department.parent_id:
            departments.append(user.department.parent_id)
        ids |= set(db.session.scalars(select(Area.id).where(Area.department_id.in_(departments))))
    ids |= {area.id for area in patrol_areas(user)}
    return sorted(ids)


def my_documents(user) -> list[Document]:
    """The documents of a person's day, what their field kit holds: those of their posts and
    of their areas, and the emergency plans that apply to them — besides those, the plans of
    any post of their team or workshop, and the plans tied to no post or area (the whole
    works): a plan is read by whoever is there when something goes wrong, and the plans are
    few and short."""
    post_ids = posts.post_ids_of(user)
    conditions = []
    if post_ids:
        conditions.append(_of_posts(post_ids))
    area_ids = user_area_ids(user)
    if area_ids:
        conditions.append(Document.area_id.in_(area_ids))
    everywhere = ~Document.post_links.any() & Document.area_id.is_(None)
    department_posts = posts.department_post_ids(own_departments(user))
    applies = or_(everywhere, _of_posts(department_posts)) if department_posts else everywhere
    conditions.append((Document.category == DocCategory.EMERGENCY) & applies)
    return list(
        db.session.scalars(
            select(Document)
            .where(or_(*conditions), Document.current_version_id.is_not(None))
            .options(joinedload(Document.current_version))
            .order_by(Document.id)
        )
    )


def _of_posts(post_ids):
    return Document.id.in_(
        select(DocumentPost.document_id).where(DocumentPost.post_id.in_(post_ids))
    )


def card_glance(user) -> tuple[bool, bool]:
    """For the home cards, in one statement: whether `user` leads a team (whose reading they
    follow) and whether they hold a post (whose procedures they must confirm). Most people
    do neither, and neither card then reads more."""
    leads, holds = db.session.execute(_glance_statement(), {"user_id": user.id}).one()
    return leads, holds


@cache
def _glance_statement():
    """Built once a process: the home cards ask it (see app/blueprints/README.md)."""
    return select(led_statement().exists(), held_posts_statement().exists())


def required_of(user) -> list[Document]:
    """Documents whose current version a post of `user` requires them to confirm."""
    post_ids = posts.post_ids_of(user)
    if not post_ids:
        return []
    confirmed = select(ReadConfirmation.version_id).where(ReadConfirmation.user_id == user.id)
    return list(
        db.session.scalars(
            select(Document)
            .where(
                Document.id.in_(
                    select(DocumentPost.document_id).where(DocumentPost.post_id.in_(post_ids))
                ),
                Document.current_version_id.is_not(None),
                Document.current_version_id.not_in(confirmed),
            )
            .order_by(Document.id)
        )
    )


def must_confirm(user, document: Document) -> bool:
    post_ids = set(posts.post_ids_of(user))
    return bool(post_ids & {link.post_id for link in document.post_links})


def confirmation_of(user, version: DocumentVersion) -> ReadConfirmation | None:
    return db.session.scalar(
        select(ReadConfirmation).where(
            ReadConfirmation.version_id == version.id, ReadConfirmation.user_id == user.id
        )
    )


def readers(viewer, document: Document) -> dict:
    """For the current version: the workers its posts require, by team, each with their
    confirmation or none. A team leader sees their own teams only."""
    version = document.current_version
    holders = posts.holders_of([link.post_id for link in document.post_links])
    if not permissions.can_publish(viewer):
        allowed = set(permissions.led_departments(viewer))
        holders = [u for u in holders if u.department_id in allowed]
    confirmed = {
        c.user_id: c
        for c in db.session.scalars(
            select(ReadConfirmation).where(ReadConfirmation.version_id == version.id)
        )
    }
    teams: dict[str, list] = defaultdict(list)
    for user in sorted(holders, key=lambda u: u.name):
        team = user.department.full_name if user.department else "—"
        teams[team].append((user, confirmed.get(user.id)))
    return dict(sorted(teams.items()))


# --- study ---------------------------------------------------------------------------------


def banks() -> list[QuestionBank]:
    return list(
        db.session.scalars(
            select(QuestionBank)
            .options(selectinload(QuestionBank.questions))
            .order_by(QuestionBank.topic)
        )
    )


def exams(open_only=False) -> list[Exam]:
    query = select(Exam).options(joinedload(Exam.bank)).order_by(Exam.id.desc())
    if open_only:
        query = query.where(Exam.open.is_(True))
    return list(db.session.scalars(query))


def my_attempts(user) -> list[ExamAttempt]:
    return list(
        db.session.scalars(
            select(ExamAttempt)
            .where(ExamAttempt.user_id == user.id, ExamAttempt.submitted_at.is_not(None))
            .options(joinedload(ExamAttempt.exam))
            .order_by(ExamAttempt.submitted_at.desc())
        )
    )


def daily_answer(user, day) -> DailyAnswer | None:
    return db.session.scalar(
        select(DailyAnswer).where(DailyAnswer.user_id == user.id, DailyAnswer.day == day)
    )


def mistakes(user) -> list:
    """The questions a person got wrong (exams and daily questions), newest first, each with
    what they chose, the right answer and the explanation."""
    wrong = [
        (a.attempt.submitted_at, a.question, a.chosen, a.attempt.exam.title)
        for a in db.session.scalars(
            select(AttemptAnswer)
            .join(ExamAttempt, ExamAttempt.id == AttemptAnswer.attempt_id)
            .where(ExamAttempt.user_id == user.id, AttemptAnswer.correct.is_(False))
            .options(
                joinedload(AttemptAnswer.question),
                joinedload(AttemptAnswer.attempt).joinedload(ExamAttempt.exam),
            )
        )
    ]
    wrong += [
        (a.answered_at, a.question, a.chosen, None)
        for a in db.session.scalars(
            select(DailyAnswer)
            .where(DailyAnswer.user_id == user.id, DailyAnswer.correct.is_(False))
            .options(joinedload(DailyAnswer.question))
        )
    ]
    return sorted(wrong, key=lambda row: row[0], reverse=True)


def results() -> tuple[list, list]:
    """Per person (exams sat, passed, best score, daily questions right) and per team."""
    people: dict[int, dict] = {}

    def row(user):
        return people.setdefault(
            user.id,
            {
                "user": user,
                "team": user.department.full_name if user.department else "—",
                "sat": 0,
                "passed": 0,
                "best": None,
                "daily": 0,
                "daily_right": 0,
            },
        )

    for attempt in db.session.scalars(
        select(ExamAttempt)
        .where(ExamAttempt.submitted_at.is_not(None))
        .options(joinedload(ExamAttempt.user).joinedload(User.department))
    ):
        entry = row(attempt.user)
        entry["sat"] += 1
        entry["passed"] += int(bool(attempt.passed))
        entry["best"] = max(entry["best"] or 0, attempt.score or 0)
    for answer, user in db.session.execute(
        select(DailyAnswer, User)
        .join(User, User.id == DailyAnswer.user_id)
        .options(joinedload(User.department))
    ):
        entry = row(user)
        entry["daily"] += 1
        entry["daily_right"] += int(answer.correct)
    persons = sorted(people.values(), key=lambda e: (e["team"], e["user"].name))
    teams: dict[str, dict] = {}
    for entry in persons:
        team = teams.setdefault(
            entry["team"],
            {"team": entry["team"], "people": 0, "sat": 0, "passed": 0, "daily_right": 0},
        )
        team["people"] += 1
        for key in ("sat", "passed", "daily_right"):
            team[key] += entry[key]
    return persons, list(teams.values())


def unconfirmed_in_teams(viewer) -> list[tuple[Document, int]]:
    """For a team leader: each document whose current version workers of their teams have
    not confirmed yet, with how many."""
    departments = permissions.led_departments(viewer)
    if not departments:
        return []
    rows = db.session.execute(
        select(Document, User.id)
        .join(DocumentPost, DocumentPost.document_id == Document.id)
        .join(PostHolder, PostHolder.post_id == DocumentPost.post_id)
        .join(User, User.id == PostHolder.user_id)
        .where(
            User.active.is_(True),
            User.department_id.in_(departments),
            Document.current_version_id.is_not(None),
            ~select(ReadConfirmation.id)
            .where(
                ReadConfirmation.version_id == Document.current_version_id,
                ReadConfirmation.user_id == User.id,
            )
            .exists(),
        )
        .order_by(Document.id)
    )
    missing: dict[int, set] = defaultdict(set)
    documents = {}
    for document, user_id in rows:
        documents[document.id] = document
        missing[document.id].add(user_id)
    return [(documents[i], len(missing[i])) for i in sorted(documents)]
