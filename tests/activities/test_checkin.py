import base64
import hashlib
import hmac
import itertools
import json
import re
from datetime import timedelta

import pytest

from app.blueprints.activities import services
from app.errors import Refused
from app.extensions import db
from app.models._types import utcnow
from app.models.activities import Participation, ParticipationStatus
from tests.activities.factories import make_activity, make_activity_at_the_door
from tests.factories import make_user


@pytest.fixture
def setting(app):
    organizer = make_user("organizer")
    activity = make_activity_at_the_door(capacity=1, title="消防演练")
    member = make_user(name="李四")
    place = services.sign_up(member, activity)
    return organizer, activity, place


def test_a_typed_code_checks_in_once(setting):
    organizer, activity, place = setting
    code = services.code_for(place)
    assert services.check_in(organizer, activity, code.lower()).status == "created"
    assert db.session.get(Participation, place.id).checked_in_at is not None

    first = db.session.get(Participation, place.id).checked_in_at
    # Shown twice at the door: the same fact, not an error; the first check-in stands.
    again = services.check_in(organizer, activity, code, client_id="r-again")
    assert (again.status, again.participation.id, again.errors) == ("already", place.id, {})
    checked = db.session.get(Participation, place.id)
    assert checked.checked_in_at == first and checked.checkin_client_id is None


def test_a_code_typed_in_full_width_is_the_same_code(setting):
    """A Chinese input method types １２－ＡＢＣＤＥＦ: the door takes it as 12-ABCDEF."""
    organizer, activity, place = setting
    wide = services.code_for(place).translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert wide != services.code_for(place)
    assert services.check_in(organizer, activity, wide).status == "created"


def test_no_code_has_a_letter_a_reader_takes_for_a_digit(app):
    """38-SO5DOB was typed 38-S05D0B at the door and refused: a code has no 0, O, 1, I or L."""
    codes = [services.code_for(Participation(id=n, activity_id=7, user_id=n)) for n in range(2000)]
    assert not {c for code in codes for c in code.split("-")[1]} & set("0O1IL")
    assert len(set(codes)) == len(codes)


def _issued_before(app, place) -> str:
    """The code the app showed before its letters left out O, I and L: base32 as it came."""
    key = app.config["SECRET_KEY"].encode()
    message = f"checkin:{place.id}:{place.activity_id}:{place.user_id}".encode()
    signature = base64.b32encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
    return f"{place.id}-{signature[:6]}"


def test_a_code_shown_before_checks_in_typed_as_printed_or_with_its_look_alike_digits(app, setting):
    """A screenshot of 38-SO5DOB from before: typed 38—S05D0B (a 0 for each O, a 1 for an I or
    an L, a Chinese dash) it checks in, and as printed it is the same person's code."""
    organizer, activity, place = setting
    for n in itertools.count():  # a secret under which it had an O and an I or L
        app.config["SECRET_KEY"] = f"secret-{n}"
        before = _issued_before(app, place)
        if "O" in before and {"I", "L"} & set(before):
            break
    assert services.code_for(place) != before
    look_alike = before.replace("O", "0").replace("I", "1").replace("L", "1").replace("-", "—")
    assert services.check_in(organizer, activity, look_alike).status == "created"
    assert services.check_in(organizer, activity, before).status == "already"
    assert services.check_in(organizer, activity, services.code_for(place)).status == "already"


def test_the_same_outbox_record_twice_is_a_duplicate(setting):
    organizer, activity, place = setting
    captured = (utcnow() - timedelta(minutes=30)).replace(microsecond=0)
    code = services.code_for(place)
    first = services.check_in(organizer, activity, code, client_id="r-1", captured_at=captured)
    second = services.check_in(organizer, activity, code, client_id="r-1", captured_at=captured)
    assert (first.status, second.status) == ("created", "duplicate")
    assert second.participation.id == place.id
    checked = db.session.get(Participation, place.id)
    assert checked.checkin_captured_at == captured
    # The attendance time is when they were at the door, not when the phone synced.
    assert checked.checked_in_at == captured


def test_a_code_of_another_activity_is_refused(setting):
    organizer, activity, _place = setting
    other = make_activity_at_the_door(title="劳动竞赛")
    other_place = services.sign_up(make_user(), other)
    result = services.check_in(organizer, activity, services.code_for(other_place))
    assert result.status == "invalid"
    assert "另一个活动的签到码：劳动竞赛" in result.message
    assert db.session.get(Participation, other_place.id).checked_in_at is None


