"""The network's set-up pages: areas with checkpoints and QR codes, the roster, checklists."""

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.errors import act, create, form_on, form_status, submit
from app.extensions import db
from app.models import Department
from app.models.safety import (
    Area,
    Checklist,
    ChecklistVersion,
    Checkpoint,
    GroupMembership,
    SafetyGroup,
)
from app.rendering import qr_svg

from .. import bp, permissions, queries, services
from ..forms import AreaForm, ChecklistForm, CheckpointForm, GroupForm, MemberForm, StartPatrolForm
from .helpers import manager_required, page_or_partial


def _departments():
    rows = db.session.scalars(
        select(Department).options(joinedload(Department.parent)).order_by(Department.name)
    ).all()
    return sorted(((str(d.id), d.full_name) for d in rows), key=lambda c: c[1])


@bp.route("/")
@login_required
def index():
    """The safety hub: what this person can do in the network."""
    return page_or_partial("safety/index.html", "safety/index.html", permissions=permissions)


@bp.route("/areas")
@login_required
def areas():
    rows = db.session.scalars(
        select(Area)
        .options(joinedload(Area.department), selectinload(Area.checkpoints))
        .order_by(Area.department_id, Area.name)
    ).all()
    return page_or_partial("safety/areas/index.html", "safety/areas/index.html", areas=rows)


def _area_form(area=None):
    form = AreaForm(obj=area)
    form.department_id.choices = [("", _("Choose…")), *_departments()]
    if area is not None and request.method == "GET":
        form.department_id.data = str(area.department_id)
    return form


@bp.route("/areas/new", methods=["GET", "POST"])
@manager_required
def new_area():
    return _save_area(None)


@bp.route("/areas/<int:area_id>/edit", methods=["GET", "POST"])
@manager_required
def edit_area(area_id):
    return _save_area(db.get_or_404(Area, area_id))


def _save_area(area):
    form = _area_form(area)
    data = request.form.to_dict() | {"active": "y" if form.active.data else ""}
    return act(
        form,
        services.save_area,
        current_user,
        data,
        area,
        back=lambda saved: url_for("safety.area", area_id=saved.id),
        again=lambda: page_or_partial(
            "safety/areas/form.html", "safety/areas/form.html", form_status(), form=form, area=area
        ),
    )


@bp.route("/areas/<int:area_id>")
@login_required
def area(area_id):
    area = db.get_or_404(Area, area_id)
    checkpoint = None
    if request.args.get("checkpoint", type=int):
        checkpoint = db.session.get(Checkpoint, request.args.get("checkpoint", type=int))
        if checkpoint is not None and checkpoint.area_id != area.id:
            checkpoint = None
    return _area_page(area, checkpoint)


def _area_page(area, checkpoint):
    start = StartPatrolForm(area_id=str(area.id), checkpoint_id=checkpoint.id if checkpoint else "")
    start.area_id.choices = [(str(area.id), area.full_name)]
    return page_or_partial(
        "safety/areas/show.html",
        "safety/areas/show.html",
        area=area,
        checkpoint=checkpoint,
        checkpoint_form=CheckpointForm(formdata=None),
        start_form=start,
        checklist=services.checklist_for(area),
        can_manage=permissions.can_manage_network(current_user),
        can_patrol=permissions.can_patrol(current_user),
    )


@bp.route("/areas/<int:area_id>/checkpoints", methods=["POST"])
@manager_required
def new_checkpoint(area_id):
    area = db.get_or_404(Area, area_id)
    form, data = CheckpointForm(), request.form.to_dict()
    back = url_for("safety.area", area_id=area.id)
    return form_on(area, form, services.add_checkpoint, data, back=back, page=_checkpoint_again)


def _checkpoint_again(area, form, status):
    return page_or_partial(
        "safety/areas/show.html",
        "safety/areas/show.html",
        status=status,
        area=area,
        checkpoint=None,
        checkpoint_form=form,
        start_form=None,
        checklist=services.checklist_for(area),
        can_manage=True,
        can_patrol=False,
    )


def _svg_response(url: str):
    return current_app.response_class(qr_svg(url), mimetype="image/svg+xml")


@bp.route("/areas/<int:area_id>/qr.svg")
@login_required
def area_qr(area_id):
    area = db.get_or_404(Area, area_id)
    return _svg_response(url_for("safety.area", area_id=area.id, _external=True))


@bp.route("/checkpoints/<int:checkpoint_id>/qr.svg")
@login_required
def checkpoint_qr(checkpoint_id):
    checkpoint = db.get_or_404(Checkpoint, checkpoint_id)
    return _svg_response(url_for("safety.checkpoint", checkpoint_id=checkpoint.id, _external=True))


@bp.route("/checkpoints/<int:checkpoint_id>")
@login_required
def checkpoint(checkpoint_id):
    """Where a checkpoint's QR code leads: its area's page with the checkpoint picked, at
    this address (not a redirect), so the phone's copy of it opens offline."""
    checkpoint = db.get_or_404(Checkpoint, checkpoint_id)
    return _area_page(checkpoint.area, checkpoint)


