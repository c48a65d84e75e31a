"""The union office's background job: importing a roster file of up to 5,000 rows."""

import logging

from flask import current_app
from flask_babel import force_locale

from app.blueprints.admin import roster
from app.extensions import db
from app.jobs import app_task, enqueue_after_commit
from app.models import RosterImport, User
from app.models._types import utcnow

log = logging.getLogger(__name__)


@app_task()
def run_import(import_id: int) -> str:
    """Import a kept roster file in batches. Runs in an app context of its own (its own
    database session), also when the queue runs jobs at once (tests)."""
    with current_app.app_context():
        job = db.session.get(RosterImport, import_id)
        if job is None or job.finished:
            return "nothing to do"
        actor = db.session.get(User, job.actor_id) if job.actor_id else None
        locale = (actor.locale if actor else None) or current_app.config["BABEL_DEFAULT_LOCALE"]
        try:
            with force_locale(locale):  # the row reasons in the importing admin's language
                roster.continue_import(job)
        except Exception:
            db.session.rollback()
            log.exception("roster import %s failed", import_id)
            job = db.session.get(RosterImport, import_id)
            job.status = "failed"
            job.finished_at = utcnow()
            db.session.commit()
            return "failed"
        return "done"


def start_import(rows, ignored, filename: str, initial_password: str, actor) -> RosterImport:
    """Keep the parsed file and queue its import (after the caller's commit)."""
    job = RosterImport(
        actor_id=actor.id,
        filename=(filename or "")[:255],
        rows=[[line, values] for line, values in rows],
        ignored=list(ignored),
        total=len(rows),
        reports=[],
        password_hash=roster.hash_password(initial_password),
    )
    db.session.add(job)
    db.session.flush()
    enqueue_after_commit(run_import, job.id)
    return job
