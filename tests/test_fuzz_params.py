"""Every route, every role, hostile values in every path, query and form parameter: 0 × 500.

The routes come from the app's own `url_map`, and the form fields from the forms the pages
themselves show (and the names their `hx-*` requests send), so a new feature's routes and
forms are covered without a line here. Two passes:
- a sweep: every rule × every role (and no log-in) × a few values known to have broken
  things (numbers no column holds, non-ASCII digits, NUL, year 1 and 9999), all at once;
- hypothesis: random mixes of rule, role, parameters and values, bounded (the suite runs on
  SQLite and PostgreSQL in CI). `derandomize` keeps CI reproducible; set
  HYPOTHESIS_FUZZ_EXAMPLES for a longer local run.
"""

import io
import os
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from app.demo import load_demo
from app.extensions import db
from app.models import User

HOSTILE = [
    "",
    "0",
    "-1",
    "1",
    "2",
    "1.5",
    "1e30",
    "2147483648",
    "9223372036854775808",
    "9999999999999999999999999",
    "²",
    "٣",
    "１２",
    "A\x00",
    "\x00",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2026-02-30",
    "10000-01-01",
    "NaN",
    "Infinity",
    "-Infinity",
    "true",
    " ",
    "x" * 3000,
    "<b>x</b>",
    "../../etc/passwd",
    "%",
    "🙂",
    "+1",
    "0x10",
    "2026-W99",
    "2026-13",
]
# The sweep: each of these in every parameter of every route, for every role.
SWEEP = [
    "9999999999999999999999999",
    "²",
    "A\x00",
    "0001-01-01",
    "0001-01-01T00:00",  # a local time before UTC begins
    "9999-12-31T23:59",
    "-1",
]
# Query names the list pages read, beside those their own forms show.
COMMON_QUERY = ["page", "q", "status", "area_id", "department", "from", "to", "week", "next"]
# Logging out ends the fuzzer's session; it is tested on its own.
SKIP_ENDPOINTS = {"auth.logout"}
# The fields of forms that no page shows the fuzzer as it reads them with the ids it builds
# (1, 2): the form is only on a record in some state (a draft of one's own, an open patrol,
# an answered appeal), or a script sends the fields. Read from the routes; merged into what
# the pages show. (Fields named by a record's id, such as `score-<id>`, are not here.)
UNSEEN_FIELDS = {
    "activities.scores": "round_no",
    "appeals.follow_rate": "code rating rating_note",
    "appeals.rate": "rating rating_note",
    "appeals.receipt_noted": "then",
    "appeals.step": "action note",
    "care.decline_proposal": "decision_note",
    "competitions.save_brief": "plan assessment result",
    "competitions.save_rules": "points_proposal_adopted points_proposal_benefit "
    "points_hazard_verified points_patrol_on_plan points_training_passed points_drill_score "
    "points_exam_passed points_daily_right",
    "congress.evaluation_people": "leaders",
    "congress.evaluation_vote": "people",
    "congress.motion_answer": "answer_class answer reason",
    "congress.motion_edit": "title reasons measures",
    "congress.motion_new": "title reasons measures",
    "congress.motion_rate": "rating note",
    "congress.motion_review": "decision note lead_department co_departments deadline",
    "congress.question_answer": "answer",
    "gate.revoke_code": "reason",
    "gate.revoke_qualification": "reason",
    "honours.decide": "decision citation note",
    "library.attempt": "unanswered",
    "library.confirm": "version_id",
    "proposals.award": "grade amount note",
    "proposals.completion": "benefit benefit_method note",
    "proposals.decision": "decision reason owner_id plan due_on",
    "proposals.edit": "title category current_state proposed_change expected_effect share "
    "client_id action coauthors[0][employee_no] coauthors[0][share]",
    "proposals.opinion": "recommend note",
    "proposals.revoke": "reason",
    "proposals.score": "technical economic scope practicality note",
    "safety.answer": "item_id answer note",
    "safety.finish": "note",
    "surveys.rate": "stars comment",
}
UNSEEN_FILES = {"proposals.edit": "photos", "safety.answer": "photos"}

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
FILES = [b"", b"not a file at all", PNG, "姓名;工号\n张三;1\n".encode("gbk"), b"PK\x03\x04junk"]

