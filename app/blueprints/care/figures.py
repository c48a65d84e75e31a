"""The care feature's figures on the 建家 scorecard: visit coverage of the plans that ended in
the period, and major-event aid requests answered by their target time (a close answers only
with a note to the member). Rows name files and requests by number only, and only to care's
readers (care officers, the chairman: `row_readers`); an organizer reads how many count and
how many not, never the cases."""

from datetime import UTC, datetime

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import subqueryload

from app.extensions import db
from app.models import User
from app.models.care import (
    AidAction,
    AidRequest,
    CareFile,
    CareReview,
    CareVisit,
    FileStatus,
    PlanTarget,
    VisitPlan,
)
from app.scorecard import Row, days, in_department, moments
from app.services.inputs import local_date

from .parse import care_time
from .services.common import can_read


def visit_coverage(year, month, department):
    """Targets of the visit plans ending in the period: counted when visited under the plan.
    A row names the file and the plan, and says when it was visited, or that it was not."""
    from .parse import local_today

    first, after = days(year, month)
    query = (
        select(PlanTarget.plan_id, PlanTarget.file_id, VisitPlan.title, VisitPlan.ends_on)
        .join(VisitPlan, VisitPlan.id == PlanTarget.plan_id)
        .join(CareFile, CareFile.id == PlanTarget.file_id)
        .join(User, User.id == CareFile.worker_id)
        .where(VisitPlan.ends_on >= first, VisitPlan.ends_on < after)
        .order_by(VisitPlan.ends_on, PlanTarget.id)
    )
    query = in_department(query, User.department_id, department)
    visited = {
        (plan_id, file_id): day
        for plan_id, file_id, day in db.session.execute(
            select(CareVisit.plan_id, CareVisit.file_id, func.min(CareVisit.visited_on))
            .where(
                CareVisit.plan_id.in_(query.with_only_columns(PlanTarget.plan_id).order_by(None))
            )
            .group_by(CareVisit.plan_id, CareVisit.file_id)
        )
    }
    today = local_today()
    rows = []
    for plan_id, file_id, title, ends_on in db.session.execute(query):
        day = visited.get((plan_id, file_id))
        if day is not None:
            state = _("visited on %(day)s", day=day)
        elif ends_on < today:
            state = _("not visited under the plan")
        else:
            state = _("not visited yet: the plan runs to its end")
        label = _(
            "File #%(id)d, visit plan “%(plan)s” ending %(day)s",
            id=file_id,
            plan=title,
            day=ends_on,
        )
        url = url_for("care.plan", plan_id=plan_id)
        rows.append(Row(label, url, day is not None, state=state))
    return rows


def aid_on_time(year, month, department):
    """Aid requests reported in the period: counted when answered by their target time. The
    answer is what first tells the member the union took the request up: an acknowledgement,
    help given, or a close that says why in a note to the member (a close must carry one).
    A close without a note (made before closing asked for one) told the member nothing: it is
    no answer, and the request counts as not answered in time. A request not closed, neither
    answered nor past its target is pending: its row says so and is left out of the figure (a
    plain row). A row names the request and says when it was answered against its target."""
    start, end = moments(year, month)
    query = (
        select(AidRequest)
        .join(User, User.id == AidRequest.subject_id)
        .where(AidRequest.created_at >= start, AidRequest.created_at < end)
        .order_by(AidRequest.created_at, AidRequest.id)
        .options(subqueryload(AidRequest.events))  # one statement, whatever the volume
    )
    query = in_department(query, User.department_id, department)
    now = datetime.now(UTC)
    rows = []
    for r in db.session.scalars(query):
        answered = _answered_at(r)
        on_time = answered is not None and answered <= r.respond_by
        pending = answered is None and r.closed_at is None and r.respond_by >= now
        label = _(
            "Mutual-aid request #%(id)d (%(type)s), reported %(day)s",
            id=r.id,
            type=r.event_type.label,
            day=local_date(r.created_at),
        )
        url = url_for("care.aid_request", request_id=r.id)
        state = _aid_state(r, on_time, now)
        rows.append(Row(label, url, on_time, plain=pending, state=state))
    return rows


