"""The network's set-up: areas and checkpoints, groups and their members, checklists."""

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import Department, Role, User
from app.models.safety import (
    Area,
    AreaKind,
    Checklist,
    ChecklistItem,
    ChecklistVersion,
    Checkpoint,
    GroupMembership,
    SafetyGroup,
)
from app.services import audit
from app.services.rows import next_number

from .common import MaxLength, ValidationFailed, choice, record_id, text

MAX_ITEMS = 60


def save_area(actor, data, area: Area | None = None) -> Area:
    """Create an area, or change one. Raises ValidationFailed."""
    errors: dict[str, list[str]] = {}
    name = text(data, "name", errors, required=True, max_len=MaxLength.NAME)
    kind = choice(data, "kind", AreaKind, errors)
    department = record_id(data, "department_id", Department, errors)
    description = text(data, "description", errors, max_len=MaxLength.NOTE)
    if name and department and not errors:
        clash = db.session.scalar(
            select(Area.id).where(Area.department_id == department.id, Area.name == name)
        )
        if clash is not None and (area is None or clash != area.id):
            errors["name"] = [_("This department already has an area of that name.")]
    if errors:
        raise ValidationFailed(errors)
    created = area is None
    area = area or Area()
    area.name, area.kind, area.department_id, area.description = (
        name,
        kind,
        department.id,
        description,
    )
    if "active" in data:
        area.active = data.get("active") in (True, "y", "on", "1")
    db.session.add(area)
    db.session.flush()
    audit.record("area.created" if created else "area.updated", area, actor=actor, summary=name)
    return area


def add_checkpoint(actor, area: Area, data) -> Checkpoint:
    errors: dict[str, list[str]] = {}
    name = text(data, "name", errors, required=True, max_len=MaxLength.NAME)
    description = text(data, "description", errors, max_len=MaxLength.NOTE)
    if name and db.session.scalar(
        select(Checkpoint.id).where(Checkpoint.area_id == area.id, Checkpoint.name == name)
    ):
        errors["name"] = [_("This area already has a checkpoint of that name.")]
    if errors:
        raise ValidationFailed(errors)
    checkpoint = Checkpoint(area_id=area.id, name=name, description=description)
    db.session.add(checkpoint)
    db.session.flush()
    audit.record("checkpoint.created", checkpoint, actor=actor, summary=f"{area.name} {name}")
    return checkpoint


def save_group(actor, data) -> SafetyGroup:
    errors: dict[str, list[str]] = {}
    name = text(data, "name", errors, required=True, max_len=MaxLength.NAME)
    department = record_id(data, "department_id", Department, errors, required=False)
    if name and db.session.scalar(select(SafetyGroup.id).where(SafetyGroup.name == name)):
        errors["name"] = [_("A group of that name already exists.")]
    if errors:
        raise ValidationFailed(errors)
    group = SafetyGroup(name=name, department_id=department.id if department else None)
    db.session.add(group)
    db.session.flush()
    audit.record("safety_group.created", group, actor=actor, summary=name)
    return group


def add_member(actor, group: SafetyGroup, data) -> GroupMembership:
    """Put an inspector (or, as leader, a safety officer) into a group."""
    errors: dict[str, list[str]] = {}
    user = record_id(data, "user_id", User, errors, where=lambda u: u.active)
    leader = data.get("is_leader") in (True, "y", "on", "1")
    if user is not None:
        if leader and not user.has_role(Role.SAFETY_OFFICER):
            errors["user_id"] = [_("A group leader must be a safety officer.")]
        elif not user.has_role(Role.INSPECTOR, Role.SAFETY_OFFICER):
            errors["user_id"] = [_("Only inspectors and safety officers can join the network.")]
        elif db.session.get(GroupMembership, (group.id, user.id)) is not None:
            errors["user_id"] = [_("%(name)s is already in this group.", name=user.name)]
    if errors:
        raise ValidationFailed(errors)
    membership = GroupMembership(group_id=group.id, user_id=user.id, is_leader=leader)
    db.session.add(membership)
    db.session.flush()
    audit.record("safety_group.member_added", group, actor=actor, summary=user.name)
    return membership


def remove_member(actor, group: SafetyGroup, user_id: int) -> None:
    membership = db.session.get(GroupMembership, (group.id, user_id))
    if membership is None:
        raise ValidationFailed({"user_id": [_("This person is not in the group.")]})
    db.session.delete(membership)
    audit.record("safety_group.member_removed", group, actor=actor, summary=str(user_id))


def _items(data, errors) -> list[str]:
    raw = data.get("items") or ""
    lines = raw if isinstance(raw, list) else raw.splitlines()
    items = [line.strip() for line in lines if line and line.strip()]
    if not items:
        errors["items"] = [_("Write at least one item, one per line.")]
    elif len(items) > MAX_ITEMS:
        errors["items"] = [_("Use at most %(n)d items.", n=MAX_ITEMS)]
    elif any(len(i) > 200 for i in items):
        errors["items"] = [_("Keep each item to at most 200 characters.")]
    return items


def create_checklist(actor, data) -> Checklist:
    """A new checklist with its first version. `data`: name, area_kind, items (lines)."""
    errors: dict[str, list[str]] = {}
    name = text(data, "name", errors, required=True, max_len=MaxLength.TITLE)
    kind = choice(data, "area_kind", AreaKind, errors)
    items = _items(data, errors)
    if errors:
        raise ValidationFailed(errors)
    checklist = Checklist(name=name, area_kind=kind)
    db.session.add(checklist)
    db.session.flush()
    _new_version(actor, checklist, items)
    audit.record("checklist.created", checklist, actor=actor, summary=name)
    return checklist


def revise_checklist(actor, checklist: Checklist, data) -> ChecklistVersion:
    """Editing makes a new version; patrols keep the version they were answered against."""
    errors: dict[str, list[str]] = {}
    name = text(data, "name", errors, required=True, max_len=MaxLength.TITLE)
    items = _items(data, errors)
    if errors:
        raise ValidationFailed(errors)
    current = [i.text for i in checklist.current_version.items] if checklist.current_version else []
    checklist.name = name
    if items == current:
        db.session.flush()
        return checklist.current_version
    version = _new_version(actor, checklist, items)
    audit.record("checklist.revised", checklist, actor=actor, summary=f"{name} v{version.number}")
    return version


def _new_version(actor, checklist: Checklist, items: list[str]) -> ChecklistVersion:
    number = next_number(ChecklistVersion.number, ChecklistVersion.checklist_id == checklist.id)
    version = ChecklistVersion(
        checklist_id=checklist.id,
        number=number,
        created_by_id=actor.id if actor else None,
        items=[ChecklistItem(position=i, text=t) for i, t in enumerate(items, 1)],
    )
    db.session.add(version)
    db.session.flush()
    checklist.current_version_id = version.id
    db.session.flush()
    return version


def checklist_for(area: Area) -> ChecklistVersion | None:
    """The current version of the active checklist for this kind of area (the newest one)."""
    return db.session.scalar(
        select(ChecklistVersion)
        .join(Checklist, Checklist.current_version_id == ChecklistVersion.id)
        .where(Checklist.area_kind == area.kind, Checklist.active.is_(True))
        .order_by(Checklist.id.desc())
        .limit(1)
    )
