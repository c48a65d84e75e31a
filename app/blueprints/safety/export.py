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


def _made_between(model, column, start: date, end: date, *options):
    """The rows of `model` whose `column` falls on the days `start` to `end` (both included,
    local days), in number order, read from the database a batch at a time, each with its area
    and the area's department (every sheet names both)."""
    query = (
        select(model)
        .where(column >= day_start(start), column < day_start(end + timedelta(days=1)))
        .options(joinedload(model.area).joinedload(Area.department), *options)
        .order_by(model.id)
        .execution_options(yield_per=BATCH)
    )
    return db.session.scalars(query)


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
    hazards = _made_between(
        Hazard,
        Hazard.created_at,
        start,
        end,
        joinedload(Hazard.reporter),
        joinedload(Hazard.assignee),
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
        _("Found at"),
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
            _local(h.captured_at),
            _local(h.closed_at),
            h.description,
        ]
        for h in hazards
    )
    return _workbook(_("Hazards"), header, rows)


def patrols_xlsx(start: date, end: date) -> bytes:
    patrols = _made_between(Patrol, Patrol.started_at, start, end, joinedload(Patrol.inspector))
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
        for p in patrols
    )
    return _workbook(_("Patrols"), header, rows)
