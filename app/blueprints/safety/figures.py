"""The safety feature's figures on the 建家 scorecard: hazards reported, and hazards due in
the period that were closed by their due date (by the area's department; those still open
and not yet due are not judged)."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import case, func, select

from app.extensions import db
from app.models.hazards import OPEN_STATUSES, Hazard, HazardStatus
from app.models.safety import Area
from app.scorecard import (
    Row,
    days,
    department_ids,
    moments,
    percent,
)
from app.services.inputs import local_date, local_day_of

from .permissions import can_manage_network, can_see_hazard
from .services.common import local_today


def _in_department(query, department):
    if (ids := department_ids(department)) is not None:
        query = query.join(Area, Area.id == Hazard.area_id).where(Area.department_id.in_(ids))
    return query


def _row(hazard, counted=True) -> Row:
    """A hazard by its title, a link only for a viewer its page lets in (an organizer who may
    not see it met 404)."""
    url = url_for("safety.hazard", hazard_id=hazard.id)
    may_open = _viewer() is not None and can_see_hazard(_viewer(), hazard)
    return Row(hazard.title, url if may_open else None, counted)


def _viewer():
    """Who reads the rows (None: no one logged in, a figure computed outside a page)."""
    return current_user if getattr(current_user, "is_authenticated", False) else None


def hazards_reported(year, month, department):
    start, end = moments(year, month)
    query = select(Hazard).where(Hazard.created_at >= start, Hazard.created_at < end)
    query = _in_department(query, department).order_by(Hazard.created_at, Hazard.id)
    return [_row(h) for h in db.session.scalars(query)]


def hazards_reported_count(year, month, department):
    start, end = moments(year, month)
    query = select(func.count()).where(Hazard.created_at >= start, Hazard.created_at < end)
    return db.session.scalar(_in_department(query.select_from(Hazard), department))


def closed_on_time(year, month, department):
    """Hazards due in the period: counted when closed on or before the due date. One still
    open whose due date has not passed (today included) is not judged yet, as
    `patrols_on_plan` leaves the days still to come."""
    first, after = days(year, month)
    today = local_today()
    query = select(Hazard).where(Hazard.due_on >= first, Hazard.due_on < after)
    query = _in_department(query, department).order_by(Hazard.due_on, Hazard.id)
    return [
        _row(
            h,
            h.status is HazardStatus.CLOSED
            and h.closed_at is not None
            and local_date(h.closed_at) <= h.due_on,
        )
        for h in db.session.scalars(query)
        if not (h.status.is_open and h.due_on >= today)
    ]


def closed_on_time_share(year, month, department):
    """The share `closed_on_time`'s rows make, counted in the database."""
    first, after = days(year, month)
    closed_on = local_day_of(Hazard.closed_at)
    on_time = (Hazard.status == HazardStatus.CLOSED) & (closed_on <= Hazard.due_on)
    query = select(func.count(case((on_time, 1))), func.count()).select_from(Hazard)
    query = query.where(
        Hazard.due_on >= first,
        Hazard.due_on < after,
        ~(Hazard.status.in_(OPEN_STATUSES) & (Hazard.due_on >= local_today())),
    )
    return percent(*db.session.execute(_in_department(query, department)).one())


def patrols_on_plan(year, month, department):
    """Planned patrols (the weekly plans, on the days each was in force) on the days of the
    period up to today: counted when done on the planned day, as the coverage page counts
    them; today's patrols still to come are not judged yet."""
    from app.models.safety import week_start

    from .services.patrols import coverage_of_weeks, local_today

    first, after = days(year, month)
    today = local_today()
    ids = department_ids(department)
    # the coverage page's own check (else 403)
    may_open = _viewer() is not None and can_manage_network(_viewer())
    rows = []
    last = week_start(min(after, today))
    weeks = coverage_of_weeks(week_start(first), last, today) if week_start(first) <= last else {}
    for week, slots in weeks.items():
        for slot in slots:
            if not (first <= slot.day < after and slot.day <= today) or slot.state == "due":
                continue
            if ids is not None and slot.plan.area.department_id not in ids:
                continue
            rows.append(
                Row(
                    f"{slot.day} {slot.plan.inspector.name} · {slot.plan.area.name}",
                    url_for("safety.patrol_coverage", week=week.isoformat()) if may_open else None,
                    slot.state == "done",
                )
            )
    return rows


def register(reg) -> None:
    reg.figure(
        "safety",
        "patrols_on_plan",
        _l("Planned patrols made on the day (%)"),
        rows=patrols_on_plan,
        unit="percent",
        order=70,
    )
    reg.figure(
        "safety",
        "hazards_reported",
        _l("Hazards reported"),
        hazards_reported_count,
        rows=hazards_reported,
    )
    reg.figure(
        "safety",
        "closed_on_time",
        _l("Hazards closed by their due date (%)"),
        closed_on_time_share,
        rows=closed_on_time,
        unit="percent",
        order=60,
    )
