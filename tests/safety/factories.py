"""Factories for the safety network's rows; each goes through the real services."""

import io
import itertools
from datetime import timedelta

from PIL import Image

from app.blueprints.safety import queries, services
from app.blueprints.safety.services.common import local_today
from app.extensions import db
from app.models import Role
from tests.factories import make_department, make_user

_n = itertools.count(1)


def jpeg_bytes(size=(64, 48), colour="red", exif=None, fmt="JPEG") -> bytes:
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, colour).save(out, fmt, **kwargs)
    return out.getvalue()


def make_area(department=None, kind="production", name=None):
    department = department or make_department()
    officer = make_user(Role.ADMIN)
    area = services.save_area(
        officer,
        {"name": name or f"区域{next(_n)}", "kind": kind, "department_id": department.id},
    )
    db.session.commit()
    return area


def make_checklist(kind="production", items=("通道畅通", "防护罩完好", "灭火器有效")):
    officer = make_user(Role.ADMIN)
    checklist = services.create_checklist(
        officer, {"name": f"巡查表{next(_n)}", "area_kind": kind, "items": "\n".join(items)}
    )
    db.session.commit()
    return checklist


def make_hazard(reporter=None, area=None, severity="general", title=None, **extra):
    reporter = reporter or make_user()
    area = area or make_area()
    hazard, _ = services.report_hazard(
        reporter,
        {
            "title": title or f"隐患{next(_n)}",
            "area_id": area.id,
            "category": "electrical",
            "severity": severity,
            **extra,
        },
    )
    db.session.commit()
    return hazard


def assign(hazard, officer, assignee, days=7):
    """`assignee` takes the hazard; one of no department and outside the network joins the
    area's, as the people a hazard may go to are its workshop's and the network's."""
    if assignee.department_id is None and not queries.is_assignable(hazard.area, assignee):
        assignee.department_id = hazard.area.department_id
    services.act_on_hazard(
        officer,
        hazard,
        "assign",
        {"assignee_id": assignee.id, "due_on": (local_today() + timedelta(days=days)).isoformat()},
    )
    db.session.commit()


def step(hazard, user, action, note="好的"):
    event, _ = services.act_on_hazard(user, hazard, action, {"note": note})
    db.session.commit()
    return event
