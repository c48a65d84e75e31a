"""What the library's form pages share: they post plain fields (no WTForm), so a page shows
what was sent (`values`) and what is wrong with it (`errors`, by field name)."""

from flask import request
from flask_login import current_user

from app.errors import done, submit


def posted(call, *args, back, again, message=None):
    """Run the service on the posted form; when it is done, commit and 303 to `back(record)`,
    flashing `message` if given; else `again(errors)`, the page again with the errors."""
    result = submit(None, call, current_user, *args, request.form)
    if result:
        return done(message, back(result.value))
    return again(result.errors)
