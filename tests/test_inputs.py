"""A number in a form is read as a person writes it (app/services/inputs.py): digits, a sign,
a decimal point, thousands separators, full-width digits from a Chinese keyboard. What Python's
Decimal would also take but nobody means ("1e9", "NaN", "Infinity") is refused with the
form's own message, so a measured benefit of "1e9" yuan is not saved as a billion."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import literal, select

from app.forms import local, utc
from app.models._types import UTCDateTime
from app.scorecard import moments
from app.services.inputs import local_day_of, local_zone, number


@pytest.mark.parametrize(
    "typed, read",
    [
        ("48000", Decimal("48000.00")),
        ("48,000.5", Decimal("48000.50")),
        ("４８０００", Decimal("48000.00")),
        (" -3.5 ", Decimal("-3.50")),
        (".5", Decimal("0.50")),
        (1200, Decimal("1200.00")),
        (12.25, Decimal("12.25")),
    ],
)
def test_a_number_written_out_is_read(app, typed, read):
    errors = {}
    with app.test_request_context():
        assert number({"n": typed}, "n", errors, low=-10, high=10**10) == read
    assert errors == {}


@pytest.mark.parametrize(
    "typed", ["1e9", "1E3", "NaN", "Infinity", "-inf", "1_000", "²", "0x10", "1.2.3", True]
)
def test_what_nobody_means_as_a_number_is_refused(app, typed):
    errors = {}
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert number({"n": typed}, "n", errors, low=0, high=10**10) is None
        assert errors == {"n": ["请输入数字。"]}


# What people type into an amount or a score, and what Python would read but nobody means:
# the form field and the service reader must give the same answer to every one of them.
TYPED = [
    "1200",
    "1,200",
    "12,345.5",
    "1,234,567",
    "１２００",
    "１，２００",
    "１２．５",
    "12。5",
    "－３",
    "  1,200  ",
    "\u30001200\u3000",
    "+7",
    "-0.5",
    ".5",
    "5.",
    "1,20",
    "12,00",
    "1,2,3",
    ",120",
    "1,200,",
    "1 200",
    "1e3",
    "1E3",
    "NaN",
    "nan",
    "Infinity",
    "-inf",
    "0x10",
    "1_000",
    "١٢",
    "²",
    "1.2.3",
    "abc",
    "--1",
    ".",
    "-",
]


def _field_reads(field_cls, typed):
    from werkzeug.datastructures import MultiDict
    from wtforms import Form

    class OneNumber(Form):
        n = field_cls()

    form = OneNumber(MultiDict({"n": typed}))
    form.validate()
    return None if form.n.errors else form.n.data


@pytest.mark.parametrize("typed", TYPED)
def test_the_form_field_and_the_service_read_a_typed_number_alike(app, typed):
    from app.forms import PlainNumberField, WholeNumberField
    from app.services.inputs import whole

    with app.test_request_context():
        read = number({"n": typed}, "n", {}, low=-(10**9), high=10**9, places=1)
        assert _field_reads(PlainNumberField, typed) == (None if read is None else float(read))
        read_whole = whole({"n": typed}, "n", {}, low=-(10**9), high=10**9)
        assert _field_reads(WholeNumberField, typed) == read_whole


@pytest.mark.parametrize(
    "typed, read",
    [("1,200", 1200), ("１２００", 1200), ("１，２００．５", 1200.5), ("12。5", 12.5)],
)
def test_thousands_and_full_width_are_read(app, typed, read):
    with app.test_request_context():
        assert number({"n": typed}, "n", {}, low=0, high=10**6) == Decimal(str(read))


@pytest.mark.parametrize("typed", ["1,20", "1,2,3", "1 200", "１２e3"])
def test_commas_that_group_no_thousands_are_refused(app, typed):
    # "1,20" is 1.20 in much of Europe and 120 if commas were dropped: either guess could be
    # a hundredfold wrong, so the person is asked again.
    errors = {}
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert number({"n": typed}, "n", errors, low=0, high=10**10) is None
    assert errors == {"n": ["请输入数字。"]}


@pytest.mark.parametrize(
    ("typed", "refused"),
    [
        ("0001-01-01T00:00", True),
        ("1999-12-31T23:59", True),
        ("2000-01-01T00:00", False),
        ("2100-12-31T23:59", False),
        ("2101-01-01T00:00", True),
    ],
)
def test_a_poll_window_takes_the_app_s_years_only(app, typed, refused):
    from flask_wtf import FlaskForm
    from werkzeug.datastructures import MultiDict

    from app.forms import PollWindowFields

    class Window(PollWindowFields, FlaskForm):
        class Meta:
            csrf = False

    with app.test_request_context():
        form = Window(MultiDict({"opens_at": typed, "closes_at": typed}))
        assert form.validate() is not refused
        said = ["请选择 2000 年到 2100 年之间的日期。"] if refused else []
        assert form.opens_at.errors == said and form.closes_at.errors == said


@pytest.mark.parametrize(
    "typed", ["0001-01-01", "1999-12-31", "2000-01-01", "2100-12-31", "2101-01-01", "9999-12-31"]
)
def test_a_form_s_day_and_a_service_s_day_take_the_same_years_in_the_same_words(app, typed):
    """A date box of a form (`day_field`) and a service reading a date (`inputs.day`) refuse
    the same days with the same message: one range, stated once."""
    from flask_wtf import FlaskForm
    from werkzeug.datastructures import MultiDict

    from app.forms import day_field
    from app.services.inputs import day

    class OneDay(FlaskForm):
        class Meta:
            csrf = False

        on = day_field("day")

    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        form = OneDay(MultiDict({"on": typed}))
        form.validate()
        errors = {}
        read = day({"on": typed}, "on", errors)
        assert form.on.errors == errors.get("on", [])
        assert (form.on.data if not form.on.errors else None) == read


def test_the_shared_lookup_reads_an_employee_number_typed_in_full_width(app):
    """The lookup behind a proposal's co-proposers, as log-in and the other forms read it."""
    from app.services.inputs import by_employee_no
    from tests.factories import make_user
    from tests.helpers import full_width

    person = make_user(employee_no="W3210")
    assert by_employee_no(full_width(" W3210 ")) == person
    assert by_employee_no("W32\x0010") is None


