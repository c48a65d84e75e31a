"""What the library's form pages share: they post plain fields (no WTForm), so a page shows
what was sent (`values`) and what is wrong with it (`errors`, by field name)."""

from flask import render_template, request
from flask_login import current_user

from app.errors import done, submit


def posted(call, *args, back, again, message=None):
    """Run the service on the posted form; when it is done, commit and 303 to `back(record)`,
    flashing `message` if given (a callable gets the record); else `again(errors)`, the page
    again with the errors."""
    result = submit(None, call, current_user, *args, request.form)
    if result:
        said = message(result.value) if callable(message) else message
        return done(said, back(result.value))
    return again(result.errors)


def form_page(template, call, *args, back, message=None, **context):
    """A page that is its own form: shown empty on GET; on POST `posted`, and when the service
    refuses, the page again (422) with what was sent and what is wrong with it."""
    if request.method == "POST":
        return posted(
            call,
            *args,
            back=back,
            again=lambda errors: (
                render_template(template, values=request.form, errors=errors, **context),
                422,
            ),
            message=message,
        )
    return render_template(template, values={}, errors={}, **context)
