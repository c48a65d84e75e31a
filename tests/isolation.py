"""Helpers shared by the route tests.

`fresh_request_globals`: the `app` fixture keeps an app context pushed for the whole test, so
every request of the test reuses it and shares one `g`. Flask-Login keeps the current user
there and Flask-Babel the locale, so without this a deleted session cookie, a second client
or a language switch would be hidden by what an earlier request left behind. Import it into a
test module (pytest picks up imported fixtures) until conftest does the same for everyone.
"""

from html import unescape

import pytest
from flask import g


@pytest.fixture(autouse=True)
def fresh_request_globals(app):
    @app.teardown_request
    def forget_request_globals(error=None):
        for key in list(g):
            g.pop(key)

    return app


def text(response) -> str:
    """The response body as a person reads it (HTML entities decoded)."""
    return unescape(response.get_data(as_text=True))
