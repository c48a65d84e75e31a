"""Reading the gate: the gate report per team and post, a person's own codes, qualifications
and posts, and the checker's offline data (the field kit), which carries what the phone needs
to judge a post by the same rule as the server (`standing.verdict`).
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from flask import url_for
from sqlalchemy import bindparam, case, func, null, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from app.extensions import db
from app.models import Department, User
from app.models._types import utcnow
from app.models.gate import (
    GateCheck,
    Post,
    PostHolder,
    PostRequirement,
    Qualification,
    QualificationType,
    WorkerCode,
    WorkerPhoto,
)
from app.services.departments import held_posts_statement
from app.services.inputs import day_start, local_today

from .access import checked_departments
from .standing import EXPIRY_DAYS, Verdict, statuses, verdict

CODE_PREFIX = "WHGATE1:"


def code_text(token: str) -> str:
    """What a worker's QR code says."""
    return CODE_PREFIX + token


def code_hash(text: str) -> str:
    """How the checker's kit knows a code without holding it: SHA-256 of the QR's text."""
    return hashlib.sha256(text.encode()).hexdigest()


# ---- The gate report -------------------------------------------------------------------


@dataclass
class HolderRow:
    user: User
    verdict: Verdict
    expiring: bool


@dataclass
class PostReport:
    post: Post
    rows: list[HolderRow]

    @property
    def allowed(self) -> list[HolderRow]:
        return [r for r in self.rows if r.verdict.allowed]

    @property
    def refused(self) -> list[HolderRow]:
        return [r for r in self.rows if not r.verdict.allowed]

    @property
    def expiring(self) -> list[HolderRow]:
        return [r for r in self.rows if r.expiring]


def posts_query(departments: set[int] | None = None, active_only: bool = True):
    """Posts in the order of the department pick list (`all_departments`): each workshop's
    own, then its teams'. Ids break ties: two teams (of two workshops) may share a name, and
    so may their posts, and a page of the report (LIMIT/OFFSET) needs one order."""
    workshop = aliased(Department)
    query = (
        select(Post)
        .join(Department, Department.id == Post.department_id)
        .join(workshop, workshop.id == func.coalesce(Department.parent_id, Department.id))
        .options(
            joinedload(Post.department).joinedload(Department.parent),
            selectinload(Post.requirements),
        )
        .order_by(
            workshop.name,
            workshop.id,
            Department.parent_id.is_not(None),
            Department.name,
            Department.id,
            Post.name,
            Post.id,
        )
    )
    if active_only:
        query = query.where(Post.active.is_(True))
    if departments is not None:
        query = query.where(Post.department_id.in_(departments or [-1]))
    return query


def report(departments: set[int] | None = None, today: date | None = None):
    """Per post (of `departments`, None: all): its active holders with their verdict and
    whether a required qualification runs out within 30 days. Only holders of a post are
    listed: someone without a post is never blocked."""
    return report_of(list(db.session.scalars(posts_query(departments)).unique()), today)


def report_of(posts: list[Post], today: date | None = None) -> list[PostReport]:
    """`report` of these posts (a page of `posts_query`)."""
    today = today or local_today()
    holders = defaultdict(list)
    if posts:
        for holder in db.session.scalars(
            select(PostHolder)
            .join(User, User.id == PostHolder.user_id)
            .where(PostHolder.post_id.in_([p.id for p in posts]), User.active.is_(True))
            # the report shows names: a holder's roles are not read (one more statement
            # every 500 holders otherwise)
            .options(joinedload(PostHolder.user).lazyload(User.role_rows))
            .order_by(User.name, User.id)
        ):
            holders[holder.post_id].append(holder.user)
    held = statuses({u.id for users in holders.values() for u in users})
    out = []
    for post in posts:
        rows = []
        for user in holders[post.id]:
            v = verdict(held.get(user.id, {}), post.required_types, today)
            rows.append(HolderRow(user, v, v.expiring(today)))
        out.append(PostReport(post, rows))
    return out


