"""The gate's daily job: workers whose qualification for a post runs out within 30 days are
reminded (inbox + push) once per expiry, with a way to renew it they can take now (an exam:
`ways_to_renew`), else the next training that gives it; their team leaders are told who."""

from collections import defaultdict
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.blueprints.notify.services import notify
from app.extensions import db
from app.features import ways_to_renew
from app.jobs import path_for
from app.models import User
from app.models.gate import PostHolder, PostRequirement, Qualification, TeamLeader
from app.services.inputs import local_today
from app.services.trainings import next_training, outlasted

from .standing import EXPIRY_DAYS


def remind_expiring(today=None) -> int:
    """Remind each holder of a post whose required qualification expires within 30 days and
    was not reminded for that expiry yet. Returns how many reminders went out."""
    today = today or local_today()
    horizon = today + timedelta(days=EXPIRY_DAYS)
    required = (
        select(PostHolder.user_id, PostRequirement.type_id)
        .join(PostRequirement, PostRequirement.post_id == PostHolder.post_id)
        .distinct()
        .subquery()
    )
    due = db.session.scalars(
        select(Qualification)
        .join(
            required,
            (required.c.user_id == Qualification.user_id)
            & (required.c.type_id == Qualification.type_id),
        )
        .join(User, User.id == Qualification.user_id)
        .where(
            User.active.is_(True),
            Qualification.revoked_at.is_(None),
            Qualification.valid_until >= today,
            Qualification.valid_until <= horizon,
            (Qualification.reminded_for.is_(None))
            | (Qualification.reminded_for != Qualification.valid_until),
            ~outlasted(),  # renewed already: the reminder is moot
        )
        .order_by(Qualification.valid_until)
    ).all()
    sent = 0
    by_leader = defaultdict(set)
    for qualification in due:
        qualification.reminded_for = qualification.valid_until
        when = qualification.valid_until.isoformat()
        way = ways_to_renew(qualification.user, {qualification.type_id: qualification.type.name})
        training = None if way else next_training(qualification.type.name)
        if way:
            renewal = way[qualification.type_id]
            body = _l("Take “%(way)s” to renew it.", way=renewal.title)
            url = renewal.url
        elif training is not None:
            body = _l(
                "Sign up for %(training)s to renew it.",
                training=training.title,
            )
            url = path_for("activities.show", activity_id=training.id)
        else:
            body = _l("Ask your union organizer about the next training.")
            url = path_for("gate.my_code")
        notify(
            [qualification.user_id],
            "activities.qualification_expiring",
            _l("Your %(name)s expires on %(date)s", name=qualification.name, date=when),
            body,
            url,
        )
        sent += 1
        person = qualification.user
        for leader_id in _leaders_of(person):
            by_leader[leader_id].add(person.id)
    # No names in the text: push services carry it. The gate report names them.
    for leader_id, people in by_leader.items():
        notify(
            [leader_id],
            "activities.team_expiring",
            _l("%(n)d people of your team have a qualification expiring soon", n=len(people)),
            _l("See who on the gate report and have them renew it."),
            path_for("gate.index"),
        )
    return sent


def _leaders_of(person) -> set[int]:
    if person.department_id is None:
        return set()
    department_ids = {person.department_id}
    if person.department is not None and person.department.parent_id:
        department_ids.add(person.department.parent_id)
    return set(
        db.session.scalars(
            select(TeamLeader.user_id).where(TeamLeader.department_id.in_(department_ids))
        )
    ) - {person.id}


def register(reg) -> None:
    reg.daily_job("gate.expiring", remind_expiring)
