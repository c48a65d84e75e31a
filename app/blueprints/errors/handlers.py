"""Error pages in the shape the request wants: JSON, an htmx fragment or a full page."""

from flask import current_app, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from app import storage
from app.blueprints.errors import bp
from app.errors import Refused
from app.extensions import db, htmx
from app.guards import NulInStatement, own_referrer


def wants_json() -> bool:
    if request.path.startswith("/sync"):
        return request.endpoint != "sync.outbox"  # the one page under /sync
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and not htmx


def _messages():
    return {
        400: _("The request could not be understood."),
        401: _("Please log in again."),
        403: _("You do not have permission to see this page."),
        404: _("This page does not exist, or it has been removed."),
        405: _("This action is not allowed here."),
        413: _("What you sent is too large."),
        429: _("Too many attempts. Please wait a while and try again."),
        500: _(
            "Something went wrong on our side. Nothing you entered was saved; please try again."
        ),
    }


def error_response(status: int, message: str | None = None):
    message = message or _messages().get(status) or _messages()[500]
    if wants_json():
        body = jsonify(error=message, status=status)
    elif htmx:
        body = render_template("errors/_error.html", status=status, message=message)
    else:
        # A form refused whole (a NUL, too large) leads back to the form, not only home.
        back = own_referrer() if request.method == "POST" else ""
        body = render_template("errors/error.html", status=status, message=message, back=back)
    return make_response(body, status)


def unauthorized_response():
    """An expired session: a page gets the log-in form; htmx and fetch get 401, not a redirect.

    A redirect would make fetch() follow it and hand the log-in page to code expecting JSON or
    a fragment, and the outbox could not tell "log in again" from success.
    """
    is_fetch = request.headers.get("Sec-Fetch-Mode", "navigate") != "navigate"
    if htmx or wants_json() or is_fetch:
        response = error_response(401)
        response.headers["X-Login-URL"] = url_for("auth.login")
        return response
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    return error_response(
        400, _("This form has expired or was sent from elsewhere. Please reload and try again.")
    )


@bp.app_errorhandler(Refused)
def refused(error: Refused):
    """A service refused the request itself, not its input: nothing is kept; say why."""
    db.session.rollback()
    return error_response(error.status, error.message)


@bp.app_errorhandler(RequestEntityTooLarge)
def too_large(error):
    """Past `MAX_CONTENT_LENGTH`, whichever form it was: the limits, from the one table."""
    return error_response(413, storage.too_large_to_send())


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    # A description of our own (raise BadRequest(_("…"))) says more than the generic text.
    own = error.description != type(error).description
    return error_response(
        error.code or 500, error.description if own or error.code not in _messages() else None
    )


@bp.app_errorhandler(NulInStatement)
def nul_in_statement(error):
    """A NUL that no form refused reached the database (`guards.refuse_nul_parameters`): the
    statement did not run, and what the request flushed before it is not kept."""
    db.session.rollback()
    return error_response(400, _("A field contains a character that is not allowed."))


@bp.app_errorhandler(OperationalError)
def database_busy(error):
    """SQLite's "database is locked" after the busy timeout: the server is busy, not broken.
    Nothing was saved; the phone's outbox and the person may simply send again."""
    db.session.rollback()
    if "locked" not in str(error) and "busy" not in str(error):
        current_app.logger.exception("Database error")
        return error_response(500)
    current_app.logger.warning("database busy: %s", error)
    response = error_response(
        503, _("The server is busy. Nothing was saved; please try again in a moment.")
    )
    response.headers["Retry-After"] = "5"
    return response


@bp.app_errorhandler(Exception)
def unexpected_error(error):
    db.session.rollback()
    current_app.logger.exception("Unhandled error")
    return error_response(500)