ROLES = ["anonymous", "A0001", "S0001", "I0001", "O0001", "C0001", "M0001"]


pytestmark = pytest.mark.heavy


class _Forms(HTMLParser):
    """The forms of a page: (method, action, field names, file field names, filled), where
    `filled` is what a browser would send as the page stands, [name, kind, value] a field
    (kind "text" for a box a person types in: text, search, tel, email, url, textarea);
    hx-* URLs; and the pages it links to (`links`)."""

    TYPED = {"text", "search", "tel", "email", "url"}

    def __init__(self, page_url):
        super().__init__()
        self.page_url = page_url
        self.forms = []
        self.links = set()
        self._current = None
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.add(attrs["href"])
        for verb in ("hx-get", "hx-post"):
            if attrs.get(verb):
                names = {attrs["name"]} if attrs.get("name") else set()
                self.forms.append([verb[3:].upper(), attrs[verb], names, set(), []])
        if tag == "form":
            self._current = [
                (attrs.get("method") or "get").upper(),
                attrs.get("action") or self.page_url,
                set(),
                set(),
                [],
            ]
            self.forms.append(self._current)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select[2] is None or "selected" in attrs:
                self._select[2] = value
        elif (
            tag in ("input", "select", "textarea", "button") and self._current and attrs.get("name")
        ):
            if attrs.get("type") == "file":
                self._current[3].add(attrs["name"])
            elif attrs["name"] != "csrf_token":
                self._current[2].add(attrs["name"])
            self._fill(tag, attrs)

    def _fill(self, tag, attrs):
        kind = (attrs.get("type") or "text").lower() if tag == "input" else tag
        if "disabled" in attrs or kind in ("file", "button", "submit", "reset", "image"):
            return
        if kind in ("checkbox", "radio") and "checked" not in attrs:
            return
        entry = [attrs["name"], "text" if kind in self.TYPED else kind, attrs.get("value", "")]
        if tag == "select":
            entry[2] = None  # the selected option, else the first
            self._select = entry
        elif tag == "textarea":
            entry[1] = "text"
            self._textarea = entry
        self._current[4].append(entry)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select" and self._select is not None:
            self._select[2] = self._select[2] or ""
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # The parser keeps the newline right after <textarea>, which a browser drops.
            self._textarea[2] = self._textarea[2].removeprefix("\n")
            self._textarea = None


