"""A competition's board (people and teams, with where each point came from), its rules and
its plan, assessment and result."""

from flask import abort, render_template, url_for
from flask_login import current_user, login_required

from app.blueprints.activities.queries import can_manage
from app.errors import act, form_status
from app.extensions import db
from app.guards import page_of
from app.models.activities import Activity, ActivityKind
from app.models.competitions import CompetitionBrief, PointSource

from . import bp, points, services
from .forms import BriefForm, RulesForm

# People on a page of the board: each comes with every entry that made their points.
PEOPLE_PER_PAGE = 50


def _competition(activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.kind is not ActivityKind.COMPETITION:
        abort(404)
    return activity


@bp.route("/<int:activity_id>")
@login_required
def board(activity_id):
    """Any logged-in worker may read a competition's standings, as its activity page."""
    activity = _competition(activity_id)
    ranking, teams = points.leaderboard(activity)
    people = page_of(ranking, PEOPLE_PER_PAGE)
    points.openable_only(people.items, current_user)  # the shown entries' records only
    return render_template(
        "competitions/board.html",
        activity=activity,
        people=people,
        teams=teams,
        rules=points.rules_of(activity),
        sources=list(PointSource),
        brief=db.session.get(CompetitionBrief, activity.id),
        can_manage=can_manage(current_user),
    )


def _manage_page(activity, rules_form=None, brief_form=None, status=200):
    if rules_form is None:
        current = points.rules_of(activity)
        rules_form = RulesForm(
            formdata=None,
            **{f"points_{s.value}": f"{current[s]:g}" for s in current},
        )
    if brief_form is None:
        brief_form = BriefForm(formdata=None, obj=db.session.get(CompetitionBrief, activity.id))
    return render_template(
        "competitions/rules.html",
        activity=activity,
        rules_form=rules_form,
        brief_form=brief_form,
        sources=list(PointSource),
    ), status


def _manager(activity_id):
    if not can_manage(current_user):
        abort(403)
    return _competition(activity_id)


@bp.route("/<int:activity_id>/rules")
@login_required
def rules(activity_id):
    return _manage_page(_manager(activity_id))


def _save(activity_id, name, form, call):
    """Save one form of the manage page (`name`: rules_form or brief_form), then the board."""
    activity = _manager(activity_id)
    back = url_for("competitions.board", activity_id=activity.id)

    def again():
        return _manage_page(activity, status=form_status(form), **{name: form})

    return act(form, call, current_user, activity, form.data, back=back, again=again)


@bp.route("/<int:activity_id>/rules", methods=["POST"])
@login_required
def save_rules(activity_id):
    return _save(activity_id, "rules_form", RulesForm(), services.set_rules)


@bp.route("/<int:activity_id>/brief", methods=["POST"])
@login_required
def save_brief(activity_id):
    return _save(activity_id, "brief_form", BriefForm(), services.set_brief)
