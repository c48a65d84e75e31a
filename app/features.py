"""The registries through which a feature wires itself into the app.

Every feature package has a blueprint (`feature_blueprint`) and an `init_app(app)` (see
`app/blueprints/README.md`). It registers its blueprint with `register_feature`, which hands
the registries to each module of the feature that brings something, through that module's
`register(reg)`:

    bp = feature_blueprint("care", __name__, static=True)

    def init_app(app):
        reg = register_feature(app, bp, cards, offline, sync, jobs, demo, figures,
                               url_prefix="/care", audit=AUDIT_LABELS)  # the audit log's words
        reg.nav(NavItem("care.index", _l("Care"), "heart", prefix="/care", roles=...))

    # and in the modules, each in its own register(reg):
        reg.cards(care_cards)                     # home-page cards: provider(user) -> [Card]
        reg.offline(care_kit)                     # the field kit: provider(user) -> [url]
        reg.sync_kind("care_visit", sync_visit, attach_photo=attach_visit_photo)
        reg.daily_job("care.reminders", remind)
        reg.demo(load)                            # loader(ctx: DemoContext) -> [login rows]
        reg.figure("care", "visit_coverage", _l("Visit coverage"), visit_coverage,
                   link=visit_coverage_link, unit="percent")   # the 建家 scorecard
        reg.renewals(exams_issuing)               # (user, {type id: name}) -> {type id: Renewal}

The hubs (home page, navigation, field-kit manifest, demo, `/sync`, the daily jobs) read
these registries and never import a feature by name. The registries live on the app, not in
the process, so a test app can add a kind of its own without touching any other app.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask import Blueprint, Flask, current_app, url_for

EXTENSION_KEY = "workers_home.features"


@dataclass(frozen=True)
class NavItem:
    """An entry of the bottom bar; shown to users that have one of `roles` (None: everyone)."""

    endpoint: str
    label: object
    icon: str
    roles: frozenset | None = None
    prefix: str = ""  # URL prefix that marks the item as current
    badge: Callable[[object], int] | None = None  # a count shown on the item, e.g. unread
    order: int = 50  # position in the bar: lower comes first

    def allowed(self, user) -> bool:
        return self.roles is None or user.has_role(*self.roles)


@dataclass(frozen=True)
class KindHandler:
    """How one outbox record kind is saved: `handle(user, item) -> HandlerResult`."""

    handle: Callable
    # Called when a photo's bytes arrive: attach_photo(user, obj, photo: SyncPhoto), where
    # `photo.image` is the stored picture (`app.storage.StoredImage`: sha256, width, height).
    attach_photo: Callable | None = None
    # For kinds a phone sends many of at once: handle_many(user, items) -> one outcome per
    # item, a HandlerResult or the ValidationFailed that refused it, writing the valid ones
    # together. The sync endpoint hands it runs of new records of this kind in one savepoint.
    handle_many: Callable | None = None


@dataclass(frozen=True)
class Renewal:
    """A way a person can renew a qualification by themselves now (an exam they may take):
    what it is called and where it is taken. The card of an expiring qualification points
    to it, beside the refresher trainings."""

    title: str
    url: str


@dataclass
class DemoContext:
    """What a feature's demo loader gets: the demo departments and people made before it."""

    departments: dict  # "Workshop" or "Workshop/Team" -> Department
    password: str  # the demo accounts' password
    people: list[str]  # employee numbers of the demo accounts, one per role
    # The hash of `password`, made once for every demo account (it takes a while to make).
    password_hash: str | None = field(default=None, repr=False)

    def person(self, employee_no: str, name: str, path: str, roles=()):
        """The demo account `employee_no`, made when missing: a member of the department at
        `path` ("Workshop" or "Workshop/Team") with `roles` and the demo password, which
        need not be changed. An account that is there already is left as it is."""
        from app.models import User
        from app.services.users import create_user

        user = User.by_employee_no(employee_no)
        if user is None:
            user = create_user(
                employee_no=employee_no,
                name=name,
                password=self.password,
                password_hash=self.password_hash,
                roles=roles,
                department=self.departments[path],
                must_change_password=False,
                check_rules=False,  # the demo password is printed for all to see
            )
            self.password_hash = user.password_hash
        return user


