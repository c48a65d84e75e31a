"""The errors a service raises, and the one helper that shows them on a form.

Services decide and write; when they will not, they raise one of these:
- `ValidationFailed({field: [messages]})`: the input cannot be saved as it is;
  `ItemsFailed` when it is refused at items of a record (a round's answers);
- `Refused(message, status)`: this user may not do this to this record now;
- `Conflict(message)`: a client id already used for a different record.

A form route reads parse → call → commit → 303, with `submit` doing the middle:

    form = HazardForm()
    if form.validate_on_submit() and (done := submit(form, services.report_hazard, user, data)):
        db.session.commit()
        return redirect(url_for("safety.hazard", hazard_id=done.value.id), 303)
    return render_template("safety/hazards/new.html", form=form), form_status(form)

Variants of the same call: `submit(None, ...)` for a page without a WTForm (a flash, a
widget, errors by key: `done.errors`, `done.messages`); `refused_as_page=True` where a
refusal is about the record or the person, not the input (the app's handler for `Refused`
answers with an error page of its status). A `Refused` that reaches no `submit` gets that
error page too.

Most POST routes are that line and nothing else, so it is written once, as `act`:

    return act(form, services.add_member, user, file, data,
               back=url_for("care.file", file_id=file.id), again=lambda: _show(file, 422))

`form_on` is `act` for a form on a record's page, shown again by `page(record, form, 422)`;
`create` is `act` for a form that makes a new record from the posted fields.
`done` is its last step on its own (commit, flash, 303), and `press` is a button that
always goes back, its outcome said in a flash (revoke, remove). `only_if(test)`
lets into a route the logged-in people `test(user)` accepts, and answers others 403.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import abort, flash, redirect, request


class ValidationFailed(Exception):
    """Raised with {field: [messages]} when input cannot be saved."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors

    @classmethod
    def on(cls, field: str, message: str) -> "ValidationFailed":
        return cls({field: [str(message)]})


class ItemsFailed(ValidationFailed):
    """Input refused at items of a record (the answers of a whole round): `errors` names each
    message as the form and `/sync` name the item's field (`answers[0][note]`); `by_item`
    holds the same messages by item and field (`{item_id: {"note": [...]}}`), for a page that
    says each item's where that item is shown."""

    def __init__(self, errors: dict[str, list[str]], by_item: dict[object, dict[str, list]]):
        super().__init__(errors)
        self.by_item = by_item


class Refused(Exception):
    """The user may not take this action on this record now; the message says why."""

    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.message = message
        self.status = status


class Conflict(Exception):
    """A client id that is already used for a different record."""


@dataclass(frozen=True)
class Submitted:
    """What `submit` did: `ok` with the service's return `value`, or not, with its `error`."""

    ok: bool
    value: object = None
    error: ValidationFailed | Refused | None = None

    def __bool__(self) -> bool:
        return self.ok

    @property
    def errors(self) -> dict[str, list[str]]:
        """The refusal as {field: [messages]}; one not about a field is under "form"."""
        if isinstance(self.error, Refused):
            return {"form": [self.error.message]}
        return self.error.errors if self.error is not None else {}

    @property
    def messages(self) -> list[str]:
        """Every message of the refusal, for a flash or a widget that has no fields."""
        return [str(m) for messages in self.errors.values() for m in messages]


def apply_errors(form, error: ValidationFailed | Refused) -> None:
    """Show a service's refusal on the form: per field where the form shows it, else above it
    (a hidden field, such as the patrol a hazard was found on, has nowhere to show one)."""
    form.form_errors = list(getattr(form, "form_errors", []) or [])
    if isinstance(error, Refused):
        form.form_errors.append(error.message)
        return
    for name, messages in error.errors.items():
        if name in form and getattr(form[name].widget, "input_type", None) != "hidden":
            form[name].errors = list(form[name].errors or []) + [str(m) for m in messages]
        else:
            form.form_errors.extend(str(m) for m in messages)


