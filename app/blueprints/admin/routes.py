from collections import Counter
from functools import cache
from types import SimpleNamespace

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.blueprints.admin import audit_search, bp, jobs, roster
from app.blueprints.admin.forms import (
    DepartmentForm,
    NewUserForm,
    PasswordResetForm,
    RosterImportForm,
    UserForm,
)
from app.blueprints.auth.access import roles_required
from app.errors import form_status, submit
from app.extensions import db, htmx
from app.features import registry
from app.guards import paginate, parse_id
from app.models import AuditLog, Department, Role, RosterImport, User, UserRole
from app.models._types import LabelledEnum
from app.rendering import page_or_fragment
from app.services import departments as dept_service
from app.services.users import check_password_rules, create_user, reset_password, update_user

AUDIT_LABELS = {
    "auth.login": _l("Logged in"),
    "auth.password_changed": _l("Changed own password"),
    "user.created": _l("Account created"),
    "user.updated": _l("Account changed"),
    "user.password_reset": _l("Password reset"),
    "department.created": _l("Department added"),
    "department.updated": _l("Department changed"),
    "department.deleted": _l("Department deleted"),
    "roster.imported": _l("Roster imported"),
}
OUTCOME_LABELS = {  # what happened to a row of an imported roster
    "created": lazy_pgettext("roster row", "Created"),
    "updated": lazy_pgettext("roster row", "Updated"),
    "unchanged": lazy_pgettext("roster row", "Unchanged"),
    "rejected": lazy_pgettext("roster row", "Rejected"),
}


# An account's audited fields (`services.users.snapshot`), named as its form names them; a
# feature's own fields are shown by their stored names.
FIELD_LABELS = {
    "employee_no": _l("Employee number"),
    "name": _l("Name"),
    "phone": _l("Phone"),
    "department": _l("Department"),
    "roles": _l("Roles"),
    "active": _l("Account active"),
}


def audit_value(key: str, value, target_type: str = "") -> str:
    """A before or after value as a person reads it: 是/否, a list joined, roles by name, the
    value of a choice (a hazard's status, a file's level) by its label in the reader's words."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, list):
        roles = {role.value: role.label for role in Role}
        named = [roles.get(v, v) if key == "roles" else v for v in value]
        return "、".join(str(v) for v in named) or "—"
    labels = _labels_of(target_type, key) if isinstance(value, str) else {}
    return str(labels.get(value, value))


@cache
def _labels_of(target_type: str, key: str) -> dict:
    """The labels by value of a choice that the column `key` of the audited model (named
    `target_type`) holds, empty for any other column: an entry keeps the value (reported),
    the log says it in the reader's words (已上报, Reported)."""
    for mapper in db.Model.registry.mappers:
        if mapper.class_.__name__ != target_type or (column := mapper.columns.get(key)) is None:
            continue
        choices = getattr(column.type, "enum_class", None)
        if isinstance(choices, type) and issubclass(choices, LabelledEnum):
            return {member.value: member.label for member in choices}
    return {}


@bp.context_processor
def labels():
    return {
        "audit_label": audit_label,
        "audit_field": lambda key: FIELD_LABELS.get(key, key),
        "audit_value": audit_value,
        "outcome_label": OUTCOME_LABELS.get,
        "import_state": import_state,
    }


def audit_label(action: str):
    """The words for an audit action: the shell's own, else the feature's that logged it."""
    return AUDIT_LABELS.get(action) or registry().audit_labels.get(action) or action


def _actions_named(words: str) -> list[str]:
    """The actions whose words, as the list shows them, contain `words`: the log is searched
    by what a person reads in it (查阅困难职工档案), not only by the stored key."""
    folded = words.casefold()
    labels = registry().audit_labels | AUDIT_LABELS
    return [action for action, label in labels.items() if folded in str(label).casefold()]


def import_state(job) -> str:
    if job.status == "done":
        return _("Done")
    if job.status == "failed":
        return _("Stopped")
    return _("%(percent)d%% done", percent=job.percent)


@bp.before_request
@roles_required(Role.ADMIN)
def require_admin():
    """Every admin page is for administrators only."""


# --- People -----------------------------------------------------------------------------


