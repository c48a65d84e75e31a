"""The review steps on a proposal's page: the department's opinion, the committee's scores,
decision and withdrawal, completion with the measured benefit, and the award. Each form
posts here; a refusal re-renders the page with the messages beside the form (422)."""

from flask import redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.errors import form_status, submit
from app.extensions import db
from app.rendering import page_or_fragment
from app.services.inputs import local_today

from .. import bp, permissions, queries, services
from ..forms import (
    AwardForm,
    CompletionForm,
    DecisionForm,
    OpinionForm,
    ProposalForm,
    RevokeForm,
    ScoreForm,
)
from ..services.drafting import proposal_photos
from .helpers import refused, visible_proposal

# step name -> (form class, permission, service, refusal: marked here, shown in the
# request's language when a step is refused)
STEPS = {
    "opinion": (
        OpinionForm,
        permissions.can_give_opinion,
        services.give_opinion,
        _l("Only the department head gives this opinion, once."),
    ),
    "score": (
        ScoreForm,
        permissions.can_review,
        services.score_proposal,
        _l("Only the review committee scores proposals before its decision."),
    ),
    "decision": (
        DecisionForm,
        permissions.can_review,
        services.decide,
        _l("Only the review committee decides, while the proposal is before it."),
    ),
    "revoke": (
        RevokeForm,
        permissions.can_revoke,
        services.revoke,
        _l("Only the review committee withdraws an adoption."),
    ),
    "completion": (
        CompletionForm,
        permissions.can_complete,
        services.complete,
        _l("Only the owner or the committee reports an adopted proposal done."),
    ),
    "award": (
        AwardForm,
        permissions.can_award,
        services.award,
        _l("Only the committee awards, once the proposal is implemented."),
    ),
}


def _forms(proposal, given=None) -> dict:
    """The step forms this user may use on this proposal now."""
    given = given or {}
    forms = {}
    for name, (form_cls, allowed, _service, _message) in STEPS.items():
        if allowed(current_user, proposal):
            forms[name] = given.get(name) or form_cls(formdata=None)
    if "decision" in forms:
        forms["decision"].owner_id.choices = [("", _("Choose…")), *queries.people_options()]
    if "score" in forms:
        weights = services.weights()
        for criterion, weight in weights.items():
            field = getattr(forms["score"], criterion.value)
            field.label.text = _(
                "%(criterion)s (0–%(weight)d)", criterion=criterion.label, weight=weight
            )
    return forms


def render_proposal(proposal, forms=None, submit_errors=(), status=200):
    committee = permissions.is_committee(current_user)
    reviews = queries.reviews(proposal) if committee else []
    scored = any(r.reviewer_id == current_user.id for r in reviews)
    return page_or_fragment(
        "proposals/show.html",
        "proposals/_detail.html",
        proposal=proposal,
        photos=proposal_photos(proposal),
        forms=_forms(proposal, forms),
        waiting=permissions.waiting_steps(current_user, proposal, scored),
        reviews=reviews,
        can_edit=permissions.can_edit(current_user, proposal),
        action_form=ProposalForm(formdata=None),
        submit_errors=list(submit_errors),
        weights=services.weights(),
        today_local=local_today(),
    ), status


def _step(proposal_id: int, name: str):
    proposal = visible_proposal(proposal_id)
    form_cls, allowed, service, message = STEPS[name]
    if not allowed(current_user, proposal):
        return refused(str(message), 403 if proposal.status.value != "draft" else 409)
    form = form_cls()
    if name == "decision":
        form.owner_id.choices = [("", _("Choose…")), *queries.people_options()]
    if form.validate_on_submit() and submit(form, service, current_user, proposal, form.data):
        db.session.commit()
        return redirect(url_for("proposals.show", proposal_id=proposal.id, _anchor="timeline"), 303)
    if not form.errors and not form.form_errors:
        form.form_errors = [_("The form has expired; reload the page and try again.")]
    return render_proposal(visible_proposal(proposal_id), {name: form}, status=form_status(form))


@bp.route("/<int:proposal_id>/opinion", methods=["POST"])
@login_required
def opinion(proposal_id):
    return _step(proposal_id, "opinion")


@bp.route("/<int:proposal_id>/score", methods=["POST"])
@login_required
def score(proposal_id):
    return _step(proposal_id, "score")


@bp.route("/<int:proposal_id>/decision", methods=["POST"])
@login_required
def decision(proposal_id):
    return _step(proposal_id, "decision")


@bp.route("/<int:proposal_id>/revoke", methods=["POST"])
@login_required
def revoke(proposal_id):
    return _step(proposal_id, "revoke")


@bp.route("/<int:proposal_id>/completion", methods=["POST"])
@login_required
def completion(proposal_id):
    return _step(proposal_id, "completion")


@bp.route("/<int:proposal_id>/award", methods=["POST"])
@login_required
def award(proposal_id):
    return _step(proposal_id, "award")