class Fuzzer:
    def __init__(self, app, client, found=None):
        self.app = app
        self.client = client
        self.adapter = app.url_map.bind("localhost")
        self.rules = [
            rule
            for rule in app.url_map.iter_rules()
            if rule.endpoint not in SKIP_ENDPOINTS
            and not rule.endpoint.endswith("static")
            and rule.methods & {"GET", "POST", "PUT"}
        ]
        self.ids = {
            employee_no: db.session.scalar(select(User.id).where(User.employee_no == employee_no))
            for employee_no in ROLES[1:]
        }
        # endpoint -> (query names, form names, file names), from the pages themselves
        self.fields: dict[str, tuple[set, set, set]] = {}
        # endpoint -> the roles whose GET of it succeeded: they get every hostile value
        self.allowed: dict[str, list[str]] = {}
        # (action endpoint, field names) -> (role, page, action, filled): each form posted
        # by a person who was shown it, as it was shown (see `_Forms`)
        self.shown: dict[tuple, tuple] = {}
        self.links: dict[str, set[str]] = {}  # role -> the pages its pages link to
        self.seen: set[tuple[str, str]] = set()  # (role, url) of every page read
        self.failures: list[str] | None = []  # the sweep reports every failure at once
        if found is None:
            self._discover()
        else:
            vars(self).update(found)

    def found(self) -> dict:
        """What the discovery found (and the failures it met), to start another fuzzer from."""
        return {name: getattr(self, name) for name in FOUND}

    def _discover(self):
        for rule in self.rules:
            if "GET" not in rule.methods:
                continue
            values = {arg: 1 for arg in rule.arguments}
            try:
                url = self.adapter.build(rule.endpoint, values)
            except Exception:
                continue
            for role in ROLES:
                response = self._read(role, url)
                if response.status_code < 300:
                    self.allowed.setdefault(rule.endpoint, []).append(role)

    def _read(self, role, url):
        """GET a page as `role` and note its forms and links."""
        self.seen.add((role, url))
        response = self.request(role, "GET", url)
        if response.mimetype != "text/html":
            return response
        parser = _Forms(url)
        parser.feed(response.get_data(as_text=True))
        for method, action, names, files, filled in parser.forms:
            self._note(method, action, names, files)
            if method == "POST" and filled:
                self._keep(role, url, action, filled)
        self.links.setdefault(role, set()).update(parser.links)
        return response

    def follow_links(self, rounds=3, per_endpoint=8):
        """Read the pages the pages link to (`per_endpoint` of each kind, for each role), for
        the forms that only records in some state show: a proposal under review, a round
        open for votes, a competition's rules."""
        for _ in range(rounds):
            for role in ROLES:
                read: dict[str, int] = {}
                for role_, url in self.seen:
                    if role_ == role:
                        endpoint = self._endpoint(url, "GET")
                        read[endpoint] = read.get(endpoint, 0) + 1
                for href in sorted(self.links.get(role, ())):
                    parts = urlsplit(href)
                    if parts.netloc not in ("", "localhost") or (role, href) in self.seen:
                        continue
                    endpoint = self._endpoint(parts.path, "GET")
                    if endpoint is None or endpoint in SKIP_ENDPOINTS:
                        continue
                    if read.get(endpoint, 0) < per_endpoint:
                        read[endpoint] = read.get(endpoint, 0) + 1
                        self._read(role, href)

    def _endpoint(self, url, method):
        try:
            return self.adapter.match(urlsplit(url).path, method=method)[0]
        except HTTPException:
            return None

    def _keep(self, role, page, action, filled):
        try:
            endpoint, _args = self.adapter.match(urlsplit(action).path, method="POST")
        except HTTPException:
            return
        key = (endpoint, tuple(sorted({name for name, _kind, _value in filled})))
        self.shown.setdefault(key, (role, page, action, filled))

    def _note(self, method, action, names, files):
        path = urlsplit(action).path
        try:
            endpoint, _args = self.adapter.match(path, method=method)
        except HTTPException:
            return
        query, form, file_names = self.fields.setdefault(endpoint, (set(), set(), set()))
        (query if method == "GET" else form).update(names)
        file_names.update(files)

    def reset_people(self):
        """Whatever the last request did to the demo accounts, each can act again."""
        db.session.execute(update(User).values(active=True, must_change_password=False))
        db.session.commit()

    def login_as(self, role):
        with self.client.session_transaction() as session:
            session.clear()
            if role != "anonymous":
                user = db.session.get(User, self.ids[role])
                db.session.refresh(user)
                session["_user_id"] = user.get_id()
                session["_fresh"] = True

    def request(self, role, method, url, query=None, form=None, files=None):
        self.login_as(role)
        data = MultiDict(form or {})
        for name, content in (files or {}).items():
            data[name] = (io.BytesIO(content), "upload.bin")
        response = self.client.open(
            url,
            method=method,
            query_string=query or None,
            data=data if method != "GET" else None,
            content_type="multipart/form-data" if files else None,
        )
        response.get_data()  # buffered, so the file a response streams is closed
        response.close()
        db.session.rollback()
        if response.status_code >= 500:
            failure = (
                f"{response.status_code} for {role} {method} {url} query={query!r} "
                f"form={form!r} files={[(k, v[:12]) for k, v in (files or {}).items()]!r}"
            )
            if self.failures is None:
                pytest.fail(failure)
            self.failures.append(failure)
        return response

    def url(self, rule, path_values: dict) -> str | None:
        try:
            return self.adapter.build(rule.endpoint, path_values)
        except Exception:
            return None

    def names(self, rule):
        query, form, files = self.fields.get(rule.endpoint, (set(), set(), set()))
        form = form | set(UNSEEN_FIELDS.get(rule.endpoint, "").split())
        files = files | set(UNSEEN_FILES.get(rule.endpoint, "").split())
        return sorted(set(COMMON_QUERY) | query), sorted(form), sorted(files)


