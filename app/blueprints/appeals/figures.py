"""The appeals' figures on the 建家 scorecard (area 维护, "rights"): appeals raised, answered,
acknowledged within target and rated satisfied, by the month they were raised in.

Only the rights officers see them (`access.is_officer`: never management, even an organizer
who is a department head). An anonymous appeal has no department: it counts only in the whole
union's figures, and its rows say nothing of it but how many there are. Small counts are
withheld with the appeals statistics' k: a count from 1 to k - 1, and a share whose part,
whole or rest is one, is shown as withheld, and so are the rows behind it. The statistics
page (/appeals/stats) is not held to this stricter rule: its only readers are these same
rights officers, who see every appeal in their queue; it shows counts, "<k" for a small one.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app.extensions import db
from app.models.appeals import Appeal
from app.scorecard import (
    Row,
    days,
    department_ids,
    percent,
    share_withheld,
    shared,
    small,
)
from app.services.inputs import local_date

from . import access
from .services import local_today
from .statistics import ANSWERED, K_DEFAULT, SATISFIED, counted, outcomes

K = K_DEFAULT


def _in_period(query, year, month, department):
    """`query` kept to the appeals raised in the period (of the department: named ones)."""
    first, after = days(year, month)
    query = query.where(Appeal.raised_on >= first, Appeal.raised_on < after)
    if (ids := department_ids(department)) is not None:
        query = query.where(Appeal.anonymous.is_(False), Appeal.department_id.in_(ids))
    return query


def _raised(year, month, department) -> list:
    """The appeals raised in the period: the columns the figures and their rows read."""
    query = select(
        Appeal.raised_on,
        Appeal.category,
        Appeal.anonymous,
        Appeal.status,
        Appeal.rating,
        Appeal.acknowledged_at,
        Appeal.acknowledge_by,
    )
    query = _in_period(query, year, month, department)
    return db.session.execute(query.order_by(Appeal.raised_on, Appeal.category)).all()


def _counts(year, month, department) -> dict:
    """What each figure counts of the appeals `_raised` lists, {figure: (part, whole)} (part
    None: a count), counted in the database in one statement for the four figures."""
    judged = or_(Appeal.acknowledged_at.is_not(None), Appeal.acknowledge_by < local_today())
    query = select(func.count(), counted(judged), counted(Appeal.rating.is_not(None)), *outcomes())
    raised, judged, rated, answered, acknowledged, satisfied = db.session.execute(
        _in_period(query, year, month, department)
    ).one()
    return {
        _all: (None, raised),
        _answered: (None, answered),
        _acknowledgement: (acknowledged, judged),
        _rating: (satisfied, rated),
    }


def _acknowledged_on_time(appeal) -> bool:
    return appeal.acknowledged_at is not None and (
        local_date(appeal.acknowledged_at) <= appeal.acknowledge_by
    )


# Each figure: which appeals it is about, and which of them count (None: a count).
def _acknowledgement(appeals):
    today = local_today()
    judged = [a for a in appeals if a.acknowledged_at is not None or a.acknowledge_by < today]
    return judged, _acknowledged_on_time


def _rating(appeals):
    return [a for a in appeals if a.rating is not None], lambda a: a.rating in SATISFIED


def _all(appeals):
    return appeals, None


def _answered(appeals):
    return [a for a in appeals if a.status in ANSWERED], None


def _small(n: int) -> bool:
    return small(n, K)


def withheld() -> str:
    return _("withheld (fewer than %(k)d)", k=K)


def withheld_share(whole: int) -> str:
    """Why a share of `whole` appeals is withheld: they are few, or (10 raised, one of them
    acknowledged late) the few on one side could point at the people behind them."""
    if _small(whole):
        return withheld()
    return _("withheld (fewer than %(k)d on one side: a person could be told)", k=K)


def _figure(select_appeals, unit):
    def compute(year, month, department):
        key = ("appeals", year, month, department.id if department else None)
        part, whole = shared(key, lambda: _counts(year, month, department))[select_appeals]
        if part is None:
            return withheld() if _small(whole) else whole
        if not whole:
            return None
        if share_withheld(part, whole, K):
            return withheld_share(whole)
        return percent(part, whole)

    def rows(year, month, department):
        if isinstance(compute(year, month, department), str):
            return [Row(_("Withheld so that no one can be identified."), plain=True)]
        appeals, counts = select_appeals(_raised(year, month, department))
        named = [a for a in appeals if not a.anonymous]
        out = [
            Row(
                f"{a.raised_on:%Y-%m} · {a.category.label}",
                None,
                bool(counts(a)) if counts else True,
            )
            for a in named
        ]
        if len(named) < len(appeals):
            anonymous = len(appeals) - len(named)
            shown = withheld() if _small(anonymous) else str(anonymous)
            out.append(Row(_("Anonymous appeals: %(n)s", n=shown), plain=True))
        return out

    return {"compute": compute, "rows": rows, "unit": unit}


def _is_officer(user) -> bool:
    """`access.is_officer`, asked once for the four figures."""
    return shared(("appeals officer", user.get_id()), lambda: access.is_officer(user))


NOTE = _l(
    "By the month raised. Anonymous appeals count only for the whole union; small counts "
    "are withheld."
)


def register(reg) -> None:
    figures = (
        ("raised", _l("Appeals raised"), _all, "count"),
        (
            "acknowledged_on_time",
            _l("Appeals acknowledged in time (%)"),
            _acknowledgement,
            "percent",
        ),
        ("answered", _l("Appeals answered"), _answered, "count"),
        ("satisfied", _l("Answers rated satisfied or partly (%)"), _rating, "percent"),
    )
    for order, (key, label, select_appeals, unit) in enumerate(figures, start=1):
        reg.figure(
            "rights",
            key,
            label,
            order=10 * order,
            note=NOTE,
            readers=_is_officer,
            **_figure(select_appeals, unit),
        )
