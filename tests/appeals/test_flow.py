"""A named appeal from the form to the rating: each step reaches the member's inbox; the
rights officer's home card; the chairman's daily alert for overdue appeals."""

import io
import re
from datetime import timedelta

from sqlalchemy import select

from app.blueprints.appeals import services
from app.blueprints.appeals.jobs import alert_overdue
from app.models import Notification
from app.models.appeals import Appeal, AppealRating, AppealStatus
from tests.appeals.conftest import APPEAL, jpeg, raise_anonymous, raise_named
from tests.helpers import inbox_entries, kept_tokens, text


def _inbox(db, user) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.title)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    )


def test_a_named_appeal_through_every_step_on_the_pages(app, client, auth, cast, db):
    auth.login(cast.member)
    response = client.post("/appeals/new", data=APPEAL)
    assert response.status_code == 303
    appeal = db.session.scalar(select(Appeal))
    assert response.headers["Location"].endswith(f"/appeals/{appeal.key}")
    assert appeal.author_id == cast.member.id and appeal.department_id == cast.workshop.id
    assert appeal.acknowledge_by == appeal.raised_on + timedelta(days=2)
    # The rights officers hear of it; management accounts (even an organizer who is a
    # department head) do not.
    assert _inbox(db, cast.officer) == ["职工诉求：加班费少算"]
    assert _inbox(db, cast.chairman) == ["职工诉求：加班费少算"]
    assert _inbox(db, cast.head_organizer) == [] and _inbox(db, cast.head) == []
    # The member is told it was sent, on the page it landed on.
    assert "您的诉求已提交，工会将在时限内答复。" in text(client.get(response.headers["Location"]))
    auth.logout()

    auth.login(cast.officer)
    assert "职工诉求" in text(client.get("/"))  # the home card
    for action, note in (
        ("acknowledge", "已受理。"),
        ("investigate", "已调取考勤记录。"),
        ("escalate", "已向人力资源部书面反映。"),
        ("note", "人力资源部答应本周内核实。"),
        ("answer", "加班费按 1.5 倍补发，随 12 月工资发放。"),
    ):
        response = client.post(
            f"/appeals/{appeal.key}/steps", data={"action": action, "note": note}
        )
        assert response.status_code == 303, action
    db.session.refresh(appeal)
    assert appeal.status is AppealStatus.ANSWERED and appeal.acknowledged_at is not None
    auth.logout()

    auth.login(cast.member)
    assert _inbox(db, cast.member) == [
        "您的诉求“加班费少算”：已受理",
        "您的诉求“加班费少算”：开始调查",
        "您的诉求“加班费少算”：已向企业反映",
        "您的诉求“加班费少算”：进展说明",
        "您的诉求“加班费少算”：已答复",
    ]
    page = text(client.get(f"/appeals/{appeal.key}"))
    for note in ("已受理。", "已向人力资源部书面反映。", "加班费按 1.5 倍补发"):
        assert note in page
    assert "评价答复" in page
    response = client.post(
        f"/appeals/{appeal.key}/rate", data={"rating": "satisfied", "rating_note": "谢谢"}
    )
    assert response.status_code == 303
    db.session.refresh(appeal)
    assert appeal.status is AppealStatus.CLOSED and appeal.rating is AppealRating.SATISFIED
    assert "评价：满意 · 谢谢" in text(client.get(f"/appeals/{appeal.key}"))


def test_appeal_notices_are_filed_under_care_and_rights(client, auth, cast, db):
    appeal = raise_named(cast.member)
    services.take_step(cast.officer, appeal, "acknowledge", "已受理。")
    db.session.commit()
    for person, entry in (
        (cast.officer, ("职工诉求：加班费少算", "帮扶维权")),
        (cast.member, ("您的诉求“加班费少算”：已受理", "帮扶维权")),
    ):
        auth.login(person)
        assert inbox_entries(client.get("/notifications/")) == [entry]
        auth.logout()


def test_overdue_appeals_alert_the_chairman_once_a_day(cast, db):
    late = raise_named(cast.member)
    anonymous, _code = raise_anonymous(cast.member)
    raise_named(cast.member, title="刚提出")
    for appeal in (late, anonymous):
        appeal.acknowledge_by = services.local_today() - timedelta(days=1)
    db.session.commit()
    db.session.query(Notification).delete()
    assert alert_overdue() == 2
    assert alert_overdue() == 0  # once a day
    db.session.commit()
    assert _inbox(db, cast.chairman) == ["2 件职工诉求未按时受理"]
    assert _inbox(db, cast.officer) == [] and _inbox(db, cast.member) == []
    # The message names neither appeal nor person.
    body = db.session.scalar(select(Notification.body))
    assert "加班费" not in body and cast.member.name not in body
    assert alert_overdue(services.local_today() + timedelta(days=1)) == 2


