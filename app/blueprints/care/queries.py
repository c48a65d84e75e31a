"""Read-side selects for the care pages and the care officer's statistics."""

from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Select, extract, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from app.extensions import db
from app.models import Department, User
from app.models.care import (
    AidAction,
    AidEvent,
    AidRequest,
    AidStatus,
    Campaign,
    CampaignRecipient,
    CareAttachment,
    CareFile,
    CareLevel,
    CareSupport,
    CareVisit,
    FileStatus,
    PlanTarget,
    VisitPlan,
)
from app.services.inputs import day_start, local_day_of

from . import parse

PER_PAGE = 30


def file_select(level: str = "", status: str = "active", q: str = "", due: bool = False) -> Select:
    query = (
        select(CareFile)
        .join(User, User.id == CareFile.worker_id)
        .options(
            joinedload(CareFile.worker).joinedload(User.department), selectinload(CareFile.members)
        )
    )
    if status in {s.value for s in FileStatus}:
        query = query.where(CareFile.status == status)
    if level in {lv.value for lv in CareLevel}:
        query = query.where(CareFile.level == level)
    if q:
        like = "%" + q.replace("\\", "").replace("%", "").replace("_", "")[:40] + "%"
        query = query.where(or_(User.name.like(like), User.employee_no.like(like)))
    if due:
        query = query.where(
            CareFile.status == FileStatus.ACTIVE,
            CareFile.review_due_on <= parse.local_today() + timedelta(days=30),
        )
        return query.order_by(CareFile.review_due_on, CareFile.id)
    return query.order_by(CareFile.level, User.name, CareFile.id)


def files_page(page: int, **filters):
    return db.paginate(file_select(**filters), page=page, per_page=PER_PAGE, error_out=False)


def file_detail(file_id: int) -> CareFile | None:
    return db.session.scalar(
        select(CareFile)
        .where(CareFile.id == file_id)
        .options(
            joinedload(CareFile.worker).joinedload(User.department),
            selectinload(CareFile.members),
            selectinload(CareFile.supports),
            selectinload(CareFile.reviews),
        )
    )


def file_attachments(file_id: int) -> list[CareAttachment]:
    return list(
        db.session.scalars(
            select(CareAttachment)
            .where(CareAttachment.file_id == file_id)
            .order_by(CareAttachment.id)
        )
    )


def file_visits(file_id: int) -> list[CareVisit]:
    return list(
        db.session.scalars(
            select(CareVisit)
            .where(CareVisit.file_id == file_id)
            .options(selectinload(CareVisit.photos), joinedload(CareVisit.plan))
            .order_by(CareVisit.visited_on.desc(), CareVisit.id.desc())
        )
    )


def open_file_options() -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(CareFile.id, User.name, User.employee_no, CareFile.level)
        .join(User, User.id == CareFile.worker_id)
        .where(CareFile.status == FileStatus.ACTIVE)
        .order_by(User.name)
    )
    return [(str(i), f"{name}（{no}）· {level.label}") for i, name, no, level in rows]


def counts_due(today: date) -> tuple[int, int]:
    """(overdue, due within 30 days) reviews of open files."""
    overdue, soon = db.session.execute(
        select(
            func.count(CareFile.id).filter(CareFile.review_due_on < today),
            func.count(CareFile.id).filter(
                CareFile.review_due_on >= today,
                CareFile.review_due_on <= today + timedelta(days=30),
            ),
        ).where(CareFile.status == FileStatus.ACTIVE)
    ).one()
    return overdue, soon


def plans(open_only=False) -> list[tuple[VisitPlan, int, int]]:
    """Plans with (visited, total) in two queries."""
    query = select(VisitPlan).order_by(VisitPlan.closed, VisitPlan.starts_on.desc())
    if open_only:
        query = query.where(VisitPlan.closed.is_(False))
    rows = list(db.session.scalars(query))
    ids = [p.id for p in rows]
    counts = {
        plan_id: (visited, total)
        for plan_id, visited, total in db.session.execute(
            select(
                PlanTarget.plan_id,
                func.count(func.distinct(CareVisit.file_id)),
                func.count(func.distinct(PlanTarget.id)),
            )
            .outerjoin(
                CareVisit,
                (CareVisit.plan_id == PlanTarget.plan_id)
                & (CareVisit.file_id == PlanTarget.file_id),
            )
            .where(PlanTarget.plan_id.in_(ids))
            .group_by(PlanTarget.plan_id)
        )
    }
    return [(p, *counts.get(p.id, (0, 0))) for p in rows]


def plan_targets(plan: VisitPlan):
    targets = list(
        db.session.scalars(
            select(PlanTarget)
            .where(PlanTarget.plan_id == plan.id)
            .options(
                joinedload(PlanTarget.file).joinedload(CareFile.worker),
                joinedload(PlanTarget.visitor),
            )
            .join(CareFile, CareFile.id == PlanTarget.file_id)
            .order_by(CareFile.level, PlanTarget.id)
        )
    )
    visits = {}
    for visit in db.session.scalars(
        select(CareVisit).where(CareVisit.plan_id == plan.id).order_by(CareVisit.visited_on)
    ):
        visits.setdefault(visit.file_id, visit)
    return targets, visits


