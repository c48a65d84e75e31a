"""厂务公开: the audience gets an inbox entry, reading leaves one receipt, the publisher (and
the organizers and the chairman) see who read, questions are answered in public, notices are
in the reader's field kit."""

import dataclasses
import io
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.security import generate_password_hash
from werkzeug.test import encode_multipart

from app.blueprints.congress.services import notices
from app.extensions import db
from app.models import Notification, Role, User
from app.models.congress import Notice, NoticeQuestion, NoticeRead
from app.navigation import offline_urls
from tests.activities.test_concurrency import PASSWORD, _logged_in, server  # noqa: F401
from tests.congress import factories as f
from tests.factories import make_department, make_user
from tests.helpers import field_errors, text

READERS = 20


def test_a_notice_reaches_its_audience_and_counts_each_reader_once(app, client, auth):
    boss = f.organizer()
    workshop = make_department("装配车间")
    team = make_department("总装一班", parent=workshop)
    inside, outside = make_user(department=team), make_user(department=make_department("动力车间"))
    notice = f.make_notice(boss, departments=[workshop], files=[f.pdf("经营数据.pdf")])
    kinds = dict(db.session.execute(select(Notification.user_id, Notification.kind)).all())
    assert kinds == {inside.id: "notices.open_notice"}
    auth.login(outside)
    assert client.get(f"/congress/notices/{notice.id}").status_code == 404
    assert "前三季度经营情况" not in text(client.get("/congress/notices"))
    auth.logout()
    auth.login(inside)
    # The field kit's background copy is not a reading.
    assert f"http://localhost/congress/notices/{notice.id}" in offline_urls(inside)
    assert f"http://localhost/congress/notices/{notice.id}" not in offline_urls(outside)
    client.get(f"/congress/notices/{notice.id}", headers={"X-Offline-Copy": "1"})
    assert notices.read_count(notice) == 0
    for _ in range(3):
        page = text(client.get(f"/congress/notices/{notice.id}"))
    assert "已读 1 人" in page and "经营数据.pdf" in page
    assert "阅读名单" not in page
    assert client.get(f"/congress/notices/{notice.id}/readers").status_code == 403
    response = client.post(
        f"/congress/notices/{notice.id}/questions", data={"question": "何时发奖金？"}
    )
    assert response.status_code == 303
    response = client.post(f"/congress/notices/{notice.id}/questions", data={"question": "问\x00"})
    # A NUL (pasted text can carry one) is refused at the field, the question kept.
    assert response.status_code == 422 and "文字中含有不允许的字符。" in text(response)
    auth.logout()
    auth.login(boss)
    readers = text(client.get(f"/congress/notices/{notice.id}/readers"))
    assert inside.name in readers and "1 位阅读" in readers
    question_id = notice.id  # the first question of the first notice
    assert (
        client.post(
            f"/congress/questions/{question_id}/answer", data={"answer": "月底发放。"}
        ).status_code
        == 303
    )
    page = text(client.get(f"/congress/notices/{notice.id}"))
    assert "何时发奖金？" in page and "月底发放。" in page
    assert (
        db.session.scalar(
            select(Notification.kind)
            .where(Notification.user_id == inside.id)
            .order_by(Notification.id.desc())
        )
        == "notices.notice_answer"
    )


def test_the_home_card_counts_the_notices_each_reader_has_still_to_read(app, client, auth):
    """The card's statement is made once for managers and once for everyone else, the
    reader's teams bound each time: each person, one after another, gets their own count."""
    boss = f.organizer()
    workshop = make_department("装配车间")
    inside = make_user(department=make_department("总装一班", parent=workshop))
    outside = make_user(department=make_department("动力车间"))
    nowhere = make_user()
    notice = f.make_notice(boss, departments=[workshop])
    f.make_notice(boss, title="全厂安全月安排")  # for everyone

    def card(person) -> str | None:
        auth.login(person)
        cards = text(client.get("/")).split('id="home-cards"')[1]
        auth.logout()
        found = re.search(r'待阅读的厂务公开 <span class="badge">(\d+)</span>', cards)
        return found and found[1]

    assert [card(p) for p in (boss, inside, outside, nowhere)] == ["2", "2", "1", "1"]
    auth.login(inside)
    client.get(f"/congress/notices/{notice.id}")
    auth.logout()
    assert [card(p) for p in (inside, outside, boss)] == ["1", "1", "2"]