@pytest.mark.parametrize("forged", ["1-AAAAAA", "hello", "", "99999-ABCDEF"])
def test_forged_or_malformed_codes_change_nothing(setting, forged):
    organizer, activity, place = setting
    result = services.check_in(organizer, activity, forged)
    assert result.status == "invalid"
    assert db.session.get(Participation, place.id).checked_in_at is None


def test_a_forged_signature_on_a_real_place_is_refused(setting):
    organizer, activity, place = setting
    real = services.code_for(place)
    forged = real[:-1] + ("A" if real[-1] != "A" else "B")
    assert "无效" in services.check_in(organizer, activity, forged).message


def test_a_waitlisted_person_cannot_check_in(setting):
    organizer, activity, _place = setting
    waiting = services.sign_up(make_user(name="王五"), activity)
    result = services.check_in(organizer, activity, services.code_for(waiting))
    assert "王五 在本活动中没有名额（候补中）" in result.message


def test_only_organizers_check_in(setting):
    _organizer, activity, place = setting
    with pytest.raises(Refused):
        services.check_in(make_user(), activity, services.code_for(place))


def test_check_in_page_by_typed_code(client, auth, setting, htmx_headers):
    organizer, activity, place = setting
    auth.login(organizer)
    url = f"/activities/{activity.id}/checkin"
    assert "签到码" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"code": services.code_for(place)}, headers=htmx_headers)
    assert response.status_code == 200
    assert "李四 签到成功" in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)
    reused = client.post(url, data={"code": services.code_for(place)})
    assert reused.status_code == 200
    assert "李四 已签到过（" in reused.text and "alert-error" not in reused.text


def _people_on(page: str) -> dict:
    return json.loads(
        re.search(
            r'<script type="application/json" id="checkin-people"[^>]*>(.*?)</script>', page, re.S
        ).group(1)
    )


def test_the_check_in_page_knows_who_is_checked_in_by_the_number_of_their_code(
    client, auth, setting
):
    """The page's script says 已签到过 at once, offline too, and names people in the outbox."""
    organizer, activity, place = setting
    services.sign_up(make_user(name="王五"), activity)  # waitlisted: not on the list
    services.check_in(organizer, activity, services.code_for(place))
    db.session.commit()
    auth.login(organizer)
    page = client.get(f"/activities/{activity.id}/checkin").text
    digest = hashlib.sha256(services.code_for(place).encode()).hexdigest()[:8]
    assert _people_on(page) == {str(place.id): ["李四", True, digest]}
    assert 'data-already="%(name)s 已签到过"' in page
    assert 'data-already-here="%(name)s 已在本机签到过（尚未发送）"' in page


def test_the_check_in_page_loads_each_script_once_by_its_versioned_url(setting, client, auth):
    """The scanner imports the shell's `say` from app.js; by the versioned URL its imports are
    versioned too and are the page's own app.js, not a second copy running the shell again."""
    organizer, activity, _place = setting
    auth.login(organizer)
    page = client.get(f"/activities/{activity.id}/checkin").text
    scripts = re.findall(r'<script[^>]* src="(/static/js/[^"]+)"', page)
    assert any(src.startswith("/static/js/checkin-scanner.js?v=") for src in scripts)
    assert all("?v=" in src for src in scripts), scripts


def test_the_check_in_page_tells_a_checked_in_person_s_code_from_their_number_with_other_letters(
    client, auth, app
):
    """After 郑师傅 came, 34-XXXXXX is not 郑师傅 already checked in but an invalid code, said at
    once, offline too: the page carries a digest of his code (sha256, as the script hashes the
    typed code), never its letters. Of a code not used yet not even the digest, from which
    trying every 6 letters would find the code: the server refuses it mistyped."""
    organizer = make_user("organizer")
    activity = make_activity_at_the_door(capacity=2)
    came = services.sign_up(make_user(name="郑师傅"), activity)
    coming = services.sign_up(make_user(name="王五"), activity)
    services.check_in(organizer, activity, services.code_for(came))
    db.session.commit()
    auth.login(organizer)
    page = client.get(f"/activities/{activity.id}/checkin").text

    digest = hashlib.sha256(services.code_for(came).encode()).hexdigest()[:8]
    assert _people_on(page) == {
        str(came.id): ["郑师傅", True, digest],
        str(coming.id): ["王五", False],
    }
    for place in (came, coming):
        assert services.code_for(place).split("-")[1] not in page
    assert 'data-invalid="签到码无效，请检查是否输错。"' in page


