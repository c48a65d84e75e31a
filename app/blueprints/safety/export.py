"""Excel (.xlsx) exports of hazards and patrols for a date range, streamed row by row."""

import io
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.hazards import Hazard
from app.models.safety import Area, Patrol
from app.xlsx import text_safe

from .services.common import day_start, local_zone

BATCH = 1000


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return day_start(start), day_start(end + timedelta(days=1))


def _local(moment: datetime | None) -> datetime | None:
    # Excel has no time zones: write the wall-clock time people saw.
    return moment.astimezone(local_zone()).replace(tzinfo=None) if moment else None


def _workbook(title: str, header: list[str], rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(header)
    for row in rows:
        sheet.append(text_safe(sheet, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def hazards_xlsx(start: date, end: date) -> bytes:
    low, high = _bounds(start, end)
    query = (
        select(Hazard)
        .where(Hazard.created_at >= low, Hazard.created_at < high)
        .options(
            joinedload(Hazard.area).joinedload(Area.department),
            joinedload(Hazard.reporter),
            joinedload(Hazard.assignee),
        )
        .order_by(Hazard.id)
        .execution_options(yield_per=BATCH)
    )
    header = [
        _("No."),
        _("Title"),
        _("Department"),
        _("Area"),
        _("Category"),
        _("Severity"),
        _("Status"),
        _("Reporter"),
        _("Assignee"),
        _("Due date"),
        _("Reported at"),
        _("Closed at"),
        _("Description"),
    ]
    rows = (
        [
            h.id,
            h.title,
            h.area.department.name,
            h.area.name,
            str(h.category.label),
            str(h.severity.label),
            str(h.status.label),
            h.reporter.name,
            h.assignee.name if h.assignee else "",
            h.due_on,
            _local(h.created_at),
            _local(h.closed_at),
            h.description,
        ]
        for h in db.session.scalars(query)
    )
    return _workbook(_("Hazards"), header, rows)


def patrols_xlsx(start: date, end: date) -> bytes:
    low, high = _bounds(start, end)
    query = (
        select(Patrol)
        .where(Patrol.started_at >= low, Patrol.started_at < high)
        .options(joinedload(Patrol.area).joinedload(Area.department), joinedload(Patrol.inspector))
        .order_by(Patrol.id)
        .execution_options(yield_per=BATCH)
    )
    header = [
        _("No."),
        _("Inspector"),
        _("Department"),
        _("Area"),
        _("Status"),
        _("Started at"),
        _("Finished at"),
        _("Summary"),
    ]
    rows = (
        [
            p.id,
            p.inspector.name,
            p.area.department.name,
            p.area.name,
            str(p.status.label),
            _local(p.started_at),
            _local(p.finished_at),
            p.note,
        ]
        for p in db.session.scalars(query)
    )
    return _workbook(_("Patrols"), header, rows)
