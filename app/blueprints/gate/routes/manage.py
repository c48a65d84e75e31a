"""Officers' pages: the gate report, qualification types, posts and their holders, team
leaders, and the checks kept from the entrance."""

from datetime import date

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user, login_required
from sqlalchemy import select

from app.errors import act, done, form_on, form_status
from app.extensions import db
from app.guards import paginate, parse_id
from app.models.gate import Post, PostHolder, QualificationType, TeamLeader
from app.rendering import page_or_fragment
from app.services import inputs

from .. import bp, queries, services, standing
from ..access import checked_departments, is_officer, may_see_report
from ..forms import HolderForm, LeaderForm, PostForm, TypeForm
from ._common import departments, officers_only

# Posts on a page of the report: each lists every holder of the post.
POSTS_PER_PAGE = 10
CHECKS_PER_PAGE = 50


@bp.route("/")
@login_required
def index():
    """The gate report: per team and post, who may work, who may not, who expires soon."""
    if not may_see_report(current_user):
        abort(403)
    everything = departments()
    scope = None if is_officer(current_user) else checked_departments(current_user)
    visible = [d for d in everything if scope is None or d.id in scope]
    chosen = None
    if raw := request.args.get("department", ""):
        chosen = parse_id(raw)
        if chosen not in {d.id for d in visible}:
            abort(400, _("There is no such department among those you may see."))
    if chosen is not None:
        shown = {chosen} | {d.id for d in visible if d.parent_id == chosen}
    else:
        shown = scope
    page = paginate(queries.posts_query(shown), per_page=POSTS_PER_PAGE)
    return page_or_fragment(
        "gate/index.html",
        "gate/_report.html",
        page=page,
        reports=queries.report_of(page.items),
        totals=queries.report_totals(shown),
        departments=visible,
        department_id=chosen,
        today=queries.local_today(),
        is_officer=is_officer(current_user),
        expiry_days=standing.EXPIRY_DAYS,
    )


@bp.route("/checks")
@login_required
def checks():
    if not may_see_report(current_user):
        abort(403)
    scope = None if is_officer(current_user) else checked_departments(current_user)
    show = request.args.get("show", "all")
    if show not in ("all", "disagreeing"):
        show = "all"
    since, until, wrong = _days()
    if wrong:
        # The list stays where it was; the form says what to mend (a `to` before the `from`
        # is the one a person makes with the date pickers).
        kept = {k: request.args.get(k, "")[:10] for k in ("from", "to")}
        return render_template("gate/checks.html", show=show, days=kept, wrong=wrong), 400
    query = queries.checks_query(scope, show == "disagreeing", since, until)
    return render_template(
        "gate/checks.html",
        page=paginate(query, per_page=CHECKS_PER_PAGE),
        show=show,
        disagreeing=queries.disagreeing_count(scope, since, until),
        # what the tabs and the form carry: the days chosen, none left empty
        days={k: d.isoformat() for k, d in (("from", since), ("to", until)) if d},
    )


def _days() -> tuple[date | None, date | None, list[str]]:
    """`?from=` and `?to=`: the union's days, both kept, an empty one no bound; and what is
    wrong with them: a text that is no day of the app's years, or a `to` before the `from`."""
    errors: dict = {}
    since = inputs.day(request.args, "from", errors, required=False)
    until = inputs.day(request.args, "to", errors, required=False)
    labels = (("from", pgettext("dates", "From")), ("to", pgettext("dates", "To")))
    wrong = [
        _("“%(field)s”: %(problem)s", field=label, problem=errors[key][0])
        for key, label in labels
        if key in errors
    ]
    if since and until and until < since:
        wrong.append(_("The “to” day is before the “from” day."))
    return since, until, wrong


# ---- Qualification types ----------------------------------------------------------------


@bp.route("/types")
@officers_only
def types():
    return render_template("gate/types.html", types=queries.types())


@bp.route("/types/new", methods=["GET", "POST"])
@bp.route("/types/<int:type_id>", methods=["GET", "POST"])
@officers_only
def edit_type(type_id=None):
    qtype = db.get_or_404(QualificationType, type_id) if type_id is not None else None
    form = TypeForm(obj=qtype)
    return act(
        form,
        services.save_type,
        current_user,
        form.data,
        qtype,
        back=url_for("gate.types"),
        again=lambda: (
            render_template("gate/type_form.html", form=form, qtype=qtype),
            form_status(),
        ),
        message=_("Qualification saved."),
    )


