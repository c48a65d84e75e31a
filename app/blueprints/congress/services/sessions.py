"""Sessions of the congress, their delegates, department contacts, documents and the
plenary meeting (an activity whose check-in records the delegates' attendance)."""

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import storage
from app.blueprints.congress.access import is_manager, manager_ids
from app.blueprints.congress.services.common import today
from app.blueprints.congress.services.evaluations import fix_electorates
from app.blueprints.notify.services import notify
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.guards import clean_text
from app.jobs import path_for
from app.models import Department, User
from app.models._types import utcnow
from app.models.activities import Activity, ActivityKind, Participation, ParticipationStatus
from app.models.congress import CongressDocument, CongressSession, Delegate, DepartmentContact
from app.services import audit
from app.services.inputs import MaxLength, add_error, text

# The 换届 reminder goes out this many days before the term ends, and again every
# REMIND_EVERY days until it has ended.
REMIND_BEFORE = timedelta(days=60)
REMIND_EVERY = timedelta(days=14)


def _require_manager(user) -> None:
    if not is_manager(user):
        raise Refused(_("Only union organizers and the chairman can do this."), 403)


def check_session(data: dict, session: CongressSession | None = None) -> dict:
    """The checks of `save_session`, writing nothing: `ValidationFailed` with every mistake at
    once, each at its field (None where the form could not read a value); else the texts as
    they are saved (title, place, agenda)."""
    errors: dict = {}  # every mistake at once, each at its field
    texts = {
        "title": text(
            data, "title", errors, required=_l("Enter a title."), max_len=MaxLength.TITLE
        ),
        "place": text(data, "place", errors, max_len=120),
        "agenda": text(data, "agenda", errors, max_len=10000),
    }
    starts_on, ends_on, term_ends_on = data["starts_on"], data["ends_on"], data["term_ends_on"]
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        add_error(errors, "ends_on", _("The session cannot end before it starts."))
    if ends_on is not None and term_ends_on is not None and term_ends_on <= ends_on:
        add_error(errors, "term_ends_on", _("The delegates' term must end after the session."))
    if data["term_no"] is not None and data["session_no"] is not None:
        clash = db.session.scalar(
            select(CongressSession.id).where(
                CongressSession.term_no == data["term_no"],
                CongressSession.session_no == data["session_no"],
            )
        )
        if clash and (session is None or clash != session.id):
            add_error(errors, "session_no", _("This term already has a session so numbered."))
    if errors:
        raise ValidationFailed(errors)
    return texts


def save_session(user, data: dict, session: CongressSession | None = None) -> CongressSession:
    """Create or change a session. `data`: term_no, session_no, title, starts_on, ends_on,
    place, agenda, term_ends_on."""
    _require_manager(user)
    texts = check_session(data, session)
    if session is None:
        session = CongressSession()
        db.session.add(session)
    session.term_no, session.session_no = data["term_no"], data["session_no"]
    session.title, session.place, session.agenda = texts["title"], texts["place"], texts["agenda"]
    session.starts_on, session.ends_on = data["starts_on"], data["ends_on"]
    if session.term_ends_on != data["term_ends_on"]:
        session.term_reminder_sent_on = None
    session.term_ends_on = data["term_ends_on"]
    db.session.flush()
    audit.record("congress.session_saved", session, actor=user, summary=session.title)
    return session


def _member(employee_no, errors: dict) -> User | None:
    """The active member whose employee number `employee_no` is; None, with what is wrong
    added to `errors` at `employee_no`, when there is none."""
    number = clean_text(employee_no, "employee_no", limit=32, errors=errors)
    if "employee_no" in errors:
        return None
    person = User.by_employee_no(number)
    if person is None or not person.active:
        add_error(errors, "employee_no", _("No active member has this employee number."))
        return None
    return person


def check_delegate(
    session: CongressSession, employee_no: str | None, term_starts_on, term_ends_on
) -> User:
    """The checks of `add_delegate`, writing nothing: `ValidationFailed` with every mistake at
    once, each at its field (None where the form could not read a value); else the member."""
    errors: dict = {}  # every mistake at once, each at its field
    person = _member(employee_no, errors)
    if term_starts_on is not None and term_ends_on is not None and term_ends_on <= term_starts_on:
        add_error(errors, "term_ends_on", _("The term must end after it starts."))
    if person and db.session.scalar(
        select(Delegate.id).where(Delegate.session_id == session.id, Delegate.user_id == person.id)
    ):
        said = _("%(name)s is already a delegate of this session.", name=person.name)
        add_error(errors, "employee_no", said)
    if errors:
        raise ValidationFailed(errors)
    return person


def add_delegate(
    user,
    session: CongressSession,
    employee_no: str,
    department: Department | None,
    term_starts_on: date,
    term_ends_on: date,
) -> Delegate:
    _require_manager(user)
    fix_electorates()  # the rounds that have closed keep the delegates they closed with
    person = check_delegate(session, employee_no, term_starts_on, term_ends_on)
    delegate = Delegate(
        session=session,
        user=person,
        department=department or person.department,
        term_starts_on=term_starts_on,
        term_ends_on=term_ends_on,
    )
    db.session.add(delegate)
    db.session.flush()
    if session.activity_id:
        _enrol([delegate], session.activity)
    audit.record("congress.delegate_added", session, actor=user, summary=person.employee_no)
    return delegate


