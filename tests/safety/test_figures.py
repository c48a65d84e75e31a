"""The safety figures of the 建家 scorecard, judged as of a fixed day."""

from datetime import UTC, date, datetime

from app.blueprints.safety import figures
from app.models import Role
from app.models.hazards import HazardStatus
from tests.factories import make_user
from tests.helpers import text
from tests.safety.factories import make_hazard

TODAY = date(2026, 6, 15)


def _hazard(db, title, due_on, status=HazardStatus.ASSIGNED, closed_on=None):
    hazard = make_hazard(title=title)
    hazard.due_on, hazard.status = due_on, status
    if closed_on:
        hazard.closed_at = datetime(closed_on.year, closed_on.month, closed_on.day, 4, tzinfo=UTC)
    db.session.commit()
    return hazard


def test_hazards_not_yet_due_are_not_judged_on_time_or_late(client, auth, app, db, monkeypatch):
    """A hazard still open whose due date has not passed may yet be closed on time: the rate
    judges only those past due or closed, and its list shows just those."""
    monkeypatch.setattr(figures, "local_today", lambda: TODAY)
    closed = HazardStatus.CLOSED
    _hazard(db, "按期销号", date(2026, 6, 10), closed, closed_on=date(2026, 6, 9))
    _hazard(db, "逾期销号", date(2026, 6, 10), closed, closed_on=date(2026, 6, 12))
    _hazard(db, "逾期未改", date(2026, 6, 14))
    _hazard(db, "提前销号", date(2026, 6, 30), closed, closed_on=date(2026, 6, 14))
    _hazard(db, "今天到期", TODAY)  # may still be closed today
    _hazard(db, "下周到期", date(2026, 6, 22), HazardStatus.RECTIFYING)

    rows = figures.closed_on_time(2026, None, None)
    assert {row.label: row.counted for row in rows} == {
        "按期销号": True,
        "逾期销号": False,
        "逾期未改": False,
        "提前销号": True,
    }
    auth.login(make_user(Role.ADMIN))
    page = text(client.get("/reports/safety/closed_on_time?year=2026"))
    assert "按期销号" in page and "逾期未改" in page
    assert "今天到期" not in page and "下周到期" not in page
    assert "50.0" in page  # 2 of the 4 judged
