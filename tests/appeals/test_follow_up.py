"""After the answer: a member not satisfied with it is heard. The officers who handled a named
appeal are told in their inbox; an anonymous one's officers find it on their card and in their
queue (a message would keep the moment it was rated). The officer reopens it (back into
handling, on its timeline, the member told) or writes why it stays closed. The step select
offers only the steps possible now, the likely next one first."""

import re

from sqlalchemy import func, select

from app.models import Notification
from app.models.appeals import Appeal, AppealRating, AppealStatus
from tests.appeals.conftest import raise_anonymous, raise_named, step
from tests.helpers import statements, text


def _inbox(db, user) -> list[tuple[str, str]]:
    return list(
        db.session.execute(
            select(Notification.title, Notification.body)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        ).tuples()
    )


def _offered(page: str) -> list[str]:
    """The steps the officer's select offers, in order (the first is the default)."""
    form = page[page.index('id="step-form"') :]
    select_html = form[form.index("<select") : form.index("</select>")]
    return re.findall(r"<option[^>]*>([^<]*)</option>", select_html)


def test_an_unsatisfied_member_is_heard_and_the_officer_reopens_the_appeal(client, auth, cast, db):
    appeal = raise_named(cast.member)
    step(cast.officer, appeal, "acknowledge", "investigate", "answer")
    db.session.query(Notification).delete()
    db.session.commit()
    auth.login(cast.member)
    rated = client.post(
        f"/appeals/{appeal.key}/rate",
        data={"rating": "unsatisfied", "rating_note": "补发时间太晚"},
    )
    assert rated.status_code == 303
    auth.logout()
    # The officer who handled it is told, with the member's comment; the other officers are
    # not (the chairman handled nothing), nor is management.
    assert _inbox(db, cast.officer) == [("职工对答复不满意：加班费少算", "补发时间太晚")]
    assert _inbox(db, cast.chairman) == [] and _inbox(db, cast.head_organizer) == []

    auth.login(cast.officer)
    assert "有 1 件诉求职工对答复不满意，请跟进。" in text(client.get("/"))
    assert "加班费少算" in text(client.get("/appeals/?tab=open"))
    page = text(client.get(f"/appeals/{appeal.key}"))
    assert "评价：不满意 · 补发时间太晚" in page and "职工对答复不满意。可以重新办理" in page
    assert _offered(page) == ["重新办理", "进展说明"]
    reopened = client.post(
        f"/appeals/{appeal.key}/steps",
        data={"action": "reopen", "note": "已催财务本月补发，月底前到账。"},
    )
    assert reopened.status_code == 303
    db.session.refresh(appeal)
    assert appeal.status is AppealStatus.INVESTIGATING
    page = text(client.get(f"/appeals/{appeal.key}"))
    timeline = page[page.index('id="timeline"') :]
    assert "重新办理" in timeline and "已催财务本月补发" in timeline
    # Followed up: no longer called out on the card.
    assert "件诉求职工对答复不满意" not in text(client.get("/"))
    answered = client.post(
        f"/appeals/{appeal.key}/steps", data={"action": "answer", "note": "已补发到账。"}
    )
    assert answered.status_code == 303
    auth.logout()

    auth.login(cast.member)
    assert [title for title, _body in _inbox(db, cast.member)] == [
        "您的诉求“加班费少算”：重新办理",
        "您的诉求“加班费少算”：已答复",
    ]
    # The new answer is rated afresh.
    page = text(client.get(f"/appeals/{appeal.key}"))
    assert "已补发到账。" in page and "评价答复" in page and "评价：不满意" not in page
    client.post(f"/appeals/{appeal.key}/rate", data={"rating": "satisfied"})
    db.session.refresh(appeal)
    assert appeal.status is AppealStatus.CLOSED and appeal.rating is AppealRating.SATISFIED