def remove_delegate(user, delegate: Delegate) -> None:
    _require_manager(user)
    fix_electorates()
    audit.record(
        "congress.delegate_removed", delegate.session, actor=user, summary=delegate.user.employee_no
    )
    db.session.delete(delegate)
    db.session.flush()


def add_contact(user, session, employee_no: str, department: Department) -> DepartmentContact:
    _require_manager(user)
    errors: dict = {}  # every mistake at once, each at its field
    person = _member(employee_no, errors)
    if department is None:
        add_error(errors, "department", _("Choose a department."))
    elif person and db.session.get(DepartmentContact, (session.id, department.id, person.id)):
        said = _("%(name)s already answers for this department.", name=person.name)
        add_error(errors, "employee_no", said)
    if errors:
        raise ValidationFailed(errors)
    contact = DepartmentContact(session_id=session.id, department_id=department.id, user=person)
    db.session.add(contact)
    db.session.flush()
    audit.record("congress.contact_added", session, actor=user, summary=person.employee_no)
    return contact


def remove_contact(user, contact: DepartmentContact) -> None:
    _require_manager(user)
    db.session.delete(contact)
    db.session.flush()


def check_document(title: str | None, file) -> str:
    """The checks of `add_document`, writing nothing: `ValidationFailed` with every mistake at
    once, each at its field (None where the form could not read a value); else the title.
    The file's kind and size are the storage's, which checks them as it stores it."""
    errors: dict = {}  # every mistake at once, each at its field
    title = clean_text(title, "title", limit=120, required=_("Enter a title."), errors=errors)
    if not getattr(file, "filename", ""):
        add_error(errors, "file", _("Choose a file."))
    if errors:
        raise ValidationFailed(errors)
    return title


def add_document(user, session: CongressSession, title: str, file) -> CongressDocument:
    _require_manager(user)
    title = check_document(title, file)
    stored = storage.save_document(file, "file", folder="congress")
    document = CongressDocument(session=session, title=title, **stored)
    db.session.add(document)
    db.session.flush()
    audit.record("congress.document_added", session, actor=user, summary=title)
    return document


def check_meeting(starts_at: datetime | None, ends_at: datetime | None, place: str | None) -> str:
    """The checks of `hold_meeting`, writing nothing: `ValidationFailed` with every mistake at
    once, each at its field (None where the form could not read a value); else the place."""
    errors: dict = {}  # every mistake at once, each at its field
    place = clean_text(place, "place", limit=120, required=_("Enter the place."), errors=errors)
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        add_error(errors, "ends_at", _("The end must come after the start."))
    if errors:
        raise ValidationFailed(errors)
    return place


def hold_meeting(
    user, session: CongressSession, starts_at: datetime, ends_at: datetime, place: str
) -> Activity:
    """Schedule the plenary meeting as an activity and give every delegate a confirmed place,
    so each has a check-in code and the organizer checks them in on the activity's page.
    Calling it again moves the meeting and enrols delegates added since."""
    _require_manager(user)
    place = check_meeting(starts_at, ends_at, place)
    now = utcnow()
    activity = session.activity
    if activity is None:
        activity = Activity(
            kind=ActivityKind.MEETING,
            title=_("%(title)s · plenary meeting", title=session.title)[:120],
            description=session.agenda,
            organizer=user,
            capacity=None,
            departments=[],
        )
        db.session.add(activity)
        session.activity = activity
    activity.place = place
    activity.starts_at, activity.ends_at = starts_at, ends_at
    # Places are given, not taken: sign-up is closed from the start.
    activity.signup_opens_at = activity.signup_closes_at = min(now, starts_at)
    activity.cancel_deadline = min(now, starts_at)
    db.session.flush()
    _enrol(session.delegates, activity)
    audit.record("congress.meeting_scheduled", session, actor=user, summary=place)
    return activity


def _enrol(delegates, activity: Activity) -> None:
    have = set(
        db.session.scalars(
            select(Participation.user_id).where(Participation.activity_id == activity.id)
        )
    )
    now = utcnow()
    for delegate in delegates:
        if delegate.user_id not in have:
            db.session.add(
                Participation(
                    activity_id=activity.id,
                    user_id=delegate.user_id,
                    status=ParticipationStatus.CONFIRMED,
                    confirmed_at=now,
                )
            )
    db.session.flush()


def attendance(session: CongressSession) -> dict[int, datetime | None]:
    """Delegate user id -> when they checked in at the plenary meeting (None: not yet)."""
    if session.activity_id is None:
        return {}
    return dict(
        db.session.execute(
            select(Participation.user_id, Participation.checked_in_at).where(
                Participation.activity_id == session.activity_id
            )
        ).all()
    )


def remind_terms(on: date | None = None) -> int:
    """The 换届 reminder: tell the organizers and the chairman that a term ends soon."""
    on = on or today()
    sent = 0
    due = db.session.scalars(
        select(CongressSession).where(
            CongressSession.term_ends_on >= on,
            CongressSession.term_ends_on <= on + REMIND_BEFORE,
        )
    )
    recipients = None
    for session in due:
        last = session.term_reminder_sent_on
        if last is not None and on - last < REMIND_EVERY:
            continue
        if recipients is None:
            recipients = manager_ids()
        notify(
            recipients,
            "notices.congress_term",
            _l("The congress term ends on %(day)s", day=session.term_ends_on.isoformat()),
            _l(
                "Prepare the election of the next term's delegates (%(title)s).",
                title=session.title,
            ),
            path_for("congress.session_show", session_id=session.id),
        )
        session.term_reminder_sent_on = on
        sent += 1
    return sent
