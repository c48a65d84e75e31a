"""Motions (提案) from draft to a rated answer.

draft → submitted (with COSIGNERS_NEEDED co-signers) → the committee: declined (with a
reason) · suggestion · assigned (lead department + co-departments, deadline) → answered by a
contact of the lead department (class A/B/C; C with the reason) → rated by the proposer:
closed, or (不满意, once) back to assigned. Every step is a `MotionEvent` and tells the people
who act next.
"""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.blueprints.congress.access import (
    contact_department_ids,
    contact_ids,
    delegate_of,
    is_manager,
    manager_ids,
)
from app.blueprints.congress.services.common import today
from app.blueprints.notify.services import notify, retarget
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.guards import clean_choice, clean_text
from app.jobs import path_for
from app.models import Department
from app.models._types import utcnow
from app.models.congress import (
    AnswerClass,
    CongressSession,
    Motion,
    MotionCosigner,
    MotionEvent,
    MotionState,
    Satisfaction,
)
from app.services import audit
from app.services.inputs import add_error

COSIGNERS_NEEDED = 2
DECISIONS = ("accept", "suggestion", "decline")
# A motion's words: the longest each may be, and what a blank one is told.
WORDS = {
    "title": (120, _l("Enter a title.")),
    "reasons": (5000, _l("Say why this is needed.")),
    "measures": (5000, _l("Say what you propose to do.")),
}


def _url(motion: Motion) -> str:
    return path_for("congress.motion_show", motion_id=motion.id)


def _move(motion: Motion, actor, to: MotionState, note: str = "") -> None:
    db.session.add(
        MotionEvent(
            motion_id=motion.id,
            actor_id=actor.id if actor else None,
            from_state=motion.state,
            to_state=to,
            note=note,
        )
    )
    motion.state = to


def _expect(motion: Motion, *states: MotionState) -> None:
    if motion.state not in states:
        raise Refused(
            _("This motion is %(state)s; that step is not open now.", state=motion.state.label)
        )


def _texts(data: dict) -> dict:
    """A motion's words, every blank or wrong one told at once, each at its field."""
    errors: dict = {}
    texts = {
        key: clean_text(data.get(key), key, limit=limit, required=blank, errors=errors)
        for key, (limit, blank) in WORDS.items()
    }
    if errors:
        raise ValidationFailed(errors)
    return texts


def draft(user, session: CongressSession, data: dict) -> Motion:
    """A delegate of `session` starts a motion."""
    if delegate_of(user, session) is None:
        raise Refused(_("Only delegates of this session can propose motions."), 403)
    motion = Motion(session=session, proposer_id=user.id, **_texts(data))
    db.session.add(motion)
    db.session.flush()
    _move(motion, user, MotionState.DRAFT)
    return motion


def edit(user, motion: Motion, data: dict) -> int:
    """The proposer changes a draft. The co-signers signed the words they read, so a change of
    the words withdraws their co-signatures and tells each of them to read it again. Returns
    how many co-signatures were withdrawn."""
    if motion.proposer_id != user.id:
        raise Refused(_("Only the proposer can change a motion."), 403)
    _expect(motion, MotionState.DRAFT)
    texts = _texts(data)
    changed = any(getattr(motion, key) != value for key, value in texts.items())
    for key, value in texts.items():
        setattr(motion, key, value)
    signers = [c.user_id for c in motion.cosigners] if changed else []
    if signers:
        motion.cosigners.clear()
        notify(
            signers,
            "notices.motion_changed",
            _l("A motion you co-signed was changed: %(title)s", title=motion.title),
            _l("Your co-signature is withdrawn. Read it again, and co-sign it if you support it."),
            _url(motion),
        )
    return len(signers)


def cosign(user, motion: Motion) -> MotionCosigner:
    if delegate_of(user, motion.session) is None:
        raise Refused(_("Only delegates of this session can co-sign motions."), 403)
    if motion.proposer_id == user.id:
        raise Refused(_("You proposed this motion; ask other delegates to co-sign it."))
    _expect(motion, MotionState.DRAFT)
    if db.session.get(MotionCosigner, (motion.id, user.id)):
        raise Refused(_("You have already co-signed this motion."))
    signature = MotionCosigner(motion_id=motion.id, user_id=user.id)
    db.session.add(signature)
    db.session.flush()
    _tell_proposer(
        motion, "notices.motion_cosigned", _l("%(name)s co-signed your motion", name=user.name)
    )
    return signature