@dataclass(frozen=True)
class Figure:
    """One figure of the chairman's 建家 scorecard (`/reports`).

    `compute(year, month, department) -> number | None`: the figure for a calendar year, or
    one month of it (`month` None: the whole year), for one department (a workshop includes
    its teams; None: the whole union). `link(year, month, department) -> url` opens the list
    the figure counts; or `rows(year, month, department) -> [app.scorecard.Row]` gives that
    list, which the scorecard shows on a page of its own, and the figure is computed from
    it. `unit`: "count", "percent" (0–100), "score" (a mean) or "yuan". `compute` may
    answer a text instead of a number when the number is withheld (a suppressed small
    count). `readers(user) -> bool`, when given, narrows who sees the figure and its rows
    below the scorecard's own readers; `row_readers(user) -> bool`, who of them may read the
    rows themselves (the cases): the others get only how many rows count and how many not.
    """

    area: str
    key: str
    label: object
    compute: Callable
    link: Callable | None = None
    unit: str = "count"
    order: int = 50
    rows: Callable | None = None
    note: object = None  # said under the figure, e.g. why it has no department breakdown
    readers: Callable | None = None
    row_readers: Callable | None = None


# The scorecard's areas, in the order the report shows them (a feature names one of these).
FIGURE_AREAS = (
    "participation",
    "satisfaction",
    "safety",
    "democracy",
    "care",
    "proposals",
    "rights",
)


@dataclass
class Registry:
    nav_items: list[NavItem] = field(default_factory=list)
    card_providers: list[tuple[int, Callable]] = field(default_factory=list)
    offline_providers: list[Callable] = field(default_factory=list)
    offline_stamps: list[Callable] = field(default_factory=list)
    sync_kinds: dict[str, KindHandler] = field(default_factory=dict)
    daily_jobs: dict[str, Callable] = field(default_factory=dict)
    demo_loaders: list[Callable] = field(default_factory=list)
    audit_labels: dict[str, object] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    renewal_providers: list[Callable] = field(default_factory=list)

    def nav(self, item: NavItem) -> None:
        self.nav_items.append(item)
        self.nav_items.sort(key=lambda entry: entry.order)

    def cards(self, provider: Callable, order: int = 50) -> None:
        """`provider(user) -> list[dict]`: title, body, url, count (optional), tone;
        `outbox_done` (optional): (kind, match), the card is hidden on a phone whose outbox
        holds records of `kind` about every subject of `match` ("survey_id=3 5": outbox.js)."""
        self.card_providers.append((order, provider))
        self.card_providers.sort(key=lambda entry: entry[0])

    def offline(
        self,
        provider: Callable[[object], Iterable[str]],
        stamp: Callable[[object], str] | None = None,
    ) -> None:
        """`provider(user) -> urls` this user needs on the floor (their field kit).

        `stamp(user) -> str` (optional) changes whenever what those pages show changes (a
        hazard's new step, a revised checklist): the kit's version mixes it in, so phones
        fetch the kit again. The URLs alone already change the version when pages come or go.
        """
        self.offline_providers.append(provider)
        if stamp is not None:
            self.offline_stamps.append(stamp)

    def sync_kind(
        self,
        kind: str,
        handle: Callable,
        attach_photo: Callable | None = None,
        handle_many: Callable | None = None,
    ) -> None:
        if kind in self.sync_kinds:
            raise ValueError(f"sync kind {kind!r} is registered twice")
        self.sync_kinds[kind] = KindHandler(handle, attach_photo, handle_many)

    def daily_job(self, name: str, func: Callable[[], object]) -> None:
        """Run `func()` once a day (08:00 on the union's clock); each job gets its own
        transaction."""
        self.daily_jobs[name] = func

    def audit_actions(self, labels: dict) -> None:
        """How the audit log names this feature's actions: {"hazard.reported": _l("…")}."""
        self.audit_labels.update(labels)

    def figure(
        self,
        area: str,
        key: str,
        label,
        compute: Callable | None = None,
        link: Callable | None = None,
        unit: str = "count",
        order: int = 50,
        rows: Callable | None = None,
        note=None,
        readers: Callable | None = None,
        row_readers: Callable | None = None,
    ) -> None:
        """A figure of the 建家 scorecard (see `Figure`), in one of `FIGURE_AREAS`."""
        if area not in FIGURE_AREAS:
            raise ValueError(f"unknown scorecard area {area!r}")
        if any(f.area == area and f.key == key for f in self.figures):
            raise ValueError(f"figure {area}.{key} is registered twice")
        if compute is None:
            if rows is None:
                raise ValueError(f"figure {area}.{key} needs compute or rows")
            from app.scorecard import value

            def compute(year, month, department, rows=rows, unit=unit):
                return value(rows(year, month, department), unit)

        self.figures.append(
            Figure(
                area,
                key,
                label,
                compute,
                link,
                unit,
                order,
                rows=rows,
                note=note,
                readers=readers,
                row_readers=row_readers,
            )
        )
        self.figures.sort(key=lambda f: (FIGURE_AREAS.index(f.area), f.order))

    def demo(self, loader: Callable[[DemoContext], list]) -> None:
        """`loader(ctx) -> [(employee_no, password, name, roles)]`, run in registration order."""
        self.demo_loaders.append(loader)

    def renewals(self, provider: Callable) -> None:
        """`provider(user, types) -> {type_id: Renewal}`: for the qualification types `types`
        ({id: name}), the way `user` may take now to renew each one it can renew, in one
        statement for all of them (see `ways_to_renew`)."""
        self.renewal_providers.append(provider)