def _answered_at(request: AidRequest):
    """When the member was first answered: acknowledged (or helped), else closed with a note."""
    if request.acknowledged_at is not None:
        return request.acknowledged_at
    close = next((e for e in request.events if e.action is AidAction.CLOSE and e.note), None)
    return close.at if close is not None else None


def _aid_state(request: AidRequest, on_time: bool, now) -> str:
    target = care_time(request.respond_by)
    if request.acknowledged_at is not None:
        if on_time:
            return _("answered in time, on %(time)s", time=care_time(request.acknowledged_at))
        return _(
            "answered late, on %(time)s (target %(target)s)",
            time=care_time(request.acknowledged_at),
            target=target,
        )
    if request.closed_at is not None:
        if _answered_at(request) is None:
            return _(
                "closed on %(time)s without a word to the member: not answered",
                time=care_time(request.closed_at),
            )
        if on_time:
            return _(
                "closed in time with a note to the member, on %(time)s",
                time=care_time(request.closed_at),
            )
        return _(
            "closed late with a note to the member, on %(time)s (target %(target)s)",
            time=care_time(request.closed_at),
            target=target,
        )
    if request.respond_by < now:
        return _("not answered by the target %(target)s", target=target)
    return _("not answered yet (target %(target)s): not counted yet", target=target)


def reviews_on_time(year, month, department):
    """Yearly reviews that fell due in the period: counted when made by the due date. A
    review still to make counts against once its day has passed."""
    from .parse import local_today
    from .services.files import next_review

    first, after = days(year, month)
    today = local_today()
    query = (
        select(CareFile.id, CareFile.opened_on, CareFile.status)
        .join(User, User.id == CareFile.worker_id)
        .order_by(CareFile.id)
    )
    query = in_department(query, User.department_id, department)
    reviews: dict[int, list] = {}  # every file's, oldest first, in one statement
    for file_id, reviewed_on in db.session.execute(
        select(CareReview.file_id, CareReview.reviewed_on)
        .where(CareReview.file_id.in_(query.with_only_columns(CareFile.id).order_by(None)))
        .order_by(CareReview.reviewed_on, CareReview.id)
    ):
        reviews.setdefault(file_id, []).append(reviewed_on)
    rows = []
    for file_id, opened_on, status in db.session.execute(query):
        url = url_for("care.file", file_id=file_id)
        due = next_review(opened_on)
        for day in reviews.get(file_id, []):
            if first <= due < after:
                on_time = day <= due
                state = (
                    _("reviewed on %(day)s", day=day)
                    if on_time
                    else _("reviewed late, on %(day)s", day=day)
                )
                rows.append(Row(_review_label(file_id, due), url, on_time, state=state))
            due = next_review(day)
        if status is FileStatus.ACTIVE and first <= due < after and due < today:
            rows.append(
                Row(_review_label(file_id, due), url, False, state=_("overdue, not reviewed"))
            )
    return rows


def _review_label(file_id, due) -> str:
    return _("File #%(id)d, review due %(day)s", id=file_id, day=due)


def register(reg) -> None:
    reg.figure(
        "care",
        "reviews_on_time",
        _l("Yearly file reviews made on time (%)"),
        rows=reviews_on_time,
        unit="percent",
        order=10,
        row_readers=can_read,
    )
    reg.figure(
        "care",
        "visit_coverage",
        _l("Planned visits made (%)"),
        rows=visit_coverage,
        unit="percent",
        order=20,
        row_readers=can_read,
    )
    reg.figure(
        "care",
        "aid_on_time",
        _l("Aid requests answered in time (%)"),
        rows=aid_on_time,
        unit="percent",
        order=30,
        row_readers=can_read,
        note=_l(
            "Closing a request answers it only with a note that tells the member why. A "
            "request not answered yet and still within its target time does not count until "
            "it is answered or its target time has passed."
        ),
    )