def users_query(args):
    query = (
        select(User)
        .options(selectinload(User.department).selectinload(Department.parent))
        .order_by(User.active.desc(), User.employee_no)
    )
    if q := args.get("q", "").strip():
        # what is typed is looked for as it is: % and _ are not wildcards
        query = query.where(
            or_(
                *(
                    column.icontains(q, autoescape=True)
                    for column in (User.employee_no, User.name, User.phone)
                )
            )
        )
    department = args.get("department", "")
    if department == "none":
        query = query.where(User.department_id.is_(None))
    elif (dept_id := parse_id(department)) is not None:
        teams = select(Department.id).where(Department.parent_id == dept_id)
        query = query.where(or_(User.department_id == dept_id, User.department_id.in_(teams)))
    if (role := args.get("role")) in {r.value for r in Role}:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    status = args.get("status", "")
    if status in {"active", "inactive"}:
        query = query.where(User.active.is_(status == "active"))
    return query


@bp.route("/users")
def users():
    page = paginate(users_query(request.args), per_page=bp_config("USERS_PER_PAGE"))
    return page_or_fragment(
        "admin/users.html",
        "admin/_user_results.html",
        page=page,
        args=request.args,
        departments=dept_service.all_departments(),
        roles=list(Role),
    )


def bp_config(key):
    return current_app.config[key]


def _user_form(form_class, **kwargs):
    return form_class(departments=dept_service.all_departments(), **kwargs)


def _form_values(form) -> dict:
    department = db.session.get(Department, form.department_id.data) or None
    return {
        "employee_no": form.employee_no.data,
        "name": form.name.data,
        "phone": form.phone.data,
        "department": department,
        "roles": {Role(r) for r in form.roles.data},
    }


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = _user_form(NewUserForm)
    if form.validate_on_submit() and (
        done := submit(
            form, create_user, password=form.password.data, actor=current_user, **_form_values(form)
        )
    ):
        db.session.commit()
        user = done.value
        flash(
            _(
                "Account %(no)s created. Give the initial password to %(name)s; it must "
                "be changed at the first log-in.",
                no=user.employee_no,
                name=user.name,
            ),
            "success",
        )
        return redirect(url_for("admin.edit_user", user_id=user.id), 303)
    return render_template("admin/user_new.html", form=form), form_status()


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id):
    user = db.get_or_404(User, user_id)
    form = _user_form(UserForm, obj=user)
    if request.method == "GET":
        form.department_id.data = user.department_id or 0
        form.roles.data = [r.value for r in user.roles if r is not Role.MEMBER]
    if form.validate_on_submit() and submit(
        form, update_user, user, actor=current_user, active=form.active.data, **_form_values(form)
    ):
        db.session.commit()
        flash(_("Changes saved."), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id), 303)
    return render_template(
        "admin/user_edit.html",
        user=user,
        form=form,
        password_form=PasswordResetForm(),
        history=_history(user),
    ), form_status()


def _history(user) -> list[AuditLog]:
    return db.session.scalars(
        select(AuditLog)
        .where(AuditLog.target_type == "User", AuditLog.target_id == str(user.id))
        .options(selectinload(AuditLog.actor))
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(10)
    ).all()


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def set_active(user_id):
    user = db.get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    if not (done := submit(None, update_user, user, actor=current_user, active=active)):
        for message in done.messages:
            flash(message, "error")
    else:
        db.session.commit()
        flash(
            _("%(name)s can log in again.", name=user.name)
            if active
            else _("%(name)s can no longer log in.", name=user.name),
            "success",
        )
    return redirect(url_for("admin.edit_user", user_id=user.id), 303)


