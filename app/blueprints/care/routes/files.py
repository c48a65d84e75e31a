"""Needy-worker files and proposals for a file."""

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.errors import act, form_on, form_status
from app.extensions import db
from app.guards import page_number
from app.models.care import CareFile, CareProposal, ProposalStatus
from app.rendering import page_or_fragment
from app.services import audit

from .. import bp, parse, queries
from ..access import officers_only, readers_only
from ..forms import (
    AttachmentForm,
    DeclineForm,
    FileEditForm,
    FileForm,
    MemberForm,
    ProposalForm,
    ReviewForm,
    SupportForm,
)
from ..services import files as service
from .common import file_page


def _file(file_id: int) -> CareFile:
    file = queries.file_detail(file_id)
    if file is None:
        abort(404)
    return file


@bp.route("/files")
@readers_only
def files():
    filters = {
        "level": request.args.get("level", ""),
        "status": request.args.get("status", "active"),
        "q": request.args.get("q", "").strip()[:40],
        "due": request.args.get("due") == "1",
    }
    page = queries.files_page(page_number(), **filters)
    audit.record(
        "care.files.copied" if service.offline_copy() else "care.files.listed",
        None,
        actor=current_user,
        summary=_l("Page %(page)d", page=page.page),
    )
    body = page_or_fragment(
        "care/files/index.html",
        "care/files/_list.html",
        page=page,
        filters=filters,
        today=parse.local_today(),
    )
    db.session.commit()  # after rendering: a commit would expire what the page shows
    return body


@bp.route("/files/new", methods=["GET", "POST"])
@officers_only
def new_file():
    form = FileForm()
    proposal = None
    if request.method == "GET" and request.args.get("proposal", "").isdigit():
        proposal = db.session.get(CareProposal, int(request.args["proposal"]))
        if proposal is not None and proposal.status is ProposalStatus.PENDING:
            form.worker.data = proposal.worker.employee_no
            form.cause.data = proposal.cause.value
            form.situation.data = proposal.reason
            form.proposal_id.data = str(proposal.id)
    if request.method == "GET" and not form.opened_on.data:
        form.opened_on.data = parse.local_today().isoformat()
    return act(
        form,
        service.open_file,
        current_user,
        request.form.to_dict(),
        request.files.getlist("attachments"),
        back=lambda made: url_for("care.file", file_id=made.id),
        again=lambda: (render_template("care/files/new.html", form=form), form_status(form)),
    )


def _show(file: CareFile, status=200, **forms):
    today = parse.local_today()
    forms.setdefault("member_form", MemberForm(formdata=None))
    forms.setdefault("support_form", SupportForm(formdata=None, given_on=today.isoformat()))
    forms.setdefault("attachment_form", AttachmentForm(formdata=None))
    return file_page(
        file,
        "file",
        "care/files/show.html",
        status,
        attachments=queries.file_attachments(file.id),
        visits=queries.file_visits(file.id),
        today=today,
        **forms,
    )


@bp.route("/files/<int:file_id>")
@readers_only
def file(file_id):
    return _show(_file(file_id))


@bp.route("/files/<int:file_id>/edit", methods=["GET", "POST"])
@officers_only
def edit_file(file_id):
    file = _file(file_id)
    form = FileEditForm(obj=file if request.method == "GET" else None)
    if request.method == "GET":
        form.level.data, form.cause.data = file.level.value, file.cause.value
    return _file_form(file, form, service.update_file, "care/files/edit.html", "edit")


def _file_form(file, form, call, template, what, anchor=None):
    """A form about a file on a page of its own (edit, review): back to the file when the
    service did it; else the page again, with the form's errors."""
    file_id = file.id
    return act(
        form,
        call,
        current_user,
        file,
        request.form.to_dict(),
        back=url_for("care.file", file_id=file_id, _anchor=anchor),
        again=lambda: file_page(_file(file_id), what, template, form_status(form), form=form),
    )


# The file page's sections that have a form: its name on the page, and its kind.
_SECTIONS = {
    "household": ("member_form", MemberForm),
    "support": ("support_form", SupportForm),
    "attachments": ("attachment_form", AttachmentForm),
}


def _form_on_file(file_id, section, call, *args):
    """A form of the file page (household, support, attachments): back to its section, or
    the page again with the form's errors."""
    name, form_class = _SECTIONS[section]
    file, form = _file(file_id), form_class()
    return act(
        form,
        call,
        current_user,
        file,
        *args,
        back=url_for("care.file", file_id=file.id, _anchor=section),
        again=lambda: _show(_file(file_id), 422, **{name: form}),
    )


@bp.route("/files/<int:file_id>/members", methods=["POST"])
@officers_only
def add_member(file_id):
    return _form_on_file(file_id, "household", service.add_member, request.form.to_dict())


@bp.route("/files/<int:file_id>/members/<int:member_id>/delete", methods=["POST"])
@officers_only
def remove_member(file_id, member_id):
    return _form_on_file(file_id, "household", service.remove_member, member_id)


@bp.route("/files/<int:file_id>/supports", methods=["POST"])
@officers_only
def add_support(file_id):
    return _form_on_file(file_id, "support", service.add_support, request.form.to_dict())


@bp.route("/files/<int:file_id>/attachments", methods=["POST"])
@officers_only
def add_attachments(file_id):
    uploads = request.files.getlist("attachments")
    data = request.form.to_dict()
    return _form_on_file(file_id, "attachments", service.add_attachments, data, uploads)


@bp.route("/files/<int:file_id>/review", methods=["GET", "POST"])
@officers_only
def review_file(file_id):
    file = _file(file_id)
    form = ReviewForm()
    if request.method == "GET":
        form.reviewed_on.data = parse.local_today().isoformat()
    template = "care/files/review.html"
    return _file_form(file, form, service.review_file, template, "review", anchor="reviews")


@bp.route("/proposals")
@readers_only
def proposals():
    return _proposals_page(DeclineForm(formdata=None))


def _proposals_page(form, failed_id=None):
    rows = db.session.scalars(
        db.select(CareProposal).order_by(
            CareProposal.status != ProposalStatus.PENDING, CareProposal.id.desc()
        )
    ).all()
    pending = (p.worker_id for p in rows if p.status is ProposalStatus.PENDING)
    return render_template(
        "care/proposals/index.html",
        proposals=rows,
        open_files=queries.open_files_of(pending),
        form=form,
        failed_id=failed_id,
    )


@bp.route("/proposals/<int:proposal_id>/decline", methods=["POST"])
@officers_only
def decline_proposal(proposal_id):
    proposal = db.get_or_404(CareProposal, proposal_id)
    return form_on(
        proposal,
        DeclineForm(),
        service.decline_proposal,
        request.form.to_dict(),
        back=url_for("care.proposals"),
        page=_declined_again,
    )


def _declined_again(proposal, form, status):
    """The proposals again, with the one that could not be declined and why."""
    return _proposals_page(form, failed_id=proposal.id), status


@bp.route("/proposals/new", methods=["GET", "POST"])
@login_required
def propose():
    form = ProposalForm()
    return act(
        form,
        service.propose,
        current_user,
        request.form.to_dict(),
        back=url_for("main.me"),
        again=lambda: (render_template("care/proposals/new.html", form=form), form_status(form)),
        message=_("Thank you. The union's care officer will look into it in confidence."),
    )
