"""Motions handled to the end: every step tells the right people, a 不满意 sends it back
once, overdue motions alert the department and the committee; the 换届 reminder."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.blueprints.congress.queries import session_report
from app.blueprints.congress.services import motions, sessions
from app.blueprints.congress.services.common import today
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.models import Notification, Role
from app.models.congress import AnswerClass, MotionState, Satisfaction
from tests.congress import factories as f
from tests.factories import make_department, make_user
from tests.helpers import field_errors, text


def _inbox(user) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    )


@pytest.fixture
def cast(app):
    boss = f.organizer()
    chair = make_user(Role.ADMIN)
    workshop = make_department("动力车间")
    session = f.make_session(boss)
    proposer, first, second = (f.make_delegate(boss, session) for _ in range(3))
    contact = f.make_contact(boss, session, workshop)
    return {
        "boss": boss,
        "chair": chair,
        "workshop": workshop,
        "session": session,
        "proposer": proposer,
        "cosigners": [first, second],
        "contact": contact,
    }


def test_a_motion_from_draft_to_a_rated_answer_notifies_each_next_actor(cast):
    c = cast
    motion = f.make_motion(c["session"], c["proposer"], c["cosigners"][:1])
    with pytest.raises(Refused, match="2"):
        motions.submit(c["proposer"], motion)
    db.session.rollback()
    motions.cosign(c["cosigners"][1], motion)
    assert _inbox(c["proposer"]) == ["notices.motion_cosigned"] * 2
    motions.submit(c["proposer"], motion)
    assert _inbox(c["boss"]) == ["notices.motion_submitted"]
    assert _inbox(c["chair"]) == ["notices.motion_submitted"]
    with pytest.raises(ValidationFailed):
        motions.review(c["boss"], motion, "accept", "", None, [], today())
    motions.review(c["boss"], motion, "accept", "", c["workshop"], [], today() + timedelta(days=5))
    assert _inbox(c["contact"]) == ["notices.motion_assigned"]
    assert _inbox(c["proposer"])[-1] == "notices.motion_reviewed"
    with pytest.raises(ValidationFailed, match="C"):
        motions.answer(c["contact"], motion, "C", "明年再议", "")
    with pytest.raises(Refused):
        motions.answer(c["proposer"], motion, "A", "自己答")
    motions.answer(c["contact"], motion, "C", "明年再议", "预算不足")
    assert _inbox(c["proposer"])[-1] == "notices.motion_answered"
    motions.rate(c["proposer"], motion, "unsatisfied", "请给出时间表")
    assert motion.state is MotionState.ASSIGNED and motion.sent_back
    assert _inbox(c["contact"])[-1] == "notices.motion_sent_back"
    assert _inbox(c["boss"])[-1] == "notices.motion_sent_back"
    motions.answer(c["contact"], motion, "B", "列入明年一季度计划")
    # The second rating is final, even a 不满意.
    motions.rate(c["proposer"], motion, "unsatisfied", "仍不满意")
    assert motion.state is MotionState.CLOSED
    assert motion.rating is Satisfaction.UNSATISFIED and motion.answer_class is AnswerClass.B
    assert _inbox(c["contact"])[-1] == "notices.motion_rated"
    states = [e.to_state.value for e in motion.events]
    assert states == [
        "draft",
        "submitted",
        "assigned",
        "answered",
        "assigned",
        "answered",
        "closed",
    ]


def test_decline_needs_a_reason_and_a_suggestion_ends_the_motion(cast):
    c = cast
    one = f.submitted_motion(c["session"], c["proposer"], c["cosigners"])
    with pytest.raises(ValidationFailed):
        motions.review(c["boss"], one, "decline", "  ")
    motions.review(c["boss"], one, "decline", "已纳入集体合同协商")
    assert one.state is MotionState.DECLINED and one.decision_note == "已纳入集体合同协商"
    two = f.submitted_motion(c["session"], c["proposer"], c["cosigners"], title="二")
    motions.review(c["boss"], two, "suggestion")
    assert two.state is MotionState.SUGGESTION
    with pytest.raises(Refused):
        motions.review(c["boss"], two, "accept", "", c["workshop"], [], today())
    with pytest.raises(Refused):
        motions.review(
            c["cosigners"][0],
            f.submitted_motion(c["session"], c["proposer"], c["cosigners"], title="三"),
            "suggestion",
        )


def test_overdue_motions_alert_the_department_and_the_committee_once_a_day(cast):
    c = cast
    motion = f.assigned_motion(
        c["boss"], c["session"], c["proposer"], c["cosigners"], c["workshop"], days=1
    )
    assert motions.alert_overdue(today()) == 0
    assert motions.alert_overdue(today() + timedelta(days=2)) == 1
    assert motions.alert_overdue(today() + timedelta(days=2)) == 0
    assert _inbox(c["contact"])[-1] == "notices.motion_overdue"
    assert _inbox(c["boss"])[-1] == "notices.motion_overdue"
    assert _inbox(c["chair"])[-1] == "notices.motion_overdue"
    assert motion.overdue_alerted_on == today() + timedelta(days=2)


def test_the_term_reminder_goes_to_the_organizers_before_the_term_ends(app):
    boss = f.organizer()
    session = f.make_session(boss, term_ends_on=today() + timedelta(days=90))
    assert sessions.remind_terms(today()) == 0
    assert sessions.remind_terms(today() + timedelta(days=31)) == 1
    assert sessions.remind_terms(today() + timedelta(days=32)) == 0  # not every day
    assert sessions.remind_terms(today() + timedelta(days=46)) == 1
    assert _inbox(boss) == ["notices.congress_term"] * 2
    assert session.term_reminder_sent_on == today() + timedelta(days=46)


def test_the_public_list_and_the_report_count_by_state_class_and_satisfaction(cast, client, auth):
    c = cast
    f.make_motion(c["session"], c["proposer"], title="草稿不公开")
    closed = f.assigned_motion(
        c["boss"], c["session"], c["proposer"], c["cosigners"], c["workshop"], title="已办结的"
    )
    motions.answer(c["contact"], closed, "A", "已解决")
    motions.rate(c["proposer"], closed, "satisfied")
    f.submitted_motion(c["session"], c["proposer"], c["cosigners"], title="待审查的")
    db.session.commit()
    report = session_report(c["session"].id)
    assert report["total"] == 2
    assert dict(report["states"])[MotionState.CLOSED] == 1
    assert dict(report["classes"])[AnswerClass.A] == 1
    assert dict(report["ratings"])[Satisfaction.SATISFIED] == 1
    auth.login(make_user())
    page = text(client.get("/congress/motions"))
    assert "已办结的" in page and "待审查的" in page and "草稿不公开" not in page
    report_page = text(client.get(f"/congress/sessions/{c['session'].id}/report"))
    assert "共提交提案 2 件" in report_page and "满意" in report_page


def test_the_lists_serve_their_fragment_to_htmx(cast, client, auth, htmx_headers):
    f.submitted_motion(cast["session"], cast["proposer"], cast["cosigners"], title="片段里的提案")
    f.make_notice(cast["boss"], title="片段里的公开")
    auth.login(make_user())
    for url, words in [
        ("/congress/motions", "片段里的提案"),
        ("/congress/notices", "片段里的公开"),
    ]:
        whole, part = client.get(url), client.get(url, headers=htmx_headers)
        assert "<html" in text(whole) and words in text(whole)
        assert "<html" not in text(part) and words in text(part)
        assert part.headers["Vary"] == "HX-Request" or "HX-Request" in part.headers["Vary"]


def test_a_delegate_who_co_signs_reads_it_once_on_the_motion_page(cast, client, auth):
    motion = f.make_motion(cast["session"], cast["proposer"])
    auth.login(cast["cosigners"][0])
    page = client.post(f"/congress/motions/{motion.id}/cosign", follow_redirects=True)
    assert page.status_code == 200
    assert text(page).count("您已附议此提案。") == 1
    assert "附议此提案</button>" not in text(page)


def _audit_actions() -> list[str]:
    from app.models import AuditLog

    return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_rewriting_a_co_signed_draft_withdraws_the_co_signatures_and_tells_each_signer(
    cast, client, auth
):
    c = cast
    motion = f.make_motion(c["session"], c["proposer"], c["cosigners"])
    url = f"/congress/motions/{motion.id}"
    auth.login(c["proposer"])
    form = text(client.get(url + "/edit"))
    assert "修改提案将撤销已有的 2 个附议：附议人会收到通知，须重新附议。" in form
    page = client.post(
        url + "/edit",
        data={"title": motion.title, "reasons": motion.reasons, "measures": "改为发放夜班餐补。"},
        follow_redirects=True,
    )
    assert "草稿已保存。原有附议已撤销，已通知附议人重新附议。" in text(page)
    assert "<dt>附议人</dt><dd>暂无</dd>" in text(page)
    assert motion.cosigners == []
    for signer in c["cosigners"]:
        assert _inbox(signer) == ["notices.motion_changed"]
    # Saving the same words again withdraws nothing and tells no one.
    motions.cosign(c["cosigners"][0], motion)
    db.session.commit()
    again = client.post(
        url + "/edit",
        data={"title": motion.title, "reasons": motion.reasons, "measures": motion.measures},
        follow_redirects=True,
    )
    assert "草稿已保存。" in text(again) and "原有附议已撤销" not in text(again)
    assert [s.user_id for s in motion.cosigners] == [c["cosigners"][0].id]
    assert _inbox(c["cosigners"][0]) == ["notices.motion_changed"]


def test_a_co_signer_withdraws_a_co_signature_while_the_motion_is_a_draft(cast, client, auth):
    c = cast
    signer = c["cosigners"][0]
    motion = f.make_motion(c["session"], c["proposer"], [signer])
    url = f"/congress/motions/{motion.id}"
    auth.login(signer)
    page = text(client.get(url))
    assert 'data-confirm="撤回对“增设夜班热餐点”的附议？">撤回附议</button>' in page
    page = client.post(url + "/withdraw", follow_redirects=True)
    assert "您已撤回附议。" in text(page) and "<dt>附议人</dt><dd>暂无</dd>" in text(page)
    assert "附议此提案</button>" in text(page)  # and may co-sign again
    assert _inbox(c["proposer"])[-1] == "notices.motion_cosign_withdrawn"
    # Once submitted, a co-signature stands.
    submitted = f.submitted_motion(c["session"], c["proposer"], c["cosigners"], title="已交")
    with pytest.raises(Refused):
        motions.withdraw_cosign(signer, submitted)


def test_the_proposer_deletes_a_draft_after_a_confirmation_and_it_is_audited(cast, client, auth):
    c = cast
    motion = f.make_motion(c["session"], c["proposer"], c["cosigners"][:1])
    url = f"/congress/motions/{motion.id}"
    auth.login(c["cosigners"][0])
    assert client.post(url + "/delete").status_code == 403
    auth.logout()
    auth.login(c["proposer"])
    page = text(client.get(url))
    assert 'data-confirm="删除草稿“增设夜班热餐点”？删除后无法恢复。">删除草稿</button>' in page
    deleted = client.post(url + "/delete", follow_redirects=True)
    assert "草稿已删除。" in text(deleted)
    # It lands on the proposer's own motions, and the tabs say so (全部 was marked).
    assert 'mine=1" aria-current="page">我提出的</a>' in text(deleted)
    assert ">全部</a>" in text(deleted) and 'aria-current="page">全部' not in text(deleted)
    assert client.get(url).status_code == 404
    assert _audit_actions()[-1] == "congress.motion_deleted"
    assert _inbox(c["cosigners"][0])[-1] == "notices.motion_deleted"


def test_an_old_notice_about_a_deleted_draft_leads_to_the_motions_not_a_404(cast, client, auth):
    """A co-signer tapped the notice that the draft was changed after the proposer had
    deleted it, and got a bare 页面不存在或已被删除."""
    c = cast
    signer = c["cosigners"][0]
    motion = f.make_motion(c["session"], c["proposer"], [signer])
    words = {"title": "增设夜班热餐点（修改）", "reasons": "夜班就餐不便。", "measures": "热餐。"}
    motions.edit(c["proposer"], motion, words)
    motions.cosign(signer, motion)  # read it again and co-signed it again
    db.session.commit()
    notice = db.session.scalars(
        select(Notification).where(
            Notification.user_id == signer.id, Notification.kind == "notices.motion_changed"
        )
    ).one()
    auth.login(c["proposer"])
    assert client.post(f"/congress/motions/{motion.id}/delete").status_code == 303
    auth.logout()
    auth.login(signer)
    opened = client.post(f"/notifications/{notice.id}/read", data={"go": "1"})
    assert opened.status_code == 303
    assert opened.headers["Location"] == "/congress/motions"
    page = client.get(opened.headers["Location"])
    assert page.status_code == 200 and "增设夜班热餐点" not in text(page)
    # The notice that it was deleted still waits in the inbox.
    assert "您附议的提案已删除：增设夜班热餐点（修改）" in text(client.get("/notifications/"))


def test_a_deleted_drafts_link_never_opens_the_next_motion(cast, client, auth):
    """SQLite hands the largest freed id to the next row unless the table says AUTOINCREMENT:
    the link a co-signer kept to a deleted draft then opened someone's next motion."""
    c = cast
    deleted = f.make_motion(c["session"], c["proposer"], c["cosigners"][:1])
    old = f"/congress/motions/{deleted.id}"
    auth.login(c["proposer"])
    assert client.post(old + "/delete").status_code == 303
    made = client.post(
        "/congress/motions/new",
        data={"title": "食堂延长供餐", "reasons": "夜班下班晚。", "measures": "延长到二十二点。"},
    )
    assert made.status_code == 303 and made.headers["Location"] != old
    assert "食堂延长供餐" in text(client.get(made.headers["Location"]))
    assert client.get(old).status_code == 404


