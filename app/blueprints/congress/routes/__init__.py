"""The congress pages: overview and sessions, motions, evaluations, notices."""

from . import evaluations, motions, notices, sessions  # noqa: F401
