"""Appeal statistics by category, workshop and month, with small counts suppressed so that no
one is identified: a count from 1 to k - 1 is shown as "<k" (k = 3 by default), and when only
one cell of a breakdown is suppressed the next smallest is suppressed too, so it cannot be
worked out from the total.

`figures(start, end, k)` is the one entry point, for the statistics page and for other
features (the 建家 scorecard): it returns only suppressed cells, never a raw small count.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import case, extract, func, select

from app.extensions import db
from app.models import Department
from app.models.appeals import Appeal, AppealCategory, AppealRating, AppealStatus
from app.services.inputs import local_day_of

K_DEFAULT = 3
ANSWERED = (AppealStatus.ANSWERED, AppealStatus.CLOSED)
SATISFIED = (AppealRating.SATISFIED, AppealRating.PARTLY)


@dataclass(frozen=True)
class Cell:
    """One figure: `value` is None when suppressed; `shown` is what a page prints."""

    value: int | None
    shown: str


def _cell(n: int, k: int) -> Cell:
    if 0 < n < k:
        return Cell(None, f"<{k}")
    return Cell(n, str(n))


def _suppress(counts: dict, k: int) -> dict:
    cells = {name: _cell(n, k) for name, n in counts.items()}
    hidden = [name for name, c in cells.items() if c.value is None]
    if len(hidden) == 1:
        shown = sorted((n, str(name)) for name, n in counts.items() if n >= k)
        if shown:
            smallest = next(name for name in counts if str(name) == shown[0][1])
            cells[smallest] = Cell(None, f"≥{k}")
    return cells


def counted(condition):
    """How many of the rows `condition` holds for, in SQL."""
    return func.count(case((condition, 1)))


def outcomes() -> tuple:
    """How many appeals were answered, acknowledged by the union's day they were due (an
    unacknowledged one is not) and rated satisfied or partly: the three counts, in SQL, for
    the statistics and the scorecard's figures alike."""
    acknowledged_on = local_day_of(Appeal.acknowledged_at)
    return (
        counted(Appeal.status.in_(ANSWERED)),
        counted(acknowledged_on <= Appeal.acknowledge_by),
        counted(Appeal.rating.in_(SATISFIED)),
    )


@dataclass(frozen=True)
class Figures:
    k: int
    total: Cell
    by_category: list  # [(label, Cell)]
    by_department: list  # [(name, Cell)]
    by_month: list  # [("2026-11", Cell)]
    answered: Cell
    acknowledged_on_time: Cell
    satisfied: Cell  # rated satisfied or partly satisfied


def figures(start: date | None = None, end: date | None = None, k: int = K_DEFAULT) -> Figures:
    """The appeals raised from `start` to `end` (inclusive; None: open), counted with small
    counts suppressed. Safe to show to anyone who may see statistics."""
    k = max(int(k), 2)
    raised = []
    if start is not None:
        raised.append(Appeal.raised_on >= start)
    if end is not None:
        raised.append(Appeal.raised_on <= end)
    # Counted by the database, in groups as many as categories x departments x months,
    # however many appeals there are.
    year, month = extract("year", Appeal.raised_on), extract("month", Appeal.raised_on)
    groups = db.session.execute(
        select(Appeal.category, Appeal.department_id, year, month, func.count(), *outcomes())
        .where(*raised)
        .group_by(Appeal.category, Appeal.department_id, year, month)
    ).all()
    names = dict(db.session.execute(select(Department.id, Department.name)).all())
    categories, departments, months = Counter(), Counter(), Counter()
    total = answered = acknowledged = satisfied = 0
    for category, department_id, y, m, n, *counts in groups:
        categories[category] += n
        departments[names.get(department_id) or _("Not given")] += n
        months[f"{int(y):04d}-{int(m):02d}"] += n
        total += n
        answered, acknowledged, satisfied = (
            a + int(b) for a, b in zip((answered, acknowledged, satisfied), counts, strict=True)
        )
    by_category = _suppress({c: categories.get(c, 0) for c in AppealCategory}, k)
    by_department = _suppress(dict(sorted(departments.items())), k)
    by_month = _suppress(dict(sorted(months.items())), k)
    return Figures(
        k=k,
        total=_cell(total, k),
        by_category=[(c.label, cell) for c, cell in by_category.items()],
        by_department=list(by_department.items()),
        by_month=list(by_month.items()),
        answered=_cell(answered, k),
        acknowledged_on_time=_cell(acknowledged, k),
        satisfied=_cell(satisfied, k),
    )