@bp.route("/users/<int:user_id>/password", methods=["POST"])
def reset_user_password(user_id):
    user = db.get_or_404(User, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit() and submit(
        form, reset_password, user, form.password.data, actor=current_user
    ):
        db.session.commit()
        flash(
            _("Password reset. %(name)s must choose a new one at the next log-in.", name=user.name),
            "success",
        )
        return redirect(url_for("admin.edit_user", user_id=user.id), 303)
    return render_template(
        "admin/user_edit.html",
        user=user,
        form=_user_form(UserForm, obj=user, formdata=None),
        password_form=form,
        history=_history(user),
    ), 422


# --- Departments ------------------------------------------------------------------------


def _department_form(**kwargs):
    return DepartmentForm(workshops=dept_service.workshops_with_teams(), **kwargs)


def _render_departments(form, status=200):
    workshops, counts = dept_service.department_tree()
    return render_template(
        "admin/departments.html", workshops=workshops, counts=counts, form=form
    ), status


@bp.route("/departments", methods=["GET", "POST"])
def departments():
    form = _department_form()
    if form.validate_on_submit():
        parent = db.session.get(Department, form.parent_id.data) if form.parent_id.data else None
        create = dept_service.create_department
        if done := submit(form, create, form.name.data, parent, actor=current_user):
            db.session.commit()
            flash(_("%(name)s added.", name=done.value.full_name), "success")
            return redirect(url_for("admin.departments"), 303)
    return _render_departments(form, form_status())


@bp.route("/departments/<int:dept_id>", methods=["GET", "POST"])
def edit_department(dept_id):
    """Inline edit (htmx: the row becomes a form); without JavaScript, a page of its own."""
    dept = db.get_or_404(Department, dept_id)
    form = _department_form(obj=dept)
    if request.method == "GET":
        form.parent_id.data = dept.parent_id or 0
        if htmx and request.args.get("cancel"):
            return render_template(
                "admin/_department_row.html", dept=dept, count=_people_count(dept)
            )
    elif form.validate_on_submit():
        parent = db.session.get(Department, form.parent_id.data) if form.parent_id.data else None
        update = dept_service.update_department
        if submit(form, update, dept, form.name.data, parent, actor=current_user):
            db.session.commit()
            flash(_("%(name)s saved.", name=dept.full_name), "success")
            if htmx:
                # A move can change the tree's shape: show the whole tree again.
                return "", 200, {"HX-Redirect": url_for("admin.departments")}
            return redirect(url_for("admin.departments"), 303)
    return page_or_fragment(
        "admin/department_edit.html", "admin/_department_edit.html", dept=dept, form=form
    ), form_status()


def _people_count(dept) -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.department_id == dept.id))


@bp.route("/departments/<int:dept_id>/delete", methods=["POST"])
def delete_department(dept_id):
    dept = db.get_or_404(Department, dept_id)
    name = dept.full_name
    if done := submit(None, dept_service.delete_department, dept, actor=current_user):
        db.session.commit()
        flash(_("%(name)s deleted.", name=name), "success")
    else:
        for message in done.messages:
            flash(_("%(name)s was not deleted: %(reason)s", name=name, reason=message), "error")
    return redirect(url_for("admin.departments"), 303)


# --- Roster import ----------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
def import_roster():
    """Check the file now (columns, size, encoding); import its rows in the background."""
    form = RosterImportForm()
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        if problems := check_password_rules(form.initial_password.data):
            form.initial_password.errors = list(form.initial_password.errors) + problems
            status = 422
        else:
            try:
                rows, ignored = roster.read_rows(upload.filename or "", upload.read())
            except roster.RosterError as error:
                form.file.errors = list(form.file.errors) + [str(error)]
                status = 422
            else:
                job = jobs.start_import(
                    rows, ignored, upload.filename, form.initial_password.data, current_user
                )
                db.session.commit()
                return redirect(url_for("admin.import_status", import_id=job.id), 303)
    elif request.method == "POST":
        status = 422
    recent = db.session.scalars(
        select(RosterImport).order_by(RosterImport.id.desc()).limit(5)
    ).all()
    return render_template("admin/import.html", form=form, recent=recent), status


@bp.route("/import/<int:import_id>")
def import_status(import_id: int):
    """The progress of an import (htmx polls it until done), then its row report."""
    job = db.session.get(RosterImport, import_id) or abort(404)
    tally = Counter(r["outcome"] for r in job.reports)
    reports = [SimpleNamespace(**r) for r in job.reports]
    return page_or_fragment(
        "admin/import_status.html",
        "admin/_import_progress.html",
        job=job,
        reports=reports,
        tally=tally,
    )


@bp.route("/import/template.xlsx")
def roster_template():
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "roster"
    sheet.append(["工号", "姓名", "部门", "手机", "角色"])
    sheet.append(["10001", "张三", "机加工车间/车工班", "13800000000", "群监员"])
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return send_file(
        buffer,
        as_attachment=True,
        download_name="roster-template.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- Audit log --------------------------------------------------------------------------


@bp.route("/audit")
def audit_log():
    query = (
        select(AuditLog)
        .options(selectinload(AuditLog.actor))
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
    )
    if q := request.args.get("q", "").strip():
        query = query.where(audit_search.matching(q, _actions_named(q)))
    page = paginate(query, per_page=bp_config("AUDIT_PER_PAGE"))
    return page_or_fragment(
        "admin/audit.html", "admin/_audit_results.html", page=page, args=request.args
    )