def submit(form, call: Callable, /, *args, refused_as_page: bool = False, **kwargs) -> Submitted:
    """Run a service for a validated form. On success flush and return its value (the route
    commits); when it raises `ValidationFailed` or `Refused`, roll back whatever it wrote and
    put its messages on the form (`form` None: the route shows `Submitted.errors` itself).

    With `refused_as_page`, a `Refused` is not about the input: it is raised on, and the app's
    error handler answers with an error page of its status and message.
    """
    from app.extensions import db

    try:
        value = call(*args, **kwargs)
        db.session.flush()
    except (ValidationFailed, Refused) as error:
        db.session.rollback()
        if refused_as_page and isinstance(error, Refused):
            raise
        if form is not None:
            apply_errors(form, error)
        return Submitted(False, error=error)
    return Submitted(True, value)


def also_wrong(form, check: Callable, /, *args, **kwargs) -> dict[str, list[str]]:
    """For a form that failed its own validation: what else the service finds wrong, so that
    one try lists every mistake. `check(*args)` is the service's checking, which writes
    nothing and raises `ValidationFailed` (it gets None for what the form could not read);
    its messages at fields the form has flagged already are left out (they say it again)."""
    try:
        check(*args, **kwargs)
    except ValidationFailed as error:
        return {
            name: messages
            for name, messages in error.errors.items()
            if not (name in form and form[name].errors)
        }
    return {}


def form_status(form=None) -> int:
    """The status of a form page: 422 when it comes back after a submission, else 200."""
    return 422 if request.method == "POST" else 200


def done(message, back: str):
    """After a write that worked: commit it, say so (`message` None: say nothing), 303 back."""
    from app.extensions import db

    db.session.commit()
    if message is not None:
        flash(message, "success")
    return redirect(back, 303)


def act(
    form,
    call: Callable,
    /,
    *args,
    back,
    again: Callable | None = None,
    message=None,
    check: Callable | None = None,
    **kwargs,
):
    """A form's POST: validate `form`, `submit` the service, and when it is done commit and
    303 to `back` (a callable gets the service's value: the record it made); else `again()`,
    the page again with the form's errors (`again` None: 303 to `back` all the same).
    `message`, when given, is flashed on success. `check()`, when given, is the service's
    checking (it writes nothing): when the form fails its own checks, what `check` finds
    besides is shown too (`also_wrong`), so one try lists every mistake."""
    if form.validate_on_submit():
        if result := submit(form, call, *args, **kwargs):
            return done(message, back(result.value) if callable(back) else back)
    elif check is not None and form.is_submitted():
        apply_errors(form, ValidationFailed(also_wrong(form, check)))
    return again() if again is not None else redirect(back, 303)


def create(form, call: Callable, /, *, back: Callable, again: Callable):
    """`act` for a page that makes a new record from the form the user posted:
    `call(user, the posted fields)`, then 303 to `back(the new record)`."""
    from flask_login import current_user

    return act(form, call, current_user, request.form.to_dict(), back=back, again=again)


def form_on(record, form, call: Callable, /, *args, back: str, page: Callable, **kwargs):
    """A form on a record's page (a plan's targets, a violation's follow-up): `act` with
    `call(user, record, *args)`; back to the page when it did it, else the page again,
    `page(record, form, 422)`, with the form's errors (and `check=`'s, as `act` says)."""
    from flask_login import current_user

    def again():
        return page(record, form, 422)

    return act(form, call, current_user, record, *args, back=back, again=again, **kwargs)


def press(form, call: Callable, /, *args, back: str, message, invalid, **kwargs):
    """A button (revoke, remove): 303 back whatever happens, and say in a flash what did —
    `message` when the service did it, `invalid` when the form did not validate, else the
    service's own messages."""
    from app.extensions import db

    if not form.validate_on_submit():
        flash(invalid, "error")
    elif result := submit(None, call, *args, **kwargs):
        db.session.commit()
        flash(message, "success")
    else:
        flash(" ".join(result.messages), "error")
    return redirect(back, 303)


def only_if(test: Callable[..., bool]):
    """A view decorator: the logged-in people `test(user)` accepts get in, others get 403."""
    from flask_login import current_user, login_required

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not test(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
