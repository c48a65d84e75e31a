"""The app as the consumer test runs it: push may go to the test's push service on 127.0.0.1
(the allow-list refuses loopback addresses otherwise)."""

from app import create_app

app = create_app({"PUSH_ALLOW_LOCAL_HTTP": True})
