"""Every required care field left empty says what to enter, at the field: never the bare
"该字段是必填字段。" that told the person nothing (a tester found it)."""

from app.blueprints.care.parse import local_today
from tests.helpers import text

GENERIC = "该字段是必填字段"


def test_each_required_care_field_names_what_to_enter(client, auth, world):
    today = local_today().isoformat()
    posts = [
        ("/care/plans/new", {}, ["请填写走访计划的名称。"]),
        (
            "/care/visits",
            {"file_id": world.file.id, "visited_on": today},
            ["请填写参加走访的人员。", "请填写走访时了解到的家庭情况。"],
        ),
        ("/care/campaigns/new", {}, ["请填写活动名称。", "请填写每位慰问对象领取的物品。"]),
        (
            f"/care/campaigns/{world.campaign.id}/recipients",
            {"mode": "list"},
            ["请填写慰问对象的工号。"],
        ),
        (
            "/care/signoff",
            {"recipient_id": world.recipient.id},
            ["请领取人填写本人姓名或工号后 4 位。"],
        ),
        (
            f"/care/files/{world.file.id}/supports",
            {"kind": "goods", "given_on": today},
            ["请填写发放的物品或帮扶内容。"],
        ),
        (f"/care/files/{world.file.id}/attachments", {}, ["请填写材料名称。"]),
        (f"/care/proposals/{world.proposal.id}/decline", {}, ["请说明不予采纳的原因。"]),
        (
            f"/care/aid/{world.aid_request.id}/act",
            {},
            ["请填写给予了哪些帮助：会员会看到这段说明。"],
        ),
        (f"/care/aid/{world.aid_request.id}/comment", {}, ["请填写要补充的说明。"]),
    ]
    auth.login(world.people["care_officer"])
    for url, data, messages in posts:
        page = text(client.post(url, data=data, follow_redirects=True))
        assert GENERIC not in page, url
        for message in messages:
            assert message in page, (url, message)
    auth.logout()
    auth.login(world.people["member"])
    data = {"worker": world.people["inspector"].employee_no, "cause": "other"}
    page = text(client.post("/care/proposals/new", data=data))
    assert GENERIC not in page and "请告诉工会您了解的情况。" in page
