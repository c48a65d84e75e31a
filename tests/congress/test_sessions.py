"""Sessions: the plenary meeting is an activity whose check-in is the delegates' attendance;
delegates by department; a department-wide electorate; the field kit of notices."""

import dataclasses
import io
import re
from datetime import timedelta

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.blueprints.activities.services import checkin
from app.blueprints.congress.services import evaluations, sessions
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Role
from app.models._types import utcnow
from app.models.activities import Participation
from app.models.congress import CongressDocument, CongressSession
from app.navigation import offline_urls
from tests.congress import factories as f
from tests.factories import make_department, make_user
from tests.helpers import field_errors, text


def test_delegates_check_in_at_the_plenary_meeting_with_the_activities_check_in(app, client, auth):
    boss = f.organizer()
    session = f.make_session(boss)
    first, second = f.make_delegate(boss, session), f.make_delegate(boss, session)
    start = utcnow() + timedelta(hours=1)
    activity = sessions.hold_meeting(boss, session, start, start + timedelta(hours=3), "礼堂")
    db.session.commit()
    late = f.make_delegate(boss, session)  # added after: enrolled too
    places = db.session.scalars(
        db.select(Participation).where(Participation.activity_id == activity.id)
    ).all()
    assert {p.user_id for p in places} == {first.id, second.id, late.id}
    place = next(p for p in places if p.user_id == first.id)
    result = checkin.check_in(boss, activity, checkin.code_for(place))
    db.session.commit()
    assert result.status == "created"
    assert sessions.attendance(session)[first.id] is not None
    assert sessions.attendance(session)[second.id] is None
    auth.login(boss)
    page = text(client.get(f"/congress/sessions/{session.id}"))
    assert "已签到 1 / 3 人" in page and "未签到" in page
    # No one signs up for it: the places are given.
    assert activity.signup_closes_at <= utcnow()
    # A delegate sees it among their activities as the meeting it is.
    auth.login(first)
    page = text(client.get(f"/activities/{activity.id}"))
    assert "会议" in page and "文体活动" not in page


