"""The safety feature's figures on the 建家 scorecard: hazards reported, and hazards due in
the period that were closed by their due date (by the area's department)."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models.hazards import Hazard, HazardStatus
from app.models.safety import Area
from app.scorecard import Row, days, department_ids, local_day, moments


def _in_department(query, department):
    if (ids := department_ids(department)) is not None:
        query = query.join(Area, Area.id == Hazard.area_id).where(Area.department_id.in_(ids))
    return query


def _row(hazard, counted=True) -> Row:
    return Row(hazard.title, url_for("safety.hazard", hazard_id=hazard.id), counted)


def hazards_reported(year, month, department):
    start, end = moments(year, month)
    query = select(Hazard).where(Hazard.created_at >= start, Hazard.created_at < end)
    query = _in_department(query, department).order_by(Hazard.created_at, Hazard.id)
    return [_row(h) for h in db.session.scalars(query)]


def closed_on_time(year, month, department):
    """Hazards due in the period: counted when closed on or before the due date."""
    first, after = days(year, month)
    query = select(Hazard).where(Hazard.due_on >= first, Hazard.due_on < after)
    query = _in_department(query, department).order_by(Hazard.due_on, Hazard.id)
    return [
        _row(
            h,
            h.status is HazardStatus.CLOSED
            and h.closed_at is not None
            and local_day(h.closed_at) <= h.due_on,
        )
        for h in db.session.scalars(query)
    ]


def register(reg) -> None:
    reg.figure("safety", "hazards_reported", _l("Hazards reported"), rows=hazards_reported)
    reg.figure(
        "safety",
        "closed_on_time",
        _l("Hazards closed by their due date (%)"),
        rows=closed_on_time,
        unit="percent",
        order=60,
    )
