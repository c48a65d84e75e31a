"""Daily jobs: the 换届 reminder and overdue motions."""

from app.blueprints.congress.services import motions, sessions


def remind_terms():
    return sessions.remind_terms()


def alert_overdue_motions():
    return motions.alert_overdue()


def register(reg) -> None:
    reg.daily_job("congress.terms", remind_terms)
    reg.daily_job("congress.overdue_motions", alert_overdue_motions)