def test_members_cannot_open_the_check_in_page(client, auth, setting):
    _organizer, activity, _place = setting
    auth.login(make_user())
    assert client.get(f"/activities/{activity.id}/checkin").status_code == 403


def test_my_qr_code_is_an_svg_only_for_a_confirmed_place(client, auth, setting):
    _organizer, activity, place = setting
    auth.login(place.user)
    response = client.get(f"/activities/{activity.id}/code.svg")
    assert response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).lstrip().startswith("<?xml")
    auth.logout()
    auth.login(make_user())
    assert client.get(f"/activities/{activity.id}/code.svg").status_code == 404


def test_the_same_outbox_record_with_another_code_is_a_conflict(setting):
    organizer, activity, place = setting
    services.check_in(organizer, activity, services.code_for(place), client_id="r-2")
    other = make_activity_at_the_door()
    other_place = services.sign_up(make_user(), other)
    result = services.check_in(organizer, other, services.code_for(other_place), client_id="r-2")
    assert result.status == "conflict"
    assert db.session.get(Participation, other_place.id).checked_in_at is None


def test_check_in_only_from_two_hours_before_the_start_until_the_end(client, auth, app):
    organizer = make_user("organizer")
    ahead = make_activity(title="QA培训")  # a week from now
    place = services.sign_up(make_user(name="孙师傅"), ahead)
    result = services.check_in(organizer, ahead, services.code_for(place))
    assert result.status == "invalid"
    assert "签到时间为活动开始前 2 小时至活动结束" in result.message
    db.session.commit()
    assert db.session.get(Participation, place.id).checked_in_at is None
    auth.login(organizer)
    page = client.post(f"/activities/{ahead.id}/checkin", data={"code": services.code_for(place)})
    assert page.status_code == 422 and "签到时间为活动开始前 2 小时至活动结束" in page.text
    assert db.session.get(Participation, place.id).checked_in_at is None


def test_an_offline_scan_counts_by_when_it_was_scanned(app):
    organizer = make_user("organizer")
    now = utcnow()
    ended = make_activity(
        title="已结束的演练",
        starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=1),
        signup_opens_at=now - timedelta(days=3),
        signup_closes_at=now - timedelta(days=1),
        cancel_deadline=now - timedelta(days=1),
    )
    on_time, too_early = (
        Participation(activity_id=ended.id, user_id=make_user().id, status=status)
        for status in (ParticipationStatus.CONFIRMED, ParticipationStatus.CONFIRMED)
    )
    db.session.add_all([on_time, too_early])
    db.session.commit()
    # Scanned at the door during the activity, synced after its end: counted.
    at_the_door = now - timedelta(hours=2)
    result = services.check_in(
        organizer, ended, services.code_for(on_time), "rec-door", captured_at=at_the_door
    )
    assert result.status == "created"
    # Scanned two days before, synced now: refused. And with no capture time, now is too late.
    early = services.check_in(
        organizer, ended, services.code_for(too_early), "rec-early", now - timedelta(days=2)
    )
    late = services.check_in(organizer, ended, services.code_for(too_early))
    assert early.status == late.status == "invalid"
    assert db.session.get(Participation, too_early.id).checked_in_at is None


def test_a_scan_s_answer_does_not_read_the_whole_check_in_list(
    client, auth, setting, htmx_headers, count_queries
):
    """The list of who is checked in rides on the whole page; the answer to each scan at the
    door (the form alone) does not fetch it again."""
    organizer, activity, place = setting
    auth.login(organizer)
    url = f"/activities/{activity.id}/checkin"
    with count_queries() as counter:
        client.post(url, data={"code": services.code_for(place)}, headers=htmx_headers)
    roster = [s for s in counter.statements if "participations.checked_in_at IS NOT NULL" in s]
    assert roster == []
    with count_queries() as counter:
        client.get(url)
    assert any("participations.checked_in_at IS NOT NULL" in s for s in counter.statements)
