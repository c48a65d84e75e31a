"""A number in a form is read as a person writes it (app/services/inputs.py): digits, a sign,
a decimal point, thousands separators, full-width digits from a Chinese keyboard. What Python's
Decimal would also take but nobody means ("1e9", "NaN", "Infinity") is refused with the
form's own message, so a measured benefit of "1e9" yuan is not saved as a billion."""

from decimal import Decimal

import pytest

from app.services.inputs import number


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