def my_open_targets(user) -> list[PlanTarget]:
    """The files this care officer is to visit on open plans (for the offline kit)."""
    return list(
        db.session.scalars(
            select(PlanTarget)
            .join(VisitPlan, VisitPlan.id == PlanTarget.plan_id)
            .join(CareFile, CareFile.id == PlanTarget.file_id)
            .where(
                VisitPlan.closed.is_(False),
                PlanTarget.visitor_id == user.id,
                CareFile.status == FileStatus.ACTIVE,
            )
            .order_by(PlanTarget.plan_id, PlanTarget.id)
        )
    )


def aid_select(status: str = "") -> Select:
    query = select(AidRequest).options(
        joinedload(AidRequest.reporter), joinedload(AidRequest.subject)
    )
    if status == "open":
        query = query.where(AidRequest.status != AidStatus.CLOSED)
    elif status in {s.value for s in AidStatus}:
        query = query.where(AidRequest.status == status)
    return query.order_by(AidRequest.status == AidStatus.CLOSED, AidRequest.created_at.desc())


def open_aid_ids(limit: int) -> list[int]:
    """The open aid requests, newest first (as their list shows them), at most `limit`."""
    return list(
        db.session.scalars(
            select(AidRequest.id)
            .where(AidRequest.status != AidStatus.CLOSED)
            .order_by(AidRequest.created_at.desc(), AidRequest.id.desc())
            .limit(limit)
        )
    )


def my_aid(user) -> list[AidRequest]:
    return list(
        db.session.scalars(
            select(AidRequest)
            .where(or_(AidRequest.reporter_id == user.id, AidRequest.subject_id == user.id))
            .options(joinedload(AidRequest.subject))
            .order_by(AidRequest.created_at.desc())
        )
    )


def open_aid_counts(now: datetime) -> tuple[int, int]:
    """(open, overdue) aid requests."""
    return db.session.execute(
        select(
            func.count(AidRequest.id),
            func.count(AidRequest.id).filter(
                AidRequest.acknowledged_at.is_(None), AidRequest.respond_by < now
            ),
        ).where(AidRequest.status != AidStatus.CLOSED)
    ).one()


def campaigns() -> list[tuple[Campaign, int, int]]:
    rows = db.session.execute(
        select(
            Campaign,
            func.count(CampaignRecipient.id),
            func.count(CampaignRecipient.signed_at),
        )
        .outerjoin(CampaignRecipient, CampaignRecipient.campaign_id == Campaign.id)
        .group_by(Campaign.id)
        .order_by(Campaign.closed, Campaign.starts_on.desc())
    ).all()
    return [(c, total, signed) for c, total, signed in rows]


def campaign_recipients(campaign: Campaign) -> list[CampaignRecipient]:
    return list(
        db.session.scalars(
            select(CampaignRecipient)
            .where(CampaignRecipient.campaign_id == campaign.id)
            .options(joinedload(CampaignRecipient.user), joinedload(CampaignRecipient.department))
            .join(User, User.id == CampaignRecipient.user_id)
            .order_by(CampaignRecipient.signed_at.is_not(None), User.employee_no)
        )
    )


def campaign_summary(campaign: Campaign) -> list[dict]:
    """Per department (as it was when the recipient was added): recipients, signed, money
    and goods planned and given (only a signed recipient counts as given)."""
    dept = CampaignRecipient.department_id
    signed = CampaignRecipient.signed_at.is_not(None)
    rows = db.session.execute(
        select(
            dept,
            func.count(CampaignRecipient.id),
            func.count(CampaignRecipient.signed_at),
            func.coalesce(func.sum(CampaignRecipient.amount).filter(signed), 0),
            func.coalesce(func.sum(CampaignRecipient.amount), 0),
        )
        .where(CampaignRecipient.campaign_id == campaign.id)
        .group_by(dept)
    ).all()
    names = dict(department_options())
    summary = [
        {
            "department": names.get(str(dept_id), "") if dept_id else "",
            "recipients": n,
            "signed": s,
            "given": given,
            "planned": planned,
        }
        for dept_id, n, s, given, planned in rows
    ]
    return sorted(summary, key=lambda row: (row["department"] == "", row["department"]))


def department_options() -> list[tuple[str, str]]:
    depts = db.session.scalars(select(Department).options(joinedload(Department.parent)))
    return sorted(((str(d.id), d.full_name) for d in depts), key=lambda row: row[1])