# ---- Posts ------------------------------------------------------------------------------


@bp.route("/posts")
@officers_only
def posts():
    rows = db.session.scalars(queries.posts_query(active_only=False)).unique().all()
    return render_template("gate/posts.html", posts=rows)


def _post_form(post, all_departments, filled):
    """The post form with its choices; `filled`: it shows the saved post (its department and
    required types), as on opening the post, not what was posted."""
    form = PostForm(obj=post)
    form.department.choices = [(d.id, d.full_name) for d in all_departments]
    form.types.choices = [(t.id, t.name) for t in queries.types(active_only=True)]
    if filled:
        form.department.data = post.department_id
        form.types.data = [r.type_id for r in post.requirements]
    return form


def _save_post(form, all_departments, post):
    by_id = {d.id: d for d in all_departments}
    wanted = set(form.types.data or [])
    data = {
        "name": form.name.data,
        "department": by_id.get(form.department.data),
        "types": [t for t in queries.types() if t.id in wanted],
        "active": form.active.data,
    }
    return services.save_post(current_user, data, post)


@bp.route("/posts/new", methods=["GET", "POST"])
@bp.route("/posts/<int:post_id>", methods=["GET", "POST"])
@officers_only
def edit_post(post_id=None):
    post = db.get_or_404(Post, post_id) if post_id is not None else None
    all_departments = departments()
    form = _post_form(post, all_departments, filled=request.method == "GET" and post is not None)
    return act(
        form,
        _save_post,
        form,
        all_departments,
        post,
        back=lambda saved: url_for("gate.edit_post", post_id=saved.id),
        again=lambda: _post_page(form, post, HolderForm(), form_status()),
        message=_("Post saved."),
    )


def _post_page(form, post, holder_form, status):
    holders = sorted(post.holders, key=lambda h: (h.user.name, h.user_id)) if post else []
    return render_template(
        "gate/post_form.html", form=form, post=post, holder_form=holder_form, holders=holders
    ), status


@bp.route("/posts/<int:post_id>/holders", methods=["POST"])
@officers_only
def add_holder(post_id):
    post = db.get_or_404(Post, post_id)
    holder_form = HolderForm()
    return form_on(
        post,
        holder_form,
        services.add_holder,
        holder_form.employee_no.data,
        back=url_for("gate.edit_post", post_id=post.id),
        page=_holder_again,
        message=_("Holder added."),
    )


def _holder_again(post, holder_form, status):
    return _post_page(_post_form(post, departments(), filled=True), post, holder_form, status)


@bp.route("/holders/<int:holder_id>/remove", methods=["POST"])
@officers_only
def remove_holder(holder_id):
    holder = db.get_or_404(PostHolder, holder_id)
    post_id = holder.post_id
    services.remove_holder(current_user, holder)  # CSRFProtect checked the form
    return done(_("Holder removed."), url_for("gate.edit_post", post_id=post_id))


# ---- Team leaders -----------------------------------------------------------------------


@bp.route("/leaders", methods=["GET", "POST"])
@officers_only
def leaders():
    all_departments = departments()
    form = LeaderForm()
    form.department.choices = [(d.id, d.full_name) for d in all_departments]
    return act(
        form,
        _add_leader,
        form,
        all_departments,
        back=url_for("gate.leaders"),
        again=lambda: _leaders_page(form),
        message=_("Team leader added."),
    )


def _add_leader(form, all_departments):
    department = next((d for d in all_departments if d.id == form.department.data), None)
    return services.add_leader(current_user, department, form.employee_no.data)


def _leaders_page(form):
    rows = list(db.session.scalars(select(TeamLeader)))
    rows.sort(key=lambda r: (r.department.full_name, r.user.name))
    return render_template("gate/leaders.html", form=form, leaders=rows), form_status()


@bp.route("/leaders/<int:department_id>/<int:user_id>/remove", methods=["POST"])
@officers_only
def remove_leader(department_id, user_id):
    leader = db.get_or_404(TeamLeader, (department_id, user_id))
    services.remove_leader(current_user, leader)
    return done(_("Team leader removed."), url_for("gate.leaders"))
