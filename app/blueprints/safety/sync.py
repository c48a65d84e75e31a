"""The safety network's offline record kinds, wired into the sync machinery.

Each handler turns an outbox record into a call of the same service the online form calls
(with the record's uuid as `client_id` and the phone's `captured_at`); validation stays in
the services. Photos arrive later through `PUT /sync/photos/<uuid>` and become `Photo` rows
of the row the record became.
"""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.blueprints.sync.registry import HandlerResult, SyncInvalid, register_kind, resolve
from app.extensions import db
from app.models.hazards import Hazard, Photo
from app.services.photos import absolute_path

from .services import Conflict, Refused, act_on_hazard, report_hazard, report_violation
from .services import photos as photo_store


def _call(service, *args, **kwargs):
    """Run a service; a refusal or a reused id is an invalid record with the reason."""
    try:
        return service(*args, **kwargs)
    except Refused as refused:
        raise SyncInvalid({"record": [refused.message]}) from None
    except Conflict:
        raise SyncInvalid({"id": [_("This id already belongs to another record.")]}) from None


def _reference(data: dict, key: str, kind: str, user=None) -> dict:
    """`data` with `key` turned from an earlier record's uuid into the id of its row.

    A numeric id (or nothing) is passed on as it is; a uuid that names no received record
    is left for the service to refuse as an unknown choice.
    """
    raw = data.get(key)
    if isinstance(raw, str) and "-" in raw:
        row = resolve(kind, raw, user)
        return {**data, key: row.id if row is not None else -1}
    return data


def attach_to(owner_field: str):
    """An `attach_photo` hook: the photo's stored bytes become a `Photo` of the row."""

    def attach(user, obj, sync_photo) -> None:
        if db.session.scalar(select(Photo.id).where(Photo.client_id == sync_photo.id)):
            return
        data = absolute_path(sync_photo.path).read_bytes()
        prepared = photo_store.adopt(data, client_id=sync_photo.id)
        db.session.add(photo_store.store(prepared, user, **{owner_field: obj.id}))
        db.session.flush()

    return attach


def sync_hazard(user, record) -> HandlerResult:
    data = _reference(record.data, "patrol_id", "patrol", user)
    hazard, _created = _call(
        report_hazard, user, data, (), client_id=record.id, captured_at=record.captured_at
    )
    return HandlerResult(url=url_for("safety.hazard", hazard_id=hazard.id), obj=hazard)


def _hazard(raw) -> Hazard | None:
    """A follow-up names its hazard by the hazard record's uuid (perhaps captured offline by
    someone else: whether this user may act on it is the service's question) or by its id."""
    if isinstance(raw, str) and "-" in raw:
        return resolve("hazard", raw)
    try:
        return db.session.get(Hazard, int(raw)) if not isinstance(raw, bool) else None
    except (TypeError, ValueError):
        return None


def sync_hazard_event(user, record) -> HandlerResult:
    data = record.data
    hazard = _hazard(data.get("hazard_id"))
    if hazard is None:
        raise SyncInvalid({"hazard_id": [_("No such hazard has been received.")]})
    event, _created = _call(
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


def sync_violation(user, record) -> HandlerResult:
    data = _reference(record.data, "patrol_id", "patrol", user)
    violation, _created = _call(
        report_violation, user, data, (), client_id=record.id, captured_at=record.captured_at
    )
    return HandlerResult(url=url_for("safety.violation", violation_id=violation.id), obj=violation)


register_kind("hazard", sync_hazard, attach_photo=attach_to("hazard_id"))
register_kind("hazard_event", sync_hazard_event, attach_photo=attach_to("hazard_event_id"))
register_kind("violation", sync_violation, attach_photo=attach_to("violation_id"))