def _tell_proposer(motion: Motion, kind: str, title) -> None:
    """An inbox notice to the motion's proposer about a co-signature."""
    notify([motion.proposer_id], kind, title, motion.title, _url(motion))


def withdraw_cosign(user, motion: Motion) -> None:
    """A co-signer takes back their co-signature while the motion is a draft."""
    signature = db.session.get(MotionCosigner, (motion.id, user.id))
    if signature is None:
        raise Refused(_("Only a co-signer of this motion can withdraw a co-signature."), 403)
    _expect(motion, MotionState.DRAFT)
    motion.cosigners.remove(signature)
    db.session.flush()
    _tell_proposer(
        motion,
        "notices.motion_cosign_withdrawn",
        _l("%(name)s withdrew their co-signature", name=user.name),
    )


def delete_draft(user, motion: Motion) -> None:
    """The proposer deletes a draft; its co-signers are told it is gone, and earlier notices
    about it no longer lead to it."""
    if motion.proposer_id != user.id:
        raise Refused(_("Only the proposer can delete a draft."), 403)
    _expect(motion, MotionState.DRAFT)
    signers = [c.user_id for c in motion.cosigners]
    audit.record("congress.motion_deleted", motion, actor=user, summary=motion.title)
    if signers:
        notify(
            signers,
            "notices.motion_deleted",
            _l("A motion you co-signed was deleted: %(title)s", title=motion.title),
            _l("The proposer deleted the draft."),
        )
    # The earlier notices about the draft (co-signed, changed) lead to the motions instead.
    retarget(_url(motion), path_for("congress.motions"))
    db.session.delete(motion)
    db.session.flush()


def submit(user, motion: Motion) -> Motion:
    if motion.proposer_id != user.id:
        raise Refused(_("Only the proposer can submit a motion."), 403)
    _expect(motion, MotionState.DRAFT)
    have = len(motion.cosigners)
    if have < COSIGNERS_NEEDED:
        raise Refused(
            _(
                "A motion needs %(need)d co-signing delegates before it is submitted; "
                "it has %(have)d.",
                need=COSIGNERS_NEEDED,
                have=have,
            )
        )
    _move(motion, user, MotionState.SUBMITTED)
    motion.submitted_at = utcnow()
    notify(
        manager_ids(),
        "notices.motion_submitted",
        _l("New motion to review: %(title)s", title=motion.title),
        _l("Proposed by %(name)s.", name=motion.proposer.name),
        _url(motion),
    )
    return motion


def check_review(
    decision: str | None,
    note: str | None = "",
    lead_department: Department | None = None,
    deadline: date | None = None,
) -> str:
    """The checks of `review`, writing nothing: `ValidationFailed` with every mistake at once,
    each at its field (None where the form could not read a value); else the note."""
    errors: dict = {}  # every mistake at once, each at its field
    note = clean_text(note, "note", limit=2000, errors=errors)
    if decision not in DECISIONS:
        add_error(errors, "decision", _("Choose a decision."))
    elif decision == "decline" and not note and "note" not in errors:
        add_error(errors, "note", _("Say why the motion is not accepted."))
    elif decision == "accept":
        if lead_department is None:
            add_error(errors, "lead_department", _("Choose the lead department."))
        if deadline is None or deadline < today():
            add_error(errors, "deadline", _("Set a deadline that is not in the past."))
    if errors:
        raise ValidationFailed(errors)
    return note


def review(
    user,
    motion: Motion,
    decision: str,
    note: str = "",
    lead_department: Department | None = None,
    co_departments: list[Department] = (),
    deadline: date | None = None,
) -> Motion:
    """The committee's decision on a submitted motion."""
    if not is_manager(user):
        raise Refused(_("Only the motions committee can review motions."), 403)
    _expect(motion, MotionState.SUBMITTED)
    note = check_review(decision, note, lead_department, deadline)
    if decision == "decline":
        _move(motion, user, MotionState.DECLINED, note)
        motion.decision_note = note
        title = _l("Your motion was not accepted: %(title)s", title=motion.title)
    elif decision == "suggestion":
        _move(motion, user, MotionState.SUGGESTION, note)
        motion.decision_note = note
        title = _l("Your motion was turned into a suggestion: %(title)s", title=motion.title)
    else:
        motion.lead_department = lead_department
        motion.co_departments = [d for d in co_departments if d.id != lead_department.id]
        motion.deadline = deadline
        motion.decision_note = note
        _move(motion, user, MotionState.ASSIGNED, note)
        title = _l("Your motion was accepted: %(title)s", title=motion.title)
        departments = [lead_department.id] + [d.id for d in motion.co_departments]
        notify(
            contact_ids(motion.session_id, departments),
            "notices.motion_assigned",
            _l("A motion for your department: %(title)s", title=motion.title),
            _l("Answer by %(day)s.", day=deadline.isoformat()),
            _url(motion),
        )
    notify([motion.proposer_id], "notices.motion_reviewed", title, note, _url(motion))
    return motion


