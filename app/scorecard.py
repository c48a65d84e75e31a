"""What the features' figures for the 建家 scorecard share: the period and department a
figure is asked for, and the rows behind a figure (the list its link opens).

A feature registers each figure from its own `figures.py` (`registry(app).figure(...)`, see
`app.features.Figure`); the `reports` feature shows them and never imports a feature by name.
A figure is computed from its rows, so the number and the list behind it cannot differ:
`count` is the number of rows, `percent` the share of rows that count, `score` the mean and
`yuan` the sum of the rows' amounts, always leaving out the plain rows (notes among them).
A few figures read at scale are counted in SQL instead (hazards reported, proposals made and
adopted, their benefit, hazards closed on time); tests/reports/test_figure_rows.py holds each
of them equal to what its rows make.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, func, select

from app.extensions import db
from app.models import Department, User
from app.services.inputs import day_start


@dataclass(frozen=True)
class Row:
    """One item behind a figure: what it is, where it opens, whether it counts (for a
    share) and its amount (for a mean or a sum)."""

    label: str
    url: str | None = None
    counted: bool = True
    amount: float | None = None
    plain: bool = False  # a note among the rows: neither counted nor not
    state: str | None = None  # said instead of "counted" / "not counted", in the figure's words


def days(year: int, month: int | None) -> tuple[date, date]:
    """The first day of the period and the first day after it (local calendar)."""
    if month is None:
        return date(year, 1, 1), date(year + 1, 1, 1)
    start = date(year, month, 1)
    return start, date(year + (month == 12), month % 12 + 1, 1)


def moments(year: int, month: int | None) -> tuple[datetime, datetime]:
    """The period's bounds as UTC moments (the union's midnights)."""
    start, end = days(year, month)
    return day_start(start), day_start(end)


_read_once: ContextVar[dict | None] = ContextVar("scorecard_read_once", default=None)


@contextmanager
def sharing():
    """Within it, what several figures read alike (`shared`) is read once: the scorecard
    opens it around a page of figures, as they stand at one moment."""
    token = _read_once.set({})
    try:
        yield
    finally:
        _read_once.reset(token)


def shared(key, compute):
    """`compute()`, once for `key` (which names what it reads: the period, the department…)
    within `sharing`; outside it, every time."""
    memo = _read_once.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def department_ids(department) -> list[int] | None:
    """The department and its teams (None: the whole union, no filter)."""
    if department is None:
        return None
    return shared(
        ("department_ids", department.id),
        lambda: (
            [department.id]
            + list(
                db.session.scalars(
                    select(Department.id).where(Department.parent_id == department.id)
                )
            )
        ),
    )


def in_department(query, column, department):
    """`query` kept to the rows whose `column` (a department id) is the department or one of
    its teams (the whole union: `query` as it is)."""
    ids = department_ids(department)
    return query if ids is None else query.where(column.in_(ids))


def exact(number) -> Decimal:
    """`number` as the Decimal it is written as (0.1, not the float nearest it)."""
    return number if isinstance(number, Decimal) else Decimal(str(number))


def half_up(numerator, denominator=1, places: int = 2) -> float:
    """`numerator / denominator` to `places` decimals as a person rounds, a half up: 33 / 8
    is 4.13 and 100 / 16 is 6.3, where float's `round` answers 4.12 and 6.2 (it rounds a
    half to even, and reads 4.125 through binary). Every figure of the scorecard, and the
    means and shares the features show beside it, are rounded so."""
    quotient = exact(numerator) / exact(denominator)
    return float(quotient.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def percent(part: int, whole: int):
    """The share `value` makes of `whole` rows of which `part` count (None: no rows)."""
    return half_up(100 * part, whole, 1) if whole else None


def value(rows: list[Row], unit: str):
    """The figure its rows make (None when there is nothing to compute it from). A plain
    row is a note among the rows, not an item: it counts in no figure."""
    rows = [r for r in rows if not r.plain]
    if unit == "count":
        return len(rows)
    if unit == "percent":
        return percent(sum(r.counted for r in rows), len(rows))
    amounts = [exact(r.amount) for r in rows if r.amount is not None]
    if unit == "score":
        return half_up(sum(amounts), len(amounts), 2) if amounts else None
    return half_up(sum(amounts), 1, 2)  # yuan


def members(department) -> list[tuple[int, str, str]]:
    """The active members (every worker is one) of a department or the union:
    (id, employee number, name)."""
    query = select(User.id, User.employee_no, User.name).where(User.active.is_(True))
    query = in_department(query, User.department_id, department)
    return [tuple(row) for row in db.session.execute(query.order_by(User.employee_no))]


def share_rows(year, month, department, people, moment) -> list[Row]:
    """One row per member of the department (or the union), counted when they took part in
    the period: `people` selects the ids of those who took part in something, `moment` is the
    column that places that something in time (an activity's start, a survey's opening…)."""
    start, end = moments(year, month)
    took_part = set(db.session.scalars(people.where(moment >= start, moment < end)))
    return [Row(f"{no} {name}", None, uid in took_part) for uid, no, name in members(department)]


def share_counts(year, month, department, people, moment) -> tuple[int, int]:
    """How many of `share_rows`' rows count, and how many rows there are: counted in the
    database, in one statement."""
    start, end = moments(year, month)
    took_part = people.where(moment >= start, moment < end)
    query = select(func.count(case((User.id.in_(took_part), User.id))), func.count()).where(
        User.active.is_(True)
    )
    part, whole = db.session.execute(in_department(query, User.department_id, department)).one()
    return part, whole


def share_value(year, month, department, people, moment):
    """The figure `share_rows`' rows make, counted in the database."""
    return percent(*share_counts(year, month, department, people, moment))


def small(n: int, k: int) -> bool:
    """A count from 1 to k - 1: shown, it could point at the few people behind it."""
    return 0 < n < k


def share_withheld(part: int, whole: int, k: int) -> bool:
    """Whether a share is withheld: its part, its whole or the rest is a small count (the
    scorecard's rule for figures about people who must not be made out)."""
    return small(whole, k) or small(part, k) or small(whole - part, k)