def test_an_answer_deadline_in_year_9999_is_refused_at_its_field(cast, client, auth):
    """A slip of the finger is not a deadline: the list would say 9999-12-31 到期 for good."""
    c = cast
    motion = f.make_motion(c["session"], c["proposer"], c["cosigners"])
    motions.submit(c["proposer"], motion)
    db.session.commit()
    auth.login(c["boss"])
    response = client.post(
        f"/congress/motions/{motion.id}/review",
        data={"decision": "accept", "lead_department": c["workshop"].id, "deadline": "9999-12-31"},
    )
    assert response.status_code == 422
    assert "请选择 2000 年到 2100 年之间的日期" in text(response)
    db.session.expire_all()
    assert motion.state is MotionState.SUBMITTED and motion.deadline is None


def test_the_motion_list_runs_as_many_statements_for_many_proposers_as_for_one(
    cast, client, auth, count_queries
):
    c = cast
    boss, session = c["boss"], c["session"]

    def listed():
        db.session.expire_all()  # each look starts as a request does, nothing loaded yet
        with count_queries() as counter:
            page = client.get("/congress/motions")
        assert page.status_code == 200
        return counter.count

    f.assigned_motion(boss, session, c["proposer"], c["cosigners"], c["workshop"])
    auth.login(c["chair"])
    one = listed()
    for i in range(3):  # each from another delegate, handed to another workshop's team
        team = make_department(f"班组{i}", parent=make_department(f"车间{i}"))
        proposer = f.make_delegate(boss, session)
        f.assigned_motion(boss, session, proposer, c["cosigners"], team, title=f"提案{i}")
    assert listed() == one


