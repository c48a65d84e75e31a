"""Patrols against a checklist version, the weekly plans, and how well the plans were kept."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from app.errors import ItemsFailed, Refused, ValidationFailed
from app.extensions import db
from app.guards import parse_id
from app.models import User
from app.models.hazards import Photo
from app.models.safety import (
    Answer,
    ChecklistItem,
    ChecklistVersion,
    Checkpoint,
    Patrol,
    PatrolAnswer,
    PatrolPlan,
    PatrolStatus,
    PlanPeriod,
    week_start,
)
from app.services import audit
from app.services.rows import one_or_add, sent_before
from app.storage import prepare_uploads

from .. import permissions
from .common import (
    MaxLength,
    area_of,
    belonging_to,
    choice,
    day_start,
    local_date,
    local_today,
    moment,
    record_id,
    share_with_hazards,
    store_photos,
    text,
)
from .network import checklist_for

ONE_WEEK = timedelta(days=7)


def start_patrol(user, data, client_id=None, captured_at=None) -> tuple[Patrol, bool]:
    """Begin a patrol of an area with the checklist now in force for its kind."""
    if not permissions.can_patrol(user):
        raise Refused(_("Only inspectors and safety officers patrol."), status=403)
    client_id, found = sent_before(Patrol, client_id, "inspector_id", user)
    if found:
        return found, False
    errors: dict[str, list[str]] = {}
    area = area_of(data, errors)
    checkpoint = belonging_to(area, Checkpoint.area_id, data, "checkpoint_id", errors)
    version = None
    if area is not None and data.get("checklist_id"):
        # The phone may have answered the version it cached; it must fit the area.
        version = record_id(
            data,
            "checklist_id",
            ChecklistVersion,
            errors,
            where=lambda v: v.checklist.area_kind == area.kind,
        )
    elif area is not None:
        version = checklist_for(area)
        if version is None:
            errors["area_id"] = [_("There is no checklist for this kind of area yet.")]
    if errors:
        raise ValidationFailed(errors)
    when = moment(captured_at)
    patrol = Patrol(
        client_id=client_id,
        inspector_id=user.id,
        area_id=area.id,
        checkpoint_id=checkpoint.id if checkpoint else None,
        checklist_version_id=version.id,
        status=PatrolStatus.IN_PROGRESS,
        started_at=when,
        captured_at=when,
    )
    db.session.add(patrol)
    db.session.flush()
    audit.record("patrol.started", patrol, actor=user, summary=area.name)
    return patrol, True


def _own_open_patrol(user, patrol: Patrol) -> None:
    if patrol.inspector_id != user.id:
        raise Refused(_("This is someone else's patrol."), status=403)
    if patrol.status is not PatrolStatus.IN_PROGRESS:
        raise Refused(_("This patrol is finished and can no longer be changed."))


def answer_item(user, patrol: Patrol, data, photos=(), answered_at=None) -> PatrolAnswer:
    """Answer (or change the answer to) one checklist item: yes, no or not applicable, at
    `answered_at` (now if not given)."""
    _own_open_patrol(user, patrol)
    errors: dict[str, list[str]] = {}
    item = record_id(
        data,
        "item_id",
        ChecklistItem,
        errors,
        where=lambda i: i.version_id == patrol.checklist_version_id,
    )
    answer = choice(data, "answer", Answer, errors)
    note = text(data, "note", errors, max_len=MaxLength.NOTE)
    if errors:
        raise ValidationFailed(errors)
    prepared = prepare_uploads(photos)
    row = one_or_add(PatrolAnswer, patrol_id=patrol.id, item_id=item.id)
    row.answer, row.note, row.answered_at = answer, note, answered_at or datetime.now(UTC)
    db.session.flush()
    stored = store_photos(prepared, user, patrol_answer_id=row.id)
    db.session.add_all(stored)
    db.session.flush()
    share_with_hazards(row.id, stored)
    return row


def finish_patrol(user, patrol: Patrol, data, captured_at=None) -> Patrol:
    """Close a patrol once every item has an answer."""
    _own_open_patrol(user, patrol)
    errors: dict[str, list[str]] = {}
    note = text(data, "note", errors, max_len=MaxLength.NOTE)
    answered = {a.item_id for a in patrol.answers}
    missing = [i for i in patrol.checklist_version.items if i.id not in answered]
    if missing:
        errors["answers"] = [_("Answer every item first: %(n)d still open.", n=len(missing))]
    if errors:
        raise ValidationFailed(errors)
    patrol.note = note
    patrol.finished_at = max(moment(captured_at), patrol.started_at)
    patrol.status = PatrolStatus.FINISHED
    db.session.flush()
    audit.record("patrol.finished", patrol, actor=user, summary=patrol.area.name)
    return patrol


def record_patrol(user, data, photos=(), client_id=None, captured_at=None) -> tuple[Patrol, bool]:
    """A whole patrol at once, as the outbox sends it: area, checklist version, answers, times.

    `photos` are (item_id, upload) pairs. Returns (patrol, created). Answers refused raise
    `ItemsFailed`, by item id (`by_item`) and by the answer's place (`answers[0][note]`).
    """
    patrol, created = start_patrol(
        user, data, client_id=client_id, captured_at=data.get("started_at") or captured_at
    )
    if not created:
        return patrol, False
    by_item: dict[str, list] = {}
    for item_id, upload in photos or []:
        by_item.setdefault(str(item_id), []).append(upload)
    errors: dict[str, list[str]] = {}
    refused_items: dict[int | None, dict[str, list[str]]] = {}
    # A round is sent whole, answered by the time it was finished on the phone (offline, that
    # is not when it reached the server).
    finished = max(moment(data.get("finished_at") or captured_at), patrol.started_at)
    for index, answer in enumerate(data.get("answers") or []):
        item_photos = by_item.get(str(answer.get("item_id")), [])
        try:
            answer_item(user, patrol, answer, item_photos, answered_at=finished)
        except ValidationFailed as refused:
            # Named as the round page names the item's fields (`answers[0][note]`), so the
            # error is said at that item, not at the round's own note.
            for key, messages in refused.errors.items():
                errors[f"answers[{index}][{key}]"] = messages
            refused_items.setdefault(parse_id(answer.get("item_id")), {}).update(refused.errors)
    if errors:
        raise ItemsFailed(errors, refused_items)
    db.session.refresh(patrol)
    finish_patrol(user, patrol, data, captured_at=data.get("finished_at") or captured_at)
    return patrol, True


def save_plan(actor, data) -> PatrolPlan:
    """Set who patrols which area on which weekdays (one plan per inspector and area)."""
    errors: dict[str, list[str]] = {}
    inspector = record_id(
        data, "inspector_id", User, errors, where=lambda u: u.active and permissions.can_patrol(u)
    )
    area = area_of(data, errors)
    sent = {str(d) for d in (data.get("weekdays") or [])}
    if not sent <= {"0", "1", "2", "3", "4", "5", "6"}:  # a forged box: not one of the seven
        errors["weekdays"] = [_("Choose the days from Monday to Sunday given.")]
    elif not sent:
        errors["weekdays"] = [_("Choose at least one day.")]
    if errors:
        raise ValidationFailed(errors)
    weekdays = "".join("1" if str(i) in sent else "0" for i in range(7))
    plan = one_or_add(PatrolPlan, inspector_id=inspector.id, area_id=area.id)
    if plan.created_at is not None and (not plan.active or plan.weekdays != weekdays):
        # What it asked until now stays asked: the weeks gone by are judged as planned.
        now = datetime.now(UTC)
        plan.past.append(
            PlanPeriod(
                weekdays=plan.weekdays,
                started_at=plan.created_at,
                stopped_at=plan.stopped_at or now,
            )
        )
        plan.created_at = now
    plan.weekdays, plan.stopped_at = weekdays, None
    db.session.flush()
    audit.record("patrol_plan.saved", plan, actor=actor, summary=f"{inspector.name} {area.name}")
    return plan


def stop_plan(actor, plan: PatrolPlan) -> None:
    """Stop a plan from now on; the weeks it was in force keep counting it."""
    if plan.stopped_at is None:  # stopping it again does not move when it stopped
        plan.stopped_at = datetime.now(UTC)
    audit.record("patrol_plan.stopped", plan, actor=actor)


@dataclass
class Slot:
    plan: PatrolPlan
    day: date
    state: str  # done | late | missed | due


def coverage(week: date, today: date | None = None, *, names: bool = True) -> list[Slot]:
    """Every planned patrol of the week starting on Monday `week`, and what became of it.

    A slot is *done* by a finished patrol of that inspector in that area on that day, *late*
    when the patrol came on a later day of the same week, *missed* when the day has passed
    without one, and *due* while it is still to come. A plan asks for the days on which it was
    in force at some moment, on the weekdays it held then: each period from the day it began
    to the day it stopped, both included, so a stopped or changed plan stays in the weeks as
    it was. Two queries, whatever the volume.
    `names`: the plans come with their inspectors and areas (for a page that names them; a
    count of the states does without).
    """
    return coverage_of_weeks(week, week, today, names=names)[week]


def coverage_of_weeks(
    first: date, last: date, today: date | None = None, *, names: bool = True
) -> dict[date, list[Slot]]:
    """`coverage` of every week from Monday `first` to Monday `last`, both included, by its
    Monday: the same two queries for the whole stretch, whatever the number of weeks."""
    today = today or local_today()
    with_names = (
        db.joinedload(PatrolPlan.inspector).lazyload(User.role_rows),
        db.joinedload(PatrolPlan.area),
    )
    start = day_start(first)
    end = day_start(last + timedelta(days=7))
    # In force in the stretch, as it stands or in a past period.
    plans = (
        db.session.scalars(
            select(PatrolPlan)
            .where(
                or_(
                    and_(
                        PatrolPlan.created_at < end,
                        or_(PatrolPlan.stopped_at.is_(None), PatrolPlan.stopped_at >= start),
                    ),
                    PatrolPlan.past.any(
                        and_(PlanPeriod.started_at < end, PlanPeriod.stopped_at >= start)
                    ),
                )
            )
            .options(db.joinedload(PatrolPlan.past), *with_names if names else ())
            .order_by(PatrolPlan.inspector_id, PatrolPlan.area_id)
        )
        .unique()
        .all()
    )
    done: dict[tuple[date, int, int], list[date]] = {}
    for inspector_id, area_id, finished_at in db.session.execute(
        select(Patrol.inspector_id, Patrol.area_id, Patrol.finished_at).where(
            Patrol.status == PatrolStatus.FINISHED,
            Patrol.finished_at >= start,
            Patrol.finished_at < end,
        )
    ):
        day = local_date(finished_at)
        done.setdefault((week_start(day), inspector_id, area_id), []).append(day)
    weeks = {}
    week = first
    while week <= last:
        week_plans = [p for p in plans if _in_force(p, day_start(week), day_start(week + ONE_WEEK))]
        weeks[week] = _week_slots(week, week_plans, done, today)
        week += ONE_WEEK
    return weeks


def _in_force(plan: PatrolPlan, start, end) -> bool:
    """In one of its periods, the plan had begun before `end` and not stopped before `start`."""
    return any(
        began < end and (stopped is None or stopped >= start)
        for began, stopped, _ in plan.periods()
    )


def _week_slots(week: date, plans, done: dict, today: date) -> list[Slot]:
    """The slots of the week starting on Monday `week`, of `plans` (those in force in it), by
    the days the finished patrols came on ((week, inspector id, area id) -> days)."""
    slots = []
    for plan in plans:
        days = sorted(done.get((week, plan.inspector_id, plan.area_id), []))
        # Each period holds from the day it began to the day it stopped: the days before and
        # after were never asked for (a day two periods share is asked once).
        planned = sorted(
            {
                day
                for began, stopped, weekdays in plan.periods()
                for day in (week + timedelta(days=d) for d in weekdays)
                if local_date(began) <= day <= (local_date(stopped) if stopped else date.max)
            }
        )
        states = {}
        for day in planned:
            if day in days:
                days.remove(day)
                states[day] = "done"
        for day in planned:
            if day in states:
                continue
            later = next((d for d in days if d > day), None)
            if later is not None:
                days.remove(later)
                states[day] = "late"
            else:
                states[day] = "missed" if day < today else "due"
        slots.extend(Slot(plan, day, states[day]) for day in planned)
    return slots


def photos_of_answers(patrol: Patrol) -> dict[int, list[Photo]]:
    ids = [a.id for a in patrol.answers]
    found: dict[int, list[Photo]] = {}
    if ids:
        for photo in db.session.scalars(select(Photo).where(Photo.patrol_answer_id.in_(ids))):
            found.setdefault(photo.patrol_answer_id, []).append(photo)
    return found
