"""The scorecard's figures, read from the registry: who may see them, the period and
department asked for, and each figure's value and link."""

from datetime import date

from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_pgettext

from app.extensions import db
from app.features import FIGURE_AREAS, registry
from app.guards import parse_id
from app.models import Department, Role
from app.scorecard import half_up, sharing
from app.services.inputs import FIRST_DAY, LAST_DAY, NOT_OUR_YEAR, plain_whole, plain_year

READERS = (Role.ADMIN, Role.ORGANIZER)

AREA_LABELS = {
    "participation": lazy_pgettext("scorecard", "Membership and participation"),
    "satisfaction": lazy_pgettext("scorecard", "Satisfaction"),
    "safety": lazy_pgettext("scorecard", "Safety"),
    "democracy": lazy_pgettext("scorecard", "Democracy"),
    "care": lazy_pgettext("scorecard", "Care"),
    "proposals": lazy_pgettext("scorecard", "Proposals"),
    "rights": lazy_pgettext("scorecard", "Rights"),
}


def may_read(user) -> bool:
    return bool(user.is_authenticated and user.has_role(*READERS))


class BadPeriod(ValueError):
    pass


def period_from(args) -> tuple[int, int | None, Department | None]:
    """`?year=&month=&department=` checked: a year 2000–2100, a month 1–12, a department."""
    this_year = date.today().year
    year = plain_year(args.get("year") or this_year)
    if year is None or not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise BadPeriod(str(NOT_OUR_YEAR))
    month = None
    if month_text := args.get("month") or "":
        month = plain_whole(month_text)
        if month is None or not 1 <= month <= 12:
            raise BadPeriod(_("Choose a month from 1 to 12."))
    department = None
    if args.get("department"):
        department_id = parse_id(args.get("department"))
        department = db.session.get(Department, department_id) if department_id else None
        if department is None:
            raise BadPeriod(_("This department does not exist."))
    return year, month, department


def visible(figure, user) -> bool:
    """Whether `user` (a reader of the scorecard) sees this figure: some are narrower."""
    return figure.readers is None or bool(figure.readers(user))


def rows_for(figure, user, year, month, department) -> tuple[list, dict | None]:
    """(rows, None) for a reader of the figure's rows; ([], counts) for the others: how many
    rows count, how many not and how many are not judged yet (plain), never which."""
    rows = figure.rows(year, month, department)
    if figure.row_readers is None or figure.row_readers(user):
        return rows, None
    items = [r for r in rows if not r.plain]
    counted = sum(r.counted for r in items)
    return [], {
        "counted": counted,
        "not_counted": len(items) - counted,
        "pending": len(rows) - len(items),
    }


def figures_for(user, area: str) -> list:
    return [f for f in registry().figures if f.area == area and visible(f, user)]


def find(area: str, key: str):
    return next((f for f in registry().figures if f.area == area and f.key == key), None)


def link(figure, year, month, department) -> str | None:
    if figure.link is not None:
        return figure.link(year, month, department)
    if figure.rows is not None:
        return url_for(
            "reports.figure",
            area=figure.area,
            key=figure.key,
            year=year,
            month=month or None,
            department=department.id if department else None,
        )
    return None


def areas(year, month, department, user) -> list[dict]:
    """[{area, label, withheld, note, figures: [{figure, value, url}]}] in the areas' order,
    the figures `user` may see (`withheld`: how many of the area's they may not; `note`: the
    note every one of them carries, said once for the area instead of under each)."""
    with sharing():  # what several figures read alike, read once
        return [_area(area, year, month, department, user) for area in FIGURE_AREAS]


def _area(area, year, month, department, user) -> dict:
    figures = figures_for(user, area)
    notes = {str(f.note) if f.note is not None else None for f in figures}
    return {
        "area": area,
        "label": AREA_LABELS[area],
        "note": notes.pop() if len(figures) > 1 and len(notes) == 1 else None,
        "withheld": sum(f.area == area for f in registry().figures) - len(figures),
        "figures": [
            {
                "figure": f,
                "value": f.compute(year, month, department),
                "url": link(f, year, month, department),
            }
            for f in figures
        ],
    }


def shown(value, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):  # withheld, e.g. a suppressed small count
        return value
    # Rounded a half up first (4.125 → 4.13): a format's own rounding takes a half to even.
    if unit == "percent":
        return f"{half_up(value, 1, 1):.1f}%"
    if unit == "score":
        return f"{half_up(value, 1, 2):.2f}"
    if unit == "yuan":
        return f"{half_up(value, 1, 0):,.0f}"
    return str(value)


def request_period():
    return period_from(request.args)
