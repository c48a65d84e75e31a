"""Major-event mutual aid: report, acknowledge, act, close; the reporter follows it in the
inbox; a target response time with an overdue flag."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.blueprints.care.parse import local_today
from app.models import Notification
from app.models.care import AidRequest, AidStatus, CareSupport
from tests.helpers import full_width, inbox_entries, text


def test_a_member_reports_for_a_colleague_and_follows_it_to_the_close(client, auth, world, db):
    member, officer = world.people["member"], world.people["care_officer"]
    auth.login(member)
    assert "大事互助" in text(client.get("/me"))
    response = client.post(
        "/care/aid/new",
        data={
            "for_whom": "colleague",
            "colleague": world.worker.employee_no,
            "event_type": "illness",
            "happened_on": local_today().isoformat(),
            "description": "突发脑溢血住院",
        },
    )
    assert response.status_code == 303
    request = db.session.scalar(
        select(AidRequest).where(AidRequest.description == "突发脑溢血住院")
    )
    assert request.subject_id == world.worker.id and request.status is AidStatus.REPORTED
    assert timedelta(hours=23) < request.respond_by - datetime.now(UTC) <= timedelta(hours=24)
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "care_rights.care_aid")
    ).all()
    assert officer.id in told and member.id not in told
    auth.logout()

    auth.login(officer)
    url = f"/care/aid/{request.id}"
    assert client.post(url + "/acknowledge", data={"note": "已收到"}).status_code == 303
    acted = client.post(
        url + "/act",
        data={"note": "上门慰问", "amount": "800", "file_id": str(world.file.id)},
    )
    assert acted.status_code == 303
    assert client.post(url + "/close", data={"note": "救助金已发放"}).status_code == 303
    again = client.post(url + "/acknowledge", data={})
    assert again.status_code == 422 and "不能进行这一步" in text(again)
    db.session.expire_all()
    request = db.session.get(AidRequest, request.id)
    assert request.status is AidStatus.CLOSED and str(request.aid_amount) == "800.00"
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(CareSupport)
            .where(CareSupport.aid_request_id == request.id)
        )
        == 1
    )
    auth.logout()

    auth.login(member)
    inbox = db.session.scalars(
        select(Notification.title)
        .where(
            Notification.user_id == member.id, Notification.kind == "care_rights.care_aid_status"
        )
        .order_by(Notification.id)
    ).all()
    # Each notice names the request (one they made for a colleague, and what happened), and
    # names no one: a lock screen shows it.
    assert inbox == [
        "您为同事提交的大事互助申请（重大疾病）：已受理",
        "您为同事提交的大事互助申请（重大疾病）：帮扶中",
        "您为同事提交的大事互助申请（重大疾病）：已办结",
    ]
    # …and the inbox files them under 帮扶维权, where a member looks for them.
    assert inbox_entries(client.get("/notifications/"))[0] == (
        "您为同事提交的大事互助申请（重大疾病）：已办结",
        "帮扶维权",
    )
    # Where it stands, not the help given: that is the colleague's own business.
    page = text(client.get(url))
    assert "已办结" in page and "突发脑溢血住院" in page
    assert "上门慰问" not in page and "救助金已发放" not in page and "¥800.00" not in page
    assert "为保护同事的隐私，帮扶详情只告知同事本人" in page
    assert "计入档案" not in page  # the member never sees the file link


def test_a_notice_of_ones_own_request_says_yours_and_what_happened(client, auth, world, db):
    member, officer = world.people["member"], world.people["care_officer"]
    auth.login(member)
    data = {
        "for_whom": "self",
        "event_type": "hospital",
        "happened_on": local_today().isoformat(),
        "description": "阑尾炎手术",
    }
    assert client.post("/care/aid/new", data=data).status_code == 303
    request = db.session.scalar(select(AidRequest).where(AidRequest.description == "阑尾炎手术"))
    auth.logout()
    auth.login(officer)
    officers_inbox = inbox_entries(client.get("/notifications/"))
    assert ("新的大事互助申请：住院", "帮扶维权") in officers_inbox
    client.post(f"/care/aid/{request.id}/close", data={"note": "已探望"})
    auth.logout()
    auth.login(member)
    assert inbox_entries(client.get("/notifications/")) == [
        ("您的大事互助申请（住院）：已办结", "帮扶维权")
    ]


# A NUL character (pasted text can carry one) is refused at its field, like any bad input.
NUL_REFUSED = "文字中含有不允许的字符。"


def test_bad_aid_input_is_refused_in_chinese_and_writes_nothing(client, auth, world, db):
    auth.login(world.people["member"])
    before = db.session.scalar(select(func.count(AidRequest.id)))
    for fields, message in [
        ({"for_whom": "colleague", "colleague": "NOBODY"}, "没有这个工号的同事"),
        (
            {"happened_on": (local_today() + timedelta(days=5)).isoformat()},
            f"不能晚于今天（{local_today().isoformat()}）：只有喜事可以提前告知",
        ),
        (
            {
                "event_type": "happy",
                "happened_on": (local_today() + timedelta(days=366)).isoformat(),
            },
            f"喜事最多可提前一年告知：日期不能晚于 {local_today() + timedelta(days=365)}",
        ),
        ({"description": ""}, "请告诉工会发生了什么。"),
        ({"description": "病\x00了"}, NUL_REFUSED),
        ({"event_type": "lottery"}, "请从给出的选项中选择"),
    ]:
        data = {
            "for_whom": "self",
            "event_type": "illness",
            "happened_on": local_today().isoformat(),
            "description": "住院",
            **fields,
        }
        response = client.post("/care/aid/new", data=data)
        assert response.status_code == 422 and message in text(response), fields
    assert db.session.scalar(select(func.count(AidRequest.id))) == before


def test_requests_past_their_target_time_are_flagged_and_reminded(client, auth, world, db):
    from app.blueprints.care.jobs import remind

    request = db.session.get(AidRequest, world.aid_request.id)
    request.respond_by = datetime.now(UTC) - timedelta(hours=1)
    db.session.commit()
    auth.login(world.people["care_officer"])
    listing = text(client.get("/care/aid"))
    assert "已超时" in listing
    home = text(client.get("/"))
    assert "2 件互助申请待办（1 件已超时）" in home
    assert remind()["aid_overdue"] == 1


def test_statistics_count_aid_given_to_a_file_once(client, auth, world, db):
    from app.blueprints.care.queries import stats

    auth.login(world.people["care_officer"])
    today = local_today().isoformat()
    client.post(
        f"/care/files/{world.file.id}/supports",
        data={"kind": "money", "given_on": today, "amount": "200", "description": "慰问金"},
    )
    client.post(
        f"/care/aid/{world.other_aid.id}/act",
        data={"note": "送去慰问金", "amount": "300", "file_id": str(world.file.id)},
    )
    client.post(f"/care/aid/{world.aid_request.id}/act", data={"note": "探望", "amount": "100"})
    figures = stats(local_today().year)
    assert str(figures["year_total"]) == "600.00"
    assert dict((m, str(v)) for m, v in figures["by_month"])[local_today().month] == "600.00"
    assert {name: str(amount) for name, amount, _n in figures["by_dept"]} == {"装配车间": "600.00"}
    page = text(client.get(f"/care/stats?year={local_today().year}"))
    assert "¥600.00" in page and "装配车间" in page
    assert client.get("/care/stats?year=abc").status_code == 200


def _report(client, db, event_type, description, colleague=None) -> AidRequest:
    """The logged-in person reports a request (for a colleague when one is given)."""
    data = {
        "for_whom": "colleague" if colleague else "self",
        "colleague": colleague.employee_no if colleague else "",
        "event_type": event_type,
        "happened_on": local_today().isoformat(),
        "description": description,
    }
    assert client.post("/care/aid/new", data=data).status_code == 303
    return db.session.scalar(select(AidRequest).where(AidRequest.description == description))


def _notices(db, user):
    """(title, body) of every notice a person has, oldest first."""
    return db.session.execute(
        select(Notification.title, Notification.body)
        .where(Notification.user_id == user.id)
        .order_by(Notification.id)
    ).all()


def test_the_member_a_request_is_for_is_told_of_it_and_of_every_step(client, auth, world, db):
    member, officer, worker = world.people["member"], world.people["care_officer"], world.worker
    auth.login(member)
    request = _report(client, db, "illness", "工伤住院", colleague=worker)
    auth.logout()
    auth.login(officer)
    officer_had = len(_notices(db, officer))
    url = f"/care/aid/{request.id}"
    client.post(url + "/acknowledge", data={"note": "已收到"})
    client.post(url + "/act", data={"note": "上门慰问", "amount": "300"})
    client.post(url + "/close", data={"note": "已办结"})
    # The officer is not told of their own steps.
    assert len(_notices(db, officer)) == officer_had
    auth.logout()

    auth.login(worker)
    assert inbox_entries(client.get("/notifications/")) == [
        ("您的大事互助申请（重大疾病）：已办结", "帮扶维权"),
        ("您的大事互助申请（重大疾病）：帮扶中", "帮扶维权"),
        ("您的大事互助申请（重大疾病）：已受理", "帮扶维权"),
        ("工会收到为您提交的大事互助申请：重大疾病", "帮扶维权"),
    ]
    told = _notices(db, worker)
    assert told[0].body == "工会帮扶专干将在 24 小时内响应。"
    # A notice shows on the lock screen: it points to the page, the notes stay there.
    assert [body for _title, body in told[1:]] == ["详情请在申请页面查看。"] * 3
    # Care data: the notices name no one else (not the colleague who reported it).
    assert not any(member.name in title + body for title, body in told)
    # The notices open the request, and the member finds it among their requests.
    page = text(client.get(url))
    assert "已办结" in page and "上门慰问" in page
    assert url in text(client.get("/care/aid/mine"))
    auth.logout()
    # The reporter is told where it stands at each step, not what was done.
    assert [t for t, _b in _notices(db, member) if "重大疾病" in t] == [
        "您为同事提交的大事互助申请（重大疾病）：已受理",
        "您为同事提交的大事互助申请（重大疾病）：帮扶中",
        "您为同事提交的大事互助申请（重大疾病）：已办结",
    ]


def test_an_officer_reporting_for_a_member_is_not_told_of_their_own_steps(client, auth, world, db):
    from app.models import Role
    from tests.factories import make_user

    officer, member = world.people["care_officer"], world.people["inspector"]
    colleague = make_user(Role.CARE_OFFICER, name="另一专干")
    db.session.commit()
    auth.login(officer)
    officer_had = len(_notices(db, officer))
    request = _report(client, db, "disaster", "家中失火", colleague=member)
    client.post(f"/care/aid/{request.id}/close", data={"note": "已发放救助金"})
    assert len(_notices(db, officer)) == officer_had
    assert [t for t, _b in _notices(db, colleague)] == ["新的大事互助申请：灾害或意外"]
    assert [t for t, _b in _notices(db, member)] == [
        "工会收到为您提交的大事互助申请：灾害或意外",
        "您的大事互助申请（灾害或意外）：已办结",
    ]


def test_the_scorecard_counts_a_close_with_a_note_as_an_answer_and_a_silent_one_not(
    client, auth, world, db
):
    """Of four requests: one closed in time with a note to the member (counted in time), one
    closed after its target with a note (counted late), one closed in time without a word to
    the member, as closes were before they asked for a note (not an answer: counted as not
    answered in time) and one still within its target (not counted at all): 1 of 3, 33.3 %."""
    import re

    from app.models.care import AidAction, AidEvent

    officer = world.people["care_officer"]
    in_time, late = world.aid_request, world.other_aid
    late = db.session.get(AidRequest, late.id)
    late.respond_by = datetime.now(UTC) - timedelta(hours=1)
    db.session.commit()
    auth.login(officer)
    note = {"note": "经核实，已由车间送去慰问金"}
    assert client.post(f"/care/aid/{in_time.id}/close", data=note).status_code == 303
    assert client.post(f"/care/aid/{late.id}/close", data=note).status_code == 303
    silent = _report(client, db, "illness", "住院两天")
    silent.status, silent.closed_at = AidStatus.CLOSED, datetime.now(UTC)
    silent.events.append(AidEvent(actor_id=officer.id, action=AidAction.CLOSE, note=""))
    db.session.commit()
    pending = _report(client, db, "happy", "结婚")
    auth.logout()

    # the chairman reads the cases (care's reader); the organizer only how many
    auth.login(world.people["organizer"])
    page = text(client.get(f"/reports/care/aid_on_time?year={local_today().year}"))
    assert re.search(r"<strong data-value>33\.3%</strong>", page) and "/care/aid/" not in page
    assert re.search(r"<dt>计入</dt><dd>1</dd>\s*<dt>未计入</dt><dd>2</dd>", page)
    assert re.search(r"<dt>暂不统计</dt><dd>1</dd>", page)
    auth.logout()
    auth.login(world.people["admin"])
    page = text(client.get(f"/reports/care/aid_on_time?year={local_today().year}"))
    assert re.search(r"<strong data-value>33\.3%</strong>", page)
    rows = dict(
        re.findall(r'/care/aid/(\d+)">[^<]+</a>\s*<span class="muted">([^<]+)</span>', page)
    )
    time = r"\d{4}-\d\d-\d\d \d\d:\d\d"
    assert re.fullmatch(rf"按时办结并向会员说明（{time}）", rows[str(in_time.id)])
    assert re.fullmatch(rf"逾期办结并向会员说明（{time}，时限 {time}）", rows[str(late.id)])
    assert re.fullmatch(rf"{time} 办结，未向会员作任何说明：不算响应", rows[str(silent.id)])
    assert re.fullmatch(rf"尚未响应（时限 {time}），暂不统计", rows[str(pending.id)])
    assert "办结时向会员说明了原因，才视为响应" in page


def test_closing_asks_for_a_confirmation_and_a_note_the_member_reads(client, auth, world, db):
    """One tap on 办结 closed a request with nothing said: now the button asks first, and the
    close is refused at the note until it tells the member why; the member then reads it."""
    officer, member = world.people["care_officer"], world.people["member"]
    auth.login(member)
    request = _report(client, db, "bereavement", "父亲去世")
    auth.logout()
    auth.login(officer)
    url = f"/care/aid/{request.id}"
    page = text(client.get(url))
    assert 'data-confirm="确定办结这项申请吗？办结后不能重新打开，会员会看到您的说明。"' in page
    assert "办结时请告诉会员办结的原因" in page
    refused = client.post(url + "/close", data={"note": "  "})
    assert refused.status_code == 422
    assert 'id="note-errors"' in text(refused)
    assert "请告诉会员办结的原因：会员会看到这段说明。" in text(refused)
    db.session.expire_all()
    assert db.session.get(AidRequest, request.id).status is AidStatus.REPORTED
    closed = client.post(url + "/close", data={"note": "家属已婉拒帮扶，工会已电话慰问"})
    assert closed.status_code == 303
    auth.logout()
    auth.login(member)
    assert "家属已婉拒帮扶，工会已电话慰问" in text(client.get(url))
    assert ("您的大事互助申请（直系亲属去世）：已办结", "帮扶维权") in inbox_entries(
        client.get("/notifications/")
    )


def test_a_happy_event_can_be_reported_up_to_a_year_ahead(client, auth, world, db):
    auth.login(world.people["member"])
    wedding = (local_today() + timedelta(days=30)).isoformat()
    data = {"for_whom": "self", "event_type": "happy", "happened_on": wedding}
    assert client.post("/care/aid/new", data={**data, "description": "下月结婚"}).status_code == 303
    made = db.session.scalar(select(AidRequest).where(AidRequest.description == "下月结婚"))
    assert made.happened_on.isoformat() == wedding
    page = text(client.get("/care/aid/new"))
    assert "喜事可以提前一年内告知；其他事项请填已发生的日期。" in page


def test_a_colleague_named_in_full_width_is_found(client, auth, world, db):
    auth.login(world.people["member"])
    response = client.post(
        "/care/aid/new",
        data={
            "for_whom": "colleague",
            "colleague": full_width(world.worker.employee_no),
            "event_type": "illness",
            "happened_on": local_today().isoformat(),
            "description": "全角工号报告",
        },
    )
    assert response.status_code == 303
    request = db.session.scalar(select(AidRequest).where(AidRequest.description == "全角工号报告"))
    assert request.subject_id == world.worker.id


def test_a_colleague_who_reported_learns_where_it_stands_and_no_notice_carries_a_note(
    client, auth, world, db
):
    """M0001 reported a stay in hospital for 黄晓东 and read, on the page and in notices on the
    lock screen, the relief paid and every officer's note. The reporter now learns where the
    request stands; the member it is for reads the details on the page; no notice, and so no
    push, carries a note or an amount. The officer's note field says so: it read
    说明（申请人可以看到）, the applicant being the one who does not read it."""
    from app.blueprints.notify.jobs import payload_for

    member, officer, worker = world.people["member"], world.people["care_officer"], world.worker
    auth.login(member)
    request = _report(client, db, "hospital", "黄师傅住院", colleague=worker)
    auth.logout()
    auth.login(officer)
    url = f"/care/aid/{request.id}"
    label = re.search(r'<label for="note"[^>]*>([^<]*)<', text(client.get(url)))
    assert label and label.group(1).strip() == "说明（受助职工本人可以看到）"
    notes = ["已收到明天上门", "已送慰问金", "又送去药品", "家属情绪稳定", "救助金已发放完毕"]
    client.post(url + "/acknowledge", data={"note": notes[0]})
    client.post(url + "/act", data={"note": notes[1], "amount": "3000"})
    client.post(url + "/act", data={"note": notes[2], "amount": "200"})
    client.post(url + "/comment", data={"note": notes[3]})
    assert client.post(url + "/close", data={"note": notes[4]}).status_code == 303
    auth.logout()

    # The reporter hears of each new status once, and why they hear no more.
    private = "为保护同事的隐私，帮扶详情只告知同事本人。"
    assert _notices(db, member)[-3:] == [
        (f"您为同事提交的大事互助申请（住院）：{status}", private)
        for status in ("已受理", "帮扶中", "已办结")
    ]
    # The member it is for hears of every step; no notice or push says what was written.
    theirs = [t for t, _b in _notices(db, worker) if t.startswith("您的大事互助申请（住院）")]
    assert len(theirs) == 5
    pushed = [payload_for(n) for n in db.session.scalars(db.select(Notification))]
    words = " ".join(p["title"] + p["body"] for p in pushed)
    assert not any(note in words for note in notes) and "3,200" not in words and "¥" not in words

    auth.login(member)
    page = text(client.get(url))
    assert "已办结" in page and "黄师傅住院" in page
    assert not any(note in page for note in notes) and "¥" not in page
    auth.logout()
    auth.login(worker)
    page = text(client.get(url))
    assert all(note in page for note in notes) and "¥3,200.00" in page
    auth.logout()
    auth.login(world.people["admin"])
    assert "¥3,200.00" in text(client.get(url))


def test_the_statistics_page_reads_a_fixed_number_of_statements(
    client, auth, world, db, count_queries
):
    """However many supports and aid payments there are, in however many months and
    workshops: at most 10 statements (a dashboard's budget), the same number each time."""
    auth.login(world.people["care_officer"])
    year = local_today().year

    def statements() -> int:
        db.session.expire_all()  # each look starts as a request does, nothing loaded yet
        with count_queries() as counter:
            assert client.get(f"/care/stats?year={year}").status_code == 200
        return counter.count

    few = statements()
    for days in range(3):
        given_on = (local_today() - timedelta(days=9 * days)).isoformat()
        answer = client.post(
            f"/care/files/{world.file.id}/supports",
            data={"kind": "money", "given_on": given_on, "amount": "20", "description": "慰问"},
        )
        assert answer.status_code == 303
    for request in (world.aid_request, world.other_aid):
        answer = client.post(f"/care/aid/{request.id}/act", data={"note": "送去", "amount": "30"})
        assert answer.status_code == 303
    assert statements() == few <= 10
