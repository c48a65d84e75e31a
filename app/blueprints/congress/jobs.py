"""Daily jobs: the 换届 reminder and overdue motions."""

from app.blueprints.congress.services import motions, sessions


def remind_terms():
    return sessions.remind_terms()


def alert_overdue_motions():
    return motions.alert_overdue()
