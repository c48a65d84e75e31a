"""The library pages: rules and procedures (documents.py), study and exams (study.py)."""

from . import documents, study  # noqa: F401