def card_glance(user, departments: set[int] | None) -> tuple[int | None, bool]:
    """For the home cards, in one statement: how many of a checker's people may not work
    (`refused_count` of `departments` as `checked_departments` gives them; None where that is
    an empty set, for someone who checks nobody) and whether `user` holds a post. Most people
    hold none: their posts are then not read."""
    checks = departments is None or bool(departments)
    values = {"user_id": user.id, "today": local_today(), "departments": list(departments or ())}
    refused, holds = db.session.execute(
        _glance_statement(checks, departments is not None), values
    ).one()
    return refused if checks else None, holds


@cache
def _glance_statement(checks: bool, some_departments: bool):
    """Built once a process for each shape (see app/blueprints/README.md)."""
    refused = _refused_statement(some_departments).scalar_subquery() if checks else null()
    return select(refused, held_posts_statement().exists())


def refused_count(departments: set[int] | None = None, today: date | None = None) -> int:
    """How many people `report` would list as refused: active holders of an active post (of
    `departments`, None: all) who lack, for one of its required types, a qualification that
    is not revoked and valid `today` (`verdict`'s rule). One statement, counted in the
    database: the home card asks it on every look, and a works has thousands of holders."""
    values = {"today": today or local_today(), "departments": list(departments or ())}
    return db.session.scalar(_refused_statement(departments is not None), values)


@cache
def _refused_statement(some_departments: bool):
    """Built once a process for each shape: the home card asks it (app/blueprints/README.md)."""
    query = (
        select(func.count(PostHolder.user_id.distinct()))
        .select_from(PostHolder)
        .join(Post, Post.id == PostHolder.post_id)
        .join(User, User.id == PostHolder.user_id)
        .join(PostRequirement, PostRequirement.post_id == PostHolder.post_id)
        .where(Post.active.is_(True), User.active.is_(True), ~_holds_through("today"))
    )
    if some_departments:
        query = query.where(Post.department_id.in_(bindparam("departments", expanding=True)))
    return query


def _holds_through(day: str):
    """Whether the holder (`PostHolder`, from the enclosing statement) has a qualification of
    the required type (`PostRequirement`, likewise), not revoked, valid on the day bound as
    `day` (no end: for good): `verdict`'s rule, in SQL."""
    return (
        select(Qualification.id)
        .where(
            Qualification.user_id == PostHolder.user_id,
            Qualification.type_id == PostRequirement.type_id,
            Qualification.revoked_at.is_(None),
            or_(Qualification.valid_until.is_(None), Qualification.valid_until >= bindparam(day)),
        )
        .correlate_except(Qualification)  # the holder two statements out, too
        .exists()
    )


def report_totals(departments: set[int] | None = None, today: date | None = None) -> dict:
    """The people of `report(departments)` who may work, who may not and who run out soon,
    counted in the database in one statement: the report page shows a page of the posts, and
    its totals are of all of them."""
    today = today or local_today()
    values = {
        "today": today,
        # expiring: nothing held runs past the 30 days (`Verdict.expiring`)
        "after_horizon": today + timedelta(days=EXPIRY_DAYS + 1),
        "departments": list(departments or ()),
    }
    everyone, refused, short = db.session.execute(
        _totals_statement(departments is not None), values
    ).one()
    return {"allowed": everyone - refused, "refused": refused, "expiring": short - refused}


