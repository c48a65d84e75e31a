"""Major-event mutual aid (大事互助): any member reports, care officers acknowledge, act and
close; the member the request is for follows it in their inbox, and a colleague who reported
it for them hears only where it stands."""

import os
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.blueprints.notify.services import notify_many
from app.errors import Refused
from app.extensions import db
from app.jobs import path_for
from app.models.care import (
    AidAction,
    AidEvent,
    AidEventType,
    AidRequest,
    AidStatus,
    CareFile,
    CareSupport,
    SupportKind,
)
from app.services import audit

from .. import parse
from .common import about_aid, can_read, check, officer_ids, person, require_officer

DEFAULT_RESPONSE_HOURS = 24
KIND = "care_rights.care_aid_status"  # the notices of a request's steps


def response_hours() -> int:
    """The target time to answer a request: app config, else the environment's
    CARE_AID_RESPONSE_HOURS, else 24 hours (a value outside 1–720 hours is ignored)."""
    raw = current_app.config.get("CARE_AID_RESPONSE_HOURS") or os.environ.get(
        "CARE_AID_RESPONSE_HOURS"
    )
    try:
        hours = int(raw)
    except (TypeError, ValueError):
        return DEFAULT_RESPONSE_HOURS
    return hours if 1 <= hours <= 720 else DEFAULT_RESPONSE_HOURS


def report_aid(user, data) -> AidRequest:
    """`for_whom` is "self" or "colleague" (then `colleague`: an employee number)."""
    errors: dict = {}
    today = parse.local_today()
    for_whom = data.get("for_whom") or "self"
    if for_whom not in ("self", "colleague"):
        errors.setdefault("for_whom", []).append(_("Choose one of the options given."))
    subject = user
    if for_whom == "colleague":
        subject = person(data, "colleague", errors)
    event_type = parse.choice(data, "event_type", AidEventType, errors)
    request = AidRequest(
        reporter_id=user.id,
        subject_id=subject.id if subject is not None else None,
        event_type=event_type,
        happened_on=_event_day(data, event_type, today, errors),
        description=parse.text(
            data,
            "description",
            errors,
            required=_("Tell the union what happened."),
            max_len=2000,
            multiline=True,
        ),
        contact=parse.text(data, "contact", errors, max_len=80),
        status=AidStatus.REPORTED,
        respond_by=datetime.now(UTC) + timedelta(hours=response_hours()),
    )
    check(errors)
    db.session.add(request)
    db.session.flush()
    request.events.append(AidEvent(actor_id=user.id, action=AidAction.REPORT))
    summary = about_aid(request, request.event_type.label)
    audit.record("care.aid.reported", request, actor=user, summary=summary)
    url = path_for("care.aid_request", request_id=request.id)
    # The colleague it is for hears it was made for them (as themselves, if an officer).
    told = [] if request.subject_id == user.id else [request.subject_id]
    notify_many(
        [
            (
                [i for i in officer_ids() if i != user.id and i not in told],
                "care_rights.care_aid",
                _l("New mutual-aid request: %(type)s", type=request.event_type.label),
                _l("Answer within %(hours)d hours.", hours=response_hours()),
                url,
            ),
            (
                told,
                KIND,
                _l(
                    "A mutual-aid request was made for you: %(type)s", type=request.event_type.label
                ),
                _l(
                    "The union's care officer will answer within %(hours)d hours.",
                    hours=response_hours(),
                ),
                url,
            ),
        ]
    )
    return request


def _event_day(data, event_type, today, errors):
    """The day of the event: within the last year; not in the future, except a happy event
    (a wedding, a birth), which the union marks and may hear of up to a year ahead."""
    day = parse.day(data, "happened_on", errors, not_before=today - timedelta(days=366))
    if day is None:
        return None
    if event_type is AidEventType.HAPPY:
        latest = today + timedelta(days=365)
        rule = _l(
            "A happy event can be reported up to a year ahead: choose a day no later than %(day)s.",
            day=latest.isoformat(),
        )
    else:
        latest = today
        rule = _l(
            "Choose the day it happened, no later than today (%(day)s): only a happy event "
            "can be reported ahead.",
            day=today.isoformat(),
        )
    if day > latest:
        errors.setdefault("happened_on", []).append(str(rule))
    return day


_NEXT = {
    AidAction.ACKNOWLEDGE: ({AidStatus.REPORTED}, AidStatus.ACKNOWLEDGED),
    AidAction.ACT: (
        {AidStatus.REPORTED, AidStatus.ACKNOWLEDGED, AidStatus.ACTING},
        AidStatus.ACTING,
    ),
    AidAction.CLOSE: (
        {AidStatus.REPORTED, AidStatus.ACKNOWLEDGED, AidStatus.ACTING},
        AidStatus.CLOSED,
    ),
    AidAction.COMMENT: (set(AidStatus), None),
}


