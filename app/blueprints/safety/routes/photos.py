"""Photos, served only to people who may see the record they belong to."""

from flask import abort
from flask_login import current_user

from app.extensions import db
from app.models.hazards import Hazard, HazardEvent, Photo, Violation
from app.models.safety import Patrol, PatrolAnswer
from app.storage import photo_routes

from .. import bp, permissions


def may_see_photo(user, photo: Photo) -> bool:
    if photo.hazard_id or photo.hazard_event_id:
        hazard_id = photo.hazard_id or db.session.get(HazardEvent, photo.hazard_event_id).hazard_id
        return permissions.can_see_hazard(user, db.session.get(Hazard, hazard_id))
    if photo.violation_id:
        return permissions.is_network(user) or (
            db.session.get(Violation, photo.violation_id).reporter_id == user.id
        )
    if photo.patrol_answer_id:
        answer = db.session.get(PatrolAnswer, photo.patrol_answer_id)
        patrol = db.session.get(Patrol, answer.patrol_id)
        return permissions.is_network(user) or patrol.inspector_id == user.id
    return False


def _photo(photo_id: int) -> str:
    photo = db.session.get(Photo, photo_id)
    if photo is None or not may_see_photo(current_user, photo):
        abort(404)
    return photo.sha256


photo_routes(bp, "/photos/<int:photo_id>", _photo)
