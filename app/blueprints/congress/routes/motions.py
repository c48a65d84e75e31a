"""Motions: the public list, drafting, co-signing, the committee, answers and ratings."""

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.blueprints.congress import bp, queries
from app.blueprints.congress.access import (
    current_session,
    delegate_of,
    is_manager,
)
from app.blueprints.congress.forms import ActionForm, AnswerForm, MotionForm, RateForm, ReviewForm
from app.blueprints.congress.routes.common import (
    departments_by_ids,
    get_or_404,
    not_found,
    paginate,
    read,
    refused,
)
from app.blueprints.congress.services import motions as service
from app.blueprints.congress.services.common import today
from app.errors import Refused, done, form_on, form_status, submit
from app.extensions import db
from app.models import Department
from app.models.congress import CongressSession, Motion, MotionState
from app.rendering import page_or_fragment
from app.services.departments import department_choices


@bp.route("/motions")
@login_required
def motions():
    session_id = request.args.get("session", type=int)
    session = db.session.get(CongressSession, session_id) if session_id else current_session()
    state = request.args.get("state") or None
    query = queries.motion_list(current_user, session.id if session else None, state)
    mine = bool(request.args.get("mine"))
    if mine:
        query = query.where(Motion.proposer_id == current_user.id)
    page = paginate(query)
    return page_or_fragment(
        "congress/motions.html",
        "congress/_motions.html",
        page=page,
        session=session,
        state=state,
        mine=mine,
        states=list(MotionState),
        can_propose=delegate_of(current_user, session) is not None,
        today=today(),
    )


@bp.route("/motions/new", methods=["GET", "POST"])
@login_required
def motion_new():
    session = current_session()
    if session is None or delegate_of(current_user, session) is None:
        return refused(Refused(_("Only delegates of this session can propose motions."), 403), "")
    form = MotionForm()
    if form.validate_on_submit() and (
        made := submit(form, service.draft, current_user, session, form.data)
    ):
        return done(
            _("Your draft is saved. Ask other delegates to co-sign it."),
            url_for("congress.motion_show", motion_id=made.value.id),
        )
    return render_template("congress/motion_form.html", form=form, motion=None), form_status(form)


def _visible(motion_id) -> Motion:
    motion = get_or_404(Motion, motion_id)
    if not queries.can_see_motion(current_user, motion):
        not_found()
    return motion


@bp.route("/motions/<int:motion_id>/edit", methods=["GET", "POST"])
@login_required
def motion_edit(motion_id):
    motion = _visible(motion_id)
    if motion.proposer_id != current_user.id or motion.state is not MotionState.DRAFT:
        return refused(Refused(_("Only the proposer can change a draft."), 403), "")
    form = MotionForm(obj=motion)
    if form.validate_on_submit() and (
        saved := submit(form, service.edit, current_user, motion, form.data)
    ):
        message = (
            _(
                "The draft is saved. Its co-signatures are withdrawn: the co-signers are told, "
                "and must co-sign it again."
            )
            if saved.value
            else _("The draft is saved.")
        )
        return done(message, url_for("congress.motion_show", motion_id=motion.id))
    return render_template("congress/motion_form.html", form=form, motion=motion), form_status(form)


def _forms(motion, review=None, answer=None, rate=None) -> dict:
    review = review or ReviewForm(formdata=None)
    review.lead_department.choices = department_choices(blank=_("Choose…"))
    review.co_departments.choices = department_choices()
    return {
        "action": ActionForm(),
        "review_form": review,
        "answer_form": answer or AnswerForm(formdata=None),
        "rate_form": rate or RateForm(formdata=None),
    }


def _show(motion, status=200, errors=(), **forms):
    user = current_user
    session = motion.session
    return render_template(
        "congress/motion.html",
        motion=motion,
        is_manager=is_manager(user),
        is_proposer=motion.proposer_id == user.id,
        is_delegate=delegate_of(user, session) is not None,
        has_cosigned=any(c.user_id == user.id for c in motion.cosigners),
        can_answer=service.can_answer(user, motion),
        cosigners_needed=service.COSIGNERS_NEEDED,
        errors=list(errors),
        today=today(),
        **_forms(motion, **forms),
    ), status