@bp.route("/scan")
@login_required
def scan():
    """The in-app QR scanner: a checkpoint's or an area's code opens its round (for who may
    patrol) or its page, from the phone's copy when there is no network."""
    from ..offline import patrol_areas

    targets = {}
    for area in patrol_areas(current_user):
        round_url = url_for("safety.patrol_round", area_id=area.id)
        targets[url_for("safety.area", area_id=area.id)] = round_url
        for checkpoint in area.checkpoints:
            targets[url_for("safety.checkpoint", checkpoint_id=checkpoint.id)] = round_url
    return page_or_partial(
        "safety/scan.html",
        "safety/scan.html",
        targets=targets,
        permissions_is_network=permissions.is_network(current_user),
    )


@bp.route("/areas/<int:area_id>/print")
@manager_required
def print_area(area_id):
    area = db.get_or_404(Area, area_id)
    return page_or_partial("safety/areas/print.html", "safety/areas/print.html", area=area)


@bp.route("/roster")
@login_required
def roster():
    return _roster_page(_group_form(formdata=None))


def _roster_page(group_form, status=200):
    groups = db.session.scalars(
        select(SafetyGroup)
        .options(
            joinedload(SafetyGroup.department),
            selectinload(SafetyGroup.memberships).joinedload(GroupMembership.user),
        )
        .order_by(SafetyGroup.name)
    ).all()
    can_manage = permissions.can_manage_network(current_user)
    member_form = MemberForm(formdata=None)
    member_form.user_id.choices = [("", _("Choose…"))] + [
        (str(u.id), u.name) for u in queries.network_people()
    ]
    return page_or_partial(
        "safety/roster.html",
        "safety/roster.html",
        status,
        groups=groups,
        can_manage=can_manage,
        group_form=group_form,
        member_form=member_form,
    )


def _group_form(**kwargs) -> GroupForm:
    form = GroupForm(**kwargs)
    form.department_id.choices = [("", _("None"))] + _departments()
    return form


@bp.route("/roster/groups", methods=["POST"])
@manager_required
def new_group():
    """A new group, or the roster again with the group form as it was sent and its errors
    at its fields (a flash and an empty form lost the name typed)."""
    form = _group_form()
    return create(
        form,
        services.save_group,
        back=lambda _group: url_for("safety.roster"),
        again=lambda: _roster_page(form, 422),
    )


@bp.route("/roster/groups/<int:group_id>/members", methods=["POST"])
@manager_required
def new_member(group_id):
    group = db.get_or_404(SafetyGroup, group_id)
    return _roster_change(services.add_member, current_user, group, request.form.to_dict())


@bp.route("/roster/groups/<int:group_id>/members/<int:user_id>/remove", methods=["POST"])
@manager_required
def remove_group_member(group_id, user_id):
    group = db.get_or_404(SafetyGroup, group_id)
    return _roster_change(services.remove_member, current_user, group, user_id)


def _roster_change(service, /, *args):
    """The roster's small forms: saved, or their messages flashed; back to the roster."""
    if done := submit(None, service, *args, refused_as_page=True):
        db.session.commit()
    else:
        for message in done.messages:
            flash(message, "error")
    return redirect(url_for("safety.roster"), 303)


@bp.route("/checklists")
@login_required
def checklists():
    rows = db.session.scalars(
        select(Checklist)
        .options(joinedload(Checklist.current_version).selectinload(ChecklistVersion.items))
        .order_by(Checklist.area_kind, Checklist.name)
    ).all()
    return page_or_partial(
        "safety/checklists/index.html",
        "safety/checklists/index.html",
        checklists=rows,
        can_manage=permissions.can_manage_network(current_user),
    )


@bp.route("/checklists/new", methods=["GET", "POST"])
@manager_required
def new_checklist():
    form = ChecklistForm()
    return create(
        form,
        services.create_checklist,
        back=lambda made: url_for("safety.checklist", checklist_id=made.id),
        again=lambda: _checklist_form_page(form, None),
    )


@bp.route("/checklists/<int:checklist_id>")
@login_required
def checklist(checklist_id):
    checklist = db.get_or_404(Checklist, checklist_id)
    versions = db.session.scalars(
        select(ChecklistVersion)
        .where(ChecklistVersion.checklist_id == checklist.id)
        .options(selectinload(ChecklistVersion.items))
        .order_by(ChecklistVersion.number.desc())
    ).all()
    return page_or_partial(
        "safety/checklists/show.html",
        "safety/checklists/show.html",
        checklist=checklist,
        versions=versions,
        can_manage=permissions.can_manage_network(current_user),
    )


@bp.route("/checklists/<int:checklist_id>/edit", methods=["GET", "POST"])
@manager_required
def edit_checklist(checklist_id):
    checklist = db.get_or_404(Checklist, checklist_id)
    form = ChecklistForm(obj=checklist)
    # Shown, not sent (a disabled field): a checklist keeps the kind of areas it was made for.
    form.area_kind.render_kw = {"disabled": True}
    form.area_kind.validators = []
    form.area_kind.validate_choice = False
    if request.method == "GET" and checklist.current_version:
        form.items.data = "\n".join(i.text for i in checklist.current_version.items)
    data = request.form.to_dict()
    if form.validate_on_submit() and submit(
        form, services.revise_checklist, current_user, checklist, data
    ):
        db.session.commit()
        return redirect(url_for("safety.checklist", checklist_id=checklist.id), 303)
    return _checklist_form_page(form, checklist)


def _checklist_form_page(form, checklist):
    return page_or_partial(
        "safety/checklists/form.html",
        "safety/checklists/form.html",
        status=form_status(),
        form=form,
        checklist=checklist,
    )
