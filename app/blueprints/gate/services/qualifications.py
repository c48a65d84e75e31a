"""Qualification types and the qualifications people hold.

`grant_qualification` is the one way a qualification comes into being: trainings and job
drills passed (activities), exams passed (library) and outside certificates all call it.
"""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.errors import ValidationFailed
from app.extensions import db
from app.models.gate import Qualification, QualificationSource, QualificationType
from app.services import audit
from app.services.inputs import local_today
from app.services.rows import saved_into

from .common import revoke

# `valid_until=BY_TYPE`: the type's validity period counted from `issued_on`.
BY_TYPE = object()
MAX_VALIDITY_MONTHS = 600
# Certificates are issued on a day someone alive could have been given one, and end before a
# date any column can hold after the validity period is added.
EARLIEST = date(1950, 1, 1)
LATEST = date(2199, 12, 31)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):  # 31 January + 1 month is 28/29 February
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def type_named(name: str, *, is_safety: bool = False, validity_months: int | None = None):
    """The qualification type of this name, made if there is none yet (a training that names
    a new qualification adds it to the list, where an officer can then look after it)."""
    name = name.strip()
    found = db.session.scalar(select(QualificationType).where(QualificationType.name == name))
    if found is None:
        found = QualificationType(
            name=name, is_safety=is_safety, validity_months=validity_months, active=True
        )
        db.session.add(found)
        db.session.flush()
    return found


def save_type(user, data: dict, qtype: QualificationType | None = None) -> QualificationType:
    """Create or change a type of the managed list: name, is_safety, validity_months, active."""
    name = (data.get("name") or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("Enter the qualification's name.")]
    elif len(name) > 80:
        errors["name"] = [_("Use at most 80 characters.")]
    else:
        clash = db.session.scalar(
            select(QualificationType.id).where(
                func.lower(QualificationType.name) == name.lower(),
                QualificationType.id != (qtype.id if qtype else -1),
            )
        )
        if clash:
            errors["name"] = [_("There is already a qualification of this name.")]
    months = data.get("validity_months")
    if months is not None and not 1 <= months <= MAX_VALIDITY_MONTHS:
        errors["validity_months"] = [
            _("Enter a number from 1 to %(max)d.", max=MAX_VALIDITY_MONTHS)
        ]
    if errors:
        raise ValidationFailed(errors)
    qtype, created = saved_into(QualificationType, qtype)
    qtype.name = name
    qtype.is_safety = bool(data.get("is_safety"))
    qtype.validity_months = months
    qtype.active = bool(data.get("active", True))
    db.session.flush()
    audit.record(
        "gate.type_created" if created else "gate.type_changed", qtype, actor=user, summary=name
    )
    return qtype


def grant_qualification(
    user,
    qtype: QualificationType,
    issued_on: date,
    valid_until=BY_TYPE,
    *,
    source: QualificationSource = QualificationSource.TRAINING,
    activity=None,
    source_ref: str | None = None,
    recorded_by=None,
    certificate_no: str | None = None,
    issuer: str | None = None,
    photo: str | None = None,
) -> Qualification:
    """Give `user` a qualification of `qtype`, issued on `issued_on` and valid until
    `valid_until` (None: for good; BY_TYPE: the type's validity period from the issue day).

    Granting again for the same activity (a training's results recorded again), or the same
    `source_ref` (e.g. "exam:12"), updates that qualification rather than adding a second one,
    and lifts a revocation. Flushes; the caller commits.
    """
    if valid_until is BY_TYPE:
        months = qtype.validity_months
        valid_until = add_months(issued_on, months) if months else None
    existing = None
    if activity is not None:
        existing = db.session.scalar(
            select(Qualification).where(
                Qualification.activity_id == activity.id, Qualification.user_id == user.id
            )
        )
    elif source_ref:
        existing = db.session.scalar(
            select(Qualification).where(
                Qualification.user_id == user.id,
                Qualification.type_id == qtype.id,
                Qualification.source_ref == source_ref,
            )
        )
    qualification = existing or Qualification(user_id=user.id)
    qualification.type = qtype
    qualification.source = QualificationSource(source)
    qualification.activity_id = activity.id if activity is not None else None
    qualification.source_ref = source_ref
    qualification.issued_on = issued_on
    qualification.valid_until = valid_until
    qualification.recorded_by_id = recorded_by.id if recorded_by is not None else None
    qualification.certificate_no = certificate_no
    qualification.issuer = issuer
    qualification.photo = photo
    qualification.revoked_at = qualification.revoked_by_id = qualification.revoke_reason = None
    qualification.reminded_for = None
    if existing is None:
        db.session.add(qualification)
    db.session.flush()
    return qualification


def check_certificate(data: dict) -> None:
    """The checks of `record_certificate`, writing nothing: `ValidationFailed` with everything
    that is wrong at once, each at its field (None where the form could not read a value)."""
    errors = {}
    if not isinstance(data.get("type"), QualificationType):
        errors["type"] = [_("Choose the qualification.")]
    if not (data.get("certificate_no") or "").strip():
        errors["certificate_no"] = [_("Enter the certificate's number.")]
    if not (data.get("issuer") or "").strip():
        errors["issuer"] = [_("Enter who issued the certificate.")]
    issued_on, valid_until = data.get("issued_on"), data.get("valid_until")
    if issued_on is None:
        errors["issued_on"] = [_("Enter the day it was issued.")]
    elif not EARLIEST <= issued_on <= local_today():
        errors["issued_on"] = [_("Enter a day between 1950 and today.")]
    if valid_until is not None and valid_until > LATEST:
        errors["valid_until"] = [_("Enter a day before 2200.")]
    if issued_on and valid_until and valid_until < issued_on and "valid_until" not in errors:
        errors["valid_until"] = [_("It cannot expire before it was issued.")]
    if errors:
        raise ValidationFailed(errors)


def record_certificate(officer, person, data: dict, photo: str | None = None) -> Qualification:
    """An officer records an outside certificate: type, number, issuer, issue and expiry day,
    optionally a photo of it (already stored through app.storage)."""
    check_certificate(data)
    qtype = data["type"]
    number, issuer = data["certificate_no"].strip(), data["issuer"].strip()
    issued_on, valid_until = data["issued_on"], data.get("valid_until")
    qualification = grant_qualification(
        person,
        qtype,
        issued_on,
        valid_until if valid_until else BY_TYPE,
        source=QualificationSource.CERTIFICATE,
        recorded_by=officer,
        certificate_no=number[:60],
        issuer=issuer[:120],
        photo=photo,
    )
    audit.record(
        "gate.certificate_recorded",
        qualification,
        actor=officer,
        summary=f"{person.employee_no} {qtype.name} {number}",
    )
    return qualification


def revoke_qualification(officer, qualification: Qualification, reason: str) -> None:
    """Take a qualification away, with the reason the worker and the checker see."""
    reason = revoke(
        qualification,
        officer,
        reason,
        say_why=_("Say why the qualification is revoked."),
        already=_("This qualification is already revoked."),
    )
    audit.record(
        "gate.qualification_revoked",
        qualification,
        actor=officer,
        summary=f"{qualification.user.employee_no} {qualification.name}: {reason}",
    )