def test_publishing_refuses_bad_input_in_chinese(app, client, auth):
    auth.login(f.organizer())
    bad = [
        ({"title": "", "category": "welfare", "body": "x"}, "请输入标题"),
        ({"title": "t", "category": "bogus", "body": "x"}, "请从给出的选项中选择。"),
        ({"title": "t\x00", "category": "welfare", "body": "x"}, "文字中含有不允许的字符。"),
        (
            {"title": "t", "category": "welfare", "body": "x", "closes_on": "2000-01-01"},
            "截止日期已过",
        ),
    ]
    for data, message in bad:
        response = client.post("/congress/notices/new", data=data)
        assert response.status_code == 422
        assert message in text(response)
    fake = {
        "title": "t",
        "category": "welfare",
        "body": "x",
        "attachments": [(__import__("io").BytesIO(b"MZ..."), "a.pdf")],
    }
    response = client.post("/congress/notices/new", data=fake, content_type="multipart/form-data")
    assert response.status_code == 422 and "内容与文件类型不符" in text(response)
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_the_attachments_hint_and_limit_follow_the_one_upload_limit(app, client, auth):
    """Each file at most UPLOAD_LIMITS.max_mb, the request at most MAX_CONTENT_LENGTH, and as
    many as the service takes: the hint says the same numbers (once '5 files, 10 MB each')."""
    app.config["UPLOAD_LIMITS"] = dataclasses.replace(app.config["UPLOAD_LIMITS"], max_mb=1)
    app.config["MAX_CONTENT_LENGTH"] = 3 * 2**20
    boss = f.organizer()
    auth.login(boss)
    n = notices.MAX_ATTACHMENTS
    hint = f"最多 {n} 个文件：PDF、Word、Excel、JPEG 或 PNG，每个不超过 1 MB；合计不超过 3 MB。"
    assert hint in text(client.get("/congress/notices/new"))
    big = FileStorage(io.BytesIO(f.PDF + b"\0" * 2**20), "方案.pdf")
    # As bytes: the test client would spool a body this big to a file it leaves open.
    boundary, body = encode_multipart(
        {"title": "年度福利方案", "category": "welfare", "body": "详见附件。", "attachments": big}
    )
    response = client.post(
        "/congress/notices/new", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 422 and "每个文件不能超过 1 MB。" in text(response)
    boss.locale = "en"
    db.session.commit()
    assert (
        f"Up to {n} files: PDF, Word, Excel, JPEG or PNG, at most 1 MB "
        "each; all together at most 3 MB."
    ) in text(client.get("/congress/notices/new"))


def test_twenty_concurrent_readers_are_counted_exactly(app, server):  # noqa: F811
    password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    people = []
    for n in range(READERS):
        user = User(employee_no=f"R{n:04d}", name=f"读者{n}", password_hash=password_hash)
        user.roles = {Role.MEMBER}
        people.append(user)
    db.session.add_all(people)
    db.session.commit()
    notice = f.make_notice(f.organizer())
    url = f"{server}/congress/notices/{notice.id}"
    readers = [_logged_in(server, user.employee_no)[0] for user in people]
    start = threading.Barrier(READERS * 2)

    def read(session):
        start.wait()
        return session.get(url, timeout=60).status_code

    # Each reader opens the notice twice at the same moment (two tabs): 40 requests at once.
    with ThreadPoolExecutor(READERS * 2) as pool:
        statuses = list(pool.map(read, readers + readers))
    assert statuses == [200] * (READERS * 2)
    db.session.expire_all()
    assert (
        db.session.scalar(
            select(func.count()).select_from(NoticeRead).where(NoticeRead.notice_id == notice.id)
        )
        == READERS
    )
    assert "已读 20 人" in readers[0].get(url, timeout=30).text


def test_a_receipt_from_the_phones_copy_counts_once_and_only_for_its_audience(app, client, auth):
    import uuid
    from datetime import UTC, datetime

    from tests.sync.conftest import post_sync

    boss = f.organizer()
    welding = make_department("焊接车间")
    reader = make_user(department=welding)
    outsider = make_user(department=make_department("后勤部"))
    notice = f.make_notice(boss, departments=[welding])
    read_at = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)

    def receipt(notice_id):
        return {
            "id": str(uuid.uuid4()),
            "kind": "notice_read",
            "captured_at": read_at.isoformat(),
            "data": {"notice_id": notice_id},
            "photos": [],
        }

    auth.login(outsider)
    [result] = post_sync(client, receipt(notice.id)).get_json()["results"]
    assert result["status"] == "invalid"
    assert "没有这条公开信息，或它不面向您。" in str(result["errors"])
    auth.logout()
    auth.login(reader)
    results = post_sync(client, receipt(notice.id), receipt(notice.id), receipt("x")).get_json()
    assert [r["status"] for r in results["results"]] == ["created", "created", "invalid"]
    reads = db.session.scalars(select(NoticeRead)).all()
    assert [(r.user_id, r.read_at) for r in reads] == [(reader.id, read_at)]


def test_the_readers_page_lists_who_has_not_read_it_yet(app, client, auth):
    boss = f.organizer()
    workshop = make_department("装配车间")
    team = make_department("总装一班", parent=workshop)
    reader = make_user(department=team, name="已读者")
    late = make_user(department=team, name="未读者")
    outside = make_user(department=make_department("动力车间"), name="车间外")
    notice = f.make_notice(boss, departments=[workshop])
    auth.login(reader)
    client.get(f"/congress/notices/{notice.id}")
    auth.logout()
    auth.login(boss)
    page = text(client.get(f"/congress/notices/{notice.id}/readers"))
    assert "2 位接收人中已有 1 位阅读" in page
    unread = page[page.index("尚未阅读（1）") :]
    assert late.name in unread and "总装一班" in unread
    assert reader.name not in unread and outside.name not in page


