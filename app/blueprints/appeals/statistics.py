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
from sqlalchemy import select

from app.extensions import db
from app.models import Department
from app.models.appeals import Appeal, AppealCategory, AppealRating, AppealStatus
from app.services.inputs import local_zone

K_DEFAULT = 3


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
    query = select(
        Appeal.category,
        Appeal.department_id,
        Appeal.raised_on,
        Appeal.status,
        Appeal.acknowledged_at,
        Appeal.acknowledge_by,
        Appeal.rating,
    )
    if start is not None:
        query = query.where(Appeal.raised_on >= start)
    if end is not None:
        query = query.where(Appeal.raised_on <= end)
    rows = db.session.execute(query).all()
    names = dict(db.session.execute(select(Department.id, Department.name)).all())
    categories = Counter(r.category for r in rows)
    departments = Counter(names.get(r.department_id) or _("Not given") for r in rows)
    months = Counter(r.raised_on.strftime("%Y-%m") for r in rows)
    answered = [r for r in rows if r.status in (AppealStatus.ANSWERED, AppealStatus.CLOSED)]
    on_time = [
        r
        for r in rows
        # acknowledge_by is a day on the union's clock; acknowledged_at a moment in UTC.
        if r.acknowledged_at is not None
        and r.acknowledged_at.astimezone(local_zone()).date() <= r.acknowledge_by
    ]
    satisfied = [r for r in rows if r.rating in (AppealRating.SATISFIED, AppealRating.PARTLY)]
    by_category = _suppress({c: categories.get(c, 0) for c in AppealCategory}, k)
    by_department = _suppress(dict(sorted(departments.items())), k)
    by_month = _suppress(dict(sorted(months.items())), k)
    return Figures(
        k=k,
        total=_cell(len(rows), k),
        by_category=[(c.label, cell) for c, cell in by_category.items()],
        by_department=list(by_department.items()),
        by_month=list(by_month.items()),
        answered=_cell(len(answered), k),
        acknowledged_on_time=_cell(len(on_time), k),
        satisfied=_cell(len(satisfied), k),
    )
