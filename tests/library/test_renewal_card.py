"""The home card of a qualification running out points to an exam that renews it, one the
person may start, beside the refresher training; one statement finds the exams of them all."""

from datetime import timedelta
from html import unescape

from sqlalchemy import select, update

from app.blueprints.gate.jobs import remind_expiring
from app.blueprints.gate.services import grant_qualification, type_named
from app.blueprints.library import services
from app.models import Notification
from app.models.activities import ActivityKind
from app.models.library import Question
from app.services.inputs import local_today
from tests.activities.factories import make_activity


def _expiring(person, qtype, days=10):
    today = local_today()
    grant_qualification(person, qtype, today - timedelta(days=300), today + timedelta(days=days))


def _home_cards(client, auth, person) -> str:
    auth.login(person)
    page = client.get("/").get_data(as_text=True)
    auth.logout()
    return unescape(page.split('id="home-cards"')[1])


def test_the_card_leads_to_the_exam_and_names_the_training_too(client, auth, world, db):
    _expiring(world.worker, world.qtype)
    db.session.commit()
    cards = _home_cards(client, auth, world.worker)
    assert "资格即将到期：数控车床安全操作合格" in cards
    assert "参加「车床安全考试」即可续期。" in cards and "请咨询工会干事" not in cards
    assert f'href="/library/exams/{world.exam.id}"' in cards

    training = make_activity(
        ActivityKind.TRAINING, title="数控车床复训", qualification_name=world.qtype.name
    )
    cards = _home_cards(client, auth, world.worker)
    assert "参加「车床安全考试」即可续期，也可参加复训：数控车床复训" in cards
    assert f'href="/library/exams/{world.exam.id}"' in cards
    assert f'href="/activities/{training.id}"' not in cards


def test_only_an_exam_the_member_may_start_is_offered(client, auth, world, db):
    _expiring(world.worker, world.qtype)
    db.session.commit()
    assert f'href="/library/exams/{world.exam.id}"' in _home_cards(client, auth, world.worker)

    world.exam.open = False  # closed: starting it is refused
    db.session.commit()
    cards = _home_cards(client, auth, world.worker)
    assert "目前还没有可报名的复训，请咨询工会干事" in cards and "/library/exams/" not in cards

    world.exam.open = True  # open, but its bank has too few questions left to start it
    db.session.execute(
        update(Question).where(Question.bank_id == world.bank.id).values(active=False)
    )
    db.session.commit()
    cards = _home_cards(client, auth, world.worker)
    assert "目前还没有可报名的复训，请咨询工会干事" in cards and "/library/exams/" not in cards


def test_each_expiring_qualification_has_its_card_in_as_many_statements_as_one(
    client, auth, world, db, count_queries
):
    welding = type_named("焊工证", validity_months=36)
    named_only = services.add_exam(  # names its qualification, of no type chosen
        world.publisher,
        {
            "title": "焊工理论考试",
            "bank_id": world.bank.id,
            "question_count": 3,
            "minutes": 10,
            "pass_score": 60,
            "qualification_name": "焊工证",
        },
    )
    _expiring(world.worker, world.qtype, days=20)
    db.session.commit()
    auth.login(world.worker)
    client.get("/")  # the log-in's own look-ups are not the cards'

    def home():
        with count_queries() as counter:
            page = unescape(client.get("/").get_data(as_text=True))
        return counter.count, page

    one, _page = home()
    _expiring(world.worker, welding, days=5)
    db.session.commit()
    two, page = home()
    assert two == one
    welding, lathe = [card for card in page.split("<li")[1:] if "资格即将到期" in card]
    assert "焊工证" in welding and f'href="/library/exams/{named_only.id}"' in welding
    assert "数控车床安全操作合格" in lathe and f'href="/library/exams/{world.exam.id}"' in lathe


def test_the_daily_reminder_leads_to_the_exam_too(world, db):
    _expiring(world.worker, world.qtype)
    db.session.commit()
    assert remind_expiring(local_today()) == 1
    db.session.commit()
    mine = select(Notification).where(Notification.user_id == world.worker.id)
    (note,) = db.session.scalars(mine)
    assert note.body == "参加「车床安全考试」即可续期。"
    assert note.url == f"/library/exams/{world.exam.id}"
