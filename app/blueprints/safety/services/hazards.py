"""Hazards: report, then every later step as an appended HazardEvent.

These functions are the one write path for hazards: the form routes call them now, and the
offline sync handlers call them with the record's `client_id` and the phone's `captured_at`.
They add to the session and flush; the caller commits once.
"""

from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from app.blueprints.notify import triggers
from app.errors import Conflict, Refused, ValidationFailed
from app.extensions import db
from app.guards import parse_id
from app.jobs import path_for
from app.models import Role, User
from app.models.hazards import (
    Category,
    Hazard,
    HazardAction,
    HazardEvent,
    HazardStatus,
    Photo,
    Severity,
)
from app.models.safety import Area, Patrol, PatrolAnswer
from app.services import audit
from app.services import batch as lookups
from app.services.roles import holder_ids
from app.services.rows import sent_before
from app.storage import prepare_uploads

from .. import permissions, queries
from .common import (
    MaxLength,
    answer_of,
    area_of,
    as_raised_from,
    check_client_id,
    choice,
    local_today,
    moment,
    record_id,
    reported_on,
    shared_photo,
    store_photos,
    text,
)

MAX_DUE_DAYS = 365


def report_hazard(user, data, photos=(), client_id=None, captured_at=None) -> tuple[Hazard, bool]:
    """Record a hazard reported by any member. Returns (hazard, created).

    `data`: title, description, area_id, category, severity and optionally patrol_id and
    answer_id (the "no" answer it was raised from). Raises ValidationFailed.
    """
    client_id, found = sent_before(Hazard, client_id, "reporter_id", user)
    if found is not None:
        return found, False
    values = _report(user, data, captured_at)
    prepared = prepare_uploads(photos)
    hazard = Hazard(client_id=client_id, **values)
    db.session.add(hazard)
    db.session.flush()
    event = HazardEvent(**_report_event(hazard.id, values))
    db.session.add(event)
    db.session.add_all(store_photos(prepared, user, hazard_id=hazard.id))
    db.session.add_all(_answer_photos({hazard.patrol_answer_id: hazard.id}))
    audit.record("hazard.reported", hazard, actor=user, summary=hazard.title)
    db.session.flush()
    announce_hazard_change(hazard, event)
    return hazard, True


def report_hazards(user, reports: list[tuple[dict, str, object]]) -> list[int | ValidationFailed]:
    """Many new hazards at once, each (data, client_id, captured_at) as `report_hazard` takes
    them: a sync batch of a patrol's findings.

    Each report is checked as `report_hazard` checks it; the valid ones are written together,
    one INSERT per table for all of them (hazards, their report events, the audit entries, the
    officers' inbox rows). Returns, report by report, the new hazard's id or the
    ValidationFailed that refused it. The caller vouches that no hazard carries these client
    ids yet (the table's unique client id refuses the whole INSERT if one does).
    """
    # The areas, rounds and answers named, one query each; held here, the session's identity
    # map answers `_report`'s look-ups.
    # A round's answers come with it: a finding names its answer by the item.
    loads = {Patrol: [selectinload(Patrol.answers).selectinload(PatrolAnswer.item)]}
    held = [
        db.session.scalars(
            select(model).where(model.id.in_(ids)).options(*loads.get(model, ()))
        ).all()
        for model, key in ((Area, "area_id"), (Patrol, "patrol_id"), (PatrolAnswer, "answer_id"))
        if (ids := {parse_id(data.get(key)) for data, _id, _at in reports} - {None})
    ]
    outcomes: list[dict | ValidationFailed] = []
    for data, client_id, captured_at in reports:
        try:
            values = _report(user, data, captured_at)
        except ValidationFailed as invalid:
            outcomes.append(invalid)
        else:
            outcomes.append({**values, "client_id": check_client_id(client_id)})
    del held
    rows = [values for values in outcomes if isinstance(values, dict)]
    if not rows:
        return outcomes
    # RETURNING in the rows' own order would make SQLite insert them one at a time.
    table = Hazard.__table__
    inserted = db.session.execute(insert(table).returning(table.c.client_id, table.c.id), rows)
    ids = {client_id: hazard_id for client_id, hazard_id in inserted.all()}
    for values in rows:
        values["id"] = ids[values["client_id"]]
    db.session.execute(
        insert(HazardEvent.__table__), [_report_event(values["id"], values) for values in rows]
    )
    raised_from = {v["patrol_answer_id"]: v["id"] for v in rows if v["patrol_answer_id"]}
    db.session.add_all(_answer_photos(raised_from))
    audit.record_many(
        "hazard.reported", "Hazard", [(v["id"], v["title"]) for v in rows], actor=user
    )
    triggers.hazards_reported(
        lookups.remember("safety_officers", _safety_officers),
        [
            (v["title"], v["severity"].label, path_for("safety.hazard", hazard_id=v["id"]))
            for v in rows
        ],
        actor_id=user.id,
    )
    return [values["id"] if isinstance(values, dict) else values for values in outcomes]


