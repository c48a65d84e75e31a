"""The activities feature's figure on the 建家 scorecard: the share of members who took part
(checked in) in at least one activity of the period."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.models.activities import Activity, Participation
from app.scorecard import share_rows, share_value

CHECKED_IN = (
    select(Participation.user_id)
    .join(Activity, Activity.id == Participation.activity_id)
    .where(Participation.checked_in_at.is_not(None))
)


def activity_share(year, month, department):
    return share_rows(year, month, department, CHECKED_IN, Activity.starts_at)


def activity_share_value(year, month, department):
    return share_value(year, month, department, CHECKED_IN, Activity.starts_at)


def register(reg) -> None:
    reg.figure(
        "participation",
        "activity_share",
        _l("Members who took part in an activity (%)"),
        activity_share_value,
        rows=activity_share,
        unit="percent",
        order=10,
    )
