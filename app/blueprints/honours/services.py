"""Nominating and deciding honours. Flush, never commit; refusals are ValidationFailed/Refused.

- The **union** (organizers and the chairman) nominates anyone and decides every nomination
  but their own: the one who nominated someone does not judge that nomination.
- A **department head** (named per workshop on /proposals/settings) nominates people of their
  workshop and sees their own nominations.
- Everyone sees the honours awarded (the board) and their own on 我的.
"""

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app import storage
from app.blueprints.notify.services import notify
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.jobs import path_for
from app.models import Role, User, UserRole
from app.models._types import utcnow
from app.models.honours import Honour, HonourStatus, HonourTitle
from app.services.departments import headed_workshops, workshop_of
from app.services.inputs import local_today, plain_year

UNION = (Role.ORGANIZER, Role.ADMIN)
MAX_TEXT = 2000


def is_union(user) -> bool:
    return user.is_authenticated and user.has_role(*UNION)


def can_nominate(user) -> bool:
    return is_union(user) or bool(headed_workshops(user))


def decide_refusal(user, honour: Honour) -> Refused | None:
    """Why `user` may not decide `honour` (None: they may): only the union decides, and not
    a nomination of their own, which someone else of the union decides (when there is one)."""
    if not is_union(user):
        return Refused(_("Only the union decides honours."), 403)
    if honour.nominated_by_id == user.id and _someone_else_decides(user):
        return Refused(
            _("You nominated this person: someone else of the union decides the nomination."),
            403,
        )
    return None


def _theirs_to_decide(user):
    """The nominations `user` decides: not their own, unless no one else of the union can."""
    return or_(
        Honour.nominated_by_id.is_(None),
        Honour.nominated_by_id != user.id,
        ~_others_of_the_union(user).exists(),
    )


def _others_of_the_union(user):
    return (
        select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_(UNION), User.active.is_(True), User.id != user.id)
    )


def _someone_else_decides(user) -> bool:
    """Another active member of the union can decide (a union of one decides its own)."""
    return db.session.scalar(select(_others_of_the_union(user).exists()))


def can_see(user, honour: Honour) -> bool:
    return (
        honour.status is HonourStatus.AWARDED or is_union(user) or honour.nominated_by_id == user.id
    )


def honours_of(user) -> list[Honour]:
    """A person's honours, newest year first (for 我的)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return db.session.scalars(
        select(Honour)
        .where(Honour.person_id == user.id, Honour.status == HonourStatus.AWARDED)
        .order_by(Honour.year.desc(), Honour.title)
    ).all()


def union_cards(user) -> list[dict]:
    if not is_union(user):
        return []
    waiting = db.session.scalar(
        select(func.count()).where(Honour.status == HonourStatus.NOMINATED, _theirs_to_decide(user))
    )
    if not waiting:
        return []
    return [
        {
            "title": _("Nominations for honours"),
            "body": _("Decide them: award with a citation, or not."),
            "count": waiting,
            "url": url_for("honours.nominations"),
            "tone": "info",
        }
    ]


def nominate(user, data, photo=None, today: date | None = None) -> Honour:
    """Nominate a person for an honour of a year; `data`: employee_no, title, year, reason."""
    if not can_nominate(user):
        raise Refused(_("Only the union and department heads nominate for honours."), 403)
    today = today or local_today()
    errors: dict[str, list[str]] = {}
    number = (data.get("employee_no") or "").strip()
    person = User.by_employee_no(number) if number else None
    if not number:
        errors["employee_no"] = [_("Please give the employee number of the person.")]
    elif person is None or not person.active:
        errors["employee_no"] = [_("No member has the employee number “%(no)s”.", no=number)]
    try:
        title = HonourTitle(data.get("title") or "")
    except ValueError:
        title = None
        errors["title"] = [_("Please choose one of the honours given.")]
    year = plain_year(data.get("year")) or 0
    if not 2000 <= year <= today.year:
        errors["year"] = [_("Enter a year from 2000 to %(year)d.", year=today.year)]
    reason = (data.get("reason") or "").strip()
    if not reason:
        errors["reason"] = [_("Please say what the person did to deserve it.")]
    elif len(reason) > MAX_TEXT:
        errors["reason"] = [_("At most %(n)d characters.", n=MAX_TEXT)]
    if errors:
        raise ValidationFailed(errors)
    if not is_union(user) and workshop_of(person) not in headed_workshops(user):
        raise ValidationFailed.on(
            "employee_no", _("A department head nominates people of their own workshop.")
        )
    same = db.session.scalar(
        select(Honour.id).where(
            Honour.person_id == person.id,
            Honour.title == title,
            Honour.year == year,
            Honour.status != HonourStatus.DECLINED,
        )
    )
    if same:
        raise ValidationFailed.on(
            "employee_no",
            _("%(name)s is already nominated for this honour this year.", name=person.name),
        )
    stored = storage.save_upload(photo, "photo")
    honour = Honour(
        year=year,
        title=title,
        person=person,
        department_id=workshop_of(person),
        reason=reason,
        photo_sha256=stored.sha256 if stored else None,
        nominated_by_id=user.id,
    )
    db.session.add(honour)
    db.session.flush()
    return honour


def decide(user, honour: Honour, decision: str | None, citation: str | None, note: str | None):
    """Award (with the citation the board shows) or decline a nomination (not one's own:
    `decide_refusal`). The nominator is told, with the note to them; the person named is told
    of an award."""
    if refused := decide_refusal(user, honour):
        raise refused
    if honour.status is not HonourStatus.NOMINATED:
        raise Refused(_("This nomination has been decided already."), 409)
    citation, note = (citation or "").strip(), (note or "").strip()
    if decision not in ("award", "decline"):
        raise ValidationFailed.on("decision", _("Please choose one of the options given."))
    if decision == "award" and not citation:
        raise ValidationFailed.on("citation", _("An honour needs its citation."))
    if len(citation) > MAX_TEXT or len(note) > MAX_TEXT:
        raise ValidationFailed.on("citation", _("At most %(n)d characters.", n=MAX_TEXT))
    honour.status = HonourStatus.AWARDED if decision == "award" else HonourStatus.DECLINED
    honour.citation, honour.decision_note = citation, note
    honour.decided_by_id, honour.decided_at = user.id, utcnow()
    db.session.flush()
    if honour.nominated_by_id is not None:
        _tell_nominator(honour)
    if honour.status is HonourStatus.AWARDED:
        notify(
            [honour.person_id],
            "notices.honour",
            _l("You are named %(title)s %(year)d", title=honour.title.label, year=honour.year),
            citation[:200],
            path_for("honours.show", honour_id=honour.id),
        )
    return honour


def _tell_nominator(honour: Honour) -> None:
    """The nominator hears the decision, with the union's note to them (else the citation)."""
    name, title, year = honour.person.name, honour.title.label, honour.year
    if honour.status is HonourStatus.AWARDED:
        headline = _l(
            "%(name)s, whom you nominated, is named %(title)s %(year)d",
            name=name,
            title=title,
            year=year,
        )
    else:
        headline = _l(
            "%(name)s, whom you nominated, is not named %(title)s %(year)d this time",
            name=name,
            title=title,
            year=year,
        )
    notify(
        [honour.nominated_by_id],
        "notices.honour_decided",
        headline,
        (honour.decision_note or honour.citation)[:200],
        path_for("honours.show", honour_id=honour.id),
    )


def register(reg) -> None:
    reg.cards(union_cards, order=66)
