"""The overview, sessions, delegates, contacts, documents, meeting and report."""

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app import storage
from app.blueprints.congress import bp, queries
from app.blueprints.congress.access import current_session, delegate_of, is_manager
from app.blueprints.congress.forms import (
    ActionForm,
    ContactForm,
    DelegateForm,
    DocumentForm,
    MeetingForm,
    SessionForm,
)
from app.blueprints.congress.routes.common import (
    get_or_404,
    manager_required,
    not_found,
    read,
)
from app.blueprints.congress.services import sessions as service
from app.errors import act, done, form_on, form_status, submit
from app.extensions import db
from app.forms import local, utc
from app.models import Department
from app.models._types import utcnow
from app.models.congress import (
    CongressDocument,
    CongressSession,
    Delegate,
    DepartmentContact,
    EvaluationRound,
)
from app.services.departments import department_choices


@bp.route("/")
@login_required
def index():
    session = current_session()
    rounds = db.session.scalars(
        select(EvaluationRound).where(EvaluationRound.closes_at > utcnow()).limit(5)
    ).all()
    return render_template(
        "congress/index.html",
        session=session,
        delegate=delegate_of(current_user, session),
        is_manager=is_manager(current_user),
        rounds=rounds,
        unread=queries.unread_notices(current_user),
    )


@bp.route("/sessions")
@login_required
def sessions():
    rows = db.session.scalars(
        select(CongressSession).order_by(CongressSession.starts_on.desc())
    ).all()
    return render_template(
        "congress/sessions.html", sessions=rows, is_manager=is_manager(current_user)
    )


def _session_data(form) -> dict:
    """The session the form gives the service (None where the form could not read a field)."""
    return {
        name: read(form, name)
        for name in (
            "term_no",
            "session_no",
            "title",
            "starts_on",
            "ends_on",
            "place",
            "agenda",
            "term_ends_on",
        )
    }


def _save_session(form, session=None):
    """The session form's POST (a new session when `session` is None): saved, or the form
    again with every mistake, the service's too."""
    return act(
        form,
        service.save_session,
        current_user,
        _session_data(form),
        session,
        back=lambda saved: url_for("congress.session_show", session_id=saved.id),
        again=lambda: (
            render_template("congress/session_form.html", form=form, session=session),
            form_status(form),
        ),
        message=_("The session is saved."),
        check=lambda: service.check_session(_session_data(form), session),
    )


@bp.route("/sessions/new", methods=["GET", "POST"])
@manager_required
def session_new():
    return _save_session(SessionForm())


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@manager_required
def session_edit(session_id):
    session = get_or_404(CongressSession, session_id)
    return _save_session(SessionForm(obj=session), session)


@bp.route("/sessions/<int:session_id>")
@login_required
def session_show(session_id):
    session = get_or_404(CongressSession, session_id)
    return _session_page(session, is_manager(current_user), DocumentForm(), _meeting_form(session))


def _session_page(session, manager, document_form, meeting_form, status=200):
    return render_template(
        "congress/session.html",
        session=session,
        is_manager=manager,
        delegates=queries.delegates_of(session.id),
        attendance=service.attendance(session),
        delegate=delegate_of(current_user, session),
        document_form=document_form,
        meeting_form=meeting_form,
    ), status


def _meeting_form(session, formdata=None):
    form = MeetingForm(formdata=formdata)
    if formdata is None and session.activity is not None:
        form.starts_at.data = local(session.activity.starts_at)
        form.ends_at.data = local(session.activity.ends_at)
        form.place.data = session.activity.place
    elif formdata is None:
        form.place.data = session.place
    return form


@bp.route("/sessions/<int:session_id>/delegates", methods=["GET", "POST"])
@manager_required
def delegates(session_id):
    session = get_or_404(CongressSession, session_id)
    form = DelegateForm()
    form.department.choices = department_choices(blank=_("The person's own department"))
    contact_form = ContactForm(prefix="contact")
    contact_form.department.choices = department_choices()
    if request.method == "GET":
        form.term_starts_on.data = session.starts_on
        form.term_ends_on.data = session.term_ends_on
    return act(
        form,
        _add_delegate,
        current_user,
        session,
        form,
        back=url_for("congress.delegates", session_id=session.id),
        again=lambda: _delegates_page(session, form, contact_form),
        message=_("The delegate is added."),
        check=lambda: service.check_delegate(
            session,
            read(form, "employee_no"),
            read(form, "term_starts_on"),
            read(form, "term_ends_on"),
        ),
    )


