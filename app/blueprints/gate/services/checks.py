"""Checks at the site entrance, as the checker's phone decided them (outbox kind
`gate_check`), or decided here when a phone posts the form without JavaScript."""

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.guards import parse_id
from app.models import User
from app.models._types import utcnow
from app.models.gate import CheckMethod, CheckResult, GateCheck, Post, PostHolder
from app.models.users import typed_no
from app.services.inputs import local_date

from ..access import checked_departments
from ..queries import checked_workers_query, posts_query
from ..standing import Verdict, statuses, verdict

MAX_REASON = 500


def no_post(post_id) -> str:
    """Why a check names no post: none chosen, or the chosen one (`post_id`) is gone."""
    if post_id:
        return _(
            "This post no longer exists: it was removed or closed. Refresh the list of posts"
            " and choose again."
        )
    return _("Choose the post.")


def not_listed() -> str:
    """Why the post chosen on an open check page is no longer offered: the page's list was
    made before it was removed or closed, or before the checker stopped checking it (the
    page cannot tell which; gate-check.js says the same)."""
    return _(
        "This post is no longer on your list: it was removed or closed, or you no longer"
        " check it. Refresh the list of posts and choose again."
    )


def _may_check(checker, post: Post) -> bool:
    departments = checked_departments(checker)
    return departments is None or post.department_id in departments


def record_check(
    checker, data: dict, client_id: str | None = None, captured_at: datetime | None = None
) -> tuple[GateCheck, bool]:
    """Keep one check: `data` = {worker_id, post_id, result (allowed|refused), reason, method}.

    The phone's verdict is kept as it was given at the entrance (that is what happened there).
    The same `client_id` again returns the check already kept, never a second one. Returns
    (check, created)."""
    if client_id:
        have = db.session.scalar(select(GateCheck).where(GateCheck.client_id == client_id))
        if have is not None:
            return have, False
    errors = {}
    worker_id, post_id = parse_id(data.get("worker_id")), parse_id(data.get("post_id"))
    worker = db.session.get(User, worker_id) if worker_id else None
    post = db.session.get(Post, post_id) if post_id else None
    if worker is None:
        errors["worker_id"] = [_("This worker is not known.")]
    if post is None:
        errors["post_id"] = [no_post(post_id)]
    try:
        result = CheckResult(str(data.get("result") or ""))
    except ValueError:
        errors["result"] = [_("The result must be allowed or refused.")]
    try:
        method = CheckMethod(str(data.get("method") or "code"))
    except ValueError:
        errors["method"] = [_("Scan the code or type the employee number.")]
    reason = str(data.get("reason") or "").strip()
    if len(reason) > MAX_REASON:
        errors["reason"] = [_("Use at most %(n)d characters.", n=MAX_REASON)]
    if errors:
        raise ValidationFailed(errors)
    if not _may_check(checker, post):
        raise Refused(_("You do not check this post's workers."), 403)
    check = GateCheck(
        client_id=client_id,
        checker_id=checker.id,
        worker_id=worker.id,
        post_id=post.id,
        result=result,
        method=method,
        reason=reason,
        captured_at=captured_at or utcnow(),
    )
    if client_id:  # the phone's verdict: held against the system's record
        check.mismatch = mismatch(worker, post, result, method, check.captured_at)
    db.session.add(check)
    db.session.flush()
    return check, True


def mismatch(worker, post: Post, result: CheckResult, method, captured_at) -> str | None:
    """What the system's record says, when it disagrees with a phone's `result` for `worker`
    on `post`: the worker's qualifications as they stood when the check was made, against
    what the post requires now (its requirements keep no history). Its reasons for a worker
    let in, "may work" for one turned away; None when they agree. A phone that refused a
    scanned code may have refused the code itself (revoked or replaced), which is not judged
    again here: only the qualifications are."""
    day = local_date(captured_at)
    held = statuses([worker.id], at=captured_at).get(worker.id, {})
    v = verdict(held, post.required_types, day)
    if v.result is result or (result is CheckResult.REFUSED and method is CheckMethod.CODE):
        return None
    # kept once and read by the officer: in the house language, whatever the phone's
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        said = v.reason if not v.allowed else str(CheckResult.ALLOWED.label)
    return said[:MAX_REASON]


@dataclass(frozen=True)
class CheckedHere:
    """What the page without JavaScript shows: the same as the phone's check (gate-check.js)."""

    worker: User
    verdict: Verdict
    post: Post
    holds_post: bool
    today: date


def _checked_worker(checker, employee_no: str) -> User | None:
    """The active worker of `employee_no` (as typed: `typed_no`) among those `checker`
    checks: the same people the check page's offline data holds (queries.kit_payload)."""
    wanted = typed_no(employee_no)
    if not wanted:
        return None
    departments = checked_departments(checker)
    posts = list(db.session.scalars(posts_query(departments)).unique())
    query = checked_workers_query(departments, posts).where(User.employee_no == wanted)
    return db.session.scalars(query).first()


def check_here(checker, post: Post | None, employee_no: str, today) -> CheckedHere:
    """The entrance check decided by the server (the page without JavaScript): the verdict
    for the worker of `employee_no` on `post`, kept as a check — deciding, and saying, what
    the phone would (gate-check.js)."""
    if post is None:
        raise ValidationFailed.on("post_id", _("Choose the post."))
    if not _may_check(checker, post):
        raise Refused(_("You do not check this post's workers."), 403)
    worker = _checked_worker(checker, employee_no)
    if worker is None:
        raise ValidationFailed.on(
            "employee_no",
            _("No worker you check has this employee number. Nothing was recorded."),
        )
    v = verdict(statuses([worker.id]).get(worker.id, {}), post.required_types, today)
    record_check(
        checker,
        {
            "worker_id": worker.id,
            "post_id": post.id,
            "result": v.result.value,
            "reason": v.reason,
            "method": CheckMethod.EMPLOYEE_NO.value,
        },
    )
    holds = db.session.scalar(
        select(PostHolder.id).where(PostHolder.post_id == post.id, PostHolder.user_id == worker.id)
    )
    return CheckedHere(worker, v, post, holds is not None, today)