def can_answer(user, motion: Motion) -> bool:
    return (
        motion.lead_department_id is not None
        and motion.lead_department_id in contact_department_ids(user, motion.session_id)
    )


def check_answer(answer_class: str | None, text: str | None, reason: str | None = "") -> tuple:
    """The checks of `answer`, writing nothing: `ValidationFailed` with every mistake at once,
    each at its field (None where the form could not read a value); else the class, the answer
    and the reason."""
    errors: dict = {}  # every mistake at once, each at its field
    klass = clean_choice(
        AnswerClass, answer_class, "answer_class", message=_("Choose A, B or C."), errors=errors
    )
    text = clean_text(text, "answer", limit=5000, required=_("Write the answer."), errors=errors)
    reason = clean_text(reason, "reason", limit=2000, errors=errors)
    if klass is AnswerClass.C and not reason and "reason" not in errors:
        add_error(errors, "reason", _("Class C needs the reason why it cannot be solved for now."))
    if errors:
        raise ValidationFailed(errors)
    return klass, text, reason


def answer(user, motion: Motion, answer_class: str, text: str, reason: str = "") -> Motion:
    """A contact of the lead department answers with the implementation class."""
    if not can_answer(user, motion):
        raise Refused(_("Only the lead department's contacts can answer this motion."), 403)
    _expect(motion, MotionState.ASSIGNED)
    klass, text, reason = check_answer(answer_class, text, reason)
    motion.answer_class, motion.answer = klass, text
    motion.answer_reason = reason if klass is AnswerClass.C else ""
    motion.answered_at = utcnow()
    _move(motion, user, MotionState.ANSWERED, text)
    notify(
        [motion.proposer_id],
        "notices.motion_answered",
        _l("Your motion was answered: %(title)s", title=motion.title),
        _l("Please rate the answer."),
        _url(motion),
    )
    return motion


def rate(user, motion: Motion, rating: str, note: str = "") -> Motion:
    """The proposer rates the answer; the first 不满意 sends it back to the department."""
    if motion.proposer_id != user.id:
        raise Refused(_("Only the proposer can rate the answer."), 403)
    _expect(motion, MotionState.ANSWERED)
    errors: dict = {}  # every mistake at once, each at its field
    satisfaction = clean_choice(
        Satisfaction, rating, "rating", message=_("Choose how satisfied you are."), errors=errors
    )
    note = clean_text(note, "note", limit=2000, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    motion.rating, motion.rating_note = satisfaction, note
    departments = [motion.lead_department_id] if motion.lead_department_id else []
    if satisfaction is Satisfaction.UNSATISFIED and not motion.sent_back:
        motion.sent_back = True
        _move(motion, user, MotionState.ASSIGNED, note)
        notify(
            set(contact_ids(motion.session_id, departments)) | set(manager_ids()),
            "notices.motion_sent_back",
            _l("The proposer is not satisfied: %(title)s", title=motion.title),
            note or _l("Please answer the motion again."),
            _url(motion),
        )
    else:
        _move(motion, user, MotionState.CLOSED, note)
        notify(
            contact_ids(motion.session_id, departments),
            "notices.motion_rated",
            _l("Your answer was rated: %(rating)s", rating=satisfaction.label),
            motion.title,
            _url(motion),
        )
    return motion


def alert_overdue(on: date | None = None) -> int:
    """Assigned motions past their deadline: tell the department's contacts and the committee,
    once a day at most."""
    on = on or today()
    overdue = db.session.scalars(
        select(Motion).where(
            Motion.state == MotionState.ASSIGNED,
            Motion.deadline < on,
            (Motion.overdue_alerted_on.is_(None)) | (Motion.overdue_alerted_on < on),
        )
    ).all()
    managers = manager_ids() if overdue else []
    for motion in overdue:
        notify(
            set(contact_ids(motion.session_id, [motion.lead_department_id])) | set(managers),
            "notices.motion_overdue",
            _l("Motion overdue: %(title)s", title=motion.title),
            _l("The answer was due on %(day)s.", day=motion.deadline.isoformat()),
            _url(motion),
        )
        motion.overdue_alerted_on = on
    return len(overdue)