def test_the_chairman_and_other_organizers_see_the_readers_of_a_notice(app, client, auth):
    publisher = f.organizer()
    reader = make_user(name="已读者")
    notice = f.make_notice(publisher)
    notices.mark_read(reader, notice)
    db.session.commit()
    for person in (make_user(Role.ADMIN), f.organizer()):
        auth.login(person)
        assert "阅读名单" in text(client.get(f"/congress/notices/{notice.id}"))
        response = client.get(f"/congress/notices/{notice.id}/readers")
        assert response.status_code == 200 and "已读者" in text(response)
        auth.logout()
    auth.login(reader)
    response = client.get(f"/congress/notices/{notice.id}/readers")
    assert response.status_code == 403
    assert "只有发布人、工会干事和工会主席才能查看阅读名单。" in text(response)


def test_a_notice_s_closing_day_says_it_closes_the_questions(app, client, auth):
    """The form asks for the day questions close; the notice says that, not that it is
    shown until then (公开至 read as if the notice disappeared)."""
    boss = f.organizer()
    notice = f.make_notice(boss, closes_on=date(2026, 12, 31))
    auth.login(boss)
    assert "提问截止日期" in text(client.get("/congress/notices/new"))
    page = text(client.get(f"/congress/notices/{notice.id}"))
    assert "提问截止 2026-12-31" in page and "公开至" not in page


def test_a_reader_who_may_not_answer_is_told_who_may(app, client, auth):
    boss = f.organizer()
    reader = make_user()
    notice = f.make_notice(boss)
    auth.login(reader)
    client.post(f"/congress/notices/{notice.id}/questions", data={"question": "何时发放？"})
    question_id = db.session.scalar(select(NoticeQuestion.id))
    response = client.post(f"/congress/questions/{question_id}/answer", data={"answer": "我来答"})
    assert response.status_code == 403
    assert "只有发布人、工会干事和工会主席才能答复" in text(response)


def test_the_publisher_looking_at_their_notice_is_not_one_of_its_readers(app, client, auth):
    """The publisher is in the workshop the notice is for: opening it (to check it, to answer
    its questions) counts them neither among its readers nor among those yet to read it."""
    workshop = make_department("装配车间")
    team = make_department("总装一班", parent=workshop)
    boss = make_user(Role.ORGANIZER, department=team, name="发布人")
    reader = make_user(department=team, name="已读者")
    late = make_user(department=team, name="未读者")
    notice = f.make_notice(boss, departments=[workshop])
    assert set(db.session.scalars(select(Notification.user_id))) == {reader.id, late.id}
    auth.login(boss)
    assert "已读 0 人" in text(client.get(f"/congress/notices/{notice.id}"))
    readers = text(client.get(f"/congress/notices/{notice.id}/readers"))
    assert "2 位接收人中已有 0 位阅读" in readers and "尚未阅读（2）" in readers
    assert "发布人" not in readers
    assert "is-unread" not in text(client.get("/congress/notices"))  # their own list: read
    auth.logout()
    auth.login(reader)
    assert "已读 1 人" in text(client.get(f"/congress/notices/{notice.id}"))
    auth.logout()
    auth.login(boss)
    assert "已读 1 人" in text(client.get(f"/congress/notices/{notice.id}"))
    readers = text(client.get(f"/congress/notices/{notice.id}/readers"))
    assert "2 位接收人中已有 1 位阅读" in readers and "尚未阅读（1）" in readers
    assert "已读者" in readers and "发布人" not in readers


def test_one_submit_shows_every_mistake_of_a_notice_at_its_field(app, client, auth):
    """A closing date past and one attachment too many took two submits to hear of."""
    auth.login(f.organizer())
    files = [(io.BytesIO(f.PDF), f"附件{n}.pdf") for n in range(notices.MAX_ATTACHMENTS + 1)]
    response = client.post(
        "/congress/notices/new",
        data={
            "title": "年度福利方案",
            "category": "welfare",
            "body": "详见附件。",
            "closes_on": "2000-01-01",
            "attachments": files,
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert field_errors(text(response)) == {
        "closes_on": ["截止日期已过。"],
        "attachments": ["最多 5 个附件。"],
    }
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0


def test_one_submit_shows_the_notice_form_s_mistake_and_the_service_s_at_their_fields(
    app, client, auth
):
    """No text (the form's check) hid that the closing date was past (the service's)."""
    auth.login(f.organizer())
    response = client.post(
        "/congress/notices/new",
        data={
            "title": "年度福利方案",
            "category": "welfare",
            "body": "",
            "closes_on": "2000-01-01",
        },
    )
    assert response.status_code == 422
    assert field_errors(text(response)) == {
        "body": ["请填写公开内容。"],
        "closes_on": ["截止日期已过。"],
    }
