"""Writing proposals: the lists, the form (an outbox form: it works offline), a draft's
edit, send-in and delete, the detail page with its timeline, and the photos."""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.errors import ValidationFailed, apply_errors, form_status, submit
from app.extensions import db
from app.guards import page_number
from app.models.proposals import ProposalCategory, ProposalPhoto, ProposalStatus
from app.rendering import page_or_fragment
from app.storage import Chosen, photo_routes

from .. import bp, permissions, queries, services
from ..forms import COAUTHOR_ROWS, ProposalForm
from .helpers import nested, refused, visible_proposal
from .review import render_proposal


def _enum_arg(enum_cls, name):
    try:
        return enum_cls(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/")
@login_required
def index():
    tab = request.args.get("tab", "mine")
    if tab not in queries.TABS:
        tab = "mine"
    category = _enum_arg(ProposalCategory, "category")
    status = _enum_arg(ProposalStatus, "status")
    if category is not None and request.args.get("tab") is None:
        tab = "all"  # the safety page's link: every safety suggestion this person may see
    page = queries.proposal_page(current_user, tab, page_number(), category, status)
    return page_or_fragment(
        "proposals/index.html",
        "proposals/_list.html",
        page=page,
        tab=tab,
        category=category,
        status=status,
        categories=list(ProposalCategory),
        statuses=list(ProposalStatus),
        todo=queries.todo_count(current_user),
        is_committee=permissions.is_committee(current_user),
    )


def _coauthor_rows(data=None):
    rows = list((data or {}).get("coauthors") or [])
    return rows + [{}] * max(0, COAUTHOR_ROWS - len(rows))


def _save(form, data, template, **kwargs):
    """Save the posted proposal form (`data`, with the photos chosen; sent in when the button
    says so) through `save_proposal` (`kwargs`: a new one's `client_id`, or the draft
    `proposal` it changes): the 303 to the saved proposal, or the form's page (`template`)
    again. A co-proposer row's messages (keyed by its inputs' names) are shown beside the row;
    the others go on the form, and the photos chosen are kept for the corrected form."""
    chosen = Chosen(current_user.id)
    saved, rows = _submit(form, data, chosen, **kwargs) if form.validate_on_submit() else (None, {})
    if saved:
        return saved
    form.photos.errors = chosen.again(form.photos.errors)
    return render_template(
        template,
        form=form,
        proposal=kwargs.get("proposal"),
        coauthors=_coauthor_rows(data),
        row_errors=rows,
        kept=chosen.kept,
    ), form_status(form)


def _submit(form, data, chosen, **kwargs):
    done = submit(
        None,
        services.save_proposal,
        current_user,
        data,
        chosen.uploads,
        **kwargs,
    )
    if done:
        db.session.commit()
        proposal, _created = done.value
        return redirect(url_for("proposals.show", proposal_id=proposal.id), 303), {}
    error = done.error
    rows = {}
    if isinstance(error, ValidationFailed):
        rows = {k: v for k, v in error.errors.items() if k.startswith("coauthors[")}
        error = ValidationFailed({k: v for k, v in error.errors.items() if k not in rows})
    apply_errors(form, error)
    return None, rows


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = ProposalForm()
    data = nested(request.form) if request.method == "POST" else {}
    if request.method == "GET" and (category := _enum_arg(ProposalCategory, "category")):
        form.category.data = category.value
    client_id = request.form.get("client_id") or None
    return _save(form, data, "proposals/new.html", client_id=client_id)


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(proposal_id):
    proposal = visible_proposal(proposal_id)
    if not permissions.can_edit(current_user, proposal):
        return refused(_("Only the proposer can change a draft, and only before it is sent."))
    form = ProposalForm(obj=proposal if request.method == "GET" else None)
    if request.method == "GET":
        form.category.data = proposal.category.value if proposal.category else ""
        lead = next((a for a in proposal.authors if a.is_lead), None)
        form.share.data = str(lead.share) if lead else "100"
        data = {
            "coauthors": [
                {"employee_no": a.user.employee_no, "share": a.share}
                for a in proposal.authors
                if not a.is_lead
            ]
        }
    else:
        data = nested(request.form)
    return _save(form, data, "proposals/edit.html", proposal=proposal)


@bp.route("/<int:proposal_id>/submit", methods=["POST"])
@login_required
def send_in(proposal_id):
    proposal = visible_proposal(proposal_id)
    if not permissions.can_edit(current_user, proposal):
        return refused(_("Only the proposer can send in a draft, and only once."), 409)
    form = ProposalForm()
    if form.validate_on_submit() and submit(form, services.submit_proposal, current_user, proposal):
        db.session.commit()
        return redirect(url_for("proposals.show", proposal_id=proposal.id), 303)
    messages = [m for field in form for m in field.errors] + list(form.form_errors or [])
    return render_proposal(visible_proposal(proposal_id), submit_errors=messages, status=422)


@bp.route("/<int:proposal_id>/delete", methods=["POST"])
@login_required
def delete(proposal_id):
    proposal = visible_proposal(proposal_id)
    if not permissions.can_edit(current_user, proposal):
        return refused(_("Only the proposer can delete a draft, and only before it is sent."))
    form = ProposalForm()
    if form.validate_on_submit() and submit(form, services.delete_draft, current_user, proposal):
        db.session.commit()
        return redirect(url_for("proposals.index"), 303)
    return refused(_("The form has expired; reload the page and try again."), 400)


@bp.route("/<int:proposal_id>")
@login_required
def show(proposal_id):
    return render_proposal(visible_proposal(proposal_id))


def _photo(photo_id: int) -> str:
    photo = db.session.get(ProposalPhoto, photo_id)
    if photo is None:
        abort(404)
    visible_proposal(photo.proposal_id)
    return photo.sha256


photo_routes(bp, "/photos/<int:photo_id>", _photo)
