"""What the proposal services share beyond reading input (`app.services.inputs`)."""


def workshop_of(user) -> int | None:
    """The workshop (top department) a person belongs to: where their proposals count."""
    department = user.department
    if department is None:
        return None
    return department.parent_id or department.id
