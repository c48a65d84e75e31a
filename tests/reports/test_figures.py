"""Every figure of the 建家 scorecard equals a direct count on the demo data: for the year and
for one workshop (one test per figure). The counts here are written from the tables, not
through the features' figure functions."""

from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import func, select

from app.config import LOCAL_TZ
from app.extensions import db
from app.features import registry
from app.models import Department, User
from app.models.activities import Activity, Participation
from app.models.care import AidRequest, CareFile, CareVisit, PlanTarget, VisitPlan
from app.models.congress import EvaluationRound, EvaluationVoter, Motion
from app.models.hazards import Hazard
from app.models.proposals import Proposal, ProposalAuthor
from app.models.safety import Area
from app.models.surveys import ActivityRating, Survey, SurveyAnswer, SurveyRespondent


def span(year):
    """The year's first moment and the next year's, in UTC."""
    return tuple(datetime(y, 1, 1, tzinfo=LOCAL_TZ).astimezone(UTC) for y in (year, year + 1))


@pytest.fixture
def demo(demo_data, db):
    workshop = db.session.scalar(select(Department).where(Department.name == "机加工车间"))
    return workshop


def figure(area, key, year, department=None):
    found = next(f for f in registry().figures if (f.area, f.key) == (area, key))
    return found.compute(year, None, department)


def team_ids(workshop):
    return [workshop.id] + list(
        db.session.scalars(select(Department.id).where(Department.parent_id == workshop.id))
    )


def members(workshop=None):
    query = select(User.id).where(User.active.is_(True))
    if workshop is not None:
        query = query.where(User.department_id.in_(team_ids(workshop)))
    return set(db.session.scalars(query))


