"""The app as the browser tests serve it: the real app with the test blueprint mounted.

The live server (tests/browser/conftest.py) runs `flask --app tests.live_app run` in a
subprocess; nothing in `app/` reads a switch for it.
"""

from app import create_app
from tests.testkit import init_app

# Accounts are made by the tests through `flask users create`: a cheap hash keeps that fast.
app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"})
init_app(app)
