"""The daily job: a holder of a post whose required qualification runs out within 30 days
is told once (inbox; push through notify), with the next training of that type, and the team
leader is told how many; someone without a post, or renewed, is not."""

from datetime import timedelta

from sqlalchemy import select

from app.blueprints.gate import jobs, services
from app.extensions import db
from app.models import Notification
from app.models.activities import ActivityKind
from tests.activities.factories import make_activity
from tests.factories import make_user
from tests.gate.factories import TODAY, holder, make_world


def _inbox(user):
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def test_expiring_holders_are_reminded_once_with_the_next_training(app):
    world = make_world()
    training = make_activity(ActivityKind.TRAINING, title="安全生产知识复训")
    soon = holder(world, name="快到期", safety=10, forklift=400)
    later = holder(world, name="还早", safety=100, forklift=400)
    renewed = holder(world, name="已换证", safety=5, forklift=400)
    services.grant_qualification(renewed, world.safety, TODAY, TODAY + timedelta(days=365))
    no_post = make_user(department=world.team)
    services.grant_qualification(no_post, world.safety, TODAY, TODAY + timedelta(days=3))
    db.session.commit()

    assert jobs.remind_expiring(TODAY) == 1
    db.session.commit()
    (note,) = _inbox(soon)
    expiry = (TODAY + timedelta(days=10)).isoformat()
    assert note.title == f"您的安全生产培训合格证将于 {expiry} 到期"
    assert "安全生产知识复训" in note.body and note.url == f"/activities/{training.id}"
    assert _inbox(later) == [] and _inbox(renewed) == [] and _inbox(no_post) == []
    (told,) = _inbox(world.leader)
    assert told.title == "您班组有 1 人的资格即将到期" and told.url == "/gate/"
    # The next day: nobody is told again about the same expiry.
    assert jobs.remind_expiring(TODAY + timedelta(days=1)) == 0
