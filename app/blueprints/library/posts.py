"""The library's one way to the posts (岗位) of the qualification gate: which posts exist,
who holds which. Nothing else here knows the gate's models (the teams a person leads are
the foundation's: app/services/departments.py)."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Department, User
from app.models.gate import Post, PostHolder
from app.services.departments import held_posts_statement


def all_posts() -> list[tuple[int, str]]:
    """(id, "department · post") of every active post a procedure can be tied to."""
    rows = db.session.execute(
        select(Post.id, Post.name, Department.name)
        .join(Department, Department.id == Post.department_id)
        .where(Post.active.is_(True))
        .order_by(Department.name, Post.name)
    )
    return [(post_id, f"{department} · {name}") for post_id, name, department in rows]


def post_ids_of(user) -> list[int]:
    """The active posts `user` holds."""
    return list(db.session.scalars(held_posts_statement(), {"user_id": user.id}))


def department_post_ids(department_ids) -> list[int]:
    """The active posts of `department_ids`."""
    if not department_ids:
        return []
    return list(
        db.session.scalars(
            select(Post.id).where(Post.department_id.in_(department_ids), Post.active.is_(True))
        )
    )


def holders_of(post_ids) -> list[User]:
    """The active users that hold one of `post_ids`."""
    post_ids = list(post_ids)
    if not post_ids:
        return []
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.active.is_(True),
                User.id.in_(select(PostHolder.user_id).where(PostHolder.post_id.in_(post_ids))),
            )
            .options(joinedload(User.department))
        )
    )


# The demo documents' posts: (document title, department path, post name, holders when the
# gate's demo has not made that post). 车工 and 电工 are the gate's demo posts.
DEMO_POSTS = [
    ("数控车床安全操作规程", "机加工车间/车工班", "车工", ["P0001", "P0007"]),
    ("吊装作业安全操作规程", "装配车间/总装一班", "起重工", ["P0003"]),
    ("10kV配电室倒闸操作规程", "动力车间/电工班", "电工", ["P0005", "P0006"]),
]


def demo_post_ids(departments: dict, title: str) -> list[int]:
    """The demo posts of a demo document: the gate's demo post of that name in that team,
    or a new one held by the demo workers of that team (when the gate brought none)."""
    ids = []
    for doc_title, path, name, holders in DEMO_POSTS:
        department = departments.get(path)
        if doc_title != title or department is None:
            continue
        post = db.session.scalar(
            select(Post).where(Post.department_id == department.id, Post.name == name)
        )
        if post is None:
            post = Post(department_id=department.id, name=name, active=True)
            db.session.add(post)
            db.session.flush()
            for employee_no in holders:
                user = User.by_employee_no(employee_no)
                if user is not None:
                    db.session.add(PostHolder(post_id=post.id, user_id=user.id))
            db.session.flush()
        ids.append(post.id)
    return ids
