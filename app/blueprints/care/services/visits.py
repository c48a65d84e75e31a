"""Visit plans and visits (走访慰问). `record_visit` is the one write path of a visit: the
form route and the `care_visit` outbox handler both call it."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.errors import Refused
from app.extensions import db
from app.models import Role, User
from app.models.care import (
    CareFile,
    CareLevel,
    CareSupport,
    CareVisit,
    FileStatus,
    PlanTarget,
    SupportKind,
    VisitPlan,
)
from app.models.users import typed_no
from app.services import audit
from app.services.rows import sent_before

from .. import parse
from . import attachments
from .common import about_file, about_targets_added, check, require_officer


def create_plan(user, data) -> VisitPlan:
    """A plan with its dates; `level` (optional) adds every open file of that level, each to
    be visited by the plan's author until someone else is named."""
    require_officer(user)
    errors: dict = {}
    today = parse.local_today()
    plan = VisitPlan(
        title=parse.text(data, "title", errors, required=_("Name the visit plan."), max_len=80),
        starts_on=parse.day(data, "starts_on", errors, not_before=today - timedelta(days=366)),
        ends_on=parse.day(data, "ends_on", errors),
        note=parse.text(data, "note", errors, max_len=2000, multiline=True),
        created_by_id=user.id,
    )
    level = parse.choice(data, "level", CareLevel, errors, required=False)
    if plan.starts_on and plan.ends_on:
        if plan.ends_on < plan.starts_on:
            errors.setdefault("ends_on", []).append(_("The plan cannot end before it starts."))
        elif plan.ends_on > plan.starts_on + timedelta(days=366):
            errors.setdefault("ends_on", []).append(_("A plan lasts at most a year."))
    check(errors)
    db.session.add(plan)
    db.session.flush()
    if level is not None:
        add_targets(user, plan, {"level": level.value, "visitor": user.employee_no})
    audit.record("care.plan.created", plan, actor=user, summary=plan.title)
    return plan


def add_targets(user, plan: VisitPlan, data) -> int:
    """Add files to a plan: every open file of `level`, or the file `file_id`; the visitor is
    the care officer named by employee number in `visitor`. Returns how many were added."""
    require_officer(user)
    if plan.closed:
        raise Refused(_("This plan is closed."), 409)
    errors: dict = {}
    level = parse.choice(data, "level", CareLevel, errors, required=False)
    file_id = parse.row_id(data, "file_id", errors, required=False)
    visitor_no = typed_no(data.get("visitor"))
    visitor = (
        db.session.scalar(select(User).where(User.employee_no == visitor_no[:32]))
        if visitor_no
        else user
    )
    if visitor is None or not visitor.active or not visitor.has_role(Role.CARE_OFFICER):
        errors.setdefault("visitor", []).append(_("The visitor must be a care officer."))
    if level is None and file_id is None and "file_id" not in errors:
        errors.setdefault("level", []).append(_("Choose a level or a file."))
    files_query = select(CareFile).where(CareFile.status == FileStatus.ACTIVE)
    if file_id is not None:
        files_query = files_query.where(CareFile.id == file_id)
    elif level is not None:
        files_query = files_query.where(CareFile.level == level)
    files = list(db.session.scalars(files_query)) if not errors else []
    if file_id is not None and not files and "file_id" not in errors:
        errors.setdefault("file_id", []).append(_("Choose one of the options given."))
    check(errors)
    present = set(
        db.session.scalars(select(PlanTarget.file_id).where(PlanTarget.plan_id == plan.id))
    )
    added = 0
    for file in files:
        if file.id not in present:
            db.session.add(PlanTarget(plan_id=plan.id, file_id=file.id, visitor_id=visitor.id))
            added += 1
    db.session.flush()
    db.session.expire(plan, ["targets"])
    summary = about_targets_added(plan, added)
    audit.record("care.plan.targets_added", plan, actor=user, summary=summary)
    return added


def close_plan(user, plan: VisitPlan) -> None:
    require_officer(user)
    plan.closed = True
    audit.record("care.plan.closed", plan, actor=user)