def test_one_review_shows_every_mistake_of_an_acceptance_at_its_field(cast, client, auth):
    """No lead department and a deadline past took two submits to hear of."""
    c = cast
    motion = f.submitted_motion(c["session"], c["proposer"], c["cosigners"])
    auth.login(c["boss"])
    response = client.post(
        f"/congress/motions/{motion.id}/review",
        data={"decision": "accept", "lead_department": 0, "deadline": "2000-01-01"},
    )
    assert response.status_code == 422
    assert field_errors(text(response)) == {
        "lead_department": ["请选择主办部门。"],
        "deadline": ["请设置不早于今天的答复期限。"],
    }
    db.session.expire_all()
    assert motion.state is MotionState.SUBMITTED


def test_a_motion_s_words_its_answer_and_its_rating_are_told_every_mistake_at_once(cast):
    """What their forms cannot send, a caller of the service can: each field's mistake."""
    c = cast

    def wrong(call, *args) -> set[str]:
        with pytest.raises(ValidationFailed) as refused:
            call(*args)
        db.session.rollback()
        return set(refused.value.errors)

    blank = {"title": " ", "reasons": "", "measures": "措\x00施"}
    assert wrong(motions.draft, c["proposer"], c["session"], blank) == set(blank)
    motion = f.assigned_motion(
        c["boss"], c["session"], c["proposer"], c["cosigners"], c["workshop"]
    )
    fields = {"answer_class", "answer", "reason"}
    assert wrong(motions.answer, c["contact"], motion, "D", "", "\x00") == fields
    motions.answer(c["contact"], motion, "A", "已解决")
    assert wrong(motions.rate, c["proposer"], motion, "", "\x00") == {"rating", "note"}


