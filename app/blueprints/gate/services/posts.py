"""Posts (岗位) of departments, the types each requires, who holds them, and the team leaders
who check at the entrance."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.models import Department, User
from app.models.gate import Post, PostHolder, PostRequirement, QualificationType, TeamLeader
from app.services import audit
from app.services.rows import saved_into

from ..access import is_officer


def _ensure_officer(user):
    if not is_officer(user):
        raise Refused(_("Only safety officers, organizers and the chairman manage posts."), 403)


def save_post(user, data: dict, post: Post | None = None) -> Post:
    """Create or change a post: `name`, `department` (a Department), `types` (list of
    QualificationType it requires), `active`."""
    _ensure_officer(user)
    name = (data.get("name") or "").strip()
    department = data.get("department")
    required = data.get("types") or []
    errors = {}
    if not name:
        errors["name"] = [_("Enter the post's name.")]
    elif len(name) > 80:
        errors["name"] = [_("Use at most 80 characters.")]
    if not isinstance(department, Department):
        errors["department"] = [_("Choose the department or team.")]
    if not required:
        errors["types"] = [_("Choose at least one qualification the post requires.")]
    if not errors:
        clash = db.session.scalar(
            select(Post.id).where(
                Post.department_id == department.id,
                func.lower(Post.name) == name.lower(),
                Post.id != (post.id if post else -1),
            )
        )
        if clash:
            errors["name"] = [_("This department already has a post of this name.")]
    if errors:
        raise ValidationFailed(errors)
    post, created = saved_into(Post, post)
    post.name = name
    post.department_id = department.id
    post.department = department
    post.active = bool(data.get("active", True))
    wanted = {t.id: t for t in required if isinstance(t, QualificationType)}
    post.requirements = [r for r in post.requirements if r.type_id in wanted] + [
        PostRequirement(type_id=tid, type=t)
        for tid, t in wanted.items()
        if tid not in {r.type_id for r in post.requirements}
    ]
    db.session.flush()
    audit.record(
        "gate.post_created" if created else "gate.post_changed",
        post,
        actor=user,
        summary=f"{department.full_name} {name}",
    )
    return post


def add_holder(user, post: Post, employee_no: str) -> PostHolder:
    _ensure_officer(user)
    person = User.by_employee_no(employee_no or "") if (employee_no or "").strip() else None
    if person is None or not person.active:
        raise ValidationFailed.on("employee_no", _("No active member has this employee number."))
    have = db.session.scalar(
        select(PostHolder).where(PostHolder.post_id == post.id, PostHolder.user_id == person.id)
    )
    if have:
        raise ValidationFailed.on(
            "employee_no", _("%(name)s already holds this post.", name=person.name)
        )
    holder = PostHolder(post_id=post.id, user_id=person.id)
    db.session.add(holder)
    db.session.flush()
    audit.record("gate.holder_added", post, actor=user, summary=f"{post.name} {person.employee_no}")
    return holder


def remove_holder(user, holder: PostHolder) -> None:
    _ensure_officer(user)
    summary = f"{holder.post.name} {holder.user.employee_no}"
    _remove(user, holder, "gate.holder_removed", holder.post, summary)


def add_leader(user, department: Department | None, employee_no: str) -> TeamLeader:
    _ensure_officer(user)
    errors = {}
    if not isinstance(department, Department):
        errors["department"] = [_("Choose the department or team.")]
    person = User.by_employee_no(employee_no or "") if (employee_no or "").strip() else None
    if person is None or not person.active:
        errors["employee_no"] = [_("No active member has this employee number.")]
    if errors:
        raise ValidationFailed(errors)
    if db.session.get(TeamLeader, (department.id, person.id)):
        raise ValidationFailed.on(
            "employee_no", _("%(name)s already checks here.", name=person.name)
        )
    leader = TeamLeader(department_id=department.id, user_id=person.id)
    db.session.add(leader)
    db.session.flush()
    audit.record(
        "gate.leader_added",
        person,
        actor=user,
        summary=f"{department.full_name} {person.employee_no}",
    )
    return leader


def remove_leader(user, leader: TeamLeader) -> None:
    _ensure_officer(user)
    summary = f"{leader.department.full_name} {leader.user.employee_no}"
    _remove(user, leader, "gate.leader_removed", leader.user, summary)


def _remove(user, row, action: str, subject, summary: str) -> None:
    """Delete a post holder or a team leader, audited under `subject`."""
    audit.record(action, subject, actor=user, summary=summary)
    db.session.delete(row)
    db.session.flush()
