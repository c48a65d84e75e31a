"""Appeals: raise (named or anonymous), the officer's steps, the member's rating, the receipt
code and its guess limit. Flush, never commit; refusals are `ValidationFailed`/`Refused`.

Anonymity: `raise_appeal(anonymous=True)` writes the appeal row (random key, no author, the
date only, the receipt code's hash) and its photos — nothing else: no event, no audit row, no
notification, no log line, nothing in the session. The receipt code is returned once, for the
page that shows it, and never kept.
"""

import hashlib
import os
import secrets
from datetime import timedelta

from flask import current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app import storage
from app.blueprints.notify.services import notify
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.guards import parse_id
from app.jobs import path_for
from app.models import Department, LoginThrottle
from app.models._types import utcnow
from app.models.appeals import (
    Appeal,
    AppealAction,
    AppealCategory,
    AppealEvent,
    AppealPhoto,
    AppealRating,
    AppealStatus,
)
from app.services.inputs import (
    local_today,  # noqa: F401  (the feature's today: cards, jobs, demo)
    typed_code,
)

from . import access, ratings

# 32 letters and digits a person cannot mix up (no 0/O, 1/I); 12 of them: 60 random bits.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 12
MAX_TITLE = 120
MAX_TEXT = 5000
# Wrong receipt codes tolerated per hour: from one account, and from one address.
GUESS_WINDOW = timedelta(hours=1)
MAX_GUESSES_ACCOUNT = 10
MAX_GUESSES_ADDRESS = 30

OPEN = (AppealStatus.ACKNOWLEDGED, AppealStatus.INVESTIGATING, AppealStatus.WITH_MANAGEMENT)
# action -> the statuses it may start from, and the status it leads to (None: unchanged), in
# the order the officer is offered them: the step that moves the appeal on first. A closed
# appeal is followed up only when its member was not satisfied (`can_take`).
STEPS = {
    AppealAction.ACKNOWLEDGE: ((AppealStatus.RAISED,), AppealStatus.ACKNOWLEDGED),
    AppealAction.INVESTIGATE: ((AppealStatus.ACKNOWLEDGED,), AppealStatus.INVESTIGATING),
    AppealAction.REOPEN: ((AppealStatus.CLOSED,), AppealStatus.INVESTIGATING),
    AppealAction.ANSWER: (OPEN, AppealStatus.ANSWERED),
    AppealAction.ESCALATE: (
        (AppealStatus.ACKNOWLEDGED, AppealStatus.INVESTIGATING),
        AppealStatus.WITH_MANAGEMENT,
    ),
    AppealAction.NOTE: ((*OPEN, AppealStatus.CLOSED), None),
}
NOTE_REQUIRED = {
    AppealAction.ESCALATE,
    AppealAction.NOTE,
    AppealAction.ANSWER,
    AppealAction.REOPEN,
}


def can_take(appeal: Appeal, action: AppealAction) -> bool:
    """Whether the officer can take `action` on the appeal as it stands."""
    starts, _leads_to = STEPS[action]
    if appeal.status is AppealStatus.CLOSED and appeal.rating is not AppealRating.UNSATISFIED:
        return False
    return appeal.status in starts


def next_steps(appeal: Appeal) -> list[AppealAction]:
    """The steps the officer can take now, the likely next one first."""
    return [action for action in STEPS if can_take(appeal, action)]


def waiting_for_officer():
    """The condition of an appeal that waits for the officer's next step."""
    return or_(
        Appeal.status.in_((AppealStatus.RAISED, *OPEN)),
        Appeal.awaits_follow_up,
    )


def handler_ids(appeal: Appeal) -> list[int]:
    """The officers who took the appeal's steps (all the officers when none of them still
    handles appeals)."""
    officers = access.officer_ids()
    handlers = {e.actor_id for e in appeal.events if e.actor_id in officers}
    return sorted(handlers) or officers


def acknowledge_days() -> int:
    """The rights officer's target to acknowledge an appeal, in days: APPEALS_ACKNOWLEDGE_DAYS
    (config or environment), else 2 (a value outside 1–30 is ignored)."""
    raw = current_app.config.get("APPEALS_ACKNOWLEDGE_DAYS") or os.environ.get(
        "APPEALS_ACKNOWLEDGE_DAYS"
    )
    try:
        days = int(raw)
    except (TypeError, ValueError):
        return 2
    return days if 1 <= days <= 30 else 2


