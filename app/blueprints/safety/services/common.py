"""Helpers shared by the safety services: errors, input parsing, the local calendar."""

import contextlib
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import storage
from app.errors import Conflict, Refused, ValidationFailed
from app.extensions import db
from app.guards import parse_id
from app.models.hazards import Hazard, Photo
from app.models.safety import Area, Patrol, PatrolAnswer
from app.services.inputs import MaxLength as MaxLength
from app.services.inputs import check_client_id as check_client_id
from app.services.inputs import choice as choice
from app.services.inputs import day_start as day_start
from app.services.inputs import local_date as local_date
from app.services.inputs import local_today as local_today
from app.services.inputs import local_zone, missing
from app.services.inputs import text as text
from app.services.photos import image_row

__all__ = ["ValidationFailed", "Refused", "Conflict", "MaxLength"]


def record_id(data, key: str, model, errors: dict, *, required=True, where=None):
    """The row of `model` whose id is in `data[key]`, or an error for the field."""
    raw = data.get(key)
    if missing(raw, key, errors, required=required, message=_l("Choose one.")):
        return None
    row_id = parse_id(raw)
    row = db.session.get(model, row_id) if row_id is not None else None
    if row is None or (where is not None and not where(row)):
        errors.setdefault(key, []).append(_("Choose one of the options given."))
        return None
    return row


def area_of(data, errors: dict) -> Area | None:
    """The area a record is made in (`area_id`): only an active one."""
    return record_id(data, "area_id", Area, errors, where=lambda a: a.active)


def belonging_to(owner, column, data, key: str, errors: dict):
    """The row whose id is in `data[key]` (optional) if its `column` (e.g. `Checkpoint.area_id`)
    holds `owner`'s id: a checkpoint of the chosen area, an answer of the chosen patrol. Without
    an owner (missing or wrong itself) no such row fits."""
    return record_id(
        data,
        key,
        column.class_,
        errors,
        required=False,
        where=lambda row: owner is not None and getattr(row, column.key) == owner.id,
    )


def reported_on(user, data, errors: dict) -> Patrol | None:
    """The patrol a hazard or violation was found on (`patrol_id`, optional): only one of the
    reporter's own patrols."""
    return belonging_to(user, Patrol.inspector_id, data, "patrol_id", errors)


# No record of this app is older: a time before it is a phone clock that was never set.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def moment(value, *, default=None) -> datetime:
    """A capture time from the phone, as aware UTC; naive means local time, missing now.

    A time that is no time, or before 2000, is refused (`ValidationFailed`): the phone keeps
    the record and shows why, rather than the server storing a patrol from 1901."""
    if value is None:
        return default or datetime.now(UTC)
    if isinstance(value, str) and len(value) <= 40:
        with contextlib.suppress(ValueError):
            value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise ValidationFailed({"captured_at": [_("This is not a valid time.")]})
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_zone())
    try:
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValidationFailed({"captured_at": [_("This is not a valid time.")]}) from None
    if value < EARLIEST:
        raise ValidationFailed(
            {"captured_at": [_("This time is before the year 2000: check the phone's clock.")]}
        )
    # A phone clock far in the future would put records in the wrong week; trust it no further
    # than a day ahead.
    now = datetime.now(UTC)
    return min(value, now + timedelta(days=1))


def store_photos(prepared, user, **owner) -> list[Photo]:
    """Store pictures checked by `app.storage.prepare_uploads`; a `Photo` of `owner` for each
    (not yet added to the session)."""
    return [photo_row(storage.save(p), user, **owner) for p in prepared]


def photo_row(stored: storage.StoredImage, user, client_id=None, **owner) -> Photo:
    """The `Photo` row of a stored picture, belonging to `owner` (e.g. `hazard_id=…`)."""
    return image_row(Photo, stored, user, client_id, **owner)


def shared_photo(photo: Photo, **owner) -> Photo:
    """Another `Photo` row of `photo`'s stored picture, belonging to `owner`: the picture is
    stored once and named twice (not copied, not encoded again). The sweep of unattached
    pictures keeps a picture while any row names it."""
    return Photo(
        sha256=photo.sha256,
        width=photo.width,
        height=photo.height,
        size=photo.size,
        uploaded_by_id=photo.uploaded_by_id,
        **owner,
    )


def answer_of(patrol: Patrol | None, data, errors: dict) -> PatrolAnswer | None:
    """The "no" answer a hazard was raised from: named by its id (`answer_id`, the hazard
    form), or by its item (`item_id`, a round captured offline, whose answers had no ids
    yet). Optional; it must be an answer of `patrol`."""
    answer = belonging_to(patrol, PatrolAnswer.patrol_id, data, "answer_id", errors)
    if answer is not None or data.get("answer_id") or not data.get("item_id"):
        return answer
    item_id = parse_id(data.get("item_id"))
    answer = next((a for a in patrol.answers if a.item_id == item_id), None) if patrol else None
    if answer is None:
        errors.setdefault("item_id", []).append(_("Choose one of the options given."))
    return answer


def not_met(item_text: str) -> str:
    """The title a hazard raised from a "no" to a checklist item starts with: the item says
    what should be (设备防护罩齐全、完好), and alone it reads as all being well."""
    return _("Not met: %(item)s", item=item_text)[: MaxLength.TITLE]


def as_raised_from(title: str, answer: PatrolAnswer | None) -> str:
    """The title a round's hazard is stored with. The round page offers `not_met()`; a copy
    of it kept on a phone from before, and records waiting in an outbox since, offer the
    item's own wording: left as offered, it too is stored as `not_met()`, and so is a title
    left blank (the inspector emptied the box the page had filled). A title the inspector
    wrote stays as written."""
    offered = ("", answer.item.text, answer.item.text[: MaxLength.TITLE]) if answer else ()
    if title not in offered:
        return title
    return not_met(answer.item.text)


def share_with_hazards(answer_id: int, photos: list[Photo]) -> None:
    """Photos an answer gets after hazards were raised from it (the outbox uploads a round's
    photos after its records; a patrol's page adds one to an answer) are theirs too."""
    if not photos:
        return
    hazard_ids = db.session.scalars(select(Hazard.id).where(Hazard.patrol_answer_id == answer_id))
    db.session.add_all(
        shared_photo(photo, hazard_id=hazard_id) for hazard_id in hazard_ids for photo in photos
    )
