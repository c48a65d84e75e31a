"""Background jobs on Huey: one queue for the whole app, and a daily job runner.

The Huey object exists at import time (tasks are declared with its decorators), but its
storage is chosen when the app is created: `SqliteHuey`'s storage in `instance/huey.db` by
default, `RedisHuey`'s when `REDIS_URL` is set. Nothing touches a disk or a server at import.

Tasks run inside an app context: in the consumer (`flask --app app jobs worker`) each task
gets the app that started the consumer; in immediate mode (tests) the caller's context is used.

Daily jobs: a feature's `init_app` registers a function with `registry(app).daily_job(name,
func)` (`app.features`); the periodic task `run_daily_jobs` runs them all once a day at
`DAILY_JOBS_AT` on the union's clock (`app.services.inputs.local_zone`), each in its own
transaction, so one failing job never stops the others.
"""

import functools
import logging
import os
import signal
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app, has_app_context, has_request_context, url_for
from flask.cli import AppGroup, with_appcontext
from huey import Huey
from huey.storage import BaseStorage, RedisStorage, SqliteStorage
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.services.inputs import local_today, local_zone

log = logging.getLogger(__name__)

# 08:00 on the union's clock: reminders arrive at the start of the working day, not in the night.
DAILY_JOBS_AT = (8, 0)


class AppHuey(Huey):
    """A Huey whose storage is set by `init_jobs(app)`; until then it stores nothing."""

    def create_storage(self):
        if self._immediate and self.immediate_use_memory:
            return self.get_immediate_storage()
        return getattr(self, "_configured_storage", None) or _Unconfigured(self.name)

    def configure(self, storage) -> None:
        self._configured_storage = storage
        if not self._immediate:
            self.storage = storage


class _Unconfigured(BaseStorage):
    def enqueue(self, data, priority=None):
        raise RuntimeError("the job queue is not configured: create the app first")

    add_to_schedule = enqueue


# No result store: nothing reads job results, and kept results would grow the queue forever.
huey = AppHuey("workers_home", utc=True, results=False)
_worker_app: Flask | None = None


def init_jobs(app: Flask) -> None:
    """Point the queue at Redis or at `instance/huey.db`; tests run jobs immediately."""
    global _worker_app
    _worker_app = app
    if app.config.get("HUEY_IMMEDIATE", app.testing):
        huey.immediate = True
        return
    huey.immediate = False
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        storage = RedisStorage(huey.name, url=redis_url)
    else:
        storage = SqliteStorage(huey.name, filename=str(Path(app.instance_path) / "huey.db"))
    huey.configure(storage)


def app_task(*task_args, **task_kwargs):
    """`huey.task(...)` whose function runs inside the app context."""

    def decorator(func):
        return huey.task(*task_args, **task_kwargs)(_in_app_context(func))

    return decorator


# Jobs wait for the transaction that they read to commit, keyed by the (nested) transaction
# they were queued in: a savepoint's release hands them to its parent, a rollback drops them.
_AFTER_COMMIT = "jobs_after_commit"


def enqueue_after_commit(task: Callable, *args, session=None, merge: bool = False) -> None:
    """Queue `task(*args)` once the session's OUTERMOST transaction commits; never if it
    rolls back.

    SQLAlchemy fires `after_commit` when a savepoint is released too (e.g. each record of a
    `/sync` batch): a job queued there would run before the batch commits and find nothing.
    Without a transaction the job is queued at once.

    `merge=True` is for a task that takes one list: the calls queued in one transaction are
    sent as ONE job with the lists joined (a /sync batch of 100 hazards queues one push
    fan-out, not 100 — each queued job is a write to the queue).
    """
    from app.extensions import db

    session = session or db.session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    if transaction is None:
        task(*args)
        return
    if merge:
        (items,) = args
        args = _Mergeable(items)
    session.info.setdefault(_AFTER_COMMIT, {}).setdefault(transaction, []).append((task, args))


class _Mergeable(list):
    """The one list argument of a job queued with `merge=True`."""


def _merged(jobs: list[tuple[Callable, object]]) -> list[tuple[Callable, tuple]]:
    """Jobs in their order, with every `merge=True` call of a task joined into its first."""
    out, joined = [], {}
    for task, args in jobs:
        if not isinstance(args, _Mergeable):
            out.append((task, args))
        elif task in joined:
            joined[task].extend(args)
        else:
            joined[task] = list(args)
            out.append((task, (joined[task],)))
    return out


@event.listens_for(Session, "after_commit")
def _queue_on_outermost_commit(session):
    pending = session.info.get(_AFTER_COMMIT)
    if not pending:
        return
    transaction = session.get_nested_transaction() or session.get_transaction()
    jobs = pending.pop(transaction, [])
    if transaction is not None and transaction.nested:
        pending.setdefault(transaction.parent, []).extend(jobs)
        return
    session.info.pop(_AFTER_COMMIT, None)
    for task, args in _merged(jobs + [job for rest in pending.values() for job in rest]):
        try:
            task(*args)
        except Exception:  # the commit stands; a queue that is down must not fail the request
            log.exception("could not queue %s after commit", getattr(task, "name", task))


