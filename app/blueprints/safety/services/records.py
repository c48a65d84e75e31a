"""Violations (违章). Safety suggestions are proposals now (app/blueprints/proposals)."""

from datetime import UTC, datetime

from flask_babel import gettext as _

from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.models.hazards import Violation, ViolationStatus
from app.services import audit
from app.services.rows import sent_before
from app.storage import prepare_uploads

from .. import permissions
from .common import MaxLength, area_of, moment, reported_on, store_photos, text


def report_violation(user, data, photos=(), client_id=None, captured_at=None):
    """Record a violation seen by an inspector. Returns (violation, created)."""
    if not permissions.can_patrol(user):
        raise Refused(_("Only inspectors and safety officers record violations."), status=403)
    client_id, found = sent_before(Violation, client_id, "reporter_id", user)
    if found:
        return found, False
    errors: dict[str, list[str]] = {}
    area = area_of(data, errors)
    rule = text(data, "rule", errors, required=True, max_len=MaxLength.RULE)
    description = text(data, "description", errors, max_len=MaxLength.TEXT)
    person = text(data, "person", errors, max_len=MaxLength.NAME) or None
    patrol = reported_on(user, data, errors)
    if errors:
        raise ValidationFailed(errors)
    prepared = prepare_uploads(photos)
    violation = Violation(
        client_id=client_id,
        area_id=area.id,
        rule=rule,
        description=description,
        person=person,
        reporter_id=user.id,
        patrol_id=patrol.id if patrol else None,
        captured_at=moment(captured_at),
    )
    db.session.add(violation)
    db.session.flush()
    db.session.add_all(store_photos(prepared, user, violation_id=violation.id))
    audit.record("violation.reported", violation, actor=user, summary=rule)
    db.session.flush()
    return violation, True


def follow_up_violation(user, violation: Violation, data) -> Violation:
    """A safety officer writes what was done about it (talk, training, penalty)."""
    if not permissions.is_officer(user):
        raise Refused(_("Only a safety officer can do this."), status=403)
    if violation.status is ViolationStatus.FOLLOWED_UP:
        raise Refused(_("This violation has already been followed up."))
    errors: dict[str, list[str]] = {}
    follow_up = text(data, "follow_up", errors, required=True, max_len=MaxLength.NOTE)
    if errors:
        raise ValidationFailed(errors)
    violation.follow_up = follow_up
    violation.followed_up_by_id = user.id
    violation.followed_up_at = datetime.now(UTC)
    violation.status = ViolationStatus.FOLLOWED_UP
    audit.record("violation.followed_up", violation, actor=user, summary=violation.rule)
    db.session.flush()
    return violation