def stats(year: int) -> dict:
    """The care officer's figures for one year, in a fixed number of statements, each counted
    by the database."""
    start = date(year, 1, 1)
    end = date(year, 12, 31)
    by_level, by_cause = Counter(), Counter()
    for level, cause, n in db.session.execute(
        select(CareFile.level, CareFile.cause, func.count(CareFile.id))
        .where(CareFile.status == FileStatus.ACTIVE)
        .group_by(CareFile.level, CareFile.cause)
    ):
        by_level[level] += n
        by_cause[cause] += n
    # Support on files, and mutual aid paid out (counted once: aid that went to a file as
    # support is left out of the supports here and counted as aid).
    month = extract("month", CareSupport.given_on)
    from_files = (
        CareSupport.given_on >= start,
        CareSupport.given_on <= end,
        CareSupport.aid_request_id.is_(None),
    )
    by_month = {
        int(m): Decimal(amount)
        for m, amount in db.session.execute(
            select(month, func.coalesce(func.sum(CareSupport.amount), 0))
            .where(*from_files)
            .group_by(month)
        ).all()
    }
    workshop = func.coalesce(Department.parent_id, Department.id)
    named = aliased(Department)  # the workshop itself, for its name
    by_dept_rows = db.session.execute(
        select(
            workshop,
            func.max(named.name),
            func.coalesce(func.sum(CareSupport.amount), 0),
            func.count(CareSupport.id),
        )
        .select_from(CareSupport)
        .join(CareFile, CareFile.id == CareSupport.file_id)
        .join(User, User.id == CareFile.worker_id)
        .outerjoin(Department, Department.id == User.department_id)
        .outerjoin(named, named.id == workshop)
        .where(*from_files)
        .group_by(workshop)
    ).all()
    by_dept_id = {dept_id: [Decimal(amount), n] for dept_id, _name, amount, n in by_dept_rows}
    names = {dept_id: name for dept_id, name, _amount, _n in by_dept_rows}
    low, high = day_start(start), day_start(end + timedelta(days=1))
    for m, dept_id, name, amount, n in _aid_paid(low, high, workshop, named):
        by_month[m] = by_month.get(m, Decimal(0)) + amount
        row = by_dept_id.setdefault(dept_id, [Decimal(0), 0])
        row[0] += amount
        row[1] += n
        names[dept_id] = name
    by_dept = sorted(
        ((names.get(dept_id) or "", amount, n) for dept_id, (amount, n) in by_dept_id.items()),
        key=lambda row: -row[1],
    )
    exited, aid_total, aid_amount = db.session.execute(
        select(
            select(func.count(CareFile.id))
            .where(
                CareFile.status == FileStatus.EXITED,
                CareFile.exited_on >= start,
                CareFile.exited_on <= end,
            )
            .scalar_subquery(),
            select(func.count(AidRequest.id))
            .where(AidRequest.created_at >= low, AidRequest.created_at < high)
            .scalar_subquery(),
            select(func.coalesce(func.sum(AidRequest.aid_amount), 0))
            .where(AidRequest.created_at >= low, AidRequest.created_at < high)
            .scalar_subquery(),
        )
    ).one()
    return {
        "by_level": [(lv, by_level.get(lv, 0)) for lv in CareLevel],
        # the most files first; as many, in the order of the causes' stored values
        "by_cause": sorted(by_cause.items(), key=lambda row: (-row[1], row[0])),
        "by_month": [(m, by_month.get(m, 0)) for m in range(1, 13)],
        "by_dept": by_dept,
        "exited": exited,
        "aid_total": aid_total,
        "aid_amount": aid_amount,
        "year_total": sum(by_month.values(), Decimal(0)),
    }


def _aid_paid(low, high, workshop, named) -> list:
    """Mutual aid paid out from `low` to `high`: (month on the union's clock, workshop, its
    name, amount, payments), by month and workshop."""
    paid_on = local_day_of(AidEvent.at)
    query = (
        select()
        .select_from(AidEvent)
        .join(AidRequest, AidRequest.id == AidEvent.request_id)
        .join(User, User.id == AidRequest.subject_id)
        .outerjoin(Department, Department.id == User.department_id)
        .outerjoin(named, named.id == workshop)
        .where(AidEvent.action == AidAction.ACT, AidEvent.amount > 0)
        .where(AidEvent.at >= low, AidEvent.at < high)
    )
    month = extract("month", paid_on)
    rows = db.session.execute(
        query.add_columns(
            month, workshop, func.max(named.name), func.sum(AidEvent.amount), func.count()
        ).group_by(month, workshop)
    )
    return [(int(m), d, name, Decimal(amount), n) for m, d, name, amount, n in rows]


def open_files_of(worker_ids) -> dict[int, int]:
    """{worker id: their open file's id} among `worker_ids`: a proposal for someone already
    in care needs no new file."""
    ids = set(worker_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(CareFile.worker_id, CareFile.id).where(
            CareFile.worker_id.in_(ids), CareFile.status == FileStatus.ACTIVE
        )
    )
    return dict(rows.all())