def _path_values(rule, value_for):
    values = {}
    for arg, converter in rule._converters.items():
        values[arg] = value_for(arg, isinstance(converter, IntegerConverter))
    return values


# What a fuzzer learns from the pages before it sends anything.
FOUND = ("fields", "allowed", "shown", "links", "seen", "failures")


@pytest.fixture
def fuzzer(app, client, db, kept_state):
    """A fuzzer that has read every page as every role, on the demo data. The reading takes
    10–30 s, so it is done once per worker and database, and the data as it left it is put
    back for the next fuzz test (`kept_state`)."""

    def discovered():
        load_demo()
        db.session.commit()
        return Fuzzer(app, client).found()

    return Fuzzer(app, client, found=kept_state("fuzzer", discovered))


def _methods(rule):
    return sorted(rule.methods & {"GET", "POST", "PUT"})


def test_every_route_every_role_survives_hostile_values(fuzzer):
    assert len(fuzzer.rules) > 50  # the routes were found
    assert any(form for _q, form, _f in fuzzer.fields.values())  # and the forms
    assert set(UNSEEN_FIELDS) | set(UNSEEN_FILES) <= {rule.endpoint for rule in fuzzer.rules}
    for rule in fuzzer.rules:
        fuzzer.reset_people()
        query_names, form_names, file_names = fuzzer.names(rule)
        # Every value for two roles that may use the route (the most privileged first), one
        # value each for the other roles: they should be turned away whatever they send.
        users = [r for r in reversed(ROLES) if r in fuzzer.allowed.get(rule.endpoint, ())]
        users = users[-2:] if users else ["A0001", "S0001", "O0001"]
        for number, role in enumerate(ROLES):
            values = SWEEP if role in users else [SWEEP[number % len(SWEEP)]]
            for value in values:
                ids = dict.fromkeys(rule.arguments, 1 + number % 2)
                url = fuzzer.url(rule, ids) or fuzzer.url(
                    rule, dict.fromkeys(rule.arguments, value)
                )
                if url is None:
                    continue
                for method in _methods(rule):
                    if method == "GET":
                        fuzzer.request(role, method, url, dict.fromkeys(query_names, value))
                    else:
                        files = {name: FILES[number % len(FILES)] for name in file_names}
                        fuzzer.request(
                            role, method, url, None, dict.fromkeys(form_names, value), files
                        )
        # Ids in the path that no column holds, or that are no numbers at all.
        if rule.arguments:
            for number, raw in enumerate(("2147483648", "99999999999999999999", "²", "0")):
                url = re.sub(r"<[^>]+>", raw, rule.rule)
                for method in _methods(rule):
                    fuzzer.request(ROLES[number % len(ROLES)], method, url)
    assert not fuzzer.failures, f"{len(fuzzer.failures)} requests failed:\n" + "\n".join(
        dict.fromkeys(f[:600] for f in fuzzer.failures)
    )


def _typed(number: int) -> str:
    """What a person typed into the `number`th box: text each page shows back as it was."""
    return f"留着{number}号"