def visited_file_ids(plan_id: int) -> set[int]:
    return set(
        db.session.scalars(select(CareVisit.file_id).where(CareVisit.plan_id == plan_id).distinct())
    )


def coverage(plan: VisitPlan) -> tuple[int, int]:
    """(visited, total) targets of a plan."""
    total = db.session.scalar(
        select(func.count(PlanTarget.id)).where(PlanTarget.plan_id == plan.id)
    )
    visited = db.session.scalar(
        select(func.count(func.distinct(CareVisit.file_id)))
        .join(
            PlanTarget, (PlanTarget.file_id == CareVisit.file_id) & (PlanTarget.plan_id == plan.id)
        )
        .where(CareVisit.plan_id == plan.id)
    )
    return visited or 0, total or 0


def record_visit(user, data, photos=(), client_id=None, captured_at=None) -> tuple[CareVisit, bool]:
    """Record a visit: `file_id`, optional `plan_id` (the file must be on the plan),
    `visited_on`, `visitors` (who went), `given`, `amount` (yuan), `situation`, `needs`.
    What was given becomes support on the file. Returns (visit, created)."""
    require_officer(user)
    client_id, found = sent_before(CareVisit, client_id, "recorded_by_id", user)
    if found is not None:
        return found, False
    errors: dict = {}
    today = parse.local_today()
    file_id = parse.row_id(data, "file_id", errors)
    file = db.session.get(CareFile, file_id) if file_id else None
    if file_id and (file is None or file.status is not FileStatus.ACTIVE):
        errors.setdefault("file_id", []).append(_("This file is not open."))
        file = None
    plan = None
    plan_id = parse.row_id(data, "plan_id", errors, required=False)
    if plan_id is not None:
        plan = db.session.get(VisitPlan, plan_id)
        on_plan = (
            file is not None
            and plan is not None
            and db.session.scalar(
                select(PlanTarget.id).where(
                    PlanTarget.plan_id == plan.id, PlanTarget.file_id == file.id
                )
            )
        )
        if plan is None or plan.closed or (file is not None and not on_plan):
            errors.setdefault("plan_id", []).append(_("This file is not on an open plan."))
    visited_on = parse.day(
        data,
        "visited_on",
        errors,
        not_after=today,
        not_before=file.opened_on if file is not None else None,
    )
    visit = CareVisit(
        client_id=client_id,
        file_id=file.id if file else None,
        plan_id=plan.id if plan else None,
        visited_on=visited_on,
        visitors=parse.text(
            data, "visitors", errors, required=_("Say who went on the visit."), max_len=200
        ),
        given=parse.text(data, "given", errors, max_len=200),
        amount=parse.money(data, "amount", errors, maximum=Decimal(100000)),
        situation=parse.text(
            data,
            "situation",
            errors,
            required=_("Describe the family's situation as you found it."),
            max_len=4000,
            multiline=True,
        ),
        needs=parse.text(data, "needs", errors, max_len=2000, multiline=True),
        recorded_by_id=user.id,
        captured_at=_moment(captured_at),
    )
    check(errors)
    prepared = attachments.prepare_visit_photos(photos)
    db.session.add(visit)
    db.session.flush()
    attachments.store(prepared, user, file_id=None, visit_id=visit.id)
    if visit.amount or visit.given:
        db.session.add(
            CareSupport(
                file_id=file.id,
                kind=SupportKind.MONEY if visit.amount else SupportKind.GOODS,
                given_on=visit.visited_on,
                amount=visit.amount,
                description=(visit.given or _("Visit"))[:200],
                source=(plan.title if plan else _("Visit"))[:80],
                recorded_by_id=user.id,
                visit_id=visit.id,
            )
        )
    audit.record(
        "care.visit.recorded",
        file,
        actor=user,
        summary=about_file(file, _l("Visit record %(id)s", id=visit.id)),
    )
    return visit, True


def _moment(value) -> datetime:
    if value is None:
        return datetime.now(UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=parse.local_zone())
    return min(value.astimezone(UTC), datetime.now(UTC) + timedelta(days=1))
