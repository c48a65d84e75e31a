"""Helpers the gate's pages share."""

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Department

from ..access import is_officer


def departments() -> list[Department]:
    rows = db.session.scalars(select(Department).options(joinedload(Department.parent))).all()
    return sorted(rows, key=lambda d: d.full_name)


def officers_only() -> None:
    if not is_officer(current_user):
        abort(403)