def _report(user, data, captured_at) -> dict:
    """The columns of a new hazard, checked (raises ValidationFailed)."""
    errors: dict[str, list[str]] = {}
    patrol = reported_on(user, data, errors)
    answer = answer_of(patrol, data, errors)
    # Only the round page names the answer by its item: there a title left blank is the one
    # the page offered (as_raised_from). Everywhere else a hazard says what is wrong.
    in_round = answer is not None and bool(data.get("item_id"))
    title = text(data, "title", errors, required=not in_round, max_len=MaxLength.TITLE)
    description = text(data, "description", errors, max_len=MaxLength.TEXT)
    area = area_of(data, errors)
    category = choice(data, "category", Category, errors)
    severity = choice(data, "severity", Severity, errors)
    if errors:
        raise ValidationFailed(errors)
    return {
        "captured_at": moment(captured_at),
        "title": as_raised_from(title, answer) if in_round else title,
        "description": description,
        "area_id": area.id,
        "category": category,
        "severity": severity,
        "status": HazardStatus.REPORTED,
        "reporter_id": user.id,
        "patrol_id": patrol.id if patrol else None,
        "patrol_answer_id": answer.id if answer else None,
    }


def _answer_photos(hazard_of_answer: dict) -> list[Photo]:
    """The photos of the "no" answers hazards were raised from, each shared with its hazard
    (`hazard_of_answer`: answer id -> hazard id): the finding shows what the patrol saw. The
    photos of an answer synced later follow through `share_with_hazards`."""
    hazard_of_answer = {a: h for a, h in hazard_of_answer.items() if a is not None}
    if not hazard_of_answer:
        return []
    return [
        shared_photo(photo, hazard_id=hazard_of_answer[photo.patrol_answer_id])
        for photo in db.session.scalars(
            select(Photo).where(Photo.patrol_answer_id.in_(hazard_of_answer)).order_by(Photo.id)
        )
    ]


def _report_event(hazard_id: int, values: dict) -> dict:
    """The first event of a hazard: reported, by its reporter, when the phone captured it."""
    return {
        "hazard_id": hazard_id,
        "actor_id": values["reporter_id"],
        "action": HazardAction.REPORT,
        "from_status": None,
        "to_status": HazardStatus.REPORTED,
        "captured_at": values["captured_at"],
    }


def act_on_hazard(
    user, hazard: Hazard, action, data, photos=(), client_id=None, captured_at=None
) -> tuple[HazardEvent, bool]:
    """Take one step in a hazard's life; returns (event, created).

    `action`: assign (data: assignee_id, due_on), start, rectify (note), verify, send_back
    (note), reject (note: the reason), comment (note). Raises Refused when the user may not
    take the step now, ValidationFailed when the input is wrong. Nothing is written then.
    """
    client_id, found = sent_before(HazardEvent, client_id, "actor_id", user)
    if found is not None:
        if found.hazard_id != hazard.id:
            raise Conflict(client_id)
        return found, False
    if not permissions.can_see_hazard(user, hazard):
        raise Refused(_("You cannot see this hazard."), status=404)
    try:
        action = HazardAction(action)
    except ValueError:
        raise ValidationFailed({"action": [_("Choose one of the options given.")]}) from None
    if action is HazardAction.REPORT:
        raise ValidationFailed({"action": [_("Choose one of the options given.")]})
    if (reason := permissions.refusal(user, hazard, action)) is not None:
        raise Refused(reason, status=403 if _is_role_refusal(user, hazard, action) else 409)
    errors: dict[str, list[str]] = {}
    note_required = action in (
        HazardAction.RECTIFY,
        HazardAction.SEND_BACK,
        HazardAction.REJECT,
        HazardAction.COMMENT,
    )
    note = text(data, "note", errors, required=note_required, max_len=MaxLength.NOTE)
    assignee, due_on = None, None
    if action is HazardAction.ASSIGN:
        assignee, due_on = _assignment(hazard, data, errors)
    if errors:
        raise ValidationFailed(errors)
    prepared = prepare_uploads(photos)
    when = moment(captured_at)
    event = _apply(user, hazard, action, note, assignee, due_on, when, client_id)
    db.session.add_all(store_photos(prepared, user, hazard_event_id=event.id))
    if event.from_status != event.to_status:
        audit.record(
            f"hazard.{action.value}",
            hazard,
            actor=user,
            summary=hazard.title,
            before={"status": event.from_status.value},
            after={"status": event.to_status.value},
        )
    db.session.flush()
    announce_hazard_change(hazard, event)
    return event, True


