"""Error pages in the shape the request wants: JSON, an htmx fragment or a full page."""

from flask import current_app, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.blueprints.errors import bp
from app.errors import Refused
from app.extensions import db, htmx


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
        body = render_template("errors/error.html", status=status, message=message)
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


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    return error_response(
        error.code or 500, None if error.code in _messages() else error.description
    )


@bp.app_errorhandler(Exception)
def unexpected_error(error):
    db.session.rollback()
    current_app.logger.exception("Unhandled error")
    return error_response(500)
