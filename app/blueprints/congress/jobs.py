"""Scheduled jobs: the 换届 reminder and overdue motions (daily), and the electorate of the
evaluation rounds that have just closed (every few minutes)."""

from huey import crontab

from app.blueprints.congress.services import evaluations, motions, sessions
from app.extensions import db
from app.jobs import periodic_app_task


def remind_terms():
    return sessions.remind_terms()


def alert_overdue_motions():
    return motions.alert_overdue()


@periodic_app_task(crontab(minute="*/5"))
def fix_closed_electorates():
    """Every 5 minutes: a round's electorate is written down within minutes of its closing,
    before members or delegates move on."""
    evaluations.fix_electorates()
    db.session.commit()


def register(reg) -> None:
    reg.daily_job("congress.terms", remind_terms)
    reg.daily_job("congress.overdue_motions", alert_overdue_motions)