@cache
def _totals_statement(some_departments: bool):
    """Built once a process for each shape. A person refused on a post lacks a qualification
    valid today, so also one valid after the horizon: the refused are among the `short`."""

    def lacking(day: str):
        return (
            select(PostRequirement.type_id)
            .where(PostRequirement.post_id == PostHolder.post_id, ~_holds_through(day))
            .exists()
        )

    query = (
        select(
            func.count(PostHolder.user_id.distinct()),
            func.count(case((lacking("today"), PostHolder.user_id)).distinct()),
            func.count(case((lacking("after_horizon"), PostHolder.user_id)).distinct()),
        )
        .select_from(PostHolder)
        .join(Post, Post.id == PostHolder.post_id)
        .join(User, User.id == PostHolder.user_id)
        .where(Post.active.is_(True), User.active.is_(True))
    )
    if some_departments:
        query = query.where(Post.department_id.in_(bindparam("departments", expanding=True)))
    return query


def checks_query(
    departments: set[int] | None = None,
    disagreeing: bool = False,
    since: date | None = None,
    until: date | None = None,
):
    """The checks kept from the entrance, newest first: of the posts of `departments` (None:
    every post); `disagreeing`, only those the system's record disagrees with; made on the
    union's days `since` to `until`, both kept (None: no bound)."""
    return (
        _checks_where(select(GateCheck), departments, disagreeing, since, until)
        .options(
            joinedload(GateCheck.worker),
            joinedload(GateCheck.checker),
            joinedload(GateCheck.post).joinedload(Post.department),
        )
        .order_by(GateCheck.captured_at.desc(), GateCheck.id.desc())
    )


def disagreeing_count(
    departments: set[int] | None = None, since: date | None = None, until: date | None = None
) -> int:
    """How many of those checks the system's record disagrees with."""
    query = _checks_where(select(func.count(GateCheck.id)), departments, True, since, until)
    return db.session.scalar(query)


def _checks_where(
    query,
    departments: set[int] | None,
    disagreeing: bool,
    since: date | None,
    until: date | None,
):
    if departments is not None:
        query = query.join(Post, Post.id == GateCheck.post_id).where(
            Post.department_id.in_(departments or [-1])
        )
    if disagreeing:
        query = query.where(GateCheck.mismatch.is_not(None))
    # The days as moments, [the first day's start, the next day's after the last): the index
    # of `captured_at` finds them, as it could not a local day computed for every check.
    if since is not None:
        query = query.where(GateCheck.captured_at >= day_start(since))
    if until is not None:
        query = query.where(GateCheck.captured_at < day_start(until + timedelta(days=1)))
    return query


# ---- A person's own ---------------------------------------------------------------------


def live_code(user) -> WorkerCode | None:
    return db.session.scalar(
        select(WorkerCode)
        .where(WorkerCode.user_id == user.id, WorkerCode.revoked_at.is_(None))
        .order_by(WorkerCode.id.desc())
        .limit(1)
    )


def codes_of(user) -> list[WorkerCode]:
    return list(
        db.session.scalars(
            select(WorkerCode).where(WorkerCode.user_id == user.id).order_by(WorkerCode.id.desc())
        )
    )


def photo_of(user_id: int) -> WorkerPhoto | None:
    return db.session.get(WorkerPhoto, user_id)


def qualifications_of(user) -> list[Qualification]:
    return list(
        db.session.scalars(
            select(Qualification)
            .where(Qualification.user_id == user.id)
            .order_by(Qualification.valid_until.desc().nulls_first(), Qualification.id.desc())
        )
    )


def posts_of(user) -> list[Post]:
    return list(db.session.scalars(_posts_of_statement(), {"user_id": user.id}).unique())


@cache
def _posts_of_statement():
    """Built once a process: the home card asks it (see app/blueprints/README.md)."""
    return (
        select(Post)
        .join(PostHolder, PostHolder.post_id == Post.id)
        .where(PostHolder.user_id == bindparam("user_id"), Post.active.is_(True))
        .options(joinedload(Post.department), selectinload(Post.requirements))
        .order_by(Post.name)
    )


def types(active_only: bool = False) -> list[QualificationType]:
    query = select(QualificationType).order_by(QualificationType.name)
    if active_only:
        query = query.where(QualificationType.active.is_(True))
    return list(db.session.scalars(query))