@event.listens_for(Session, "after_transaction_end")
def _drop_with_rollback(session, transaction):
    # Jobs still keyed by a transaction that ended were not handed on by a commit.
    pending = session.info.get(_AFTER_COMMIT)
    if pending:
        pending.pop(transaction, None)


def path_for(endpoint: str, **values) -> str:
    """`url_for` that also works in a background job, where there is no request."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return url_for(endpoint, **values)


def periodic_app_task(schedule):
    """`huey.periodic_task(schedule)` whose function runs inside the app context."""

    def decorator(func):
        return huey.periodic_task(schedule)(_in_app_context(func))

    return decorator


def _in_app_context(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if has_app_context():
            return func(*args, **kwargs)
        if _worker_app is None:
            raise RuntimeError("no app for this job: start the consumer with `flask jobs worker`")
        with _worker_app.app_context():
            from app.extensions import db

            try:
                return func(*args, **kwargs)
            finally:
                db.session.remove()

    return wrapper


def daily_jobs() -> dict[str, Callable[[], object]]:
    """The daily jobs the features of the current app registered."""
    from app.features import registry

    return dict(registry().daily_jobs)


def run_all_daily_jobs(day=None) -> dict[str, str]:
    """Run every daily job that has not run yet on `day` (the union's today); returns
    name → "ok", "already ran today" or the error, for logs and tests.

    Each job's run marker (`JobRun`, unique per name and day) is written in the job's own
    transaction: a second run the same day (a second consumer, the command by hand) does
    nothing, and a job that failed runs again.
    """
    from sqlalchemy.exc import IntegrityError

    from app.extensions import db
    from app.models import JobRun

    day = day or local_today()
    outcome = {}
    for name, func in sorted(daily_jobs().items()):
        try:
            db.session.add(JobRun(name=name, day=day))
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            outcome[name] = "already ran today"
            continue
        try:
            func()
            db.session.commit()
            outcome[name] = "ok"
        except IntegrityError:
            # Another consumer ran it meanwhile and committed its marker first.
            db.session.rollback()
            outcome[name] = "already ran today"
        except Exception as error:  # one broken job must not stop the others
            db.session.rollback()
            log.exception("daily job %s failed", name)
            outcome[name] = f"failed: {error!r}"
    return outcome


@_in_app_context
def _daily_jobs_due(moment: datetime) -> bool:
    """Huey's question each minute, with the time in UTC (naive): is it `DAILY_JOBS_AT` on
    the union's clock? Asked each time, in the app's context (the consumer's scheduler has
    none of its own): the configured zone says, summer time and all."""
    local = moment.replace(tzinfo=UTC).astimezone(local_zone())
    return (local.hour, local.minute) == DAILY_JOBS_AT


@huey.periodic_task(_daily_jobs_due)
@_in_app_context
def run_daily_jobs():
    outcome = run_all_daily_jobs()
    log.info("daily jobs: %s", outcome)
    return outcome


jobs_cli = AppGroup("jobs", help="Background jobs (Huey).")


@jobs_cli.command("worker")
@click.option("-w", "--workers", type=int, default=lambda: int(os.environ.get("HUEY_WORKERS", "2")))
@click.option("--no-periodic", is_flag=True, help="Leave periodic jobs to another consumer.")
@with_appcontext
def worker_command(workers: int, no_periodic: bool):
    """Run a consumer: sends push, runs reminders and the daily jobs.

    `make run` starts one beside the web server. With several web processes, run one
    (or more, with --no-periodic on all but one) as its own service.
    """
    # Started in the background by `make run`, the shell leaves SIGINT ignored; restore it so
    # that Ctrl-C (or the Makefile's trap) stops the consumer even before Huey takes over.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    app = current_app._get_current_object()
    if huey.immediate:
        raise click.ClickException("HUEY_IMMEDIATE is set; there is no queue to consume.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    click.echo(f"Huey consumer: {workers} worker thread(s), storage {type(huey.storage).__name__}")
    consumer = huey.create_consumer(
        workers=workers,
        worker_type="thread",
        periodic=not no_periodic,
        check_worker_health=True,
        max_delay=1.0,  # an idle worker polls the queue at least every second
    )
    # Tasks outside a request get the app that started the consumer.
    global _worker_app
    _worker_app = app
    consumer.run()


@jobs_cli.command("run-daily")
@with_appcontext
def run_daily_command():
    """Run the daily jobs now (as the 08:00 job would) and print what happened."""
    for name, result in run_all_daily_jobs().items():
        click.echo(f"{name}: {result}")