# --- receipt codes -----------------------------------------------------------------------


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(text: str | None) -> str | None:
    """The code as typed (any case, spaces or dashes, a Chinese keyboard's full width: see
    `typed_code`) in its canonical form, or None when it cannot be a receipt code. A typed 0,
    1, I or O is not read as a letter of the code: none of them is in one, and which letter
    a person took for it (D or Q? L or 7?) cannot be told."""
    raw = typed_code(text).replace("-", "")
    if len(raw) != CODE_LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def code_problem(text: str | None) -> str:
    """Why `text` is no receipt code (`normalise_code` gave None), in the person's words."""
    if stray := sorted(set(typed_code(text).replace("-", "")) - set(ALPHABET)):
        return _(
            "A receipt code has no %(chars)s: it has the digits 2 to 9 and the letters other "
            "than I and O.",
            chars=" ".join(stray),
        )
    return _("A receipt code has 12 letters and digits, like 7KQM-4TXP-9WZR.")


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


# --- raising -------------------------------------------------------------------------------


# The appeal's texts: (most characters, said when empty, said when too long). Each message
# is a whole sentence of its own: one built from a label began "the subject may be …" in English.
TEXTS = {
    "title": (
        MAX_TITLE,
        _l("Please fill in the subject."),
        _l("The subject may be at most %(n)d characters.", n=MAX_TITLE),
    ),
    "details": (
        MAX_TEXT,
        _l("Please fill in the details."),
        _l("The details may be at most %(n)d characters.", n=MAX_TEXT),
    ),
}


def _text(data, name, errors) -> str:
    """The text of field `name`; empty or too long is said at the field (TEXTS)."""
    most, missing, too_long = TEXTS[name]
    value = (data.get(name) or "").strip()
    if not value:
        errors[name] = [str(missing)]
    elif len(value) > most:
        errors[name] = [str(too_long)]
    return value


def _category(value, errors) -> AppealCategory | None:
    try:
        return AppealCategory(value or "")
    except ValueError:
        errors["category"] = [_("Please choose one of the categories given.")]
        return None


def _workshop(value, errors) -> Department | None:
    if value in (None, ""):
        return None
    dept_id = parse_id(value)
    dept = db.session.get(Department, dept_id) if dept_id else None
    if dept is None or dept.parent_id is not None:
        errors["department_id"] = [_("Please choose one of the workshops given.")]
        return None
    return dept


def _workshop_of(user) -> Department | None:
    dept = user.department
    return dept.parent if dept is not None and dept.parent is not None else dept


def raise_appeal(user, data, uploads=()) -> tuple[Appeal, str | None]:
    """Raise an appeal; returns it and, for an anonymous one, its receipt code (shown once).

    `data`: category, title, details, anonymous ("y"/"1"/"on"), department_id (anonymous
    only: the workshop the problem is in, optional). Photos go through `app.storage` (those
    kept when the form was refused before among them).
    """
    errors: dict[str, list[str]] = {}
    category = _category(data.get("category"), errors)
    title, details = (_text(data, name, errors) for name in TEXTS)
    anonymous = str(data.get("anonymous") or "").lower() in ("y", "1", "on", "true", "yes")
    department = _workshop(data.get("department_id"), errors) if anonymous else _workshop_of(user)
    if errors:
        raise ValidationFailed(errors)
    prepared = storage.prepare_uploads(uploads)  # every photo checked before anything is written
    today = local_today()
    appeal = Appeal(
        category=category,
        title=title,
        details=details,
        anonymous=anonymous,
        department=department,
        status=AppealStatus.RAISED,
        raised_on=today,
        acknowledge_by=today + timedelta(days=acknowledge_days()),
    )
    code = None
    if anonymous:
        code = new_code()
        appeal.receipt_hash = code_hash(code)
    else:
        appeal.author_id = user.id
        appeal.raised_at = utcnow()
    digests = [storage.save(picture).sha256 for picture in prepared]
    for position, sha256 in enumerate(digests):
        if all(p.sha256 != sha256 for p in appeal.photos):
            appeal.photos.append(AppealPhoto(sha256=sha256, position=position))
    db.session.add(appeal)
    db.session.flush()
    if not anonymous:
        # Only named appeals are announced: a message at the moment an anonymous appeal came
        # would give its time; the officers find those in their queue and on the home card.
        notify(
            access.officer_ids(),
            "care_rights.appeal_raised",
            _l("A member's appeal: %(title)s", title=title),
            _l("Acknowledge it by %(day)s.", day=appeal.acknowledge_by.isoformat()),
            path_for("appeals.show", key=appeal.key),
        )
    return appeal, code


# --- the officer's steps -------------------------------------------------------------------


