"""The library's one way to the qualifications of the gate: what types exist and issuing one
on an exam pass. Nothing else here knows the gate's models."""

import calendar
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models.activities import Qualification


def all_types() -> list:
    """(id, name) of every qualification type an exam can issue."""
    return []


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def issue(user_id: int, exam, on: date) -> None:
    """Give `user_id` the exam's qualification from `on`, valid for its months (a pass again
    renews it)."""
    if not exam.qualification_name:
        return
    until = add_months(on, exam.valid_months) if exam.valid_months else None
    held = db.session.scalar(
        select(Qualification).where(
            Qualification.user_id == user_id,
            Qualification.name == exam.qualification_name,
            Qualification.activity_id.is_(None),
        )
    )
    if held is None:
        held = Qualification(user_id=user_id, name=exam.qualification_name, is_safety=True)
        db.session.add(held)
    held.issued_on, held.valid_until = on, until
    db.session.flush()