def required_type_ids() -> set[int]:
    return set(db.session.scalars(select(PostRequirement.type_id).distinct()))


# ---- The checker's offline data ---------------------------------------------------------


def checked_workers_query(departments: set[int] | None, posts: list[Post]):
    """Active people of the checked departments, and anyone holding one of their posts."""
    query = select(User).where(User.active.is_(True)).options(joinedload(User.department))
    if departments is not None:
        holder_ids = select(PostHolder.user_id).where(
            PostHolder.post_id.in_([p.id for p in posts] or [-1])
        )
        query = query.where(User.department_id.in_(departments or [-1]) | User.id.in_(holder_ids))
    return query


def checked_workers(departments: set[int] | None, posts: list[Post]):
    """Active people of the checked departments, and anyone holding one of their posts."""
    query = checked_workers_query(departments, posts)
    return list(db.session.scalars(query.order_by(User.employee_no)).unique())


def kit_payload(checker) -> dict:
    """What the check page needs to decide without a network: the checker's posts with their
    required types, and for each worker of the checker's departments the status of those types,
    the hashes of their codes (live or revoked) and their photo's URL."""
    departments = checked_departments(checker)
    # a check decided on this copy says how old it is (not part of its version: kit_stamp)
    as_of = utcnow().isoformat(timespec="seconds")
    if departments is not None and not departments:
        return {
            "posts": [],
            "types": {},
            "workers": [],
            "codes": {},
            "expiry_days": EXPIRY_DAYS,
            "as_of": as_of,
        }
    posts = list(db.session.scalars(posts_query(departments)).unique())
    needed = {r.type_id for p in posts for r in p.requirements}
    workers = checked_workers(departments, posts)
    ids = [w.id for w in workers]
    held = statuses(ids)
    holds = defaultdict(list)
    codes = {}
    photos = {}
    if ids:
        for post_id, user_id in db.session.execute(
            select(PostHolder.post_id, PostHolder.user_id).where(PostHolder.user_id.in_(ids))
        ):
            holds[user_id].append(post_id)
        for code in db.session.scalars(select(WorkerCode).where(WorkerCode.user_id.in_(ids))):
            codes[code_hash(code_text(code.token))] = {
                "w": code.user_id,
                "revoked": code.revoke_reason or "" if code.is_revoked else None,
            }
        photos = {
            user_id: image
            for user_id, image in db.session.execute(
                select(WorkerPhoto.user_id, WorkerPhoto.image).where(WorkerPhoto.user_id.in_(ids))
            )
        }
    return {
        "posts": [
            {
                "id": p.id,
                "name": p.name,
                "department": p.department.full_name,
                "types": [t.id for t in p.required_types],
            }
            for p in posts
        ],
        "types": {
            str(t.id): t.name
            for t in db.session.scalars(
                select(QualificationType).where(QualificationType.id.in_(needed or [-1]))
            )
        },
        "workers": [
            {
                "id": w.id,
                "no": w.employee_no,
                "name": w.name,
                "department": w.department.full_name if w.department else "",
                "photo": url_for("gate.photo", user_id=w.id, v=photos[w.id][:12])
                if w.id in photos
                else None,
                "posts": sorted(holds.get(w.id, [])),
                "q": {
                    str(type_id): {
                        "until": s.until.isoformat() if s.until else None,
                        "revoked": s.revoked,
                    }
                    for type_id, s in held.get(w.id, {}).items()
                    if type_id in needed
                },
            }
            for w in workers
        ],
        "codes": codes,
        "expiry_days": EXPIRY_DAYS,  # the check says an expiry within it, as the report does
        "as_of": as_of,
    }


def kit_stamp(payload: dict) -> str:
    """What the data says, not when it was made: the kit's version changes with the data."""
    said = {key: value for key, value in payload.items() if key != "as_of"}
    return hashlib.sha256(json.dumps(said, sort_keys=True).encode()).hexdigest()
