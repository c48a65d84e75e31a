"""Hazards: list with filters, report, detail with timeline, and the lifecycle actions."""

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.errors import submit
from app.extensions import db
from app.models.hazards import HazardAction, HazardStatus, Severity
from app.models.safety import Patrol, PatrolAnswer
from app.rendering import wants_fragment
from app.storage import Chosen

from .. import bp, permissions, queries, services
from ..forms import AssignForm, HazardForm, NoteForm
from ..services.common import local_today, not_met
from .helpers import page_or_partial, report_form


@bp.route("/hazards")
@login_required
def hazards():
    filters = queries.HazardFilters.from_args(request.args)
    page = queries.hazard_page(current_user, filters)
    whole_page = not wants_fragment()  # a filter's htmx request swaps only the results
    officer = permissions.sees_all_hazards(current_user)
    return page_or_partial(
        "safety/hazards/index.html",
        "safety/hazards/_results.html",
        page=page,
        filters=filters,
        areas=queries.area_filter_options() if whole_page else [],
        assignees=queries.assignee_options() if whole_page and officer else [],
        statuses=list(HazardStatus),
        severities=list(Severity),
        today=local_today(),
        endpoint="safety.hazards",
    )


@bp.route("/hazards/mine")
@login_required
def my_hazards():
    """What the user has to rectify, the open ones first."""
    args = request.args.to_dict() | {"assignee_id": str(current_user.id)}
    filters = queries.HazardFilters.from_args(args)
    page = queries.hazard_page(current_user, filters, open_first=True)
    return page_or_partial(
        "safety/hazards/mine.html",
        "safety/hazards/_results.html",
        page=page,
        filters=filters,
        today=local_today(),
        endpoint="safety.my_hazards",
    )


@bp.route("/hazards/new", methods=["GET", "POST"])
@login_required
def new_hazard():
    form = HazardForm()
    if request.method == "GET":
        _prefill_from_patrol(form)
    return report_form(
        form,
        services.report_hazard,
        "safety/hazards/new.html",
        "safety/hazards/_form.html",
        show=lambda hazard: url_for("safety.hazard", hazard_id=hazard.id),
    )


def _prefill_from_patrol(form) -> None:
    """A "no" answer raises a hazard in one tap: its item, note and area come along."""
    answer = db.session.get(PatrolAnswer, request.args.get("answer_id", type=int) or 0)
    if answer is None:
        form.area_id.data = request.args.get("area_id", "")
        return
    patrol = db.session.get(Patrol, answer.patrol_id)
    if patrol.inspector_id != current_user.id:
        return
    form.title.data = not_met(answer.item.text)
    form.description.data = answer.note
    form.area_id.data = str(patrol.area_id)
    form.patrol_id.data = str(patrol.id)
    form.answer_id.data = str(answer.id)


@bp.route("/hazards/<int:hazard_id>")
@login_required
def hazard(hazard_id):
    hazard, photos = queries.hazard_detail(hazard_id)
    if hazard is None or not permissions.can_see_hazard(current_user, hazard):
        abort(404)
    return _render_hazard(hazard, photos)


def _render_hazard(hazard, photos, forms=None, status=200, kept=()):
    actions = permissions.allowed_actions(current_user, hazard)
    forms = forms or {}
    for action in actions:
        if action not in forms:
            forms[action] = (
                _assign_form(hazard) if action is HazardAction.ASSIGN else NoteForm(formdata=None)
            )
        _own_ids(forms[action], action)
    return page_or_partial(
        "safety/hazards/show.html",
        "safety/hazards/_detail.html",
        status=status,
        hazard=hazard,
        photos=photos,
        actions=actions,
        forms=forms,
        kept=kept,
        can_open_patrol=permissions.is_network(current_user),  # as the patrol's page allows
        HazardAction=HazardAction,
        today=local_today(),
    )


def _own_ids(form, action) -> None:
    """The page holds a form per action, each with a note: ids (and so each label's `for`)
    take the action's name, so a label names its own form's field. Names stay as posted."""
    for f in form:
        if f.type not in ("CSRFTokenField", "HiddenField"):
            f.id = f"{action.value}-{f.name}"
            f.label.field_id = f.id


def _assign_form(hazard, formdata=None):
    form = AssignForm(formdata=formdata, assignee_id=hazard.assignee_id, due_on=hazard.due_on)
    form.assignee_id.choices = [("", _("Choose…"))] + [
        (str(user_id), f"{name} · {department}" if department else name)
        for user_id, name, department in queries.assignable_people(hazard.area)
    ]
    return form


@bp.route("/hazards/<int:hazard_id>/events", methods=["POST"])
@login_required
def hazard_event(hazard_id):
    hazard, _photos = queries.hazard_detail(hazard_id)
    if hazard is None or not permissions.can_see_hazard(current_user, hazard):
        abort(404)
    action = request.form.get("action", "")
    # The service decides (permission first, then the fields); the form only re-renders.
    form = _assign_form(hazard, request.form) if action == "assign" else NoteForm()
    data, chosen = request.form.to_dict(), Chosen(current_user.id)
    step = services.act_on_hazard
    if submit(form, step, current_user, hazard, action, data, chosen.uploads, refused_as_page=True):
        db.session.commit()
        return redirect(url_for("safety.hazard", hazard_id=hazard_id), 303)
    key = HazardAction(action) if action in set(HazardAction) else "note"
    if "photos" in form:  # the photos chosen are kept for the corrected form
        form.photos.errors = chosen.again(form.photos.errors)
    hazard, photos = queries.hazard_detail(hazard_id)
    return _render_hazard(hazard, photos, forms={key: form}, status=422, kept=chosen.kept)