@bp.route("/motions/<int:motion_id>")
@login_required
def motion_show(motion_id):
    return _show(_visible(motion_id))


# The motion page's buttons: the service each calls, `call(user, motion)`, what it says when
# done (None: the page itself says it where the button was) and whether the motion is gone
# after it (then the person's own motions are shown).
_BUTTONS = {
    "cosign": (service.cosign, None, False),
    "withdraw": (service.withdraw_cosign, _l("Your co-signature is withdrawn."), False),
    "delete": (service.delete_draft, _l("The draft is deleted."), True),
    "submit": (service.submit, _l("The motion is submitted to the motions committee."), False),
}


@bp.route("/motions/<int:motion_id>/<any(cosign,withdraw,delete,submit):button>", methods=["POST"])
@login_required
def motion_button(motion_id, button):
    call, message, gone = _BUTTONS[button]
    to = url_for("congress.motions", mine=1) if gone else None
    motion = _visible(motion_id)
    back = url_for("congress.motion_show", motion_id=motion.id)
    if not ActionForm().validate_on_submit():
        return refused(Refused(_("This form has expired. Please try again.")), back)
    try:
        call(current_user, motion)
    except Refused as error:
        if error.status == 403:
            return refused(error, back)
        db.session.rollback()
        # Said on the page itself, not in a flash message that a redirect could lose.
        return _show(db.session.get(Motion, motion.id), error.status, [error.message])
    return done(message and str(message), to or back)


@bp.route("/motions/<int:motion_id>/review", methods=["POST"])
@login_required
def motion_review(motion_id):
    motion = _visible(motion_id)
    if not is_manager(current_user):
        return refused(Refused(_("Only the motions committee can review motions."), 403), "")
    form = ReviewForm()
    _forms(motion, review=form)
    if not form.lead_department.data:
        form.lead_department.data = 0
    return form_on(
        motion,
        form,
        lambda user, motion: service.review(
            user,
            motion,
            co_departments=departments_by_ids(form.co_departments.data),
            **_decision(form),
        ),
        back=url_for("congress.motion_show", motion_id=motion.id),
        page=lambda _motion, form, status: _show(
            db.session.get(Motion, motion_id), status, review=form
        ),
        message=_("The decision is recorded."),
        check=lambda: service.check_review(**_decision(form)),
    )


def _decision(form) -> dict:
    """The committee's decision as the review form gives it (None where it could not read a
    field), the co-departments aside."""
    lead = read(form, "lead_department")
    return {
        "decision": read(form, "decision"),
        "note": read(form, "note"),
        "lead_department": db.session.get(Department, lead) if lead else None,
        "deadline": read(form, "deadline"),
    }


@bp.route("/motions/<int:motion_id>/answer", methods=["POST"])
@login_required
def motion_answer(motion_id):
    motion = _visible(motion_id)
    if not service.can_answer(current_user, motion):
        return refused(
            Refused(_("Only the lead department's contacts can answer this motion."), 403), ""
        )
    form = AnswerForm()
    return form_on(
        motion,
        form,
        service.answer,
        form.answer_class.data,
        form.answer.data,
        form.reason.data,
        back=url_for("congress.motion_show", motion_id=motion.id),
        page=lambda _motion, form, status: _show(
            db.session.get(Motion, motion_id), status, answer=form
        ),
        message=_("The answer is sent to the proposer."),
        check=lambda: service.check_answer(
            read(form, "answer_class"), read(form, "answer"), read(form, "reason")
        ),
    )


@bp.route("/motions/<int:motion_id>/rate", methods=["POST"])
@login_required
def motion_rate(motion_id):
    motion = _visible(motion_id)
    if motion.proposer_id != current_user.id:
        return refused(Refused(_("Only the proposer can rate the answer."), 403), "")
    form = RateForm()
    if form.validate_on_submit() and submit(
        form, service.rate, current_user, motion, form.rating.data, form.note.data
    ):
        return done(
            _("Thank you for your rating."), url_for("congress.motion_show", motion_id=motion.id)
        )
    return _show(db.session.get(Motion, motion_id), 422, rate=form)