def test_a_note_keeps_an_unsatisfied_appeal_closed_and_off_the_card(client, auth, cast, db):
    appeal = raise_named(cast.member)
    step(cast.officer, appeal, "acknowledge", "answer")
    appeal.status, appeal.rating = AppealStatus.CLOSED, AppealRating.UNSATISFIED
    db.session.commit()
    auth.login(cast.officer)
    response = client.post(
        f"/appeals/{appeal.key}/steps", data={"action": "note", "note": "已按合同办理，无法再补。"}
    )
    assert response.status_code == 303
    db.session.refresh(appeal)
    assert appeal.status is AppealStatus.CLOSED
    assert "件诉求职工对答复不满意" not in text(client.get("/"))


def test_a_satisfied_or_partly_satisfied_appeal_stays_closed(client, auth, cast, db):
    for rating in (AppealRating.SATISFIED, AppealRating.PARTLY):
        appeal = raise_named(cast.member, title=f"评价{rating.value}")
        step(cast.officer, appeal, "acknowledge", "answer")
        appeal.status, appeal.rating = AppealStatus.CLOSED, rating
        db.session.commit()
        auth.login(cast.officer)
        assert 'id="step-form"' not in text(client.get(f"/appeals/{appeal.key}"))
        response = client.post(
            f"/appeals/{appeal.key}/steps", data={"action": "reopen", "note": "再看看"}
        )
        assert response.status_code == 409 and "现在不能进行此步骤" in text(response)
        auth.logout()


def test_an_anonymous_rating_is_kept_without_its_moment_and_still_followed_up(
    app, client, auth, cast, db
):
    appeal, code = raise_anonymous(cast.member)
    step(cast.officer, appeal, "acknowledge", "answer")
    before = db.session.scalar(select(func.count()).select_from(Notification))
    auth.login(cast.member)
    with statements(db.engine) as sql:
        response = client.post(
            "/appeals/follow/rate",
            data={"code": code, "rating": "unsatisfied", "rating_note": "没解决"},
        )
    assert response.status_code == 200
    # The rating is the one write: no inbox row, nothing else that carries a time.
    writes = [s for s in sql if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert [s.split()[1].strip('"') for s in writes] == ["appeals"]
    assert db.session.scalar(select(func.count()).select_from(Notification)) == before
    auth.logout()

    auth.login(cast.officer)
    assert "有 1 件诉求职工对答复不满意，请跟进。" in text(client.get("/"))
    queue = text(client.get("/appeals/?tab=open"))
    assert "加班费少算" in queue and "不满意" in queue
    client.post(f"/appeals/{appeal.key}/steps", data={"action": "reopen", "note": "重新核实。"})
    auth.logout()
    # The holder of the code reads that it was reopened.
    auth.login(cast.member)
    page = text(client.post("/appeals/follow", data={"code": code}))
    assert "重新办理" in page and "重新核实。" in page


def test_the_step_select_offers_only_the_steps_possible_now(client, auth, cast, db):
    appeal = raise_named(cast.member)
    auth.login(cast.officer)
    expected = [
        (None, ["已受理"]),
        ("acknowledge", ["开始调查", "已答复", "已向企业反映", "进展说明"]),
        ("investigate", ["已答复", "已向企业反映", "进展说明"]),
        ("escalate", ["已答复", "进展说明"]),
    ]
    for action, offered in expected:
        if action:
            step(cast.officer, db.session.get(Appeal, appeal.key), action)
        assert _offered(text(client.get(f"/appeals/{appeal.key}"))) == offered, action
    step(cast.officer, db.session.get(Appeal, appeal.key), "answer")
    # Answered: the member rates it next; the officer has no step to take.
    assert 'id="step-form"' not in text(client.get(f"/appeals/{appeal.key}"))


def test_a_note_sent_with_the_default_step_after_acknowledging_is_taken(client, auth, cast, db):
    appeal = raise_named(cast.member)
    step(cast.officer, appeal, "acknowledge")
    auth.login(cast.officer)
    page = text(client.get(f"/appeals/{appeal.key}"))
    default = re.search(r'<option[^>]*value="([^"]+)"', page[page.index('id="step-form"') :])
    # What a browser sends when the officer writes a note and leaves the select alone.
    response = client.post(
        f"/appeals/{appeal.key}/steps", data={"action": default.group(1), "note": "已调取考勤。"}
    )
    assert response.status_code == 303
    db.session.refresh(appeal)
    assert appeal.status is AppealStatus.INVESTIGATING
