"""A small gate world: a workshop with a team, a post that needs two types, a leader."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.blueprints.gate import services
from app.extensions import db
from app.models import Role
from app.models.gate import Post, PostHolder, PostRequirement, TeamLeader
from tests.factories import make_department, make_user

# The app's day (Beijing), so that what the pages decide today agrees with the test.
TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date()


@dataclass
class World:
    workshop: object
    team: object
    other_team: object
    safety: object
    forklift: object
    post: object
    other_post: object
    leader: object
    officer: object


def make_world() -> World:
    workshop = make_department("机加工车间")
    team = make_department("车工班", parent=workshop)
    other = make_department("总装一班", parent=make_department("装配车间"))
    safety = services.type_named("安全生产培训合格证", is_safety=True, validity_months=12)
    forklift = services.type_named("叉车司机证", validity_months=48)
    post = Post(department_id=team.id, name="叉车司机")
    other_post = Post(department_id=other.id, name="焊工")
    db.session.add_all([post, other_post])
    db.session.flush()
    db.session.add_all(
        [
            PostRequirement(post_id=post.id, type_id=safety.id),
            PostRequirement(post_id=post.id, type_id=forklift.id),
            PostRequirement(post_id=other_post.id, type_id=safety.id),
        ]
    )
    leader = make_user(name="孙班长", department=team)
    db.session.add(TeamLeader(department_id=team.id, user_id=leader.id))
    officer = make_user(Role.SAFETY_OFFICER, name="李安全")
    db.session.commit()
    return World(workshop, team, other, safety, forklift, post, other_post, leader, officer)


def holder(world, post=None, name=None, **held) -> object:
    """A worker of the post's department holding it, with {type attr: days from TODAY}."""
    post = post or world.post
    person = make_user(name=name, department=db.session.get(type(world.team), post.department_id))
    db.session.add(PostHolder(post_id=post.id, user_id=person.id))
    for attr, days in held.items():
        services.grant_qualification(
            person, getattr(world, attr), TODAY - timedelta(days=300), TODAY + timedelta(days=days)
        )
    db.session.commit()
    return person