def rounded(part, whole=1, places=2):
    """`part / whole` as a person rounds it, a half up (33 / 8 is 4.13, not float's 4.12)."""
    quotient = Decimal(str(part)) / Decimal(str(whole))
    return float(quotient.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def percent(part, whole):
    return rounded(100 * part, whole, 1) if whole else None


def share(took_part, workshop=None):
    people = members(workshop)
    return percent(len(people & set(took_part)), len(people))


def test_activity_participation(demo, year):
    start, end = span(year)
    took_part = db.session.scalars(
        select(Participation.user_id)
        .join(Activity)
        .where(
            Participation.checked_in_at.is_not(None),
            Activity.starts_at >= start,
            Activity.starts_at < end,
        )
    ).all()
    assert figure("participation", "activity_share", year) == share(took_part) > 0
    assert figure("participation", "activity_share", year, demo) == share(took_part, demo)


def test_proposal_participation(demo, year):
    start, end = span(year)
    took_part = db.session.scalars(
        select(ProposalAuthor.user_id)
        .join(Proposal)
        .where(Proposal.submitted_at >= start, Proposal.submitted_at < end)
    ).all()
    assert figure("participation", "proposal_share", year) == share(took_part) > 0
    assert figure("participation", "proposal_share", year, demo) == share(took_part, demo)


def test_survey_participation(demo, year):
    start, end = span(year)
    took_part = db.session.scalars(
        select(SurveyRespondent.user_id)
        .join(Survey)
        .where(Survey.opens_at >= start, Survey.opens_at < end)
    ).all()
    assert figure("participation", "survey_share", year) == share(took_part) > 0
    assert figure("participation", "survey_share", year, demo) == share(took_part, demo)


def test_satisfaction_survey_score(demo, year):
    start, end = span(year)
    closed = db.session.scalars(
        select(Survey.id).where(
            Survey.is_satisfaction.is_(True),
            Survey.closes_at >= start,
            Survey.closes_at < min(end, datetime.now(UTC)),
        )
    ).all()
    means = [
        rounded(
            *db.session.execute(
                select(func.sum(SurveyAnswer.value), func.count(SurveyAnswer.value)).where(
                    SurveyAnswer.survey_id == i, SurveyAnswer.value.is_not(None)
                )
            ).one()
        )
        for i in closed
    ]
    assert len(means) == 1  # last run closed; this year's run is still open
    assert figure("satisfaction", "survey_score", year) == rounded(sum(means), len(means))
    assert figure("satisfaction", "survey_score", year, demo) is None  # anonymous: no departments


def test_activity_ratings(demo, year):
    start, end = span(year)

    def mean(workshop=None):
        query = (
            select(func.sum(ActivityRating.stars), func.count(ActivityRating.stars))
            .join(Activity, Activity.id == ActivityRating.activity_id)
            .join(User, User.id == ActivityRating.user_id)
            .where(Activity.starts_at >= start, Activity.starts_at < end)
        )
        if workshop is not None:
            query = query.where(User.department_id.in_(team_ids(workshop)))
        stars, n = db.session.execute(query).one()
        return rounded(stars, n) if n else None

    assert figure("satisfaction", "activity_rating", year) == mean() > 0
    assert figure("satisfaction", "activity_rating", year, demo) == mean(demo)


def _hazards(workshop=None):
    query = select(Hazard).join(Area, Area.id == Hazard.area_id)
    if workshop is not None:
        query = query.where(Area.department_id.in_(team_ids(workshop)))
    return db.session.scalars(query).all()


def test_hazards_reported(demo, year):
    start, end = span(year)

    def count(workshop=None):
        return len([h for h in _hazards(workshop) if start <= h.created_at < end])

    assert figure("safety", "hazards_reported", year) == count() > 0
    assert figure("safety", "hazards_reported", year, demo) == count(demo)


def test_hazards_closed_on_time(demo, year):
    def rate(workshop=None):
        # An open hazard not yet due (today included) is not judged yet.
        today = datetime.now(LOCAL_TZ).date()
        due = [
            h
            for h in _hazards(workshop)
            if h.due_on and h.due_on.year == year and not (h.status.is_open and h.due_on >= today)
        ]
        on_time = [
            h
            for h in due
            if h.closed_at is not None
            and h.status.value == "closed"
            and h.closed_at.astimezone(LOCAL_TZ).date() <= h.due_on
        ]
        return percent(len(on_time), len(due))

    assert figure("safety", "closed_on_time", year) == rate() is not None
    assert figure("safety", "closed_on_time", year, demo) == rate(demo)


def test_patrols_on_plan(demo, year):
    from app.blueprints.safety.services.patrols import coverage, local_today
    from app.models.safety import week_start

    today = local_today()
    slots, week = [], week_start(date(year, 1, 1))
    while week <= today:
        slots += [
            s
            for s in coverage(week, today)
            if s.day.year == year
            and s.day <= today
            and s.state != "due"
            and s.day >= s.plan.created_at.astimezone(LOCAL_TZ).date()
        ]
        week += timedelta(days=7)
    # The demo's plans start today: what is judged is today's patrols done so far.
    assert figure("safety", "patrols_on_plan", year) == percent(
        sum(s.state == "done" for s in slots), len(slots)
    )


def _motions(workshop=None):
    query = select(Motion)
    if workshop is not None:
        query = query.where(Motion.lead_department_id.in_(team_ids(workshop)))
    return db.session.scalars(query).all()


def test_motions_answered_on_time(demo, year):
    def rate(workshop=None):
        due = [m for m in _motions(workshop) if m.deadline and m.deadline.year == year]
        on_time = [
            m
            for m in due
            if m.answered_at and m.answered_at.astimezone(LOCAL_TZ).date() <= m.deadline
        ]
        return percent(len(on_time), len(due))

    assert figure("democracy", "answered_on_time", year) == rate() is not None
    assert figure("democracy", "answered_on_time", year, demo) == rate(demo)


def test_motions_rated_satisfied(demo, year):
    start, end = span(year)

    def rate(workshop=None):
        rated = [
            m
            for m in _motions(workshop)
            if m.rating is not None and m.answered_at and start <= m.answered_at < end
        ]
        return percent(sum(m.rating.value == "satisfied" for m in rated), len(rated))

    assert figure("democracy", "rated_satisfied", year) == rate() is not None
    assert figure("democracy", "rated_satisfied", year, demo) == rate(demo)


def test_evaluation_turnout(demo, year):
    start, end = span(year)
    rounds = db.session.scalars(
        select(EvaluationRound).where(
            EvaluationRound.closes_at >= start,
            EvaluationRound.closes_at < min(end, datetime.now(UTC)),
        )
    ).all()
    voters = sum(
        db.session.scalar(select(func.count()).where(EvaluationVoter.round_id == r.id))
        for r in rounds
    )
    # Each closed round keeps the number who could vote as it closed.
    electors = sum(r.eligible_voters for r in rounds)
    assert figure("democracy", "evaluation_participation", year) == percent(voters, electors) > 0
    assert figure("democracy", "evaluation_participation", year, demo) is None


def _files(workshop=None):
    query = select(CareFile).join(User, User.id == CareFile.worker_id)
    if workshop is not None:
        query = query.where(User.department_id.in_(team_ids(workshop)))
    return db.session.scalars(query).all()


def test_care_reviews_on_time(demo, year):
    today = datetime.now(LOCAL_TZ).date()

    def plus_year(day):
        try:
            return day.replace(year=day.year + 1)
        except ValueError:
            return day + timedelta(days=365)

    def rate(workshop=None):
        judged = []
        for file in _files(workshop):
            due = plus_year(file.opened_on)
            for review in sorted(file.reviews, key=lambda r: (r.reviewed_on, r.id)):
                if due.year == year:
                    judged.append(review.reviewed_on <= due)
                due = plus_year(review.reviewed_on)
            if file.status.value == "active" and due.year == year and due < today:
                judged.append(False)
        return percent(sum(judged), len(judged))

    assert figure("care", "reviews_on_time", year) == rate() is not None
    assert figure("care", "reviews_on_time", year, demo) == rate(demo)


def test_care_visit_coverage(demo, year):
    def rate(workshop=None):
        files = {f.id for f in _files(workshop)}
        targets = db.session.execute(
            select(PlanTarget.plan_id, PlanTarget.file_id)
            .join(VisitPlan)
            .where(VisitPlan.ends_on >= date(year, 1, 1), VisitPlan.ends_on < date(year + 1, 1, 1))
        ).all()
        targets = [t for t in targets if t.file_id in files]
        visited = set(db.session.execute(select(CareVisit.plan_id, CareVisit.file_id)).all())
        return percent(sum(tuple(t) in visited for t in targets), len(targets))

    assert figure("care", "visit_coverage", year) == rate() is not None
    assert figure("care", "visit_coverage", year, demo) == rate(demo)


def test_care_aid_answered_in_time(demo, year):
    start, end = span(year)

    def rate(workshop=None):
        query = select(AidRequest).join(User, User.id == AidRequest.subject_id)
        if workshop is not None:
            query = query.where(User.department_id.in_(team_ids(workshop)))
        now = datetime.now(UTC)
        asked = [r for r in db.session.scalars(query) if start <= r.created_at < end]
        # A close answers a request; one not answered and still within its target waits.
        answers = [(r, r.acknowledged_at or r.closed_at) for r in asked]
        due = [(r, a) for r, a in answers if a is not None or r.respond_by < now]
        return percent(sum(a is not None and a <= r.respond_by for r, a in due), len(due))

    assert figure("care", "aid_on_time", year) == rate() is not None
    assert figure("care", "aid_on_time", year, demo) == rate(demo)


def _proposals(year, workshop=None):
    start, end = span(year)
    query = select(Proposal).where(Proposal.submitted_at >= start, Proposal.submitted_at < end)
    if workshop is not None:
        query = query.where(Proposal.department_id.in_(team_ids(workshop)))
    return db.session.scalars(query).all()


def test_proposals_sent_in(demo, year):
    assert figure("proposals", "made", year) == len(_proposals(year)) > 0
    assert figure("proposals", "made", year, demo) == len(_proposals(year, demo))


def test_proposals_adopted(demo, year):
    def count(workshop=None):
        return len(
            [
                p
                for p in _proposals(year, workshop)
                if p.status.value in ("adopted", "implemented", "awarded")
            ]
        )

    assert figure("proposals", "adopted", year) == count() > 0
    assert figure("proposals", "adopted", year, demo) == count(demo)


def test_proposals_benefit(demo, year):
    def total(workshop=None):
        return rounded(sum(p.benefit for p in _proposals(year, workshop) if p.benefit))

    assert figure("proposals", "benefit", year) == total() > 0
    assert figure("proposals", "benefit", year, demo) == total(demo)


def test_every_registered_figure_has_its_test(app):
    tested = {
        ("participation", "activity_share"),
        ("participation", "proposal_share"),
        ("participation", "survey_share"),
        ("satisfaction", "survey_score"),
        ("satisfaction", "activity_rating"),
        ("safety", "hazards_reported"),
        ("safety", "closed_on_time"),
        ("safety", "patrols_on_plan"),
        ("democracy", "answered_on_time"),
        ("democracy", "rated_satisfied"),
        ("democracy", "evaluation_participation"),
        ("care", "reviews_on_time"),
        ("care", "visit_coverage"),
        ("care", "aid_on_time"),
        ("proposals", "made"),
        ("proposals", "adopted"),
        ("proposals", "benefit"),
        ("safety", "qualified_workers"),
        ("rights", "raised"),
        ("rights", "answered"),
        ("rights", "acknowledged_on_time"),
        ("rights", "satisfied"),
    }
    assert {(f.area, f.key) for f in registry().figures} == tested


def test_qualified_workers(demo, year):
    from app.models.gate import Post, PostHolder, Qualification

    today = datetime.now(LOCAL_TZ).date()

    def rate(workshop=None, day=today):
        posts = db.session.scalars(select(Post).where(Post.active.is_(True))).all()
        if workshop is not None:
            posts = [p for p in posts if p.department_id in team_ids(workshop)]
        ok: dict[int, bool] = {}
        for post in posts:
            holders = select(PostHolder).where(PostHolder.post_id == post.id)
            for holder in db.session.scalars(holders):
                user = db.session.get(User, holder.user_id)
                since = holder.since or holder.created_at.astimezone(LOCAL_TZ).date()
                if not user.active or since > day:
                    continue
                valid = {
                    q.type_id
                    for q in db.session.scalars(
                        select(Qualification).where(Qualification.user_id == user.id)
                    )
                    # Today the gate's check does not ask when a qualification was issued;
                    # a past day counts only what had been issued by then.
                    if (day == today or q.issued_on <= day)
                    and (q.revoked_at is None or q.revoked_at.astimezone(LOCAL_TZ).date() > day)
                    and (q.valid_until is None or q.valid_until >= day)
                }
                required = {r.type_id for r in post.requirements}
                ok[user.id] = ok.get(user.id, True) and required <= valid
        return percent(sum(ok.values()), len(ok))

    assert figure("safety", "qualified_workers", year) == rate() is not None
    assert 0 < rate() < 100, "the demo has post holders who may and who may not work"
    assert figure("safety", "qualified_workers", year, demo) == rate(demo)
    if today.month > 1:  # a past month: as of its last day
        found = next(f for f in registry().figures if f.key == "qualified_workers")
        last = date(year, today.month, 1) - timedelta(days=1)
        assert found.compute(year, last.month, None) == rate(day=last)


def _appeals(year, workshop=None):
    from app.models.appeals import Appeal

    query = select(Appeal).where(
        Appeal.raised_on >= date(year, 1, 1), Appeal.raised_on < date(year + 1, 1, 1)
    )
    if workshop is not None:
        query = query.where(
            Appeal.anonymous.is_(False), Appeal.department_id.in_(team_ids(workshop))
        )
    return db.session.scalars(query).all()


def _suppressed_count(n):
    return "不公开（少于3件）" if 0 < n < 3 else n


def _suppressed_share(part, whole):
    if 0 < whole < 3:
        return "不公开（少于3件）"
    if any(0 < n < 3 for n in (part, whole - part)):
        return "不公开（其中一类不足3件，可推算出个人）"
    return percent(part, whole)


def test_appeals_raised(demo, year):
    assert figure("rights", "raised", year) == _suppressed_count(len(_appeals(year))) > 0
    assert figure("rights", "raised", year, demo) == _suppressed_count(len(_appeals(year, demo)))


def test_appeals_answered(demo, year):
    def count(workshop=None):
        return len(
            [a for a in _appeals(year, workshop) if a.status.value in ("answered", "closed")]
        )

    assert figure("rights", "answered", year) == _suppressed_count(count())
    assert figure("rights", "answered", year, demo) == _suppressed_count(count(demo))


def test_appeals_acknowledged_on_time(demo, year):
    today = datetime.now(LOCAL_TZ).date()

    def rate(workshop=None):
        judged = [
            a for a in _appeals(year, workshop) if a.acknowledged_at or a.acknowledge_by < today
        ]
        on_time = [
            a
            for a in judged
            if a.acknowledged_at
            and a.acknowledged_at.astimezone(LOCAL_TZ).date() <= a.acknowledge_by
        ]
        return _suppressed_share(len(on_time), len(judged)) if judged else None

    assert figure("rights", "acknowledged_on_time", year) == rate()
    assert figure("rights", "acknowledged_on_time", year, demo) == rate(demo)


def test_appeals_rated_satisfied(demo, year):
    def rate(workshop=None):
        rated = [a for a in _appeals(year, workshop) if a.rating is not None]
        happy = [a for a in rated if a.rating.value in ("satisfied", "partly")]
        return _suppressed_share(len(happy), len(rated)) if rated else None

    assert figure("rights", "satisfied", year) == rate()
    assert figure("rights", "satisfied", year, demo) == rate(demo)
