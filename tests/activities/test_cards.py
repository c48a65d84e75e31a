"""The activities' home cards: the next activity is one still ahead, and an expiring
qualification leads to where it can be renewed."""

from datetime import timedelta
from html import unescape

from app.blueprints.gate.services import grant_qualification, type_named
from app.extensions import db
from app.models._types import utcnow
from app.models.activities import ActivityKind, Participation, ParticipationStatus
from app.services.inputs import local_today
from tests.activities.factories import make_activity
from tests.factories import make_department, make_user


def _home_cards(client, auth, person) -> str:
    auth.login(person)
    page = client.get("/").get_data(as_text=True)
    auth.logout()
    return unescape(page.split('id="home-cards"')[1])


def _place(person, activity):
    db.session.add(
        Participation(
            activity_id=activity.id, user_id=person.id, status=ParticipationStatus.CONFIRMED
        )
    )
    db.session.commit()


def test_the_next_activity_is_one_that_has_not_started(client, auth):
    member = make_user()
    now = utcnow()
    running = make_activity(
        ActivityKind.COMPETITION,
        title="安康杯",
        starts_at=now - timedelta(days=60),
        ends_at=now + timedelta(days=60),
        signup_opens_at=now - timedelta(days=70),
    )
    game = make_activity(
        title="职工篮球友谊赛",
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=2),
    )
    for activity in (running, game):
        _place(member, activity)
    cards = _home_cards(client, auth, member)
    assert "您的下一个活动：职工篮球友谊赛" in cards and "安康杯" not in cards


def test_an_expiring_qualification_leads_to_the_refresher_or_says_there_is_none(client, auth):
    workshop = make_department("机加工车间")
    member = make_user(department=make_department("车工班", parent=workshop))
    safety = type_named("安全生产培训合格证", is_safety=True, validity_months=12)
    today = local_today()
    grant_qualification(member, safety, today - timedelta(days=350), today + timedelta(days=10))
    db.session.commit()
    cards = _home_cards(client, auth, member)
    assert "资格即将到期：安全生产培训合格证" in cards
    assert "目前还没有可报名的复训，请咨询工会干事" in cards
    assert 'href="/activities/"' in cards and "/activities/history" not in cards

    make_activity(ActivityKind.TRAINING, title="焊工培训", qualification_name="焊工证")
    make_activity(
        ActivityKind.TRAINING, title="装配车间复训", departments=[make_department("装配车间")]
    )
    refresher = make_activity(
        ActivityKind.TRAINING, title="特种作业安全复训", departments=[workshop]
    )
    cards = _home_cards(client, auth, member)
    assert "复训：特种作业安全复训" in cards
    assert f'href="/activities/{refresher.id}"' in cards


def test_a_renewed_qualification_warns_no_more(client, auth):
    """The exam passed again gives a new certificate beside the one that runs out: the card
    goes by the newer. A renewal that was revoked renews nothing."""
    member = make_user(department=make_department("车工班"))
    safety = type_named("安全生产培训合格证", is_safety=True, validity_months=12)
    today = local_today()
    grant_qualification(member, safety, today - timedelta(days=350), today + timedelta(days=10))
    renewal = grant_qualification(
        member, safety, today, today + timedelta(days=365), source="exam", source_ref="exam:1"
    )
    db.session.commit()
    assert "资格即将到期" not in _home_cards(client, auth, member)

    renewal.revoked_at = utcnow()
    db.session.commit()
    assert "资格即将到期：安全生产培训合格证" in _home_cards(client, auth, member)