def _add_delegate(user, session, form):
    department = form.department.data
    return service.add_delegate(
        user,
        session,
        form.employee_no.data,
        db.session.get(Department, department) if department else None,
        form.term_starts_on.data,
        form.term_ends_on.data,
    )


def _delegates_page(session, form, contact_form):
    contacts = db.session.scalars(
        select(DepartmentContact).where(DepartmentContact.session_id == session.id)
    ).all()
    return render_template(
        "congress/delegates.html",
        session=session,
        form=form,
        contact_form=contact_form,
        delegates=queries.delegates_of(session.id),
        contacts=sorted(contacts, key=lambda c: c.department.full_name),
        action=ActionForm(),
    ), form_status(form)


@bp.route("/sessions/<int:session_id>/contacts", methods=["POST"])
@manager_required
def contact_add(session_id):
    session = get_or_404(CongressSession, session_id)
    form = DelegateForm(formdata=None)
    form.department.choices = department_choices(blank=_("The person's own department"))
    contact_form = ContactForm(prefix="contact")
    contact_form.department.choices = department_choices()
    if contact_form.validate_on_submit() and submit(
        contact_form,
        service.add_contact,
        current_user,
        session,
        contact_form.employee_no.data,
        db.session.get(Department, contact_form.department.data),
    ):
        return done(
            _("The contact is added."), url_for("congress.delegates", session_id=session.id)
        )
    page, _status = _delegates_page(session, form, contact_form)
    return page, 422


@bp.route("/delegates/<int:delegate_id>/remove", methods=["POST"])
@manager_required
def delegate_remove(delegate_id):
    delegate = get_or_404(Delegate, delegate_id)
    session_id = delegate.session_id
    if not ActionForm().validate_on_submit():
        not_found()
    service.remove_delegate(current_user, delegate)
    return done(_("The delegate is removed."), url_for("congress.delegates", session_id=session_id))


@bp.route(
    "/sessions/<int:session_id>/contacts/<int:department_id>/<int:user_id>/remove", methods=["POST"]
)
@manager_required
def contact_remove(session_id, department_id, user_id):
    contact = get_or_404(DepartmentContact, (session_id, department_id, user_id))
    if not ActionForm().validate_on_submit():
        not_found()
    service.remove_contact(current_user, contact)
    return done(_("The contact is removed."), url_for("congress.delegates", session_id=session_id))


@bp.route("/sessions/<int:session_id>/documents", methods=["POST"])
@manager_required
def document_add(session_id):
    session = get_or_404(CongressSession, session_id)
    form = DocumentForm()
    return form_on(
        session,
        form,
        service.add_document,
        form.title.data,
        form.file.data,
        back=url_for("congress.session_show", session_id=session.id),
        page=lambda session, form, status: _session_page(
            session, True, form, _meeting_form(session), status
        ),
        message=_("The document is added."),
        check=lambda: service.check_document(read(form, "title"), form.file.data),
    )


@bp.route("/documents/<int:document_id>")
@login_required
def document(document_id):
    document = get_or_404(CongressDocument, document_id)
    return storage.send_document(
        "congress",
        document.stored_name,
        content_type=document.content_type,
        filename=document.filename,
    )


@bp.route("/sessions/<int:session_id>/meeting", methods=["POST"])
@manager_required
def meeting(session_id):
    session = get_or_404(CongressSession, session_id)
    form = _meeting_form(session, request.form)
    return form_on(
        session,
        form,
        lambda user, session: service.hold_meeting(user, session, *_meeting(form)),
        back=url_for("congress.session_show", session_id=session.id),
        page=lambda session, form, status: _session_page(
            session, True, DocumentForm(formdata=None), form, status
        ),
        message=_("The meeting is scheduled; every delegate has a check-in code."),
        check=lambda: service.check_meeting(*_meeting(form)),
    )


def _meeting(form) -> tuple:
    """When (in UTC) and where the meeting form says (None where it could not read a field)."""
    starts_at, ends_at = read(form, "starts_at"), read(form, "ends_at")
    return (
        utc(starts_at) if starts_at is not None else None,
        utc(ends_at) if ends_at is not None else None,
        read(form, "place"),
    )


@bp.route("/sessions/<int:session_id>/report")
@login_required
def report(session_id):
    session = get_or_404(CongressSession, session_id)
    return render_template(
        "congress/report.html", session=session, report=queries.session_report(session.id)
    )
