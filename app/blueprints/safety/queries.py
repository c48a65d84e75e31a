"""The read side: list, detail and dashboard queries, each a fixed number of statements."""

import re
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import NamedTuple

from flask import current_app
from sqlalchemy import (
    String,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.guards import page_number, parse_id
from app.models import Department, Role, User, UserRole
from app.models.hazards import OPEN_STATUSES, Hazard, HazardEvent, HazardStatus, Photo, Severity
from app.models.safety import Area, Patrol, area_name, week_start
from app.rendering import Options

from . import permissions
from .services.common import day_start, local_today
from .services.patrols import coverage

PER_PAGE = 20
# The statuses of work still in the assignee's hands (the home card's "to rectify").
TO_RECTIFY_STATUSES = (HazardStatus.ASSIGNED, HazardStatus.RECTIFYING)
# The status filter's values beyond the statuses themselves: groups of them.
STATUS_GROUPS = {"open": OPEN_STATUSES, "to_rectify": TO_RECTIFY_STATUSES}


@dataclass
class HazardFilters:
    q: str = ""
    status: str = ""
    area_id: int | None = None
    severity: str = ""
    assignee_id: int | None = None
    overdue: bool = False
    reported_by_me: bool = False
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "HazardFilters":
        def number(key):
            return parse_id(args.get(key, ""))

        status = args.get("status", "")
        severity = args.get("severity", "")
        return cls(
            q=args.get("q", "").strip()[:100],
            status=status if status in {*HazardStatus, *STATUS_GROUPS} else "",
            area_id=number("area_id"),
            severity=severity if severity in set(Severity) else "",
            assignee_id=number("assignee_id"),
            overdue=args.get("overdue") == "1",
            reported_by_me=args.get("reporter") == "me",
            page=page_number(args),
        )

    def conditions(self, today: date, user=None) -> list:
        """The WHERE clauses; `user` is who "me" is (the reporter filter)."""
        where = []
        if self.q:
            where.extend(title_contains(self.q))
        if self.status in STATUS_GROUPS:
            where.append(Hazard.status.in_(STATUS_GROUPS[self.status]))
        elif self.status:
            where.append(Hazard.status == HazardStatus(self.status))
        if self.area_id:
            where.append(Hazard.area_id == self.area_id)
        if self.severity:
            where.append(Hazard.severity == Severity(self.severity))
        if self.assignee_id:
            where.append(Hazard.assignee_id == self.assignee_id)
        if self.overdue:
            where.append(and_(Hazard.status.in_(OPEN_STATUSES), Hazard.due_on < today))
        if self.reported_by_me and user is not None:
            where.append(Hazard.reporter_id == user.id)
        return where

    def args(self, **override) -> dict:
        values = {
            "q": self.q,
            "status": self.status,
            "area_id": self.area_id,
            "severity": self.severity,
            "assignee_id": self.assignee_id,
            "overdue": "1" if self.overdue else None,
            "reporter": "me" if self.reported_by_me else None,
            "page": self.page,
        }
        values.update(override)
        return {k: v for k, v in values.items() if v not in (None, "") and (k != "page" or v > 1)}


# The trigram index of the titles (migration 0009): pg_trgm's GIN index serves ILIKE itself on
# PostgreSQL; on SQLite an FTS5 table with the trigram tokenizer, kept in step by triggers.
SQLITE_TITLE_INDEX = "hazards_fts"
# A word in this many titles or more is searched for along the list's own order instead.
COMMON_WORD_MATCHES = 1000


def title_contains(q: str) -> list:
    """Conditions for "the title contains q", served by the trigram index where there is one.

    A trigram index can answer for three characters or more; a shorter search is the plain
    LIKE, read along the newest-first index until a page is full.
    """
    # What is typed is looked for as it is: % and _ are not wildcards. PostgreSQL's LIKE
    # escapes with a backslash by default (the pg_trgm index reads such a pattern); SQLite's
    # needs the ESCAPE clause.
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", q) + "%"
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    like = Hazard.title.ilike(pattern, escape="\\" if sqlite else None)
    if len(q) < 3 or not sqlite:
        return [like]
    phrase = '"' + q.replace('"', '""') + '"'
    # SQLite's planner cannot weigh the two ways, so this does: a word in many titles is found
    # soonest along the newest-first index (a page fills after a few rows), a rare one through
    # the trigram index, whose matches (fewer than COMMON_WORD_MATCHES) are read once, here,
    # as one string: a thousand rows would cost the page more than the search.
    found = db.session.scalar(
        text(
            f"SELECT group_concat(rowid) FROM (SELECT rowid FROM {SQLITE_TITLE_INDEX} "
            f"WHERE {SQLITE_TITLE_INDEX} MATCH :phrase LIMIT :enough)"
        ),
        {"phrase": phrase, "enough": COMMON_WORD_MATCHES},
    )
    matching = [int(rowid) for rowid in found.split(",")] if found else []
    if len(matching) >= COMMON_WORD_MATCHES:
        return [like]
    return [Hazard.id.in_(matching), like]


@dataclass
class Page:
    """One page of a list. `total` is None where counting every row would cost more than the
    page itself (the hazard list): then `has_next` says whether another page follows."""

    items: list
    total: int | None
    page: int
    per_page: int = PER_PAGE
    has_next: bool = False

    @property
    def pages(self) -> int | None:
        if self.total is None:
            return None
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    @property
    def more(self) -> bool:
        """Whether a later page exists."""
        return self.has_next if self.total is None else self.page < self.pages

    @property
    def past_end(self) -> bool:
        """A page number beyond the last page: nothing on it, and nothing known of the total."""
        return self.page > 1 and not self.items

    @property
    def shown_total(self) -> int | None:
        """The number of matches, where it is known without counting: on the last page (which
        a page past the end is not)."""
        if self.total is not None:
            return self.total
        if self.has_next or self.past_end:
            return None
        return (self.page - 1) * self.per_page + len(self.items)


def _work_order():
    closed = case((Hazard.status.in_(OPEN_STATUSES), 0), else_=1)
    return closed, Hazard.due_on.is_(None), Hazard.due_on


def hazard_page(
    user, filters: HazardFilters, per_page: int = PER_PAGE, *, open_first: bool = False
) -> Page:
    """One page of the hazards `user` may see: one query, whatever the table's size.

    No count of every match: one row more than the page says whether a next page exists, and
    the newest-first order walks the created_at index and stops after those rows.
    `open_first`: a work list (my rectifications): open hazards before closed ones, the
    soonest due first; otherwise the newest first.
    """
    where = filters.conditions(local_today(), user)
    if (visible := permissions.visible_hazards_clause(user)) is not None:
        where.append(visible)
    rows = db.session.scalars(
        select(Hazard)
        .where(*where)
        .options(
            joinedload(Hazard.area).joinedload(Area.department),
            joinedload(Hazard.assignee).lazyload(User.role_rows),
        )
        .order_by(*_work_order() if open_first else (), Hazard.created_at.desc(), Hazard.id.desc())
        # Written into the statement, not bound: PostgreSQL keeps one plan for a prepared
        # statement only if it holds for any value, and for an unknown LIMIT it would sort
        # every match. Bound, the list was planned again on every request; written in, a page
        # read often (the first) is planned once and kept (psycopg prepares a statement on
        # its fifth run on a connection).
        .limit(literal(per_page + 1, literal_execute=True))
        .offset(literal((filters.page - 1) * per_page, literal_execute=True))
    ).all()
    return Page(rows[:per_page], None, filters.page, per_page, has_next=len(rows) > per_page)


class AreaOption(NamedTuple):
    id: int
    full_name: str


def area_options() -> list[AreaOption]:
    """The active areas a list or form offers, as (id, full name): plain rows, not Area
    objects, since every page that filters or reports by area lists them all."""
    rows = db.session.execute(_area_options_statement())
    return [AreaOption(area_id, area_name(workshop, name)) for area_id, workshop, name in rows]


def area_filter_options() -> Options:
    """The hazard list's area filter as `<option>`s. The areas are looked at on each look (an
    admin may rename one or its workshop), as one string in which the database joins their
    ids and names: some hundreds of rows read into Python on every page cost more than the
    list. The tags are made again only when that string differs from the one they were made
    for."""
    return _area_tags(db.session.scalar(_areas_in_one_statement()))


@lru_cache(maxsize=1)
def _area_tags(_areas_in_one: str | None) -> Options:
    return Options.of(area_options())


@cache
def _areas_in_one_statement():
    """Built once a process (app/blueprints/README.md)."""
    row = cast(Area.id, String) + "\t" + Department.name + "\t" + Area.name
    return (
        select(func.aggregate_strings(row, "\n"))
        .select_from(Area)
        .join(Department, Area.department_id == Department.id)
        .where(Area.active.is_(True))
    )


@cache
def _area_options_statement():
    """Built once a process: every list and report form asks it (app/blueprints/README.md)."""
    return (
        select(Area.id, Department.name, Area.name)
        .join(Department, Area.department_id == Department.id)
        .where(Area.active.is_(True))
        .order_by(Area.department_id, Area.name)
    )


def assignee_options() -> Options:
    """(id, name) of the people who hold open hazards, for the list's filter, as the filter's
    `<option>`s.

    Asked per person (an index probe each on (status, assignee_id)) rather than as a DISTINCT
    over the open hazards, and kept until a hazard changes (`kept_for_hazards`): a works of
    some thousands of people has some hundreds who hold open hazards.
    """
    return kept_for_hazards("assignees", _assignees)


def _assignees() -> Options:
    holds_open = (
        select(Hazard.id)
        .where(Hazard.assignee_id == User.id, Hazard.status.in_(OPEN_STATUSES))
        .exists()
    )
    rows = db.session.execute(select(User.id, User.name).where(holds_open).order_by(User.name))
    return Options.of(rows)


def network_people(*roles: Role) -> list[User]:
    roles = roles or (Role.INSPECTOR, Role.SAFETY_OFFICER)
    return db.session.scalars(
        select(User)
        .where(
            User.active.is_(True),
            select(UserRole.user_id)
            .where(UserRole.user_id == User.id, UserRole.role.in_(roles))
            .exists(),
        )
        .order_by(User.name)
    ).all()


def assignable_people(area: Area) -> list[tuple[int, str, str | None]]:
    """(id, name, department) of who a hazard in `area` can go to: its workshop and the network."""
    return db.session.execute(
        select(User.id, User.name, Department.name)
        .outerjoin(Department, Department.id == User.department_id)
        .where(_assignable(area))
        .order_by(User.name)
    ).all()


def is_assignable(area: Area, user: User) -> bool:
    """Whether `user` is one of `assignable_people(area)`: the only people an assignment takes."""
    return db.session.scalar(
        select(select(User.id).where(User.id == user.id, _assignable(area)).exists())
    )


def _assignable(area: Area):
    """Active users of the area's workshop (its teams included) or of the safety network."""
    workshop_id = area.department.parent_id or area.department_id
    in_workshop = select(Department.id).where(
        or_(Department.id == workshop_id, Department.parent_id == workshop_id)
    )
    in_network = (
        select(UserRole.user_id)
        .where(
            UserRole.user_id == User.id,
            UserRole.role.in_((Role.INSPECTOR, Role.SAFETY_OFFICER)),
        )
        .exists()
    )
    return and_(User.active.is_(True), or_(User.department_id.in_(in_workshop), in_network))


def hazard_detail(hazard_id: int) -> tuple[Hazard | None, dict]:
    """A hazard with its timeline and photos: three queries."""
    hazard = db.session.scalar(
        select(Hazard)
        .where(Hazard.id == hazard_id)
        .options(
            joinedload(Hazard.area).joinedload(Area.department),
            joinedload(Hazard.patrol).joinedload(Patrol.area),
            joinedload(Hazard.reporter).lazyload(User.role_rows),
            joinedload(Hazard.assignee).lazyload(User.role_rows),
            selectinload(Hazard.events).options(
                joinedload(HazardEvent.actor).lazyload(User.role_rows),
                joinedload(HazardEvent.assignee).lazyload(User.role_rows),
            ),
        )
    )
    if hazard is None:
        return None, {}
    photos: dict = {"hazard": [], "events": {}}
    event_ids = select(HazardEvent.id).where(HazardEvent.hazard_id == hazard_id)
    for photo in db.session.scalars(
        select(Photo)
        .where(or_(Photo.hazard_id == hazard_id, Photo.hazard_event_id.in_(event_ids)))
        .order_by(Photo.id)
    ):
        if photo.hazard_id:
            photos["hazard"].append(photo)
        else:
            photos["events"].setdefault(photo.hazard_event_id, []).append(photo)
    return hazard, photos


@dataclass
class Dashboard:
    by_severity: list = field(default_factory=list)
    by_area: list = field(default_factory=list)
    overdue: int = 0
    open_total: int = 0
    closed_this_month: int = 0
    median_days: float | None = None
    coverage: dict = field(default_factory=dict)
    reporters: list = field(default_factory=list)


KEPT_MAX_AGE = 60  # seconds


def kept_for_hazards(name: str, make, today: date | None = None):
    """`make()`'s value, kept (per process) until a hazard changes or the day turns.

    Every change of a hazard adds an event, so one look-up of the newest event's id says
    whether a kept value still holds. On PostgreSQL two writers may commit their events out of
    the order of their ids, so a kept value is also made again after a minute at the most
    (KEPT_MAX_AGE); so is a name a kept value shows after a rename, which adds no event."""
    stamp = (today or local_today(), db.session.scalar(_newest_event_statement()))
    kept = current_app.extensions.setdefault("safety.kept", {}).setdefault(name, {})
    if kept.get("stamp") != stamp or time.monotonic() - kept["made"] > KEPT_MAX_AGE:
        kept.update(stamp=stamp, value=make(), made=time.monotonic())
    return kept["value"]


@cache
def _newest_event_statement():
    """Built once a process: the list and the dashboard ask it (app/blueprints/README.md)."""
    return select(func.max(HazardEvent.id))


def dashboard(today: date | None = None) -> Dashboard:
    """The officer's figures: a fixed number of queries whatever the volume.

    The hazard figures count every open hazard and every one of the last months: their cost
    grows with the table, so they are kept until a hazard changes (`kept_for_hazards`). The
    week's patrol coverage is counted each time."""
    today = today or local_today()
    figures = kept_for_hazards("dashboard", lambda: _hazard_figures(today), today)
    slots = coverage(week_start(today), today, names=False)
    return replace(
        figures,
        coverage={
            state: sum(1 for s in slots if s.state == state)
            for state in ("done", "late", "missed", "due")
        },
    )


def _hazard_figures(today: date) -> Dashboard:
    month_start = day_start(today.replace(day=1))
    is_open = Hazard.status.in_(OPEN_STATUSES)
    data = Dashboard()
    # One count per severity rather than GROUP BY, which SQLite answers by walking the
    # severity index and reading every row; this way the (status, severity) index suffices.
    # The overdue count comes in the same statement.
    *per_severity, overdue = db.session.execute(
        select(
            *(func.count(Hazard.id).filter(Hazard.severity == s) for s in Severity),
            func.count(Hazard.id).filter(Hazard.due_on < today),
        ).where(is_open)
    ).one()
    counts = dict(zip(Severity, per_severity, strict=True))
    data.by_severity = [(str(s.label), counts.get(s, 0)) for s in Severity]
    data.open_total = sum(counts.values())
    data.overdue = overdue
    # Grouping by "area_id + 0" rather than the column: SQLite would otherwise walk the area_id
    # index to save a sort and read every row, where the (status, area_id) index suffices.
    since = day_start(today - timedelta(days=30))
    reporter_key = Hazard.reporter_id + literal_column("0")  # as the areas' key above
    data.by_area, data.reporters = _most_hazards(
        (Area, Hazard.area_id + literal_column("0"), is_open, 8),
        (User, reporter_key, Hazard.created_at >= since, 5),
    )
    data.closed_this_month, data.median_days = closed_figures(today, month_start)
    return data


def _most_hazards(*lists) -> list[list[tuple[str, int]]]:
    """For each (named, key, where, limit): (name, count) of the `limit` areas or people
    (`named`, whose id `key` holds) with the most hazards `where` selects, most first. All
    the lists come from one statement (a UNION ALL of one grouped query each)."""
    parts = []
    for number, (named, key, where, limit) in enumerate(lists):
        per = (
            select(key.label("id"), func.count(Hazard.id).label("n"))
            .where(where)
            .group_by(key)
            .order_by(func.count(Hazard.id).desc(), key)
            .limit(limit)
            .subquery()
        )
        parts.append(
            select(literal(number).label("list"), named.name.label("name"), per.c.n).join(
                per, per.c.id == named.id
            )
        )
    both = union_all(*parts).subquery()
    found: list[list[tuple[str, int]]] = [[] for _ in lists]
    for number, name, n in db.session.execute(
        select(both).order_by(both.c.list, both.c.n.desc(), both.c.name)
    ):
        found[number].append((name, n))
    return found


def closed_figures(
    today: date, month_start: datetime, window_days: int = 90
) -> tuple[int, float | None]:
    """Hazards closed since `month_start`, and the median days from finding to close (from
    `captured_at`, the 发现时间 the hazard page shows, not from when the server received the
    report: one captured offline may arrive days later) over the hazards closed in the last
    `window_days`: one statement on PostgreSQL, two on SQLite."""
    since = day_start(today - timedelta(days=window_days))
    earliest = min(since, month_start)
    closed = and_(Hazard.status == HazardStatus.CLOSED, Hazard.closed_at >= earliest)
    this_month = func.count(Hazard.id).filter(Hazard.closed_at >= month_start)
    in_window = Hazard.closed_at >= since
    if db.session.get_bind().dialect.name == "postgresql":
        seconds = func.extract("epoch", Hazard.closed_at - Hazard.captured_at)
        month, value = db.session.execute(
            select(
                this_month, func.percentile_cont(0.5).within_group(seconds).filter(in_window)
            ).where(closed)
        ).one()
        return month, None if value is None else round(float(value) / 86400, 1)
    month, count = db.session.execute(
        select(this_month, func.count(Hazard.id).filter(in_window)).where(closed)
    ).one()
    if not count:
        return month, None
    days = func.julianday(Hazard.closed_at) - func.julianday(Hazard.captured_at)
    ordered = (
        select(days.label("d"))
        .where(Hazard.status == HazardStatus.CLOSED, in_window)
        .order_by(days)
    )
    middle = db.session.scalars(ordered.limit(2 - count % 2).offset((count - 1) // 2)).all()
    return month, round(sum(middle) / len(middle), 1)


def overdue_hazards(today: date | None = None) -> list[Hazard]:
    """Open hazards past their due date, oldest due first: for the periodic overdue reminder
    (the notify feature's job) and anyone else who needs the list."""
    return db.session.scalars(
        select(Hazard)
        .where(Hazard.status.in_(OPEN_STATUSES), Hazard.due_on < (today or local_today()))
        .options(joinedload(Hazard.assignee).lazyload(User.role_rows), joinedload(Hazard.area))
        .order_by(Hazard.due_on, Hazard.id)
    ).all()
