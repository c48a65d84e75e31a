"""POST /sync as a whole: who may call it, and what happens to malformed or oversized bodies."""

import json

from tests.sync.conftest import note, post_sync


def test_without_a_session_the_answer_is_401_json_not_a_redirect(client):
    response = post_sync(client, note())
    assert response.status_code == 401
    assert response.json["status"] == 401 and response.json["error"]
    assert response.headers["X-Login-URL"] == "/auth/login"


def test_token_needs_a_session(client):
    assert client.get("/sync/token").status_code == 401


def test_token_gives_a_csrf_token_and_the_user(client, logged_in):
    response = client.get("/sync/token")
    assert response.status_code == 200
    assert response.json["user_id"] == logged_in.id
    assert len(response.json["csrf_token"]) > 20
    assert response.headers["Cache-Control"] == "no-store"


def test_more_than_100_records_is_413_with_the_reason(client, logged_in):
    response = post_sync(client, *[note() for _ in range(101)])
    assert response.status_code == 413
    assert response.json["error"] == "一次最多发送 100 条记录；这一批有 101 条。"


def test_exactly_100_records_are_taken(client, logged_in):
    response = post_sync(client, *[note(f"第{i}条") for i in range(100)])
    assert response.status_code == 200
    assert [r["status"] for r in response.json["results"]] == ["created"] * 100


def test_a_body_over_the_byte_limit_is_413_with_the_reason(app, client, logged_in):
    app.config["SYNC_MAX_BODY_BYTES"] = 1024
    response = post_sync(client, note("长" * 600))
    assert response.status_code == 413
    assert response.json["error"] == "一批最多 1 KB；请少发几条记录。"


def test_malformed_bodies_are_400_with_the_reason(client, logged_in):
    cases = {
        "{not json": "请求内容不是有效的 JSON。",
        "[1, 2]": "请发送一个包含记录列表的 JSON 对象。",
        '{"records": {"a": 1}}': "字段“records”必须是记录列表。",
        '{"records": [], "device": 5}': "字段“device”必须是一段简短的文字。",
    }
    for body, message in cases.items():
        response = client.post("/sync", data=body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.json["error"] == message, body


def test_a_body_that_is_not_json_typed_is_400(client, logged_in):
    response = client.post("/sync", data=json.dumps({"records": []}), content_type="text/plain")
    assert response.status_code == 400
    assert "JSON" in response.json["error"]


def test_an_empty_batch_is_fine(client, logged_in):
    response = client.post("/sync", json={"records": []})
    assert response.json == {"results": []}


def test_csrf_is_required_when_enabled(app, client, logged_in):
    app.config["WTF_CSRF_ENABLED"] = True
    response = post_sync(client, note())
    assert response.status_code == 400
    token = client.get("/sync/token").json["csrf_token"]
    response = client.post("/sync", json={"records": [note()]}, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.json["results"][0]["status"] == "created"