def feature_blueprint(name: str, import_name: str, *, static: bool = False) -> Blueprint:
    """A feature's blueprint: its templates in its `templates/` folder and, with `static`,
    its own CSS and scripts in `static/`, served below the feature's URL prefix at `/static`
    (`url_for("<name>.static", filename=…)`; the offline kit caches them)."""
    if static:
        return Blueprint(
            name,
            import_name,
            template_folder="templates",
            static_folder="static",
            static_url_path="/static",
        )
    return Blueprint(name, import_name, template_folder="templates")


def register_feature(
    app: Flask, bp: Blueprint, *parts, url_prefix: str | None = None, audit: dict | None = None
) -> Registry:
    """Register a feature's blueprint on `app`, then each of its `parts`: modules of the
    feature (cards, demo, figures, jobs, offline, sync) whose `register(reg)` tells the
    registries what that module brings, so the wiring sits beside what it wires. `audit`:
    the audit log's words for the feature's actions. Returns the registries, for what the
    feature's `init_app` adds itself (a bottom-bar item)."""
    app.register_blueprint(bp, url_prefix=url_prefix)
    reg = registry(app)
    for part in parts:
        part.register(reg)
    if audit:
        reg.audit_actions(audit)
    return reg


def pages(*endpoints: str) -> Callable[[object], list[str]]:
    """An offline provider for pages that take no parameters."""

    def provider(user) -> list[str]:
        return [url_for(endpoint) for endpoint in endpoints]

    return provider


def ways_to_renew(user, types: dict[int, str]) -> dict[int, Renewal]:
    """For each qualification type of `types` ({id: name}) that `user` can renew by
    themselves now, one way: the first that the features registered offers."""
    found: dict[int, Renewal] = {}
    for provider in registry().renewal_providers if types else ():
        for type_id, way in provider(user, types).items():
            found.setdefault(type_id, way)
    return found


def init_app(app: Flask) -> Registry:
    return app.extensions.setdefault(EXTENSION_KEY, Registry())


def registry(app: Flask | None = None) -> Registry:
    """The registries of `app` (default: the current app)."""
    app = app or current_app
    return app.extensions[EXTENSION_KEY]