def act_on_aid(user, request: AidRequest, action, data) -> AidEvent:
    """acknowledge · act (what was done, an amount, optionally a file it goes to) · close
    (with a note that tells the member why) · comment. The member the request is for is told
    of every step, a colleague who reported it for them of each new status (`_step_notices`)."""
    require_officer(user)
    try:
        action = AidAction(action)
    except ValueError:
        raise Refused(_("This is not a step of a mutual-aid request."), 400) from None
    if action is AidAction.REPORT:
        raise Refused(_("This is not a step of a mutual-aid request."), 400)
    allowed, to_status = _NEXT[action]
    before = request.status
    if request.status not in allowed:
        raise Refused(
            _("This request is %(status)s: it cannot take this step.", status=request.status.label),
            409,
        )
    errors: dict = {}
    note = parse.text(
        data,
        "note",
        errors,
        required=_note_needed(action),
        max_len=2000,
        multiline=True,
    )
    amount = parse.money(data, "amount", errors, maximum=parse.MAX_MONEY / 10)
    file = None
    if action is AidAction.ACT:
        file_id = parse.row_id(data, "file_id", errors, required=False)
        if file_id is not None:
            file = db.session.get(CareFile, file_id)
            if file is None or file.worker_id != request.subject_id:
                errors.setdefault("file_id", []).append(_("Choose a file of this worker."))
    check(errors)
    now = datetime.now(UTC)
    event = AidEvent(actor_id=user.id, action=action, note=note, amount=amount, at=now)
    request.events.append(event)
    if to_status is not None:
        request.status = to_status
    if action in (AidAction.ACKNOWLEDGE, AidAction.ACT) and request.acknowledged_at is None:
        request.acknowledged_at = now
    if action is AidAction.CLOSE:
        request.closed_at = now
    if action is AidAction.ACT:
        request.aid_amount = (request.aid_amount or 0) + amount
        if file is not None:
            request.file_id = file.id
            if amount:
                db.session.add(
                    CareSupport(
                        file_id=file.id,
                        kind=SupportKind.MONEY,
                        given_on=parse.local_today(),
                        amount=amount,
                        description=str(request.event_type.label)[:200],
                        source=_("Mutual aid")[:80],
                        recorded_by_id=user.id,
                        aid_request_id=request.id,
                    )
                )
    db.session.flush()
    # The note stays with the step (the request's page shows it): it names people.
    audit.record("care.aid." + action.value, request, actor=user, summary=about_aid(request))
    url = path_for("care.aid_request", request_id=request.id)
    notify_many(_step_notices(request, user, url, moved=request.status is not before))
    return event


def _step_notices(request: AidRequest, actor, url: str, *, moved: bool) -> list[tuple]:
    """Who hears of a step, never the officer who took it. A notice shows on a lock screen
    (push services carry its text): it says where the request stands, never the officer's
    note or an amount, which the page shows to those who may read them. The member the request
    is for hears of every step; a colleague who reported it for them only of a new status
    (received, being helped, closed), and that the details are not theirs to read."""
    notices = []
    if request.subject_id != actor.id:
        body = _l("The details are on the request's page.")
        notices.append(([request.subject_id], KIND, _aid_title(request, True), body, url))
    if moved and request.reporter_id not in (actor.id, request.subject_id):
        body = _l("To protect your colleague's privacy, only they are told what help is given.")
        if can_read(request.reporter):  # a care officer (or the chairman) reads it all
            body = _l("The details are on the request's page.")
        notices.append(([request.reporter_id], KIND, _aid_title(request), body, url))
    return notices


def _note_needed(action: AidAction) -> str | None:
    """What the note must say for `action` (None: it may be left empty). A close tells the
    member how their request ended: without a note it would end in silence."""
    if action is AidAction.ACT:
        return _("Say what help was given: the member reads it.")
    if action is AidAction.COMMENT:
        return _("Write the note to add.")
    if action is AidAction.CLOSE:
        return _("Tell the member why the request is closed: they read this note.")
    return None


def _aid_title(request: AidRequest, for_subject: bool = False):
    """A notice names the request as its reader knows it: theirs, or one they made for a
    colleague, and what happened, then where it stands. It names no one: push services and
    lock screens show it."""
    if for_subject or request.subject_id == request.reporter_id:
        return _l(
            "Your mutual-aid request (%(type)s): %(status)s",
            type=request.event_type.label,
            status=request.status.label,
        )
    return _l(
        "The mutual-aid request you made for a colleague (%(type)s): %(status)s",
        type=request.event_type.label,
        status=request.status.label,
    )