def test_the_union_s_day_of_a_moment_turns_at_its_midnight_in_sql(app, db):
    """16:00 UTC is midnight in Shanghai: a second before it is still the day before there,
    in SQL as in Python, on SQLite and PostgreSQL alike."""
    moments = [
        datetime(2026, 11, 20, 15, 59, 59, tzinfo=UTC),
        datetime(2026, 11, 20, 16, tzinfo=UTC),
    ]
    days = [
        db.session.scalar(select(local_day_of(literal(moment, UTCDateTime()))))
        for moment in moments
    ]
    assert days == [date(2026, 11, 20), date(2026, 11, 21)]
    assert days == [moment.astimezone(local_zone()).date() for moment in moments]


def test_a_zone_with_daylight_saving_turns_its_day_at_its_own_midnight_in_sql(app, db):
    """A union on Berlin's clock: its midnight is 23:00 UTC in winter and 22:00 UTC in
    summer, in SQL as in Python."""
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Berlin"
    moments = [
        datetime(2026, 1, 15, 22, 59, 59, tzinfo=UTC),
        datetime(2026, 1, 15, 23, tzinfo=UTC),
        datetime(2026, 7, 15, 21, 59, 59, tzinfo=UTC),
        datetime(2026, 7, 15, 22, tzinfo=UTC),
    ]
    days = [
        db.session.scalar(select(local_day_of(literal(moment, UTCDateTime()))))
        for moment in moments
    ]
    assert days == [date(2026, 1, 15), date(2026, 1, 16), date(2026, 7, 15), date(2026, 7, 16)]


def test_the_scorecard_s_months_and_a_form_s_times_follow_the_configured_clock(app):
    """A union on Berlin's clock: its March runs from its midnights (23:00 UTC in winter, 22:00
    UTC once summer time began), and a time typed in a form is a Berlin time."""
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Berlin"
    assert moments(2026, 3) == (
        datetime(2026, 2, 28, 23, tzinfo=UTC),
        datetime(2026, 3, 31, 22, tzinfo=UTC),
    )
    typed = datetime(2026, 7, 1, 9, 30)
    assert utc(typed) == datetime(2026, 7, 1, 7, 30, tzinfo=UTC)
    assert local(datetime(2026, 7, 1, 7, 30, tzinfo=UTC)) == typed
