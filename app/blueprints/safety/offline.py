"""The safety network's part of a person's field kit (see DESIGN.md, "Reading offline").

An inspector's day: the hub, the capture forms, every area they may patrol with its round
page, its checkpoints (what the printed QR codes open), its QR images and its checklist, and
the open hazards assigned to them or reported by them, with their photos, so follow-ups can be
captured on the floor. Everyone else: the hub, the hazard form and their own open hazards.
"""

import hashlib

from flask import url_for
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.hazards import OPEN_STATUSES, Hazard, HazardEvent, Photo
from app.models.safety import Area, Checklist, ChecklistVersion, Checkpoint

from . import permissions


def patrol_areas(user) -> list[Area]:
    """The active areas with a checklist that `user` may patrol (none for a non-patroller)."""
    if not permissions.can_patrol(user):
        return []
    kinds = select(Checklist.area_kind).where(
        Checklist.active.is_(True), Checklist.current_version_id.is_not(None)
    )
    return list(
        db.session.scalars(
            select(Area)
            .where(Area.active.is_(True), Area.kind.in_(kinds))
            .options(selectinload(Area.checkpoints))
            .order_by(Area.department_id, Area.name)
        )
    )


def open_hazards(user) -> list[Hazard]:
    """Open hazards assigned to `user` or reported by them: the ones they follow up."""
    return list(
        db.session.scalars(
            select(Hazard)
            .where(
                Hazard.status.in_(OPEN_STATUSES),
                or_(Hazard.assignee_id == user.id, Hazard.reporter_id == user.id),
            )
            .order_by(Hazard.id)
        )
    )


def _photo_urls(hazard_ids: list[int]) -> list[str]:
    if not hazard_ids:
        return []
    events = select(HazardEvent.id).where(HazardEvent.hazard_id.in_(hazard_ids))
    urls = []
    for photo_id in db.session.scalars(
        select(Photo.id)
        .where(or_(Photo.hazard_id.in_(hazard_ids), Photo.hazard_event_id.in_(events)))
        .order_by(Photo.id)
    ):
        urls += [
            url_for("safety.photo_thumb", photo_id=photo_id),
            url_for("safety.photo", photo_id=photo_id),
        ]
    return urls


def kit(user) -> list[str]:
    urls = [
        url_for("safety.index"),
        url_for("safety.new_hazard"),
        url_for("safety.my_hazards"),
        # What the home card "Hazards for you to rectify" opens, and the hazards they reported.
        url_for("safety.my_hazards", status="to_rectify"),
        url_for("safety.hazards", reporter="me"),
        url_for("safety.scan"),
    ]
    if permissions.is_network(user):
        urls += [
            url_for("safety.new_violation"),
            url_for("safety.patrols"),
            url_for("safety.areas"),
            url_for("safety.checklists"),
        ]
    checklists = set()
    for area in patrol_areas(user):
        urls += [
            url_for("safety.area", area_id=area.id),
            url_for("safety.patrol_round", area_id=area.id),
            url_for("safety.new_hazard", area_id=area.id),
            url_for("safety.area_qr", area_id=area.id),
        ]
        for checkpoint in area.checkpoints:
            urls += [
                url_for("safety.checkpoint", checkpoint_id=checkpoint.id),
                url_for("safety.checkpoint_qr", checkpoint_id=checkpoint.id),
            ]
        checklists.add(area.kind)
    if checklists:
        urls += [
            url_for("safety.checklist", checklist_id=checklist_id)
            for checklist_id in db.session.scalars(
                select(Checklist.id)
                .where(Checklist.active.is_(True), Checklist.area_kind.in_(checklists))
                .order_by(Checklist.id)
            )
        ]
    hazards = open_hazards(user)
    urls += [url_for("safety.hazard", hazard_id=h.id) for h in hazards]
    urls += _photo_urls([h.id for h in hazards])
    return urls


def stamp(user) -> str:
    """Changes when a kit page's content does: an area, checkpoint or checklist edited, a
    hazard of the user's taking a step (its `updated_at`). Every row is read in id order: in
    the database's own order the digest would change with nothing changed."""
    digest = hashlib.sha256()
    for row in db.session.execute(
        select(Area.id, Area.name, Area.kind, Area.description, Area.active).order_by(Area.id)
    ):
        digest.update(repr(tuple(row)).encode())
    for row in db.session.execute(
        select(Checkpoint.id, Checkpoint.name, Checkpoint.description).order_by(Checkpoint.id)
    ):
        digest.update(repr(tuple(row)).encode())
    digest.update(
        repr(
            tuple(
                db.session.execute(
                    select(func.max(ChecklistVersion.id), func.count(ChecklistVersion.id))
                ).one()
            )
        ).encode()
    )
    for row in db.session.execute(
        select(
            Checklist.id, Checklist.name, Checklist.active, Checklist.current_version_id
        ).order_by(Checklist.id)
    ):
        digest.update(repr(tuple(row)).encode())
    for row in db.session.execute(
        select(Hazard.id, Hazard.updated_at, Hazard.status)
        .where(or_(Hazard.assignee_id == user.id, Hazard.reporter_id == user.id))
        .order_by(Hazard.id)
    ):
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def register(reg) -> None:
    reg.offline(kit, stamp=stamp)
