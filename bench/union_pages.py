"""How the union's service pages hold up as their tables grow: a growth table.

For each size (1k and 10k by default) the script creates a database of its own (see
bench/_common.py), seeds the safety network as bench/safety_pages.py does (that many hazards,
which the scorecard and the competitions read too) and, at the same size, each service's main
table over the past year, spread over 10 workshops, 40 teams and as many workers: care files,
visits and support, motions, proposals (with their proposers), appeals, the responses to a
survey (4 answers each) and activity ratings, gate checks (with posts, holders and
qualifications), and the records a competition's points come from (adopted proposals,
verified hazards, patrols). It serves them with gunicorn (one sync worker) on loopback and
times each officer's or chairman's page against a truly trivial route, alternately, as the
chairman (B00001: administrator, organizer, care and safety officer); the table shows the
median ratio of the rounds and, in brackets, the lowest and highest, and the SQL statements
each page runs (counted in-process).

    .venv/bin/python bench/union_pages.py                   # SQLite, 1k and 10k
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/wh_bench_union \\
        .venv/bin/python bench/union_pages.py
    .venv/bin/python bench/union_pages.py --pages statistics,scorecard   # only those pages

Targets (those of bench/safety_pages.py): a list and its search <= 4x trivial, a dashboard or
statistics page <= 6x and at most 10 statements, every page flat (its ratio at the largest
size within 1.5x of the ratio at the smallest).
"""

import argparse
import os
import random
import time
import uuid
from datetime import UTC, datetime, timedelta

from _common import (
    _insert,
    bench_app,
    dialect_of,
    growth_row,
    migrate,
    own_database,
    page_figures,
    refresh_statistics,
    seed,
)

LIST, DASHBOARD = 4.0, 6.0
MAX_DASHBOARD_STATEMENTS = 10
PAGES = {
    "care files (active)": ("/care/files", LIST),
    "care files, search": ("/care/files?q=职工12&status=", LIST),
    "care home": ("/care/", DASHBOARD),
    "care statistics": ("/care/stats", DASHBOARD),
    "motions": ("/congress/motions", LIST),
    "motions (assigned)": ("/congress/motions?state=assigned", LIST),
    "congress home": ("/congress/", DASHBOARD),
    "session report": ("/congress/sessions/1/report", DASHBOARD),
    "proposals (all)": ("/proposals/?tab=all", LIST),
    "proposals (adopted)": ("/proposals/?tab=all&status=adopted", LIST),
    "proposals to do": ("/proposals/?tab=todo", LIST),
    "proposal statistics": ("/proposals/stats", DASHBOARD),
    "appeals (open)": ("/appeals/", LIST),
    "appeals (answered)": ("/appeals/?tab=answered", LIST),
    "appeal statistics": ("/appeals/stats", DASHBOARD),
    "surveys": ("/surveys/", LIST),
    "survey results": ("/surveys/1/results", DASHBOARD),
    "activity ratings": ("/surveys/ratings", DASHBOARD),
    "gate report": ("/gate/", DASHBOARD),
    "gate checks": ("/gate/checks", LIST),
    "gate worker": ("/gate/workers/12", LIST),
    "competition board": ("/competitions/{competition}", DASHBOARD),
    "scorecard (建家)": ("/reports/", DASHBOARD),
}
TEAMS = range(11, 51)  # 10 workshops (1-10, from `seed`), 4 teams each


