from . import check, manage, people, worker  # noqa: F401  (each attaches its views to bp)
