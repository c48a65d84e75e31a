"""Granting, recording and revoking qualifications; the verdict for a post; codes."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.blueprints.gate import queries, services, standing
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.models.gate import GateCheck, Post, PostHolder, Qualification, QualificationSource
from app.services.departments import all_departments
from tests.factories import make_department, make_user
from tests.gate.factories import TODAY, holder, make_world
from tests.helpers import full_width


def _verdict(world, person, day=TODAY):
    held = standing.statuses([person.id]).get(person.id, {})
    return standing.verdict(held, world.post.required_types, day)


def test_grant_uses_the_type_s_validity_and_updates_the_same_source(app):
    world = make_world()
    person = make_user()
    first = services.grant_qualification(
        person, world.forklift, date(2026, 1, 31), source="exam", source_ref="exam:7"
    )
    assert first.valid_until == date(2030, 1, 31) and first.source is QualificationSource.EXAM
    again = services.grant_qualification(
        person, world.forklift, date(2026, 3, 1), None, source="exam", source_ref="exam:7"
    )
    assert again.id == first.id and again.valid_until is None
    count = db.session.scalar(select(func.count(Qualification.id)))
    assert count == 1


def test_the_verdict_names_what_is_missing_expired_or_revoked(app):
    world = make_world()
    fine = holder(world, safety=100, forklift=400)
    assert _verdict(world, fine).allowed
    missing = holder(world, safety=100)
    assert [p.text for p in _verdict(world, missing).problems] == ["缺少 叉车司机证"]
    nothing = holder(world)
    assert _verdict(world, nothing).reason == "缺少 叉车司机证；缺少 安全生产培训合格证"
    expired = holder(world, safety=100, forklift=-3)
    v = _verdict(world, expired)
    assert not v.allowed and v.problems[0].kind == "expired"
    assert v.problems[0].until == TODAY - timedelta(days=3)
    # An expired one does not hide a valid one of the same type.
    services.grant_qualification(expired, world.forklift, TODAY, TODAY + timedelta(days=20))
    assert _verdict(world, expired).allowed
    assert _verdict(world, expired).expires_on == TODAY + timedelta(days=20)


def test_revoking_needs_a_reason_and_blocks(app):
    world = make_world()
    person = holder(world, safety=100, forklift=400)
    qualification = db.session.scalar(
        select(Qualification).where(
            Qualification.user_id == person.id, Qualification.type_id == world.forklift.id
        )
    )
    with pytest.raises(ValidationFailed):
        services.revoke_qualification(world.officer, qualification, "  ")
    services.revoke_qualification(world.officer, qualification, "违章作业")
    v = _verdict(world, person)
    assert not v.allowed and v.problems[0].kind == "revoked" and "违章作业" in v.reason
    with pytest.raises(Refused):
        services.revoke_qualification(world.officer, qualification, "again")


def test_an_outside_certificate_is_checked_then_recorded(app):
    world = make_world()
    person = make_user()
    with pytest.raises(ValidationFailed) as failed:
        services.record_certificate(world.officer, person, {"type": None, "issued_on": None})
    assert set(failed.value.errors) == {"type", "certificate_no", "issuer", "issued_on"}
    with pytest.raises(ValidationFailed) as failed:
        services.record_certificate(
            world.officer,
            person,
            {
                "type": world.forklift,
                "certificate_no": "T123",
                "issuer": "市应急管理局",
                "issued_on": TODAY,
                "valid_until": TODAY - timedelta(days=1),
            },
        )
    assert set(failed.value.errors) == {"valid_until"}
    for issued, until in (
        (date(9999, 12, 31), None),
        (date(1900, 1, 1), None),
        (TODAY, date(9999, 1, 1)),
    ):
        with pytest.raises(ValidationFailed):
            services.record_certificate(
                world.officer,
                person,
                {
                    "type": world.forklift,
                    "certificate_no": "T1",
                    "issuer": "局",
                    "issued_on": issued,
                    "valid_until": until,
                },
            )
    q = services.record_certificate(
        world.officer,
        person,
        {
            "type": world.forklift,
            "certificate_no": "T123",
            "issuer": "市应急管理局",
            "issued_on": TODAY,
        },
    )
    assert q.source is QualificationSource.CERTIFICATE
    assert q.valid_until == services.add_months(TODAY, 48)
    assert q.certificate_no == "T123" and q.issuer == "市应急管理局"


def test_a_reissued_code_replaces_the_old_one(app):
    person = make_user()
    first = services.code_for(person)
    assert services.code_for(person).id == first.id
    second = services.reissue_code(person)
    assert first.is_revoked and first.revoke_reason == "reissued"
    assert queries.live_code(person).id == second.id and second.token != first.token


def test_a_check_is_kept_once_and_bad_ones_write_nothing(app):
    world = make_world()
    worker = holder(world, safety=100)
    data = {"worker_id": worker.id, "post_id": world.post.id, "result": "refused", "reason": "x"}
    check, created = services.record_check(
        world.leader, data, "c0ffee00-0000-4000-8000-000000000001"
    )
    again, created_again = services.record_check(
        world.leader, data, "c0ffee00-0000-4000-8000-000000000001"
    )
    assert created and not created_again and again.id == check.id
    for bad in (
        {**data, "worker_id": 999999},
        {**data, "post_id": "x"},
        {**data, "result": "maybe"},
        {**data, "reason": "x" * 600},
    ):
        with pytest.raises(ValidationFailed):
            services.record_check(world.leader, bad)
    with pytest.raises(Refused):  # not the leader's team
        services.record_check(world.leader, {**data, "post_id": world.other_post.id})
    assert db.session.scalar(select(func.count(GateCheck.id))) == 1


def test_the_home_card_s_count_agrees_with_the_report(app):
    """The card counts the refused in one statement, and so does the report page its totals
    (it shows a page of the posts); the report decides each person in Python. They must agree
    on every way to be refused, on who runs out soon, and on who is not counted."""
    world = make_world()
    holder(world, safety=100, forklift=400)  # allowed
    holder(world, safety=100)  # missing a type
    holder(world, safety=100, forklift=-1)  # expired yesterday
    holder(world, safety=0, forklift=0)  # valid through today
    services.grant_qualification(  # no expiry
        holder(world, safety=30), world.forklift, TODAY - timedelta(days=10), None
    )
    revoked = holder(world, safety=100, forklift=400)
    qualification = db.session.scalar(
        select(Qualification).where(
            Qualification.user_id == revoked.id, Qualification.type_id == world.forklift.id
        )
    )
    services.revoke_qualification(world.officer, qualification, "违章作业")
    both = holder(world, safety=100, forklift=400)  # allowed on both posts: not counted
    db.session.add(PostHolder(post_id=world.other_post.id, user_id=both.id))
    holder(world, post=world.other_post)  # the other team: missing the safety type
    holder(world, name="离职者").active = False  # refused, but no longer works here
    holder(world, safety=30, forklift=400)  # allowed, runs out within 30 days
    holder(world, safety=31, forklift=400)  # allowed, runs out a day after the 30
    holder(world, post=world.other_post, safety=5)  # the other team: runs out soon
    db.session.commit()

    for departments in (None, {world.team.id}, {world.other_team.id}, set()):
        expected = _totals(queries.report(departments))
        assert queries.refused_count(departments) == expected["refused"], departments
        assert queries.report_totals(departments) == expected, departments
    # running out: the one valid through today, the two with 30 days left, the 5 days' one
    assert queries.report_totals(None) == {"allowed": 7, "refused": 4, "expiring": 4}
    assert queries.refused_count(None) == 4
    assert queries.refused_count({world.team.id}) == 3
    world.other_post.active = False
    db.session.commit()
    assert queries.refused_count(None) == 3 == _totals(queries.report(None))["refused"]
    assert queries.report_totals(None) == _totals(queries.report(None))


def _totals(reports) -> dict:
    """What `queries.report_totals` counts in SQL, read off the report's rows: people (each
    counted once) who may work everywhere they hold a post, who may not work on at least one,
    and who have something running out within 30 days."""
    refused = {r.user.id for p in reports for r in p.refused}
    everyone = {r.user.id for p in reports for r in p.rows}
    expiring = {r.user.id for p in reports for r in p.expiring} - refused
    return {"allowed": len(everyone - refused), "refused": len(refused), "expiring": len(expiring)}


def test_a_number_typed_in_full_width_is_the_worker_s(app):
    world = make_world()
    worker = holder(world, safety=100)
    checked = services.check_here(
        world.leader, world.post, full_width(worker.employee_no.lower()), TODAY
    )
    assert checked.worker.id == worker.id


def test_a_renewed_qualification_is_not_expiring_on_the_report(app):
    """A pass of the exam gives a new certificate beside the old one that runs out soon: the
    report, its totals and the verdict go by the newer, as the home card and reminders do."""
    world = make_world()
    renewed = holder(world, name="已换证", safety=10, forklift=400)
    services.grant_qualification(
        renewed,
        world.safety,
        TODAY,
        TODAY + timedelta(days=365),
        source="exam",
        source_ref="exam:1",
    )
    soon = holder(world, name="快到期", safety=10, forklift=400)
    db.session.commit()
    [post] = [p for p in queries.report({world.team.id}) if p.post.id == world.post.id]
    assert [r.user.name for r in post.expiring] == ["快到期"]
    assert _totals([post])["expiring"] == 1 == queries.report_totals()["expiring"]
    assert _verdict(world, renewed).expires_on == TODAY + timedelta(days=365)
    assert _verdict(world, soon).expires_on == TODAY + timedelta(days=10)


def test_the_report_lists_posts_in_the_order_of_the_department_list(app):
    """The report sorted posts by their team's own name, workshops' own posts first: teams of
    different workshops mixed (装配/总装一班, 动力/电工班, 机加工/车工班), unlike the department
    filter beside it. Posts now come workshop by workshop (its own posts, then its teams'), in
    the filter's order; teams of one name in two workshops stay each under its own."""
    world = make_world()
    db.session.add_all(
        [
            Post(department_id=world.workshop.id, name="车间安全员"),
            Post(department_id=make_department("一班", parent=world.workshop).id, name="焊工"),
            Post(
                department_id=make_department("一班", parent=make_department("冲压车间")).id,
                name="焊工",
            ),
        ]
    )
    db.session.commit()
    place = {d.id: n for n, d in enumerate(all_departments())}

    listed = [p.department_id for p in db.session.scalars(queries.posts_query(None)).unique()]

    assert len(listed) == 5 and listed == sorted(listed, key=place.get)