def test_a_nul_in_any_form_field_is_refused_at_that_field_with_the_rest_kept(fuzzer):
    """Pasted text can carry a NUL. In whichever box of whichever form it is, the form comes
    back (4xx, not the bare 400 page that said no more than "a field" and led to an empty
    form) with what was typed in the other boxes still there to correct and send again."""
    fuzzer.follow_links()
    assert len(fuzzer.shown) > 100  # the forms were found, as the pages show them
    failures, tried = [], 0
    for (endpoint, _names), (role, page, action, filled) in sorted(fuzzer.shown.items()):
        boxes = [i for i, (_name, kind, _value) in enumerate(filled) if kind == "text"]
        secrets = [i for i, (_name, kind, _value) in enumerate(filled) if kind == "password"]
        for nul_at in boxes + secrets:
            fuzzer.reset_people()
            sent = [
                (name, _typed(i) if i in boxes else value)
                for i, (name, _kind, value) in enumerate(filled)
            ]
            sent[nul_at] = (sent[nul_at][0], "粘贴的\x00文字")
            response = fuzzer.request(role, "POST", action, form=sent)
            body = response.get_data(as_text=True)
            kept = [_typed(i) for i in boxes if i != nul_at]
            tried += 1
            if (
                400 <= response.status_code < 500
                and 'class="error-box"' not in body
                and all(value in body for value in kept)
            ):
                continue
            if 'class="error-box"' in body and _refused_anyway(fuzzer, role, action, filled):
                continue  # the form cannot be sent now, NUL or not (a closed round, a 403)
            lost = [value for value in kept if value not in body]
            failures.append(
                f"{endpoint} ({role} on {page}): NUL in {sent[nul_at][0]!r} -> "
                f"{response.status_code}{' error page' if 'error-box' in body else ''}"
                f"{f', lost {lost}' if lost else ''}"
            )
    assert tried > 50
    assert not failures, f"{len(failures)} of {tried} forms:\n" + "\n".join(failures)


def _refused_anyway(fuzzer, role, action, filled) -> bool:
    """Whether the form, sent as the page shows it (no NUL), gets an error page too."""
    fuzzer.reset_people()
    sent = [(name, value) for name, _kind, value in filled]
    response = fuzzer.request(role, "POST", action, form=sent)
    return 'class="error-box"' in response.get_data(as_text=True)


value_strategy = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=12),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(str),
)


@st.composite
def requests(draw, fuzzer):
    rule = draw(st.sampled_from(fuzzer.rules))
    role = draw(st.sampled_from(ROLES))
    method = draw(st.sampled_from(_methods(rule)))

    def path_value(arg, is_int):
        if is_int:
            return draw(st.one_of(st.integers(0, 6), st.integers(0, 2**31 - 1)))
        return draw(st.text(min_size=1, max_size=40).filter(lambda s: "/" not in s))

    url = fuzzer.url(rule, _path_values(rule, path_value))
    query_names, form_names, file_names = fuzzer.names(rule)
    names = st.sampled_from(query_names if method == "GET" else (form_names or ["x"]))
    params = draw(st.dictionaries(names, value_strategy, max_size=8))
    files = {}
    if method != "GET" and file_names:
        files = draw(st.dictionaries(st.sampled_from(file_names), st.sampled_from(FILES)))
    return role, method, url, params, files


EXAMPLES = int(os.environ.get("HYPOTHESIS_FUZZ_EXAMPLES", "250"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_parameters_never_crash_a_route(fuzzer, data):
    fuzzer.failures = None  # hypothesis shrinks the first failure
    role, method, url, params, files = data.draw(requests(fuzzer))
    if url is None:
        return
    fuzzer.reset_people()
    if method == "GET":
        fuzzer.request(role, method, url, query=params)
    else:
        fuzzer.request(role, method, url, form=params, files=files)
