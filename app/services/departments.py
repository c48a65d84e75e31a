"""The department tree: workshops (车间) at the top, teams (班组) inside them."""

from functools import cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from app.errors import ValidationFailed
from app.extensions import db
from app.models import Department, DepartmentKind, User
from app.models.gate import Post, PostHolder, TeamLeader
from app.models.proposals import DepartmentHead
from app.services import audit


def workshop_of(user) -> int | None:
    """The id of the workshop (top department) a person belongs to, through their team."""
    department = user.department
    if department is None:
        return None
    return department.parent_id or department.id


def own_departments(user) -> list[int]:
    """The user's team and the workshop above it (none for someone in no department): an
    activity or an open notice for either reaches them."""
    department = user.department
    if department is None:
        return []
    return [department.id] + ([department.parent_id] if department.parent_id else [])


def headed_workshops(user) -> set[int]:
    """The workshops this person heads (named on /proposals/settings): they give the
    workshop's opinion on proposals and nominate its people for honours."""
    return set(
        db.session.scalars(
            select(DepartmentHead.department_id).where(DepartmentHead.user_id == user.id)
        )
    )


def led_departments(user) -> set[int]:
    """The departments `user` leads as team leader (班组长, named on the gate's team-leader
    page), with the teams of a workshop they lead: whose workers they check at the site
    entrance, and whose reading of procedures they follow in the library."""
    if not user.is_authenticated:
        return set()
    ids = set(db.session.scalars(led_statement(), {"user_id": user.id}))
    if ids:
        ids |= set(db.session.scalars(select(Department.id).where(Department.parent_id.in_(ids))))
    return ids


def named_for(user) -> dict[str, list[str]]:
    """The departments the union named `user` for, beside their roles (我的 shows them):
    "led" as team leader (班组长, the gate's team-leader page), "headed" as department head
    (/proposals/settings); each by its full name."""
    return {
        key: [
            department.full_name
            for department in db.session.scalars(
                select(Department)
                .join(model, model.department_id == Department.id)
                .where(model.user_id == user.id)
                .order_by(Department.id)
            )
        ]
        for key, model in (("led", TeamLeader), ("headed", DepartmentHead))
    }


@cache
def led_statement():
    """The departments `user_id` is named team leader of. Built once a process: home cards
    ask it, or whether it has a row (see app/blueprints/README.md)."""
    return select(TeamLeader.department_id).where(TeamLeader.user_id == bindparam("user_id"))


@cache
def held_posts_statement():
    """The active posts `user_id` holds (named on the gate's post page): the gate checks their
    qualifications, the library asks them to confirm their procedures. Built once a process:
    home cards ask it, or whether it has a row (see app/blueprints/README.md)."""
    return (
        select(PostHolder.post_id)
        .join(Post, Post.id == PostHolder.post_id)
        .where(PostHolder.user_id == bindparam("user_id"), Post.active.is_(True))
    )


def _check_name(name: str, parent: Department | None, dept: Department | None) -> list[str]:
    same_parent = Department.parent_id == parent.id if parent else Department.parent_id.is_(None)
    clash = db.session.scalar(
        select(Department.id).where(Department.name == name, same_parent).limit(1)
    )
    if clash is not None and (dept is None or clash != dept.id):
        return [_("There is already a department named %(name)s here.", name=name)]
    return []


def _check_parent(parent: Department | None, dept: Department | None) -> list[str]:
    if parent is None:
        return []
    if parent.parent_id is not None:
        return [_("A team can only belong to a workshop.")]
    if dept is not None and (parent.id == dept.id or dept.children):
        return [_("A workshop that has teams cannot itself become a team.")]
    return []


def create_department(name: str, parent: Department | None, *, actor=None) -> Department:
    name = name.strip()
    errors = {"name": _check_name(name, parent, None), "parent_id": _check_parent(parent, None)}
    if any(errors.values()):
        raise ValidationFailed({k: v for k, v in errors.items() if v})
    kind = DepartmentKind.TEAM if parent else DepartmentKind.WORKSHOP
    dept = Department(name=name, parent=parent, kind=kind)
    db.session.add(dept)
    db.session.flush()
    audit.record("department.created", dept, actor=actor, summary=dept.full_name)
    return dept


def update_department(dept: Department, name: str, parent: Department | None, *, actor=None):
    name = name.strip()
    errors = {"name": _check_name(name, parent, dept), "parent_id": _check_parent(parent, dept)}
    if any(errors.values()):
        raise ValidationFailed({k: v for k, v in errors.items() if v})
    before = {"name": dept.full_name}
    dept.name, dept.parent = name, parent
    dept.kind = DepartmentKind.TEAM if parent else DepartmentKind.WORKSHOP
    if dept.full_name != before["name"]:
        audit.record(
            "department.updated",
            dept,
            actor=actor,
            summary=dept.full_name,
            before=before,
            after={"name": dept.full_name},
        )
    return dept


def delete_department(dept: Department, *, actor=None) -> None:
    """Only an empty department goes: people and teams must be moved first."""
    if dept.children:
        raise ValidationFailed({"department": [_("Move or delete its teams first.")]})
    members = db.session.scalar(select(func.count(User.id)).where(User.department_id == dept.id))
    if members:
        raise ValidationFailed(
            {
                "department": [
                    _("%(count)d people still belong to it; move them first.", count=members)
                ]
            }
        )
    audit.record("department.deleted", dept, actor=actor, summary=dept.full_name)
    db.session.delete(dept)


def workshops_with_teams() -> list[Department]:
    return db.session.scalars(
        select(Department)
        .where(Department.parent_id.is_(None))
        .options(selectinload(Department.children))
        .order_by(Department.name)
    ).all()


def department_tree() -> tuple[list[Department], dict[int, int]]:
    """Workshops with their teams loaded, and how many people each department has."""
    workshops = workshops_with_teams()
    counts = dict(
        db.session.execute(
            select(User.department_id, func.count(User.id)).group_by(User.department_id)
        ).all()
    )
    return workshops, counts


def all_departments() -> list[Department]:
    """Every department, workshops each followed by their teams, for pick lists."""
    workshops = workshops_with_teams()
    return [d for w in workshops for d in (w, *w.children)]


def department_choices(blank=None) -> list[tuple[int, str]]:
    """A select's choices: every department by its full name in tree order, after an
    optional first choice `blank` (value 0)."""
    choices = [(d.id, d.full_name) for d in all_departments()]
    return ([(0, blank)] if blank is not None else []) + choices