def test_a_session_document_s_limit_and_its_hint_follow_the_one_upload_limit(app, client, auth):
    """The hint and the check read UPLOAD_LIMITS (once written out by hand as 10 MB each)."""
    app.config["UPLOAD_LIMITS"] = dataclasses.replace(app.config["UPLOAD_LIMITS"], max_mb=1)
    boss = f.organizer()
    session = f.make_session(boss)
    auth.login(boss)
    page = text(client.get(f"/congress/sessions/{session.id}"))
    assert "PDF、Word、Excel、JPEG 或 PNG，不超过 1 MB。" in page
    too_big = FileStorage(io.BytesIO(f.PDF + b"\0" * 2**20), "报告.pdf")
    # As bytes: the test client would spool a body this big to a file it leaves open.
    boundary, body = encode_multipart({"title": "工作报告", "file": too_big})
    response = client.post(
        f"/congress/sessions/{session.id}/documents",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 422 and "每个文件不能超过 1 MB。" in text(response)
    assert db.session.scalar(db.select(db.func.count(CongressDocument.id))) == 0
    boss.locale = "en"
    db.session.commit()
    page = text(client.get(f"/congress/sessions/{session.id}"))
    assert "PDF, Word, Excel, JPEG or PNG, at most 1 MB." in page


def test_a_department_electorate_takes_the_teams_of_a_workshop(app):
    boss = f.organizer()
    workshop = make_department("机加工车间")
    team = make_department("车工班", parent=workshop)
    inside, outside = make_user(department=team), make_user(department=make_department("其他"))
    round_ = f.make_round(boss, departments=[workshop])
    assert evaluations.eligible(inside, round_) and not evaluations.eligible(outside, round_)
    assert evaluations.electorate_size(round_) == 1


def test_a_motion_with_a_nul_byte_is_refused_and_nothing_is_saved(app, client, auth):
    from app.models.congress import Motion

    boss = f.organizer()
    session = f.make_session(boss)
    auth.login(f.make_delegate(boss, session))
    data = {"title": "提案\x00", "reasons": "理由", "measures": "措施"}
    response = client.post("/congress/motions/new", data=data)
    assert response.status_code == 422  # at the field, the motion kept to correct
    assert "文字中含有不允许的字符。" in text(response) and "措施" in text(response)
    assert db.session.scalar(db.select(db.func.count()).select_from(Motion)) == 0


def test_the_field_kit_holds_the_readers_notices_attachments_and_the_publishers_readers(app):
    boss = f.organizer()
    reader = make_user()
    notice = f.make_notice(boss, files=[f.pdf()])
    attachment = notice.attachments[0]
    mine, theirs = offline_urls(boss), offline_urls(reader)
    for urls in (mine, theirs):
        assert f"http://localhost/congress/notices/{notice.id}" in urls
        assert f"http://localhost/congress/attachments/{attachment.id}" in urls
    assert f"http://localhost/congress/notices/{notice.id}/readers" in mine
    assert f"http://localhost/congress/notices/{notice.id}/readers" not in theirs


def test_the_home_cards_follow_the_session_and_the_open_evaluation(app, client, auth):
    """The cards first ask, in one statement, whether anything waits; a delegate still sees
    the session and an open evaluation, until they have voted."""
    boss = f.organizer()
    member = make_user()

    def cards(person) -> str:
        auth.login(person)
        page = text(client.get("/")).split('id="home-cards"')[1]
        auth.logout()
        return page

    assert "职代会" not in cards(member) and "民主评议" not in cards(member)
    session = f.make_session(boss)
    delegate = f.make_delegate(boss, session)
    later = f.make_round(boss, session, opens=1)  # not open yet
    seen = cards(delegate)
    assert "职代会：第五届职工代表大会第三次会议" in seen
    assert "民主评议进行中" not in seen
    now = f.make_round(boss, session, opens=-1)
    seen = cards(delegate)
    assert f"/congress/evaluations/{now.id}" in seen
    assert f"/congress/evaluations/{later.id}" not in seen
    assert "民主评议进行中：年度民主评议" in seen
    assert "民主评议进行中" not in cards(member)  # not in the electorate
    f.vote(delegate, now)
    assert "民主评议进行中" not in cards(delegate)


def test_the_audit_log_names_congress_actions_in_words(app, client, auth):
    boss = f.organizer()
    session = f.make_session(boss)
    f.make_delegate(boss, session)
    admin = make_user(Role.ADMIN)
    auth.login(admin)
    log = text(client.get("/admin/audit"))
    assert "保存职代会届次" in log and "添加职工代表" in log
    assert "congress." not in log


def test_one_submit_shows_every_mistake_of_a_new_session_at_its_field(app, client, auth):
    """It ended before it started, the term ended before it, and 第五届第三次 was taken: it
    took three submits to hear of all three."""
    boss = f.organizer()
    f.make_session(boss, term_no=5, session_no=3)
    auth.login(boss)
    day = f.today()
    response = client.post(
        "/congress/sessions/new",
        data={
            "term_no": 5,
            "session_no": 3,
            "title": "第五届职工代表大会第三次会议",
            "starts_on": day.isoformat(),
            "ends_on": (day - timedelta(days=1)).isoformat(),
            "term_ends_on": (day - timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 422
    page = text(response)
    for field, said in (
        ("ends_on", "会议结束日期不能早于开始日期。"),
        ("term_ends_on", "代表任期届满日必须晚于会议结束日期。"),
        ("session_no", "本届已有同一次数的会议。"),
    ):
        assert re.search(rf'id="{field}-errors">\s*<li>{said}</li>', page), field
    assert db.session.scalar(db.select(db.func.count(CongressSession.id))) == 1


def test_one_submit_shows_every_mistake_of_a_new_delegate_at_its_field(app, client, auth):
    """No member has the number and the term ends before it starts: two submits to hear of."""
    boss = f.organizer()
    session = f.make_session(boss)
    auth.login(boss)
    day = f.today()
    response = client.post(
        f"/congress/sessions/{session.id}/delegates",
        data={
            "employee_no": "X9999",
            "department": 0,
            "term_starts_on": day.isoformat(),
            "term_ends_on": (day - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert field_errors(text(response)) == {
        "employee_no": ["没有使用此工号的在册会员。"],
        "term_ends_on": ["任期结束日期必须晚于开始日期。"],
    }
    assert not session.delegates


def test_a_contact_a_document_and_the_meeting_are_told_every_mistake_at_once(app):
    """What their forms cannot send, a caller of the service can: each field's mistake."""
    boss = f.organizer()
    session = f.make_session(boss)
    start = utcnow() + timedelta(hours=1)
    for call, expected in (
        (lambda: sessions.add_contact(boss, session, "X9999", None), {"employee_no", "department"}),
        (lambda: sessions.add_document(boss, session, " ", None), {"title", "file"}),
        (lambda: sessions.hold_meeting(boss, session, start, start, ""), {"place", "ends_at"}),
    ):
        with pytest.raises(ValidationFailed) as refused:
            call()
        assert set(refused.value.errors) == expected


SESSION = {"term_no": 6, "session_no": 1, "title": "第六届一次", "starts_on": "2030-05-10"}
# Each form with a mistake its own checks catch and one only the service's do: one post.
BOTH_MISTAKES = {
    "sessions/new": (
        {**SESSION, "term_no": "", "ends_on": "2030-05-09", "term_ends_on": "2033-05-09"},
        {"term_no": ["请输入数字。"], "ends_on": ["会议结束日期不能早于开始日期。"]},
    ),
    "sessions/{id}/edit": (
        {**SESSION, "title": " ", "ends_on": "2030-05-11", "term_ends_on": "2030-05-11"},
        {"title": ["请输入标题。"], "term_ends_on": ["代表任期届满日必须晚于会议结束日期。"]},
    ),
    "sessions/{id}/delegates": (
        {
            "employee_no": "X9999",
            "department": 0,
            "term_starts_on": "2030-02-30",
            "term_ends_on": "2033-05-09",
        },
        {"employee_no": ["没有使用此工号的在册会员。"], "term_starts_on": ["请输入有效的日期。"]},
    ),
    "sessions/{id}/documents": (
        {"title": ""},
        {"title": ["请输入标题。"], "file": ["请选择文件。"]},
    ),
    "sessions/{id}/meeting": (
        {"starts_at": "2030-05-10T09:00", "ends_at": "2030-05-10T08:00", "place": ""},
        {"place": ["请输入地点。"], "ends_at": ["结束时间必须晚于开始时间。"]},
    ),
}


@pytest.mark.parametrize("path", BOTH_MISTAKES)
def test_one_submit_shows_the_form_s_mistake_and_the_service_s_at_their_fields(
    app, client, auth, path
):
    """The form's own checks used to hide the service's until their mistake was put right."""
    boss = f.organizer()
    session = f.make_session(boss)
    auth.login(boss)
    data, said = BOTH_MISTAKES[path]
    response = client.post("/congress/" + path.format(id=session.id), data=data)
    assert response.status_code == 422
    assert field_errors(text(response)) == said