def seed_union(app, size: int, users: int, *, days: int = 365) -> int:
    """The union's records at `size` rows a table (see the docstring); returns the
    competition's activity id. B00001 becomes the chairman."""
    from sqlalchemy import insert, text

    from app.extensions import db
    from app.models import Department, UserRole
    from app.models.activities import Activity, Participation
    from app.models.appeals import Appeal
    from app.models.care import AidRequest, CareFile, CareSupport, CareVisit, HouseholdMember
    from app.models.competitions import CompetitionRule
    from app.models.congress import CongressSession, Delegate, Motion
    from app.models.gate import (
        GateCheck,
        Post,
        PostHolder,
        PostRequirement,
        Qualification,
        QualificationType,
    )
    from app.models.proposals import Proposal, ProposalAuthor
    from app.models.surveys import (
        ActivityRating,
        Survey,
        SurveyAnswer,
        SurveyOption,
        SurveyQuestion,
        SurveyResponse,
    )

    rng = random.Random(11)
    now = datetime.now(UTC)
    today = now.date()

    def moment() -> datetime:
        return now - timedelta(minutes=rng.randrange(60 * 24 * days))

    def worker() -> int:
        return 3 + rng.randrange(users - 2)

    with app.app_context():
        _insert(
            db,
            Department,
            [{"id": i, "name": f"班组{i}", "kind": "team", "parent_id": 1 + i % 10} for i in TEAMS],
        )
        db.session.execute(
            text("UPDATE users SET department_id = 11 + id % 40 WHERE id % 3 = 0 AND id > 2")
        )
        _insert(
            db,
            UserRole,
            [{"user_id": 1, "role": r} for r in ("organizer", "care_officer", "admin")],
        )

        # Care: files of distinct workers (most closed over the years), visits, support.
        files = []
        for i in range(1, min(size, users - 3) + 1):
            opened = today - timedelta(days=rng.randrange(3 * days))
            active = rng.random() < 0.3
            files.append(
                {
                    "id": i,
                    "worker_id": 3 + i,
                    "level": rng.choice(["extreme", "hardship", "temporary"]),
                    "cause": rng.choice(["illness", "disability", "schooling", "other"]),
                    "opened_on": opened,
                    "review_due_on": opened + timedelta(days=365),
                    "status": "active" if active else "exited",
                    "exited_on": None if active else opened + timedelta(days=200),
                }
            )
        _insert(db, CareFile, files)
        _insert(
            db,
            HouseholdMember,
            [
                {"file_id": f["id"], "name": "家属", "relation": "配偶", "monthly_income": 1200}
                for f in files
            ],
        )
        _insert(
            db,
            CareVisit,
            [
                {
                    "file_id": 1 + i % len(files),
                    "visited_on": moment().date(),
                    "visitors": "工会 张三",
                    "amount": 500,
                    "recorded_by_id": 1,
                }
                for i in range(size)
            ],
        )
        _insert(
            db,
            CareSupport,
            [
                {
                    "file_id": 1 + i % len(files),
                    "kind": "money",
                    "given_on": moment().date(),
                    "amount": rng.choice([300, 500, 1000]),
                }
                for i in range(size)
            ],
        )
        _insert(
            db,
            AidRequest,
            [
                {
                    "reporter_id": worker(),
                    "subject_id": worker(),
                    "event_type": "hospital",
                    "happened_on": (at := moment()).date(),
                    "description": "住院",
                    "status": "closed" if at < now - timedelta(days=14) else "reported",
                    "respond_by": at + timedelta(days=2),
                    "acknowledged_at": at + timedelta(days=1),
                    "closed_at": at + timedelta(days=7),
                    "aid_amount": 1000,
                    "created_at": at,
                }
                for _ in range(size // 10)
            ],
        )

        # Congress: this term's session, its delegates and their motions.
        db.session.execute(
            insert(CongressSession),
            [
                {
                    "id": 1,
                    "term_no": 5,
                    "session_no": 1,
                    "title": "五届一次职代会",
                    "starts_on": today - timedelta(days=days),
                    "ends_on": today - timedelta(days=days - 2),
                    "term_ends_on": today + timedelta(days=4 * 365),
                }
            ],
        )
        delegates = list(range(3, min(users, 303)))
        _insert(
            db,
            Delegate,
            [
                {
                    "session_id": 1,
                    "user_id": u,
                    "department_id": 1 + u % 10,
                    "term_starts_on": today - timedelta(days=days),
                    "term_ends_on": today + timedelta(days=4 * 365),
                }
                for u in delegates
            ],
        )
        states = ["submitted", "declined", "suggestion", "assigned", "answered", "closed"]
        _insert(
            db,
            Motion,
            [
                {
                    "session_id": 1,
                    "proposer_id": rng.choice(delegates),
                    "title": f"提案{i} 改善食堂",
                    "reasons": "理由",
                    "measures": "措施",
                    "state": (state := rng.choice(states)),
                    "lead_department_id": 1 + i % 10,
                    "deadline": (at := moment()).date() + timedelta(days=30),
                    "answer_class": "A" if state in ("answered", "closed") else None,
                    "answered_at": at + timedelta(days=20)
                    if state in ("answered", "closed")
                    else None,
                    "rating": "satisfied" if state == "closed" else None,
                    "created_at": at,
                    "submitted_at": at,
                }
                for i in range(size)
            ],
        )

        # Proposals, with their lead proposer; the old ones decided.
        statuses = ["declined", "filed", "adopted", "implemented", "awarded", "trial"]
        proposal_rows, author_rows = [], []
        for i in range(1, size + 1):
            at = moment()
            recent = at > now - timedelta(days=30)
            status = rng.choice(["submitted", "reviewing"]) if recent else rng.choice(statuses)
            author = worker()
            decided = status not in ("submitted", "reviewing")
            proposal_rows.append(
                {
                    "id": i,
                    "title": f"建议{i} 节能降耗",
                    "category": rng.choice(["process", "equipment", "safety", "energy"]),
                    "status": status,
                    "author_id": author,
                    "department_id": 1 + author % 10,
                    "submitted_at": at,
                    "decided_at": at + timedelta(days=10) if decided else None,
                    "decision": {"declined": "decline", "filed": "file", "trial": "trial"}.get(
                        status, "adopt"
                    )
                    if decided
                    else None,
                    "completed_at": at + timedelta(days=20)
                    if status in ("implemented", "awarded")
                    else None,
                    "benefit": 20000 if status in ("implemented", "awarded") else None,
                    "captured_at": at,
                    "created_at": at,
                    "updated_at": at,
                }
            )
            author_rows.append({"proposal_id": i, "user_id": author, "share": 100, "is_lead": True})
        _insert(db, Proposal, proposal_rows)
        _insert(db, ProposalAuthor, author_rows)

        # Appeals: a third anonymous; the old ones answered.
        appeal_rows = []
        for _ in range(size):
            at = moment()
            anonymous = rng.random() < 0.3
            old = at < now - timedelta(days=21)
            status = (
                rng.choice(["answered", "closed"])
                if old
                else rng.choice(["raised", "acknowledged", "investigating", "answered"])
            )
            author = worker()
            appeal_rows.append(
                {
                    "key": uuid.UUID(int=rng.getrandbits(128)).hex,
                    "category": rng.choice(["wages", "hours", "safety", "living"]),
                    "title": "加班费",
                    "details": "说明",
                    "anonymous": anonymous,
                    "author_id": None if anonymous else author,
                    "department_id": 1 + author % 10,
                    "receipt_hash": uuid.UUID(int=rng.getrandbits(128)).hex if anonymous else None,
                    "status": status,
                    "raised_on": at.date(),
                    "raised_at": None if anonymous else at,
                    "acknowledge_by": at.date() + timedelta(days=3),
                    "acknowledged_at": None if status == "raised" else at + timedelta(days=1),
                    "answer": "答复" if status in ("answered", "closed") else "",
                    "answered_at": at + timedelta(days=10)
                    if status in ("answered", "closed")
                    else None,
                    "rating": rng.choice(["satisfied", "partly"]) if status == "closed" else None,
                }
            )
        _insert(db, Appeal, appeal_rows)

        # A closed, anonymous survey of four questions, `size` responses; 50 activities
        # rated `size` times; one competition over the year with a rule for every source.
        db.session.execute(
            insert(Activity),
            [
                {
                    "id": a,
                    "kind": "competition" if a == 1 else "event",
                    "status": "published",
                    "title": "安康杯竞赛" if a == 1 else f"活动{a}",
                    "place": "厂区",
                    "starts_at": (start := now - timedelta(days=days if a == 1 else 7 * a)),
                    "ends_at": now + timedelta(days=30) if a == 1 else start + timedelta(hours=2),
                    "signup_opens_at": start - timedelta(days=7),
                    "signup_closes_at": start,
                    "cancel_deadline": start,
                    "competition_mode": "individual" if a == 1 else None,
                    "organizer_id": 1,
                }
                for a in range(1, 51)
            ],
        )
        _insert(
            db,
            CompetitionRule,
            [
                {"activity_id": 1, "source": s, "points": p}
                for s, p in (
                    ("proposal_adopted", 5),
                    ("proposal_benefit", 1),
                    ("hazard_verified", 2),
                    ("patrol_on_plan", 1),
                )
            ],
        )
        raters = rng.sample(range(3, users + 1), min(size, users - 3))
        _insert(
            db,
            Participation,
            [
                {
                    "activity_id": 2 + i % 49,
                    "user_id": u,
                    "status": "confirmed",
                    "checked_in_at": now - timedelta(days=7 * (2 + i % 49)),
                }
                for i, u in enumerate(raters)
            ],
        )
        _insert(
            db,
            ActivityRating,
            [
                {
                    "activity_id": 2 + i % 49,
                    "user_id": u,
                    "stars": rng.choice([3, 4, 4, 5, 5]),
                    "comment": "很好" if i % 5 == 0 else "",
                    "rated_at": now - timedelta(days=7 * (2 + i % 49) - 1),
                }
                for i, u in enumerate(raters)
            ],
        )
        db.session.execute(
            insert(Survey),
            [
                {
                    "id": 1,
                    "title": "职工满意度调查",
                    "anonymous": True,
                    "opens_at": now - timedelta(days=60),
                    "closes_at": now - timedelta(days=1),
                    "is_satisfaction": True,
                    "created_by_id": 1,
                }
            ],
        )
        kinds = ["single", "multiple", "scale", "text"]
        _insert(
            db,
            SurveyQuestion,
            [
                {"id": q, "survey_id": 1, "position": q, "kind": kinds[q - 1], "text": f"问题{q}"}
                for q in range(1, 5)
            ],
        )
        _insert(
            db,
            SurveyOption,
            [
                {"id": 10 * q + o, "question_id": q, "position": o, "label": f"选项{o}"}
                for q in (1, 2)
                for o in range(1, 5)
            ],
        )
        responses, answers = [], []
        for _ in range(size):
            key = uuid.UUID(int=rng.getrandbits(128)).hex
            responses.append({"id": key, "survey_id": 1})
            for q, option, value, words in (
                (1, 10 + rng.randrange(1, 5), None, ""),
                (2, 20 + rng.randrange(1, 5), None, ""),
                (3, None, rng.randrange(1, 6), ""),
                (4, None, None, "希望改善食堂" if rng.random() < 0.2 else ""),
            ):
                answers.append(
                    {
                        "id": uuid.UUID(int=rng.getrandbits(128)).hex,
                        "survey_id": 1,
                        "response_id": key,
                        "question_id": q,
                        "option_id": option,
                        "value": value,
                        "text": words,
                    }
                )
        _insert(db, SurveyResponse, responses)
        _insert(db, SurveyAnswer, answers)

        # The gate: 10 qualification types, 5 posts a workshop each requiring one, every
        # worker holding a post and most holding its qualification; `size` checks.
        _insert(
            db,
            QualificationType,
            [
                {"id": t, "name": f"资格{t}", "is_safety": t == 1, "validity_months": 36}
                for t in range(1, 11)
            ],
        )
        _insert(
            db,
            Post,
            [{"id": p, "department_id": 1 + p % 10, "name": f"岗位{p}"} for p in range(1, 51)],
        )
        _insert(db, PostRequirement, [{"post_id": p, "type_id": 1 + p % 10} for p in range(1, 51)])
        _insert(
            db,
            PostHolder,
            [{"post_id": 1 + u % 50, "user_id": u} for u in range(3, users + 1)],
        )
        _insert(
            db,
            Qualification,
            [
                {
                    "user_id": u,
                    "type_id": 1 + (u % 50) % 10,
                    "source": "certificate",
                    "issued_on": (issued := today - timedelta(days=rng.randrange(3 * days))),
                    "valid_until": issued + timedelta(days=3 * 365),
                }
                for u in range(3, users + 1)
                if u % 7
            ],
        )
        _insert(
            db,
            GateCheck,
            [
                {
                    "checker_id": 2 + i % 200,
                    "worker_id": (u := worker()),
                    "post_id": 1 + u % 50,
                    "result": "allowed" if u % 7 else "refused",
                    "method": "code",
                    "captured_at": (at := moment()),
                    "received_at": at,
                }
                for i in range(size)
            ],
        )
        if db.engine.dialect.name == "postgresql":
            for table in ("care_files", "proposals", "activities", "surveys", "posts"):
                db.session.execute(
                    text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )
        db.session.commit()
        db.engine.dispose()
    return 1


def measure(size: int, rounds: int, runs: int, pages: dict) -> dict:
    with own_database(f"union{size}") as url:
        app = bench_app(url)
        migrate(app)
        started = time.perf_counter()
        users = max(size, 1000)
        seed(app, size, size // 5, users)
        competition = seed_union(app, size, users)
        refresh_statistics(url)
        seeded = time.perf_counter() - started
        paths = {label: path.format(competition=competition) for label, (path, _) in pages.items()}
        figures, trivial = page_figures(url, paths, rounds, runs)
        print(f"  {size:>7} rows a table seeded in {seeded:.0f} s; trivial route {trivial:.2f} ms")
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated row counts, e.g. 1000,100000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5, help="requests per page per round")
    parser.add_argument(
        "--pages", help="only the pages whose label contains one of these (comma-separated)"
    )
    args = parser.parse_args()
    wanted = args.pages.split(",") if args.pages else [""]
    pages = {k: v for k, v in PAGES.items() if any(w in k for w in wanted)}
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [1000, 10_000]
    server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or "sqlite"
    print(f"database: {dialect_of(server)}; {args.rounds} rounds of {args.runs} requests a page")
    results = {size: measure(size, args.rounds, args.runs, pages) for size in sizes}

    header = f"{'page (x trivial GET)':<24}" + "".join(f"{s:>22,}" for s in sizes)
    print(f"\n{header}   statements   target")
    for label, (_path, target) in pages.items():
        limit = MAX_DASHBOARD_STATEMENTS if target == DASHBOARD else None
        print(growth_row(label, results, sizes, target, limit, width=24))


if __name__ == "__main__":
    main()