def test_a_review_shows_the_form_s_mistake_and_the_service_s_at_their_fields(cast, client, auth):
    """A day that is no day (the form's check) hid that an acceptance had no lead department
    (the service's)."""
    c = cast
    motion = f.submitted_motion(c["session"], c["proposer"], c["cosigners"])
    auth.login(c["boss"])
    response = client.post(
        f"/congress/motions/{motion.id}/review",
        data={"decision": "accept", "lead_department": 0, "deadline": "2030-02-30"},
    )
    assert response.status_code == 422
    assert field_errors(text(response)) == {
        "lead_department": ["请选择主办部门。"],
        "deadline": ["请输入有效的日期。"],
    }


def test_an_answer_shows_the_form_s_mistake_and_the_service_s_at_their_fields(cast, client, auth):
    """No answer (the form's check) hid that class C had no reason (the service's)."""
    c = cast
    motion = f.assigned_motion(
        c["boss"], c["session"], c["proposer"], c["cosigners"], c["workshop"]
    )
    auth.login(c["contact"])
    response = client.post(f"/congress/motions/{motion.id}/answer", data={"answer_class": "C"})
    assert response.status_code == 422
    assert field_errors(text(response)) == {
        "answer": ["请填写答复。"],
        "reason": ["C 类答复须说明暂不能解决的原因。"],
    }
