"""The safety network's offline record kinds, wired into the sync machinery.

Each handler turns an outbox record into a call of the same service the online form calls
(with the record's uuid as `client_id` and the phone's `captured_at`); validation stays in
the services. Photos arrive later through `PUT /sync/photos/<uuid>` and become `Photo` rows
of the row the record became.
"""

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.blueprints.sync.registry import HandlerResult, SyncInvalid, resolve, run_service
from app.extensions import db
from app.guards import parse_id
from app.jobs import path_for
from app.models.hazards import Hazard, Photo
from app.models.safety import PatrolAnswer

from .services import (
    act_on_hazard,
    record_patrol,
    report_hazard,
    report_hazards,
    report_violation,
    share_with_hazards,
)
from .services.common import photo_row


def _reference(data: dict, key: str, kind: str, user=None, known: dict | None = None) -> dict:
    """`data` with `key` turned from an earlier record's uuid into the id of its row.

    A numeric id (or nothing) is passed on as it is; a uuid that names no received record
    is left for the service to refuse as an unknown choice. `known`: uuids already resolved
    (for many records at once), uuid -> row id.
    """
    raw = data.get(key)
    if isinstance(raw, str) and "-" in raw:
        known = {} if known is None else known
        if raw not in known:
            row = resolve(kind, raw, user)
            known[raw] = row.id if row is not None else -1
        return {**data, key: known[raw]}
    return data


def _adopt(user, sync_photo, **owner) -> Photo | None:
    """The stored picture becomes a `Photo` of `owner`, once (its uuid is the client id):
    the new row, or None when it was adopted before.

    Nothing is read back or written again: the upload stored the picture and its thumbnail
    and hands over what it stored (`sync_photo.image`).
    """
    if db.session.scalar(select(Photo.id).where(Photo.client_id == sync_photo.id)):
        return None
    photo = photo_row(sync_photo.image, user, client_id=sync_photo.id, **owner)
    db.session.add(photo)
    db.session.flush()
    return photo


def attach_to(owner_field: str):
    """An `attach_photo` hook for kinds whose photos belong to the row itself."""

    def attach(user, obj, sync_photo) -> None:
        _adopt(user, sync_photo, **{owner_field: obj.id})

    return attach


def attach_to_answer(user, patrol, sync_photo) -> None:
    """A patrol's photos belong to the answer of the item the record named (`item_id`)."""
    item_id = parse_id(sync_photo.item_id)
    answer = db.session.scalar(
        select(PatrolAnswer).where(
            PatrolAnswer.patrol_id == patrol.id, PatrolAnswer.item_id == item_id
        )
    )
    if answer is None:
        current_app.logger.warning("photo %s names no answered item of its patrol", sync_photo.id)
        return
    if (photo := _adopt(user, sync_photo, patrol_answer_id=answer.id)) is not None:
        share_with_hazards(answer.id, [photo])  # the hazards raised from this "no" show it too
        db.session.flush()


def _finding(service, endpoint: str, id_arg: str):
    """The handler of a kind a patrol may turn up (a hazard, a violation): the round it names
    by its record's uuid becomes that round's id, then the online form's service runs."""

    def handle(user, record) -> HandlerResult:
        data = _reference(record.data, "patrol_id", "patrol", user)
        row, _created = run_service(
            service, user, data, (), client_id=record.id, captured_at=record.captured_at
        )
        return HandlerResult(url=url_for(endpoint, **{id_arg: row.id}), obj=row)

    return handle


sync_hazard = _finding(report_hazard, "safety.hazard", "hazard_id")
sync_violation = _finding(report_violation, "safety.violation", "violation_id")


def sync_hazards(user, records) -> list:
    """Many new hazards of one batch at once (a patrol's findings), written together; the
    round they name is looked up once for all of them."""
    rounds: dict = {}
    reports = [
        (_reference(r.data, "patrol_id", "patrol", user, rounds), r.id, r.captured_at)
        for r in records
    ]
    return [
        HandlerResult(url=path_for("safety.hazard", hazard_id=done), table="hazards", row_id=done)
        if isinstance(done, int)
        else done
        for done in report_hazards(user, reports)
    ]


def _hazard(raw) -> Hazard | None:
    """A follow-up names its hazard by the hazard record's uuid (perhaps captured offline by
    someone else: whether this user may act on it is the service's question) or by its id."""
    if isinstance(raw, str) and "-" in raw:
        return resolve("hazard", raw)
    hazard_id = parse_id(raw)
    return db.session.get(Hazard, hazard_id) if hazard_id is not None else None


def sync_hazard_event(user, record) -> HandlerResult:
    data = record.data
    hazard = _hazard(data.get("hazard_id"))
    if hazard is None:
        raise SyncInvalid({"hazard_id": [_("No such hazard has been received.")]})
    event, _created = run_service(
        act_on_hazard,
        user,
        hazard,
        data.get("action"),
        data,
        (),
        client_id=record.id,
        captured_at=record.captured_at,
    )
    url = url_for("safety.hazard", hazard_id=hazard.id, _anchor=f"event-{event.id}")
    return HandlerResult(url=url, obj=event)


def sync_patrol(user, record) -> HandlerResult:
    """A whole round: area, checklist version, times and every answer, in one record."""
    answers = record.data.get("answers")
    if not isinstance(answers, list) or not all(isinstance(a, dict) for a in answers):
        raise SyncInvalid({"answers": [_("The answers are not in a form this app reads.")]})
    patrol, _created = run_service(
        record_patrol, user, record.data, (), client_id=record.id, captured_at=record.captured_at
    )
    return HandlerResult(url=url_for("safety.patrol", patrol_id=patrol.id), obj=patrol)


def register(reg) -> None:
    """The safety network's outbox kinds (see DESIGN.md for their `data`)."""
    reg.sync_kind(
        "hazard", sync_hazard, attach_photo=attach_to("hazard_id"), handle_many=sync_hazards
    )
    reg.sync_kind("hazard_event", sync_hazard_event, attach_photo=attach_to("hazard_event_id"))
    reg.sync_kind("violation", sync_violation, attach_photo=attach_to("violation_id"))
    reg.sync_kind("patrol", sync_patrol, attach_photo=attach_to_answer)
