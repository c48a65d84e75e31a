"""The app as the browser tests serve it: the real app with the test blueprint mounted.

The live server (tests/browser/conftest.py) runs `flask --app tests.live_app run` in a
subprocess; nothing in `app/` reads a switch for it.
"""

from app import create_app
from tests.testkit import LIVE_PASSWORD_HASH, init_app

app = create_app({"PASSWORD_HASH_METHOD": LIVE_PASSWORD_HASH})
init_app(app)
