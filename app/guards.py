"""Request-wide guards: input no route can store, ids no database can hold, security headers.

One place instead of a check in every route:
- a NUL character in the path, the query, a form field's name or a file name is refused with
  400 before any route runs (PostgreSQL cannot keep it in text, and no person types it); one
  in a form field's value is the form's to refuse at that field (`AppForm`, `clean_text`),
  with every other value kept, and one that reaches the database all the same is refused
  there, 400 again (`refuse_nul_parameters`), never a 500 on one database and a row on the
  other;
- `<int:…>` in a URL takes only ASCII digits up to 2^31 - 1 (the largest id either database
  holds in an INTEGER column), so `/activities/2147483648` or `/hazards/²` is a 404, not a
  database error;
- `page_number()` (and `paginate()`, built on it) reads `?page=` the same way everywhere;
- every response carries a Content-Security-Policy that the app's own pages pass (no inline
  script, nothing from elsewhere), `frame-ancestors 'none'`, `X-Content-Type-Options` and a
  `Referrer-Policy`.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from app.errors import ValidationFailed
from app.extensions import db

# The largest value of a signed 32-bit INTEGER column (ids, counts) on both databases.
MAX_ID = 2**31 - 1
# No list has this many pages; a larger number is a typing slip or a probe.
MAX_PAGE = 100_000
# What a form (`app.forms.AppForm`) or a service (`clean_text`) says at a field whose text
# held a NUL.
NUL_REFUSED = _l("The text contains a character that is not allowed.")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # style="…" attributes in templates carry layout only; they cannot run code.
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class DatabaseId(IntegerConverter):
    """`<int:…>`: ASCII digits only (the default accepts any Unicode digit), 0…2^31 - 1."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)


def parse_id(value) -> int | None:
    """An id as a phone or a form sends it: an int (not a bool, not a float) or ASCII digits,
    1…2^31 - 1; anything else is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not (value.isascii() and value.isdigit()) or len(value) > 10:
            return None
        value = int(value)
    if not isinstance(value, int) or not 1 <= value <= MAX_ID:
        return None
    return value


def clean_text(
    value,
    field: str,
    *,
    limit: int,
    required: str | None = None,
    too_long: str | None = None,
    errors: dict | None = None,
) -> str:
    """Strip a text; refuse NUL bytes, over-long text (with `too_long`, when a field says
    more than "at most n characters") and (when `required`) an empty one. With `errors`, what
    it refuses is added there at `field` and the text is "", so that a form's every field is
    checked before one `ValidationFailed(errors)`; without, it is raised."""
    value = "" if value is None else str(value)
    text = value.strip()
    if "\x00" in value:
        wrong = NUL_REFUSED
    elif required and not text:
        wrong = required
    elif len(text) > limit:
        wrong = too_long or _("At most %(n)d characters.", n=limit)
    else:
        return text
    if errors is None:
        raise ValidationFailed.on(field, wrong)
    errors.setdefault(field, []).append(str(wrong))
    return ""


def clean_choice(enum_cls, value, field: str, *, message: str, errors: dict):
    """The member of `enum_cls` whose value `value` is; anything else is None, with `message`
    (which says what to choose) added to `errors` at `field`."""
    try:
        return enum_cls(value)
    except ValueError:
        errors.setdefault(field, []).append(str(message))
        return None


def page_number(args=None, name: str = "page") -> int:
    """`?page=` as a page number from 1; a number that is no page number is a 400."""
    raw = (args if args is not None else request.args).get(name)
    if raw in (None, ""):
        return 1
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6 or not 1 <= int(raw) <= MAX_PAGE:
        raise BadRequest(
            _("The page number must be a whole number from 1 to %(max)d.", max=MAX_PAGE)
        )
    return int(raw)


def paginate(query, per_page: int, **options):
    """The page of `query` the request asks for. With `page_number()`, the only readers of
    `?page=`: a list refuses a number that is no page number, and a page without pages (a
    dashboard, a form) ignores the argument, as it ignores any other it does not read."""
    return db.paginate(query, page=page_number(), per_page=per_page, error_out=False, **options)


@dataclass(frozen=True)
class ListPage:
    """One page of a list already built in memory (a ranking, which needs every row to
    rank), shaped as a `paginate` page for partials/_pager.html."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_of(rows: list, per_page: int) -> ListPage:
    """The page of `rows` the request asks for (`?page=`, read as `paginate` reads it)."""
    page = page_number()
    start = (page - 1) * per_page
    return ListPage(rows[start : start + per_page], len(rows), page, per_page)


def has_nul(values) -> bool:
    """Whether any of the texts among `values` holds a NUL character."""
    return any("\x00" in value for value in values if isinstance(value, str))


def without_nul(value):
    """A text with its NUL characters taken out (anything else as it is): what a refused form
    shows back, since a browser shows a NUL as � and, sent again, that � would be saved."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def reject_nul() -> None:
    """No route gets a NUL character where no form can say which field holds it: in the path,
    the query, a field's name or a file name. (PostgreSQL refuses it in text and no person
    types it, but pasted text can carry one: in a field's value it is refused at the field.)"""
    if "\x00" in request.path:
        raise BadRequest(_("The request contains a character that is not allowed."))
    if has_nul(request.args.keys()) or has_nul(request.args.values()):
        raise BadRequest(_("The request contains a character that is not allowed."))
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form, files = request.form, request.files
        if has_nul(form.keys()):
            raise BadRequest(_("A field contains a character that is not allowed."))
        if has_nul(files.keys()) or has_nul(f.filename for f in files.values()):
            raise BadRequest(_("A file name contains a character that is not allowed."))


def _nul_in(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list | tuple):
        return False
    return any(_nul_in(item) for item in value)


class NulInStatement(Exception):
    """A NUL character reached a statement's parameters: no form or service refused it. In a
    request it is answered 400 (`errors.handlers`), in `/sync` the record is invalid; in a
    command or a job it is the error it says, not an HTTP answer."""


@event.listens_for(Engine, "before_cursor_execute")
def refuse_nul_parameters(conn, cursor, statement, parameters, context, executemany) -> None:
    """The last line: a NUL that no form or service refused (a route that reads a field
    itself) is refused before the statement runs, on SQLite as on PostgreSQL, which would
    answer it with an error (a 500) where SQLite stores it."""
    if _nul_in(parameters):
        raise NulInStatement("a NUL character in a statement's parameters")


def own_referrer() -> str:
    """The page this request came from when it is one of this app's ("" otherwise): the
    Referrer-Policy sends no other, but a client may send anything."""
    back = request.referrer or ""
    parts = urlsplit(back)
    return "" if parts.netloc and parts.netloc != request.host else back


def security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_app(app: Flask) -> None:
    """Before the blueprints: the converter is read when their rules are added."""
    app.url_map.converters["int"] = DatabaseId
    app.before_request(reject_nul)
    app.after_request(security_headers)
