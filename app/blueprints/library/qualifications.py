"""The library's one way to the qualifications of the gate: which types an exam can issue,
issuing one on a pass (through the gate's `grant_qualification`, so the gate accepts it), and
the exams that renew a qualification running out (`reg.renewals`, for its home card)."""

from datetime import date
from functools import cache

from sqlalchemy import bindparam, func, or_, select

from app.blueprints.gate.services import BY_TYPE, add_months, grant_qualification, type_named
from app.extensions import db
from app.features import Renewal
from app.jobs import path_for
from app.models.gate import QualificationSource, QualificationType
from app.models.library import Exam, Question


def all_types() -> list[tuple[int, str]]:
    """(id, name) of every active qualification type an exam can issue."""
    return list(
        db.session.execute(
            select(QualificationType.id, QualificationType.name)
            .where(QualificationType.active.is_(True))
            .order_by(QualificationType.name)
        ).tuples()
    )


def issue(user, exam, on: date) -> None:
    """Give `user` the exam's qualification from `on`: valid for the exam's months, or the
    type's own period. A pass again renews the same qualification (its `source_ref`)."""
    if exam.qualification_type_id:
        qtype = db.session.get(QualificationType, exam.qualification_type_id)
    elif exam.qualification_name:
        qtype = type_named(exam.qualification_name, is_safety=True)
    else:
        return
    if qtype is None:
        return
    until = add_months(on, exam.valid_months) if exam.valid_months else BY_TYPE
    grant_qualification(
        user, qtype, on, until, source=QualificationSource.EXAM, source_ref=f"exam:{exam.id}"
    )


@cache
def _issuing_statement():
    """The exams anyone signed in may start now (`study.start_attempt` lets everyone in to an
    open exam whose bank has its questions) that issue one of the types: by the type's id,
    or by its name for an exam that names its qualification only. Newest first; built once a
    process (see app/blueprints/README.md)."""
    questions = (
        select(func.count(Question.id))
        .where(Question.bank_id == Exam.bank_id, Question.active.is_(True))
        .scalar_subquery()
    )
    return (
        select(Exam.id, Exam.title, Exam.qualification_type_id, Exam.qualification_name)
        .where(
            Exam.open.is_(True),
            questions >= Exam.question_count,
            or_(
                Exam.qualification_type_id.in_(bindparam("type_ids", expanding=True)),
                Exam.qualification_type_id.is_(None)
                & Exam.qualification_name.in_(bindparam("names", expanding=True)),
            ),
        )
        .order_by(Exam.id.desc())
    )


def exams_issuing(user, types: dict[int, str]) -> dict[int, Renewal]:
    """For each qualification type of `types` ({id: name}), the newest exam `user` may take
    that issues it, in one statement for all of them."""
    by_name = {name: type_id for type_id, name in types.items()}
    rows = db.session.execute(
        _issuing_statement(), {"type_ids": list(types), "names": list(by_name)}
    )
    found: dict[int, Renewal] = {}
    for exam_id, title, type_id, name in rows:
        way = Renewal(title, path_for("library.exam", exam_id=exam_id))
        found.setdefault(type_id if type_id is not None else by_name[name], way)
    return found


def register(reg) -> None:
    reg.renewals(exams_issuing)