def _is_role_refusal(user, hazard, action) -> bool:
    return (action in permissions.OFFICER_ACTIONS and not permissions.is_officer(user)) or (
        action in permissions.ASSIGNEE_ACTIONS and hazard.assignee_id != user.id
    )


def _assignment(hazard, data, errors) -> tuple[User | None, date | None]:
    # Only someone the form offers: the hazard's workshop and the network (an id sent by hand
    # of anyone else, the chairman say, is not an assignee).
    assignee = record_id(
        data, "assignee_id", User, errors, where=lambda u: queries.is_assignable(hazard.area, u)
    )
    raw = data.get("due_on")
    due_on = None
    if isinstance(raw, date):
        due_on = raw
    elif raw:
        try:
            due_on = date.fromisoformat(str(raw))
        except ValueError:
            errors.setdefault("due_on", []).append(_("This is not a valid date."))
    else:
        errors.setdefault("due_on", []).append(_("This field is required."))
    if due_on is not None:
        today = local_today()
        if due_on < today:
            errors.setdefault("due_on", []).append(_("The due date cannot be in the past."))
        elif due_on > today + timedelta(days=MAX_DUE_DAYS):
            errors.setdefault("due_on", []).append(_("The due date is more than a year away."))
    return assignee, due_on


def _apply(user, hazard, action, note, assignee, due_on, when, client_id) -> HazardEvent:
    before = hazard.status
    after = permissions.ACTION_TO.get(action, before)
    now = datetime.now(UTC)
    if action is HazardAction.ASSIGN:
        hazard.assignee_id, hazard.due_on = assignee.id, due_on
    elif action is HazardAction.RECTIFY:
        hazard.rectified_by_id = user.id
    elif action is HazardAction.REJECT:
        hazard.reject_reason = note
    if after is HazardStatus.CLOSED:
        hazard.closed_at = now
    hazard.status = after
    hazard.updated_at = now
    event = HazardEvent(
        client_id=client_id,
        hazard_id=hazard.id,
        actor_id=user.id,
        action=action,
        from_status=before,
        to_status=after,
        note=note,
        assignee_id=assignee.id if assignee else None,
        due_on=due_on,
        captured_at=when,
        received_at=now,
    )
    db.session.add(event)
    db.session.flush()
    return event


def hazard_recipients(hazard: Hazard, event: HazardEvent) -> set[int]:
    """Who should hear about this step: the people it puts to work, and the reporter."""
    people: set[int] = set()
    if event.action is HazardAction.ASSIGN and hazard.assignee_id:
        people.add(hazard.assignee_id)
    if event.action in (HazardAction.SEND_BACK, HazardAction.VERIFY) and hazard.assignee_id:
        people.add(hazard.assignee_id)
    if event.action in (HazardAction.VERIFY, HazardAction.REJECT):
        people.add(hazard.reporter_id)
    if event.action in (HazardAction.REPORT, HazardAction.RECTIFY):
        people.update(lookups.remember("safety_officers", _safety_officers))
    if event.action is not HazardAction.REPORT and event.from_status != event.to_status:
        people.add(hazard.reporter_id)  # the reporter follows their hazard to the end
    people.discard(event.actor_id)
    return people


def _safety_officers() -> frozenset[int]:
    return frozenset(holder_ids(Role.SAFETY_OFFICER))


def announce_hazard_change(hazard: Hazard, event: HazardEvent) -> set[int]:
    """The single place where hazard news leaves this module: inbox (and push) for the people
    a step concerns, in their own language, committed with the step. Returns who was told."""
    recipients = hazard_recipients(hazard, event)
    url = path_for("safety.hazard", hazard_id=hazard.id)
    title, status, actor = hazard.title, event.to_status.label, event.actor_id
    if event.action is HazardAction.REPORT:
        triggers.hazards_reported(recipients, [(title, hazard.severity.label, url)], actor_id=actor)
        return recipients
    officers = lookups.remember("safety_officers", _safety_officers)
    for user_id in recipients:
        to_assignee = user_id == hazard.assignee_id
        if event.action is HazardAction.ASSIGN and to_assignee:
            triggers.hazard_assigned(user_id, title, url, actor_id=actor)
        elif event.action is HazardAction.VERIFY and to_assignee:
            triggers.hazard_accepted(user_id, title, url, actor_id=actor)
        elif event.action is HazardAction.SEND_BACK and to_assignee:
            triggers.hazard_sent_back(user_id, title, event.note, url, actor_id=actor)
        elif event.action is HazardAction.RECTIFY and user_id in officers:
            triggers.hazard_to_verify([user_id], title, url, actor_id=actor)
        elif user_id == hazard.reporter_id:
            note = event.note if event.action is HazardAction.REJECT else None
            triggers.hazard_status_changed(user_id, title, status, url, note=note, actor_id=actor)
    return recipients
