"""The library's one way to the posts (岗位) of the qualification gate: which posts exist,
who holds which, and which teams a person leads. Nothing else here knows the gate's models."""


def all_posts() -> list:
    """(id, name) of every post a procedure can be tied to."""
    return []


def post_ids_of(user) -> list[int]:
    """The posts `user` holds."""
    return []


def holders_of(post_ids) -> list:
    """The active users that hold one of `post_ids`."""
    return []


def led_team_ids(user) -> list[int]:
    """The departments whose team leader `user` is."""
    return []


def demo_posts_for(title: str) -> list[str]:
    """The demo posts (by name) whose workers must read a demo document."""
    return []
