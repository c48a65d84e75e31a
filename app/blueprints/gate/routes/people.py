"""A worker's gate file for officers: posts with their verdicts, qualifications (recording an
outside certificate, revoking one), the photo the checker sees, the codes (revoking one)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.errors import ValidationFailed, form_on, press
from app.extensions import db
from app.guards import parse_id
from app.models import User
from app.models.gate import Qualification, QualificationType, WorkerCode
from app.storage import Chosen, save_upload, send_image, sha256_of_name

from .. import bp, queries, services, standing
from ..access import checked_departments, is_officer
from ..forms import CertificateForm, PhotoForm, RevokeForm
from ._common import officers_only


@bp.route("/find")
@officers_only
def find():
    employee_no = (request.args.get("employee_no") or "").strip()[:32]
    person = User.by_employee_no(employee_no) if employee_no else None
    if person is None:
        if employee_no:
            flash(_("No member has the employee number %(no)s.", no=employee_no), "error")
        return redirect(url_for("gate.index"), 303)
    return redirect(url_for("gate.worker", user_id=person.id), 303)


def _certificate_form():
    form = CertificateForm()
    form.type.choices = [(t.id, t.name) for t in queries.types(active_only=True)]
    return form


def _worker_page(person, certificate_form=None, status=200, kept=(), revoking=None):
    """`revoking`: (the qualification or code, its revoke form) when that was refused, for the
    form of that row to show its reason again with the errors at it."""
    today = queries.local_today()
    held = standing.statuses([person.id]).get(person.id, {})
    posts = [(p, standing.verdict(held, p.required_types, today)) for p in queries.posts_of(person)]
    return render_template(
        "gate/worker.html",
        person=person,
        posts=posts,
        qualifications=queries.qualifications_of(person),
        codes=queries.codes_of(person),
        photo=queries.photo_of(person.id),
        certificate_form=certificate_form or _certificate_form(),
        kept=kept,
        photo_form=PhotoForm(),
        revoking_allowed=True,
        revoking=revoking,
        today=today,
    ), status


@bp.route("/workers/<int:user_id>")
@officers_only
def worker(user_id):
    return _worker_page(db.get_or_404(User, user_id))


def _certificate(form) -> dict:
    """The certificate the form gives the service (None where the form could not read it)."""
    return {
        "type": db.session.get(QualificationType, parse_id(form.type.data) or 0),
        "certificate_no": form.certificate_no.data,
        "issuer": form.issuer.data,
        "issued_on": form.issued_on.data,
        "valid_until": form.valid_until.data,
    }


def _record(user, person, form, chosen):
    stored = save_upload(chosen.upload, "photo")
    photo = stored.name if stored else None
    return services.record_certificate(user, person, _certificate(form), photo)


@bp.route("/workers/<int:user_id>/certificates", methods=["POST"])
@officers_only
def add_certificate(user_id):
    person = db.get_or_404(User, user_id)
    form = _certificate_form()
    chosen = Chosen(current_user.id, "photo", most=1)

    def again(person, form, status):
        # The certificate's photo is kept for the corrected form.
        form.photo.errors = chosen.again(form.photo.errors)
        return _worker_page(person, form, status, kept=chosen.kept)

    return form_on(
        person,
        form,
        _record,
        form,
        chosen,
        back=url_for("gate.worker", user_id=person.id),
        page=again,
        message=_("Certificate recorded."),
        check=lambda: services.check_certificate(_certificate(form)),
    )


def _revoke(call, record, message):
    """Revoke a qualification or a code, with the reason given; back to the worker's file, or
    the file again with the reason as it was sent and what is wrong with it at that row."""
    form = RevokeForm()
    person = db.get_or_404(User, record.user_id)
    return form_on(
        record,
        form,
        call,
        form.reason.data,
        back=url_for("gate.worker", user_id=person.id),
        page=lambda record, form, status: _worker_page(
            person, status=status, revoking=(record, form)
        ),
        message=message,
        refused_as_page=True,  # already revoked, or not theirs to revoke: not the reason
    )


@bp.route("/qualifications/<int:qualification_id>/revoke", methods=["POST"])
@officers_only
def revoke_qualification(qualification_id):
    qualification = db.get_or_404(Qualification, qualification_id)
    return _revoke(services.revoke_qualification, qualification, _("Qualification revoked."))


@bp.route("/codes/<int:code_id>/revoke", methods=["POST"])
@officers_only
def revoke_code(code_id):
    return _revoke(services.revoke_code, db.get_or_404(WorkerCode, code_id), _("Code revoked."))


def _store_photo(form, person):
    stored = save_upload(form.photo.data, "photo")
    if stored is None:
        raise ValidationFailed.on("photo", _("Choose a photo."))
    return services.set_photo(current_user, person, stored.name)


@bp.route("/workers/<int:user_id>/photo", methods=["POST"])
@officers_only
def upload_photo(user_id):
    person = db.get_or_404(User, user_id)
    form = PhotoForm()
    return press(
        form,
        _store_photo,
        form,
        person,
        back=url_for("gate.worker", user_id=person.id),
        message=_("Photo saved."),
        invalid=_("Choose a photo."),
    )


@bp.route("/photos/<int:user_id>")
@login_required
def photo(user_id):
    """A worker's photo: for the worker, officers, and whoever checks the worker's department."""
    person = db.get_or_404(User, user_id)
    allowed = person.id == current_user.id or is_officer(current_user)
    if not allowed:
        scope = checked_departments(current_user)
        allowed = scope is None or person.department_id in scope or _holds_post_in(person, scope)
    stored = queries.photo_of(person.id)
    if not allowed or stored is None:
        abort(404)
    return send_image(sha256_of_name(stored.image) or "", thumb=True)


def _holds_post_in(person, scope) -> bool:
    return any(p.department_id in scope for p in queries.posts_of(person))


@bp.route("/qualifications/<int:qualification_id>/photo")
@login_required
def certificate_photo(qualification_id):
    qualification = db.get_or_404(Qualification, qualification_id)
    if not (is_officer(current_user) or qualification.user_id == current_user.id):
        abort(404)
    return send_image(sha256_of_name(qualification.photo) or "")