def take_step(officer, appeal: Appeal, action_value, note: str | None) -> AppealEvent:
    """One step of the rights officer; the member sees it (and is told, if named)."""
    if not access.is_officer(officer):
        raise Refused(_("Only the union's rights officer handles appeals."), 403)
    try:
        action = AppealAction(action_value or "")
    except ValueError:
        raise ValidationFailed.on("action", _("Please choose one of the steps given.")) from None
    note = (note or "").strip()
    if action in NOTE_REQUIRED and not note:
        raise ValidationFailed.on("note", _("Please write what the member should read."))
    if len(note) > MAX_TEXT:
        raise ValidationFailed.on(
            "note", _("The note may be at most %(n)d characters.", n=MAX_TEXT)
        )
    if not can_take(appeal, action):
        raise Refused(
            _(
                "This step cannot be taken now: the appeal is “%(status)s”.",
                status=appeal.status.label,
            ),
            409,
        )
    now = utcnow()
    if action is AppealAction.ANSWER and appeal.rating is not None:
        ratings.keep_earlier(appeal)
    event = AppealEvent(appeal_key=appeal.key, actor_id=officer.id, action=action, note=note)
    db.session.add(event)
    leads_to = STEPS[action][1]
    if leads_to is not None:
        appeal.status = leads_to
    if action is AppealAction.ACKNOWLEDGE:
        appeal.acknowledged_at = now
    if action is AppealAction.ANSWER:
        # A reopened appeal's new answer is rated afresh (the earlier answer stays a step,
        # its rating an `EarlierRating`).
        appeal.answer, appeal.answered_at = note, now
        appeal.rating, appeal.rating_note, appeal.rated_at = None, "", None
    db.session.flush()
    if appeal.author_id is not None:
        notify(
            [appeal.author_id],
            "care_rights.appeal_step",
            _l("Your appeal “%(title)s”: %(step)s", title=appeal.title, step=action.label),
            note[:200],
            path_for("appeals.show", key=appeal.key),
        )
    return event


def rate(appeal: Appeal, rating_value, note: str | None) -> Appeal:
    """The member rates the answer (named: its author; anonymous: whoever holds the code).
    Kept on the appeal, with its time only for a named one (an anonymous appeal's rating
    writes nothing else either); the appeal is closed. Not satisfied: the officers who
    handled a named appeal are told, and any officer can reopen it (`STEPS`)."""
    if appeal.status is not AppealStatus.ANSWERED:
        raise Refused(_("An appeal can be rated once, after the union has answered it."), 409)
    try:
        rating = AppealRating(rating_value or "")
    except ValueError:
        raise ValidationFailed.on("rating", _("Please choose one of the ratings given.")) from None
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        raise ValidationFailed.on(
            "rating_note", _("The comment may be at most %(n)d characters.", n=MAX_TEXT)
        )
    appeal.rating, appeal.rating_note = rating, note
    appeal.rated_at = None if appeal.anonymous else utcnow()
    appeal.status = AppealStatus.CLOSED
    db.session.flush()
    # An anonymous appeal's officers find it on their card and in their queue instead: a
    # message would keep the moment its author rated it.
    if rating is AppealRating.UNSATISFIED and not appeal.anonymous:
        notify(
            handler_ids(appeal),
            "care_rights.appeal_unsatisfied",
            _l("The member is not satisfied with the answer: %(title)s", title=appeal.title),
            note[:200] or _l("Reopen the appeal to follow it up."),
            path_for("appeals.show", key=appeal.key),
        )
    return appeal


# --- following by receipt code ------------------------------------------------------------


def _guess_keys(user) -> list[tuple[str, int]]:
    address = (request.remote_addr or "unknown")[:64]
    return [
        (f"appeal-code:account:{user.id}", MAX_GUESSES_ACCOUNT),
        (f"appeal-code:address:{address}", MAX_GUESSES_ADDRESS),
    ]


def check_guesses(user) -> None:
    """Refuse (429) while this account or address has guessed wrong too often this hour."""
    since = utcnow() - GUESS_WINDOW
    for key, most in _guess_keys(user):
        row = db.session.get(LoginThrottle, key)
        if row is not None and row.last_at >= since and row.failures >= most:
            raise Refused(
                _("Too many wrong receipt codes. Please check the code and try again in an hour."),
                429,
            )


def count_wrong_guess(user) -> None:
    """Count a wrong code (the only write of a failed follow-up: no code, no appeal)."""
    now = utcnow()
    since = now - GUESS_WINDOW
    for key, _most in _guess_keys(user):
        row = db.session.get(LoginThrottle, key)
        if row is None:
            db.session.add(LoginThrottle(key=key, failures=1, next_at=now, last_at=now))
        else:
            row.failures = 1 if row.last_at < since else row.failures + 1
            row.last_at = row.next_at = now
    db.session.flush()


def find_by_code(user, text: str | None) -> Appeal:
    """The anonymous appeal of a receipt code. Raises ValidationFailed for a code that is not
    one, Refused(429) past the guess limit, Refused(404) for an unknown one (counted)."""
    check_guesses(user)
    code = normalise_code(text)
    if code is None:
        raise ValidationFailed.on("code", code_problem(text))
    appeal = db.session.scalar(select(Appeal).where(Appeal.receipt_hash == code_hash(code)))
    if appeal is None:
        raise Refused(_("No appeal has this receipt code. Please check it and try again."), 404)
    return appeal
