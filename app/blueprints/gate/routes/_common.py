"""Helpers the gate's pages share."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.errors import only_if
from app.extensions import db
from app.models import Department

from ..access import is_officer


def departments() -> list[Department]:
    rows = db.session.scalars(select(Department).options(joinedload(Department.parent))).all()
    return sorted(rows, key=lambda d: d.full_name)


# Gate officers (and admins): everything but the checker's scan.
officers_only = only_if(is_officer)
