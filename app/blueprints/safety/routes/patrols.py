"""Patrols: start, answer item by item, finish (or a whole round at once, outbox-first);
weekly plans and their coverage."""

import re
from datetime import date, timedelta

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.errors import ItemsFailed, form_status, submit
from app.extensions import db, htmx
from app.guards import page_number
from app.models.hazards import Category, Hazard, Severity, Violation
from app.models.safety import Area, ChecklistVersion, Patrol, PatrolPlan, PatrolStatus, week_start
from app.services.inputs import FIRST_DAY, LAST_DAY
from app.storage import Chosen

from .. import bp, permissions, queries, services
from ..forms import FinishPatrolForm, PlanForm, StartPatrolForm
from ..services.common import local_today, not_met
from ..services.patrols import photos_of_answers
from .helpers import manager_required, network_required, offer_areas, page_or_partial

PER_PAGE = 20


@bp.route("/patrols")
@network_required
def patrols():
    """The user's own patrols; safety officers and admins see everyone's."""
    page = page_number()
    where = []
    if not permissions.can_manage_network(current_user):
        where.append(Patrol.inspector_id == current_user.id)
    total = db.session.scalar(select(func.count(Patrol.id)).where(*where))
    rows = db.session.scalars(
        select(Patrol)
        .where(*where)
        .options(joinedload(Patrol.area), joinedload(Patrol.inspector))
        .order_by(Patrol.started_at.desc(), Patrol.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    form = StartPatrolForm(formdata=None)
    offer_areas(form)
    return page_or_partial(
        "safety/patrols/index.html",
        "safety/patrols/_list.html",
        page=queries.Page(rows, total, page, PER_PAGE),
        form=form,
        can_patrol=permissions.can_patrol(current_user),
    )


@bp.route("/patrols", methods=["POST"])
@login_required
def new_patrol():
    done = submit(
        None, services.start_patrol, current_user, request.form.to_dict(), refused_as_page=True
    )
    if not done:
        for message in done.messages:
            flash(message, "error")
        return redirect(request.referrer or url_for("safety.patrols"), 303)
    db.session.commit()
    patrol, _created = done.value
    return redirect(url_for("safety.patrol", patrol_id=patrol.id), 303)


def _load_patrol(patrol_id) -> Patrol:
    patrol = db.session.scalar(
        select(Patrol)
        .where(Patrol.id == patrol_id)
        .options(
            joinedload(Patrol.area),
            joinedload(Patrol.inspector),
            joinedload(Patrol.checklist_version).selectinload(ChecklistVersion.items),
            selectinload(Patrol.answers),
        )
    )
    if patrol is None:
        abort(404)
    if patrol.inspector_id != current_user.id and not permissions.is_network(current_user):
        abort(404)
    return patrol


def _patrol_context(patrol, errors=None, finish_form=None):
    answers = {a.item_id: a for a in patrol.answers}
    return {
        "patrol": patrol,
        "answers": answers,
        "photos": photos_of_answers(patrol),
        "errors": errors or {},
        "finish_form": finish_form or FinishPatrolForm(formdata=None),
        "mine": patrol.inspector_id == current_user.id
        and patrol.status is PatrolStatus.IN_PROGRESS,
        "open_count": sum(1 for i in patrol.checklist_version.items if i.id not in answers),
        "hazards": db.session.scalars(
            select(Hazard).where(Hazard.patrol_id == patrol.id).order_by(Hazard.id)
        ).all(),
        "violations": db.session.scalars(
            select(Violation).where(Violation.patrol_id == patrol.id).order_by(Violation.id)
        ).all(),
    }


@bp.route("/patrols/<int:patrol_id>")
@network_required
def patrol(patrol_id):
    patrol = _load_patrol(patrol_id)
    return page_or_partial(
        "safety/patrols/show.html", "safety/patrols/show.html", **_patrol_context(patrol)
    )


@bp.route("/patrols/<int:patrol_id>/answers", methods=["POST"])
@network_required
def answer(patrol_id):
    """Answer one item; htmx swaps just that item, a plain post comes back to the patrol."""
    patrol = _load_patrol(patrol_id)
    item_id = request.form.get("item_id", type=int)
    data, photos = request.form.to_dict(), request.files.getlist("photos")
    done = submit(
        None, services.answer_item, current_user, patrol, data, photos, refused_as_page=True
    )
    if not done:
        patrol = _load_patrol(patrol_id)
        context = _patrol_context(patrol, errors={item_id: done.errors})
        item = next((i for i in patrol.checklist_version.items if i.id == item_id), None)
        if item is None:
            abort(400)
        return page_or_partial(
            "safety/patrols/show.html", "safety/patrols/_item.html", 422, item=item, **context
        )
    db.session.commit()
    patrol = _load_patrol(patrol_id)
    item = next(i for i in patrol.checklist_version.items if i.id == item_id)
    if htmx:
        return page_or_partial(
            "safety/patrols/show.html",
            "safety/patrols/_item.html",
            item=item,
            **_patrol_context(patrol),
        )
    return redirect(url_for("safety.patrol", patrol_id=patrol_id, _anchor=f"item-{item_id}"), 303)


@bp.route("/patrols/<int:patrol_id>/finish", methods=["POST"])
@network_required
def finish(patrol_id):
    patrol = _load_patrol(patrol_id)
    form = FinishPatrolForm()
    data = request.form.to_dict()
    if submit(form, services.finish_patrol, current_user, patrol, data, refused_as_page=True):
        db.session.commit()
        return redirect(url_for("safety.patrol", patrol_id=patrol_id), 303)
    patrol = _load_patrol(patrol_id)
    return page_or_partial(
        "safety/patrols/show.html",
        "safety/patrols/show.html",
        422,
        **_patrol_context(patrol, finish_form=form),
    )


@bp.route("/patrols/plans", methods=["GET", "POST"])
@manager_required
def plans():
    form = PlanForm()
    form.inspector_id.choices = [("", _("Choose…"))] + [
        (str(u.id), u.name) for u in queries.network_people()
    ]
    offer_areas(form)
    data = request.form.to_dict() | {"weekdays": request.form.getlist("weekdays")}
    if request.method == "POST" and submit(form, services.save_plan, current_user, data):
        db.session.commit()
        flash(_("Patrol plan saved."), "success")
        return redirect(url_for("safety.plans"), 303)
    rows = db.session.scalars(
        select(PatrolPlan)
        .where(PatrolPlan.stopped_at.is_(None))
        .options(joinedload(PatrolPlan.inspector), joinedload(PatrolPlan.area))
        .order_by(PatrolPlan.inspector_id, PatrolPlan.area_id)
    ).all()
    return page_or_partial(
        "safety/patrols/plans.html",
        "safety/patrols/plans.html",
        form_status(),
        plans=rows,
        form=form,
    )


@bp.route("/patrols/plans/<int:plan_id>/stop", methods=["POST"])
@manager_required
def stop(plan_id):
    services.stop_plan(current_user, db.get_or_404(PatrolPlan, plan_id))
    db.session.commit()
    flash(_("Patrol plan stopped. The weeks it was in force still count it."), "success")
    return redirect(url_for("safety.plans"), 303)


@bp.route("/patrols/coverage")
@manager_required
def patrol_coverage():
    """Planned patrols of a week: done, late, missed or still due, per inspector and area."""
    today = local_today()
    try:
        week = week_start(date.fromisoformat(request.args.get("week", "")))
    except ValueError:
        week = week_start(today)
    if not FIRST_DAY <= week <= LAST_DAY:  # no plan reaches there; year 1 or 9999 has no week
        week = week_start(today)
    slots = services.coverage(week, today)
    rows: dict = {}
    for slot in slots:
        rows.setdefault((slot.plan.inspector, slot.plan.area), []).append(slot)
    totals = {s: sum(1 for x in slots if x.state == s) for s in ("done", "late", "missed", "due")}
    return page_or_partial(
        "safety/patrols/coverage.html",
        "safety/patrols/coverage.html",
        rows=rows,
        totals=totals,
        week=week,
        previous=week - timedelta(days=7),
        following=week + timedelta(days=7),
        days=[week + timedelta(days=i) for i in range(7)],
    )


ANSWER_FIELD = re.compile(r"answers\[([0-9]{1,3})\]\[(item_id|answer|note)\]")


def _round_data(form) -> dict:
    """The form's fields as the outbox sends them: `answers[0][item_id]` and so on become a
    list of answers; the rest stays flat."""
    data, answers = {}, {}
    for key, value in form.items():
        match = ANSWER_FIELD.fullmatch(key)
        if match:
            answers.setdefault(int(match.group(1)), {})[match.group(2)] = value
        else:
            data[key] = value
    data["answers"] = [answers[i] for i in sorted(answers)]
    return data


@bp.route("/patrols/round/<int:area_id>", methods=["GET", "POST"])
@login_required
def patrol_round(area_id):
    """A whole round on one page, outbox-first: it works without network once the page is on
    the phone. Without JavaScript it posts here and is recorded the same way."""
    area = db.get_or_404(Area, area_id)
    version = services.checklist_for(area) if area.active else None
    if version is None:
        abort(404)
    # Each item's photos; a round refused for something else keeps them for the corrected one.
    chosen = {item.id: Chosen(current_user.id, f"photos-{item.id}") for item in version.items}
    data, error_lists, photo_errors = _round_data(request.form), [], {}
    if request.method == "POST":
        photos = [(item_id, upload) for item_id, c in chosen.items() for upload in c.uploads]
        done = submit(
            None, services.record_patrol, current_user, data, photos, refused_as_page=True
        )
        if done:
            db.session.commit()
            patrol, _created = done.value
            return redirect(url_for("safety.patrol", patrol_id=patrol.id), 303)
        refused = done.error.by_item if isinstance(done.error, ItemsFailed) else {}
        # An item's refused photos are said at its photo field, and not kept; the photos of
        # the other items are kept. The items' other errors are listed as the round's are:
        # above the items, one list of messages a field.
        photo_errors = {
            item_id: c.again(refused.get(item_id, {}).get("photos"))
            for item_id, c in chosen.items()
        }
        error_lists = list(done.errors.values())
        if refused:
            error_lists = [
                messages
                for fields in refused.values()
                for field, messages in fields.items()
                if field != "photos"
            ]
    return page_or_partial(
        "safety/patrols/round.html",
        "safety/patrols/round.html",
        form_status(),
        area=area,
        version=version,
        error_lists=error_lists,
        given={str(a.get("item_id")): a for a in data["answers"]},
        note=data.get("note", ""),
        chosen=chosen,
        photo_errors=photo_errors,
        categories=list(Category),
        severities=list(Severity),
        not_met=not_met,
    )
