"""The library's writes: documents and their versions, read confirmations, questions, the
daily question and exams. Each flushes, never commits, and raises the shared errors."""

from .documents import confirm_read, publish_document, revise_document
from .study import (
    add_bank,
    add_exam,
    add_question,
    answer_daily,
    daily_question,
    start_attempt,
    submit_attempt,
)

__all__ = [
    "add_bank",
    "add_exam",
    "add_question",
    "answer_daily",
    "confirm_read",
    "daily_question",
    "publish_document",
    "revise_document",
    "start_attempt",
    "submit_attempt",
]
