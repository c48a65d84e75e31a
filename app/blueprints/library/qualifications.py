"""The library's one way to the qualifications of the gate: which types an exam can issue,
and issuing one on a pass (through the gate's `grant_qualification`, so the gate accepts it)."""

from datetime import date

from sqlalchemy import select

from app.blueprints.gate.services import BY_TYPE, add_months, grant_qualification, type_named
from app.extensions import db
from app.models.gate import QualificationSource, QualificationType


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