def test_the_overdue_tab_and_card(client, auth, cast, db):
    late = raise_named(cast.member, title="迟迟没人理")
    late.acknowledge_by = services.local_today() - timedelta(days=3)
    raise_named(cast.member, title="刚提出")
    db.session.commit()
    auth.login(cast.chairman)
    home = text(client.get("/"))
    assert "1 件未按时受理。" in home
    overdue = text(client.get("/appeals/?tab=overdue"))
    assert "迟迟没人理" in overdue and "刚提出" not in overdue and "已逾期" in overdue


def test_the_me_page_leads_to_appeals_and_honours(client, auth, cast):
    auth.login(cast.member)
    page = text(client.get("/me"))
    assert "职工诉求 · 维权" in page and "光荣榜" in page


def test_a_refused_form_keeps_the_text_and_the_photo_and_the_corrected_one_saves_it(
    client, auth, cast, db
):
    auth.login(cast.member)
    photo = jpeg()
    data = {**APPEAL, "title": "", "photos": (io.BytesIO(photo), "证据.jpg")}
    response = client.post("/appeals/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    page = text(response)
    assert APPEAL["details"] in page and "请填写标题。" in page
    # The photo is back on the form, shown and ticked; nothing asks to choose it again.
    assert "照片未保留" not in page and 'id="photos-errors"' not in page
    [token] = kept_tokens(page)
    assert re.search(
        r'<ul class="outbox-kept-photos" id="kept-photos" aria-label="已选的照片">'
        r'\s*<li><img src="data:image/jpeg;base64,',
        page,
    )
    assert db.session.scalar(select(Appeal)) is None
    # Refused again (the title still missing): the photo stays kept.
    again = text(client.post("/appeals/new", data={**APPEAL, "title": "", "kept_photos": token}))
    assert kept_tokens(again) == [token]
    # Corrected: the appeal is saved with the photo, without choosing it again.
    saved = client.post("/appeals/new", data={**APPEAL, "kept_photos": token})
    assert saved.status_code == 303
    appeal = db.session.scalar(select(Appeal))
    [kept] = appeal.photos
    shown = client.get(f"/appeals/{appeal.key}/photos/{kept.sha256}")
    assert shown.status_code == 200 and shown.data.startswith(b"\xff\xd8")
    shown.close()


def test_a_kept_photo_can_be_left_out_and_is_only_its_chooser_s(client, auth, cast, db):
    auth.login(cast.member)
    data = {**APPEAL, "title": "", "photos": (io.BytesIO(jpeg()), "证据.jpg")}
    [token] = kept_tokens(
        text(client.post("/appeals/new", data=data, content_type="multipart/form-data"))
    )
    auth.logout()
    # Another member cannot attach it by posting its token: it is left out.
    auth.login(cast.other_member)
    assert client.post("/appeals/new", data={**APPEAL, "kept_photos": token}).status_code == 303
    assert db.session.scalar(select(Appeal)).photos == []
    auth.logout()
    # Unticked (not posted), it is not attached; without a photo nothing is kept.
    auth.login(cast.member)
    bare = text(client.post("/appeals/new", data={**APPEAL, "title": ""}))
    assert kept_tokens(bare) == [] and 'id="kept-photos"' not in bare


def test_an_appeals_photos_are_a_row_of_thumbnails_without_bullets(client, auth, cast, db):
    auth.login(cast.member)
    data = {**APPEAL, "photos": (io.BytesIO(jpeg()), "证据.jpg")}
    shown = client.post(
        "/appeals/new", data=data, content_type="multipart/form-data", follow_redirects=True
    )
    html = shown.get_data(as_text=True)
    assert '<ul class="photos">' in html
    # The stylesheet every page links draws `.photos` as a row without bullets.
    sheet = re.search(r'href="(/static/css/app\.css[^"]*)"', html).group(1)
    css = client.get(sheet).get_data(as_text=True)
    rule = re.search(r"(?:^|\})\.photos\s*\{([^}]*)\}", css).group(1).replace(" ", "")
    assert "list-style:none" in rule and "display:flex" in rule
